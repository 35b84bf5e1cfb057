// Commerce metadata end to end (issue 4 "What it must show" 1, at 10 cuts): a real
// three-camera show → MetadataStage → RtmpPublisher → real nginx-rtmp → ffmpeg reads
// the stream back into an FLV file → FlvReader + the independent SEI reader
// (test/support/seiReader.ts). Each product message taken together with a cut must be
// in the access unit of the cut's programme frame (0 frames offset), and every
// keyframe must repeat the current state.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stopsAfterEach } from '../../../../test/support/cleanups';
import { benchShow, benchStudio, CAMERA_COLOURS, sleep, waitFor } from '../../../../bench/support';
import { startNginxRtmp } from '../../../../test/support/nginxRtmp';
import { classifyIdentity, startProgramReader } from '../../../../test/support/programReader';
import { readAccessUnitSei } from '../../../../test/support/seiReader';
import { rtmpCapture } from '../../../../test/support/streamProbe';
import type { CommerceMetadata } from '../../../shared/commerceMetadata';
import { createMemoryLogger } from '../logger';
import { RtmpPublisher } from '../outputs/rtmp/rtmpPublisher';
import { AVC_NALU, FlvReader, type FlvVideoTag } from './flvTags';
import { MetadataStage } from './metadataStage';
import { CUECAST_SEI_UUID } from './seiWriter';

const CUTS = 10;
const cleanups = stopsAfterEach();

const OUR_UUID = [...CUECAST_SEI_UUID.toString('hex').matchAll(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/g)][0]!.slice(1).join('-');

function productMessage(i: number, source: string): CommerceMetadata {
  return {
    v: 1,
    show: 'int-test',
    kind: 'product',
    product: { id: `p-${i}`, sku: `SKU-${i}`, title: `Product ${i}`, price: 10 + i, promoPrice: 9 + i, currency: 'EUR', stock: 100 - i },
    program: { source },
    wallTimeMs: Date.now(),
    frame: 0,
  };
}

