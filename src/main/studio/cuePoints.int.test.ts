// Cue points end to end (issue 4 "AMF0 onCuePoint per destination"): the real
// FfmpegProgramEncoder → MetadataStage → RtmpPublisher({ cuePoints }) → a real ingest
// → probeMetadata reading rtmp:// as a player (its own RTMP code, not the publisher's).
// node-media-server relays data messages: every change must arrive both as SEI on
// its programme frame and as a cue point whose time is that picture's PTS.
// nginx-rtmp drops them (spec "AMF0"): SEI only. Judged on what the probe decoded.
import { describe, expect, it } from 'vitest';
import { stopsAfterEach } from '../../../test/support/cleanups';
import { sleep, startNginxRtmp, waitUntil } from '../../../test/support/nginxRtmp';
import { startNodeMediaServer, type NodeMediaServer } from '../../../test/support/nodeMediaServer';
import type { CommerceMetadata } from '../../shared/commerceMetadata';
import { FfmpegProgramEncoder } from '../engine/encoder/programEncoder';
import { createMemoryLogger } from '../engine/logger';
import { decodeAmf0 } from '../engine/mux/amf0';
import { MetadataStage } from '../engine/mux/metadataStage';
import { RtmpPublisher } from '../engine/outputs/rtmp/rtmpPublisher';
import { solidFrame } from '../engine/switcher/frameOps';
import { probeMetadata, type ProbeMessage, type ProbeTimeline } from './metadataProbe';
import { parseRtmpPlayUrl, playRtmp } from '../engine/play/rtmpPlayer';

const canvas = { width: 640, height: 360, fps: 30 } as const;
const settings = { videoBitrateKbps: 1200, audioBitrateKbps: 128, keyframeIntervalSec: 1, x264Preset: 'ultrafast' } as const;
/** Programme frames after the first one of a run, one change each: on and off keyframes. */
const OFFSETS = [12, 23, 30, 41, 52, 60, 67, 78, 90, 101, 113, 120];

const cleanups = stopsAfterEach();

/** One coded access unit as the stage handed it to the outputs. */
interface Coded {
  readonly frame: number;
  readonly dtsMs: number;
  readonly ptsMs: number;
  readonly keyframe: boolean;
  readonly metadata: readonly CommerceMetadata[];
}

/** The programme: paced solid frames into a real encoder, through the metadata stage. */
class Show {
  readonly coded: Coded[] = [];
  readonly stage = new MetadataStage();
  private readonly encoder = new FfmpegProgramEncoder({ canvas, settings, ffmpegPath: 'ffmpeg', logger: createMemoryLogger() });
  private readonly colours = ['#c0392b', '#27ae60', '#2980b9'].map((c) => solidFrame(canvas, c));
  private readonly audio = Buffer.alloc(1600 * 4);
  private next = 0;

  constructor(publisher: RtmpPublisher) {
    cleanups.push(() => this.encoder.dispose());
    this.stage.addSink({
      onConfig: () => undefined,
      onFrame: (f) => {
        if (f.type === 'video') this.coded.push({ frame: f.frame, dtsMs: f.dtsMs, ptsMs: f.ptsMs, keyframe: f.keyframe, metadata: f.metadata ?? [] });
      },
    });
    this.stage.addSink(publisher);
    this.encoder.addSink(this.stage);
    this.encoder.start();
  }

  /** Feeds frames at the canvas rate until `frames` were taken (or `until` holds); `onFirst` gets the first taken frame. */
  async feed(frames: number, options: { until?: () => boolean; onFirst?: (frame: number) => void } = {}): Promise<void> {
    // The encoder refuses frames while ffmpeg starts and when it falls behind: bounded tries.
    for (let taken = 0, tries = 0; taken < frames && tries < frames * 4 + 300 && !options.until?.(); tries++) {
      const frame = this.next++;
      if (this.encoder.write(frame, this.colours[frame % 3]!, this.audio)) {
        if (taken === 0) options.onFirst?.(frame);
        taken++;
      }
      await sleep(1000 / canvas.fps);
    }
  }

