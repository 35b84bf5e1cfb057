// Issue 4, figure 1: product changes tied to cuts, through a real nginx-rtmp. Each
// change goes in with `metadata:send {cut}`; the stream is read back from the server
// twice, independently: once decoded to pixels (which camera is on each frame) and
// once by the probe (which access unit carries each SEI, with its own parsers). Every
// SEI must sit on the first frame showing its new camera, and every keyframe must
// repeat the current product for late joiners.
import type { CommerceMetadata } from '../src/shared/commerceMetadata';
import { createMemoryLogger } from '../src/main/engine/logger';
import { RtmpPublisher } from '../src/main/engine/outputs/rtmp/rtmpPublisher';
import { probeMetadata, type ProbeMessage } from '../src/main/studio/metadataProbe';
import { startNginxRtmp } from '../test/support/nginxRtmp';
import { classifyIdentity, startProgramReader } from '../test/support/programReader';
import { benchShow, benchStudio, CAMERA_COLOURS, sleep, waitFor } from './support';

export interface MetadataCutsResult {
  readonly changes: number;
  /** Changes whose SEI the probe found in the stream read back from the ingest. */
  readonly found: number;
  /** Per change: programme frame of the access unit carrying its SEI minus the first frame showing its camera. */
  readonly frameOffsets: readonly number[];
  readonly offFrameCount: number;
  readonly keyframes: number;
  /** Keyframes (after the first change) carrying the product then current. */
  readonly keyframesWithCurrentProduct: number;
  readonly decodedFrames: number;
}

export async function runMetadataCuts(options: { changes: number; width?: number; height?: number }): Promise<MetadataCutsResult> {
  const canvas = { width: options.width ?? 1280, height: options.height ?? 720, fps: 30 } as const;
  const nginx = await startNginxRtmp();
  const { studio } = await benchStudio({ ...benchShow(canvas), encoder: { ...benchShow(canvas).encoder, keyframeIntervalSec: 1 } });
  const publisher = new RtmpPublisher({ name: 'bench nginx', url: nginx.url, streamKey: 'meta', logger: createMemoryLogger() });
  let reader: ReturnType<typeof startProgramReader> | null = null;
  let probe: Promise<unknown> | null = null;
  try {
    await waitFor(() => studio.snapshot().sources.every((s) => s.state === 'live'), 20_000, 'three live cameras');
    // The access units as they leave the mux stage: programme frame by decode time.
    const frameByDts = new Map<number, number>();
    const keyframeFrames: number[] = [];
    studio.metadata.addSink({
      onConfig: () => undefined,
      onFrame: (f) => {
        if (f.type !== 'video') return;
        frameByDts.set(f.dtsMs, f.frame);
        if (f.keyframe) keyframeFrames.push(f.frame);
      },
    });
    studio.metadata.addSink(publisher);
    publisher.start();
    await waitFor(() => publisher.state === 'live', 15_000, 'publisher live on nginx');
    const url = `${nginx.url}/meta`;
    reader = startProgramReader({ url, width: canvas.width, height: canvas.height });
    const messages: ProbeMessage[] = [];
    const seconds = Math.ceil(options.changes * 0.55) + 12;
    probe = probeMetadata({ input: url, seconds, onMessage: (m) => messages.push(m) }).catch((err: Error) => err);
    const r = reader;
    await waitFor(() => r.frames.length >= canvas.fps, 20_000, 'the reader to decode a second of programme');
    await sleep(1000);

    const sent: { frame: number; camera: number; sku: string }[] = [];
    let onAir = 0;
    for (let i = 0; i < options.changes; i++) {
      await sleep(250 + Math.random() * 300);
      const camera = (onAir + 1 + (i % 2)) % 3;
      const sku = `SKU-${i + 1}`;
      const product = { id: `p${i + 1}`, sku, title: `Ring ${i + 1}`, price: 100 + i, currency: 'EUR' };
      const { frame } = (await studio.request('metadata:send', { kind: 'product', product, cut: `src-${camera + 1}` })) as { frame: number };
      sent.push({ frame, camera, sku });
      onAir = camera;
    }
    await sleep(2500);
    await reader.stop();
    const probeOutcome = await probe;
    if (probeOutcome instanceof Error && messages.length === 0) throw probeOutcome;

    const origin = publisher.timelineOriginMs;
    if (origin === null) throw new Error('publisher has no timeline origin');
    const frameOfPts = (ptsMs: number): number | undefined => frameByDts.get(ptsMs + origin);
    // Camera on each programme frame, from the pixels.
    const cameraOf = new Map<number, number>();
    for (const f of reader.frames) {
      const n = frameOfPts(f.ptsMs);
      if (n !== undefined) cameraOf.set(n, classifyIdentity(f.identity, CAMERA_COLOURS));
    }
    const productSeis = messages.filter((m) => m.source === 'sei' && (m.payload as CommerceMetadata).kind === 'product');
    const offsets: number[] = [];
    for (const change of sent) {
      // The change itself (not a keyframe repeat): the first SEI with this SKU.
      const sei = productSeis.find((m) => (m.payload as CommerceMetadata).product?.sku === change.sku);
      if (!sei) continue;
      const carrier = frameOfPts(sei.ptsMs);
      let firstOnAir = change.frame - 5;
      while (firstOnAir < change.frame + 15 && cameraOf.get(firstOnAir) !== change.camera) firstOnAir++;
      if (carrier === undefined || !cameraOf.has(firstOnAir)) continue;
      offsets.push(carrier - firstOnAir);
    }
    // Keyframe repeats: every keyframe the reader saw after the first change carries the
    // product current then (which frames are keyframes comes from the mux stage; that
    // they carry it comes from the probe).
    const seiFramesBySku = new Map<number, string[]>();
    for (const m of productSeis) {
      const n = frameOfPts(m.ptsMs);
      if (n === undefined) continue;
      seiFramesBySku.set(n, [...(seiFramesBySku.get(n) ?? []), (m.payload as CommerceMetadata).product?.sku ?? '']);
    }
    const lastRead = Math.max(...cameraOf.keys());
    let withCurrent = 0;
    let keyframes = 0;
    for (const n of keyframeFrames) {
      if (n <= sent[0]!.frame || n > lastRead) continue;
      const current = [...sent].reverse().find((c) => c.frame <= n);
      keyframes++;
      if (current && (seiFramesBySku.get(n) ?? []).includes(current.sku)) withCurrent++;
    }
    return {
      changes: sent.length,
      found: offsets.length,
      frameOffsets: offsets,
      offFrameCount: offsets.filter((o) => o !== 0).length,
      keyframes,
      keyframesWithCurrentProduct: withCurrent,
      decodedFrames: reader.frames.length,
    };
  } finally {
    await reader?.stop();
    await publisher.stop();
    await studio.dispose();
    await nginx.stop();
    await probe;
  }
}