describe('MetadataStage through nginx-rtmp', () => {
  it('puts each product SEI on the first frame of its cut and repeats the state on keyframes', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cuecast-sei-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const nginx = await startNginxRtmp();
    cleanups.push(() => nginx.stop());
    const { studio, dataDir } = await benchStudio(benchShow({ width: 640, height: 360, fps: 30 }));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    cleanups.push(() => studio.dispose());
    await waitFor(() => studio.snapshot().sources.every((s) => s.state === 'live'), 20_000, 'three live cameras');

    // Programme frame number of every coded video frame, by its timestamp (bench/cutAccuracy.ts).
    const frameByDts = new Map<number, number>();
    const keyframes = new Set<number>();
    cleanups.push(
      studio.pipeline.encoder.addSink({
        onConfig: () => undefined,
        onFrame: (f) => {
          if (f.type !== 'video') return;
          frameByDts.set(Math.round(f.dtsMs), f.frame);
          if (f.keyframe) keyframes.add(f.frame);
        },
      }),
    );
    const stage = new MetadataStage();
    cleanups.push(studio.pipeline.encoder.addSink(stage));
    const publisher = new RtmpPublisher({ name: 'nginx', url: nginx.url, streamKey: 'sei', logger: createMemoryLogger() });
    cleanups.push(() => publisher.stop());
    stage.addSink(publisher);
    publisher.start();
    await waitFor(() => publisher.state === 'live', 15_000, 'publisher live on nginx');

    const file = path.join(dir, 'got.flv');
    const capture = rtmpCapture(`${nginx.url}/sei`, file);
    cleanups.push(() => capture.stop({ graceMs: 2000 }));
    capture.start();
    await nginx.waitForPlayer('sei', 15_000);
    // Let the capture reach a keyframe before the first scripted change.
    await sleep(3000);

    const salesFrame = studio.pipeline.clock.upcomingFrame;
    stage.schedule({ v: 1, kind: 'sales', sales: { orders: 7, units: 9, gmv: 123.5, currency: 'EUR' }, wallTimeMs: Date.now(), frame: 0 }, salesFrame);
    const cuts: { frame: number; id: string; camera: number; previous: number }[] = [];
    let onAir = 0;
    for (let i = 0; i < CUTS; i++) {
      // Land commands at arbitrary points inside frame intervals.
      await sleep(250 + Math.random() * 350);
      const camera = (onAir + 1 + (i % 2)) % 3;
      const input = `src-${camera + 1}`;
      const { frame } = (await studio.request('switcher:cut', { input })) as { frame: number };
      stage.schedule(productMessage(i, input), frame);
      cuts.push({ frame, id: `p-${i}`, camera, previous: onAir });
      onAir = camera;
    }
    // Past at least one more keyframe (GOP 2 s) after the last cut.
    await sleep(2500);
    await capture.stop({ graceMs: 3000 });
    const origin = publisher.timelineOriginMs;
    expect(origin).not.toBeNull();

    const tags = new FlvReader().push(readFileSync(file));
    const video = tags.filter((t): t is FlvVideoTag => t.kind === 'video' && t.packetType === AVC_NALU);
    expect(video.length).toBeGreaterThan(150);
    // Programme frame → decoded messages in that access unit, as a platform reads them.
    const received = new Map<number, { keyframe: boolean; messages: CommerceMetadata[] }>();
    let unmapped = 0;
    for (const tag of video) {
      const frame = frameByDts.get(Math.round(tag.timestampMs + origin!));
      if (frame === undefined) {
        unmapped++;
        continue;
      }
      const seis = readAccessUnitSei(tag.body, 'h264', tag.nalLengthSize).seis.filter((s) => s.uuid === OUR_UUID);
      received.set(frame, { keyframe: tag.keyframe, messages: seis.map((s) => JSON.parse(s.payload.toString('utf8')) as CommerceMetadata) });
    }
    expect(unmapped).toBe(0);

    // 1. Every product message is in the access unit of its cut's frame: 0 frames offset.
    for (const cut of cuts) {
      const au = received.get(cut.frame);
      expect(au, `access unit of cut frame ${cut.frame}`).toBeDefined();
      const mine = au!.messages.filter((m) => m.kind === 'product' && m.frame === cut.frame);
      expect(mine.map((m) => m.product?.id), `SEI at frame ${cut.frame}`).toEqual([cut.id]);
    }
    // ...and new messages appear nowhere else (other occurrences are keyframe repeats).
    for (const [frame, au] of received) {
      for (const m of au.messages) {
        if (m.frame !== frame) expect(au.keyframe, `message of frame ${m.frame} repeated on non-keyframe ${frame}`).toBe(true);
      }
    }
    expect(stage.stats()).toMatchObject({ late: 0, dropped: 0 });

    // 2. Keyframes after the first change carry the current state: the latest product and sales.
    let checkedKeyframes = 0;
    for (const [frame, au] of received) {
      if (!au.keyframe || frame <= cuts[0]!.frame) continue;
      expect(keyframes.has(frame)).toBe(true);
      const latest = cuts.filter((c) => c.frame <= frame).at(-1)!;
      const products = au.messages.filter((m) => m.kind === 'product');
      expect(products.map((m) => m.product?.id), `state on keyframe ${frame}`).toEqual([latest.id]);
      expect(au.messages.filter((m) => m.kind === 'sales').map((m) => m.frame)).toEqual([salesFrame]);
      checkedKeyframes++;
    }
    expect(checkedKeyframes).toBeGreaterThanOrEqual(2);

    // 3. The picture of the access unit that carries each product is the new camera's, the one before the old camera's.
    const reader = startProgramReader({ url: file, width: 640, height: 360 });
    cleanups.push(() => reader.stop());
    // The file ends, so decoding ends: wait until no frame has come for a second.
    let seen = -1;
    let since = performance.now();
    await waitFor(() => {
      if (reader.frames.length !== seen) {
        seen = reader.frames.length;
        since = performance.now();
      }
      return seen > 0 && performance.now() - since > 1000;
    }, 30_000, 'the captured file to decode').catch((err: Error) => {
      throw new Error(`${err.message}; decoded ${reader.frames.length} of ${video.length}: ${reader.stderrTail().slice(-400)}`);
    });
    // ffmpeg's decoded timestamps of a file need not be the tags' (its demuxer may shift
    // them), so pair decoded frames with tags by order — a decoder only drops leading
    // frames it cannot decode — and check the pairing against the frame intervals.
    const skipped = video.length - reader.frames.length;
    expect(skipped).toBeGreaterThanOrEqual(0);
    const cameraAt = new Map<number, number>();
    reader.frames.forEach((f, i) => {
      const tag = video[i + skipped]!;
      expect(Math.abs(f.ptsMs - reader.frames[0]!.ptsMs - (tag.timestampMs - video[skipped]!.timestampMs))).toBeLessThanOrEqual(1);
      const frame = frameByDts.get(Math.round(tag.timestampMs + origin!));
      if (frame !== undefined) cameraAt.set(frame, classifyIdentity(f.identity, CAMERA_COLOURS));
    });
    // ffmpeg may not decode the capture's first GOP: judge the cuts whose frames it decoded.
    const judged = cuts.filter((c) => cameraAt.has(c.frame - 1) && cameraAt.has(c.frame));
    expect(judged.length).toBeGreaterThanOrEqual(CUTS - 2);
    for (const cut of judged) {
      expect([cameraAt.get(cut.frame - 1), cameraAt.get(cut.frame)], `cameras around cut frame ${cut.frame}`).toEqual([cut.previous, cut.camera]);
    }
  }, 90_000);
});