  /** Schedules one change per offset after `frame`: products, with an explaining and a sales change among them. */
  schedule(frame: number, offsets: readonly number[], label: string): CommerceMetadata[] {
    return offsets.map((offset, i) => {
      const at = frame + offset;
      const wallTimeMs = Date.now() * 1000 + at; // unique per change: the key the checks match on
      const msg: CommerceMetadata =
        i === 3
          ? { v: 1, kind: 'explaining', explaining: 'started', wallTimeMs, frame: 0 }
          : i === 7
            ? { v: 1, kind: 'sales', sales: { orders: 3 + i, units: 4 + i, gmv: 59.5, currency: 'EUR' }, wallTimeMs, frame: 0 }
            : { v: 1, kind: 'product', product: { id: `${label}-${i}`, sku: `SKU-${i}`, title: `Product ${i}`, price: 19.99, promoPrice: 14.5, currency: 'EUR' }, wallTimeMs, frame: 0 };
      this.stage.schedule(msg, at);
      return { ...msg, frame: at };
    });
  }
}

function publisher(url: string, streamKey: string, cuePoints: boolean): RtmpPublisher {
  const p = new RtmpPublisher({ name: 'Ingest', url, streamKey, logger: createMemoryLogger(), cuePoints, reconnect: { initialDelayMs: 200, maxDelayMs: 1000 } });
  cleanups.push(() => p.stop());
  return p;
}

/** A probe run that never rejects unobserved: the test reads its outcome at the end. */
function probe(input: string, options: { signal?: AbortSignal; onMessage?: (m: ProbeMessage) => void; timeoutMs: number }): { playing: () => boolean; done: Promise<ProbeTimeline> } {
  let playing = false;
  const done = probeMetadata({ input, ...options, onPlaying: () => (playing = true) });
  done.catch(() => undefined);
  return { playing: () => playing, done };
}

const wallOf = (m: ProbeMessage): number | undefined => (m.payload as Partial<CommerceMetadata>).wallTimeMs;

/**
 * Where each change must be, from what the publisher sent (its first keyframe on):
 * the access unit the stage put it on — its own programme frame when that was coded —
 * and that unit's PTS as the ingest timeline has it (timestamp + composition time).
 */
function expectations(show: Show, origin: number, changes: readonly CommerceMetadata[]): { index: number; ptsMs: number; change: CommerceMetadata }[] {
  const sent = show.coded.slice(show.coded.findIndex((c) => c.keyframe));
  return changes.map((change) => {
    const index = sent.findIndex((c) => c.metadata.some((m) => m.wallTimeMs === change.wallTimeMs));
    expect(index, `change for programme frame ${change.frame} handed to the outputs`).toBeGreaterThanOrEqual(0);
    // No B-frames: the stage uses the frame itself, or the first coded after it if the encoder dropped it.
    expect(sent[index]!.frame).toBe(sent.find((c) => c.frame >= change.frame)!.frame);
    const c = sent[index]!;
    return { index, ptsMs: Math.round(c.dtsMs - origin) + Math.round(c.ptsMs - c.dtsMs), change };
  });
}

/** The SEI that brought `change` in (not a keyframe repeat): exactly one, at `ptsMs`. */
function originalSei(timeline: ProbeTimeline, change: CommerceMetadata, ptsMs: number): ProbeMessage {
  const at = timeline.messages.filter((m) => m.source === 'sei' && wallOf(m) === change.wallTimeMs && m.ptsMs === ptsMs);
  expect(at, `SEI of programme frame ${change.frame} at ${ptsMs} ms`).toHaveLength(1);
  expect(at[0]!.payload).toEqual(change);
  // Every other copy is a keyframe repeat after it.
  for (const r of timeline.messages.filter((m) => m.source === 'sei' && wallOf(m) === change.wallTimeMs && m !== at[0])) {
    expect(r.keyframe).toBe(true);
    expect(r.frameIndex).toBeGreaterThan(at[0]!.frameIndex);
  }
  return at[0]!;
}

describe('cue points through real ingests', () => {
  it('node-media-server relays them: each change arrives as SEI and as a cue point at the same PTS (RTMP and HTTP-FLV)', async () => {
    const nms = await startNms();
    const config = nms.configText();
    const key = 'cues';
    const stopProbes = new AbortController();
    cleanups.push(() => stopProbes.abort());
    // Players join before the publisher (node-media-server allows it), so nothing is missed.
    const viaRtmp = probe(`${nms.rtmpUrl}/${key}`, { signal: stopProbes.signal, timeoutMs: 90_000 });
    const viaHttp = probe(`${nms.httpUrl}/${key}.flv`, { signal: stopProbes.signal, timeoutMs: 90_000 });
    await waitUntil(() => viaRtmp.playing() && viaHttp.playing(), 10_000, 'both probes playing');
    const pub = publisher(nms.rtmpUrl, key, true);
    pub.start();
    await waitUntil(() => pub.state === 'live', 10_000, 'publisher live');
    const show = new Show(pub);
    let changes: CommerceMetadata[] = [];
    await show.feed(150, { onFirst: (frame) => (changes = show.schedule(frame, OFFSETS, 'nms')) });
    await sleep(1500); // the encoder's last frames
    // A player joining now gets what the server cached as the stream's metadata: the
    // last data message. It must be onMetaData, not a stale cue point.
    const lateData = await dataMessagesOnJoin(`${nms.rtmpUrl}/${key}`);
    await pub.stop();
    await sleep(500);
    stopProbes.abort();
    const [rtmp, http] = await Promise.all([viaRtmp.done, viaHttp.done]);

    expect(pub.stats().droppedFrames).toBe(0);
    const sent = show.coded.length - show.coded.findIndex((c) => c.keyframe);
    expect(rtmp.videoFrames, 'every access unit sent reached the RTMP player').toBe(sent);
    const cues = rtmp.messages.filter((m) => m.source === 'cuepoint');
    expect(cues, 'one cue point per change, none for keyframe repeats').toHaveLength(changes.length);
    for (const { index, ptsMs, change } of expectations(show, pub.timelineOriginMs!, changes)) {
      const sei = originalSei(rtmp, change, ptsMs);
      expect(sei.frameIndex, `SEI of programme frame ${change.frame} on its access unit`).toBe(index);
      const cue = cues.filter((m) => wallOf(m) === change.wallTimeMs);
      expect(cue, `cue point of programme frame ${change.frame}`).toHaveLength(1);
      // The exact message, attributed to the access unit that carries its SEI...
      expect(cue[0]!.payload).toEqual(change);
      expect(cue[0]!.frameIndex).toBe(sei.frameIndex);
      expect(cue[0]!.ptsMs).toBe(sei.ptsMs);
      // ...and its own time is that picture's PTS (within 1 ms: seconds as a double).
      expect(Math.abs(cue[0]!.cuePoint!.timeMs - sei.ptsMs)).toBeLessThanOrEqual(1);
      expect(cue[0]!.cuePoint).toMatchObject({ name: `cuecast.${change.kind}`, type: 'event' });
    }
    // HTTP-FLV from the same server: byte for byte the same timeline.
    expect(http.videoFrames).toBe(rtmp.videoFrames);
    expect(http.messages).toEqual(rtmp.messages);
    expect(lateData).toEqual(['|RtmpSampleAccess', '@setDataFrame onMetaData']);
    // Our config has nothing for it to generate: it must not have rewritten the file.
    expect(nms.configText(), 'node-media-server left its config file alone').toBe(config);
  }, 90_000);

  it('node-media-server with cue points off: SEI only, no cue point arrives', async () => {
    const nms = await startNms();
    const key = 'nocues';
    const stopProbe = new AbortController();
    cleanups.push(() => stopProbe.abort());
    const seen: ProbeMessage[] = [];
    const viaRtmp = probe(`${nms.rtmpUrl}/${key}`, { signal: stopProbe.signal, timeoutMs: 60_000, onMessage: (m) => seen.push(m) });
    await waitUntil(() => viaRtmp.playing(), 10_000, 'probe playing');
    const pub = publisher(nms.rtmpUrl, key, false);
    pub.start();
    await waitUntil(() => pub.state === 'live', 10_000, 'publisher live');
    const show = new Show(pub);
    let changes: CommerceMetadata[] = [];
    await show.feed(75, { onFirst: (frame) => (changes = show.schedule(frame, OFFSETS.slice(0, 5), 'off')) });
    await sleep(1500);
    await pub.stop();
    await sleep(500);
    stopProbe.abort();
    const rtmp = await viaRtmp.done;

    expect(rtmp.videoFrames).toBeGreaterThan(60);
    expect(rtmp.messages.filter((m) => m.source === 'cuepoint')).toEqual([]);
    for (const { index, ptsMs, change } of expectations(show, pub.timelineOriginMs!, changes)) {
      expect(originalSei(rtmp, change, ptsMs).frameIndex).toBe(index);
    }
    expect(seen).toEqual(rtmp.messages);
  }, 60_000);

  it('nginx-rtmp drops the cue points and keeps the SEI on its programme frames', async () => {
    const server = await startNginxRtmp();
    cleanups.push(() => server.stop());
    const key = 'cues-nginx';
    const pub = publisher(server.url, key, true);
    pub.start();
    await waitUntil(() => pub.state === 'live', 10_000, 'publisher live');
    const show = new Show(pub);
    await show.feed(15);
    // nginx-rtmp has no GOP cache and refuses players of an unpublished stream: join
    // now, then wait until the probe reads pictures (a first change, repeated on
    // every keyframe, tells) before the changes under test.
    const seen: ProbeMessage[] = [];
    const viaRtmp = probe(`${server.url}/${key}`, { timeoutMs: 60_000, onMessage: (m) => seen.push(m) });
    await server.waitForPlayer(key);
    const [sentinel] = show.schedule(show.coded.at(-1)?.frame ?? 0, [3], 'sentinel');
    await show.feed(300, { until: () => seen.some((m) => wallOf(m) === sentinel!.wallTimeMs) });
    expect(seen.some((m) => wallOf(m) === sentinel!.wallTimeMs), 'the probe reads pictures through nginx').toBe(true);
    let changes: CommerceMetadata[] = [];
    await show.feed(150, { onFirst: (frame) => (changes = show.schedule(frame, OFFSETS, 'nginx')) });
    await sleep(1500);
    await pub.stop();
    // idle_streams off: nginx ends the player's session when the publisher leaves.
    const rtmp = await viaRtmp.done;

    expect(pub.stats().droppedFrames).toBe(0);
    expect(rtmp.messages.filter((m) => m.source === 'cuepoint'), 'nginx-rtmp relays no onCuePoint').toEqual([]);
    const expected = expectations(show, pub.timelineOriginMs!, changes);
    // The probe joined mid-stream: its access unit i is the publisher's i + shift, for every change alike.
    const shifts = expected.map(({ index, ptsMs, change }) => index - originalSei(rtmp, change, ptsMs).frameIndex);
    expect(new Set(shifts).size, `one shift for all: ${shifts.join(', ')}`).toBe(1);
  }, 90_000);
});

/** The names of the data messages a player gets in its first half second. */
async function dataMessagesOnJoin(url: string): Promise<string[]> {
  const names: string[] = [];
  const stop = new AbortController();
  const run = playRtmp({
    target: parseRtmpPlayUrl(url),
    connectTimeoutMs: 5000,
    signal: stop.signal,
    onMedia: (type, _ts, payload) => {
      if (type !== 18) return;
      const values = decodeAmf0(payload);
      names.push(values[0] === '@setDataFrame' ? `@setDataFrame ${String(values[1])}` : String(values[0]));
    },
  });
  await sleep(500);
  stop.abort();
  await run;
  return names;
}

async function startNms(): Promise<NodeMediaServer> {
  const nms = await startNodeMediaServer();
  cleanups.push(() => nms.stop());
  return nms;
}
