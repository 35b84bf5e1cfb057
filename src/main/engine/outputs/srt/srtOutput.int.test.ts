// SRT end to end (issue 4 "SRT / MPEG-TS outputs carry the same SEI"): the real
// encoder stage → MetadataStage → SrtOutput → srt-live-transmit (a real SRT relay) →
// a reader that calls the relay with ffmpeg and parses the TS with the probe's own
// parser. Each scheduled SEI must arrive in the access unit of its programme frame,
// keyframes must repeat the state, and a relay that dies and comes back must see the
// output reconnect by itself.
import { describe, expect, it } from 'vitest';
import { stopsAfterEach } from '../../../../../test/support/cleanups';
import { SrtRelay } from '../../../../../test/support/srtRelay';
import type { CommerceMetadata } from '../../../../shared/commerceMetadata';
// eslint-disable-next-line no-restricted-imports -- the independent verifier lives with the probe tool; only this test uses it
import { probeMpegtsMetadata, type MpegtsAccessUnit } from '../../../studio/probeMpegts';
import { FfmpegProgramEncoder, type VideoEncoderChoice } from '../../encoder/programEncoder';
import { createMemoryLogger } from '../../logger';
import { MetadataStage } from '../../mux/metadataStage';
import { solidFrame } from '../../switcher/frameOps';
import type { OutputState } from '../outputStats';
import { SrtOutput } from './srtOutput';

const canvas = { width: 640, height: 360, fps: 30 } as const;
const settings = { videoBitrateKbps: 1500, audioBitrateKbps: 128, keyframeIntervalSec: 1, x264Preset: 'ultrafast' } as const;
const x265: VideoEncoderChoice = {
  codec: 'hevc',
  label: 'x265',
  codecArgs: ['-c:v', 'libx265', '-preset', 'ultrafast', '-tune', 'zerolatency', '-b:v', '1500k', '-g', '30', '-x265-params', 'log-level=error', '-pix_fmt', 'yuv420p'],
};

const cleanups = stopsAfterEach();

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

async function startRelay(): Promise<SrtRelay> {
  const relay = await SrtRelay.start();
  cleanups.push(() => relay.kill());
  return relay;
}

/** Feeds the encoder at the programme rate, as the clock would; `next` is the next frame number. */
function startFeeding(encoder: FfmpegProgramEncoder): { readonly next: () => number; stop: () => void } {
  const colours = ['#c0392b', '#27ae60', '#2980b9'].map((c) => solidFrame(canvas, c));
  const audio = Buffer.alloc(1600 * 4);
  let frame = 0;
  const started = Date.now();
  let stopped = false;
  const tick = (): void => {
    if (stopped) return;
    // Catch up on late timers like the programme clock, never ahead of time.
    while (frame <= ((Date.now() - started) * canvas.fps) / 1000) {
      encoder.write(frame, colours[frame % 3]!, audio);
      frame++;
    }
    setTimeout(tick, 5);
  };
  tick();
  const stop = (): void => void (stopped = true);
  cleanups.push(stop);
  return { next: () => frame, stop };
}

function product(i: number): CommerceMetadata {
  return { v: 1, kind: 'product', product: { id: `p-${i}`, sku: `SKU-${i}`, title: `Product ${i}`, price: 10 + i, currency: 'EUR' }, wallTimeMs: Date.now(), frame: 0 };
}

/** The pipeline up to the SRT output, and what the encoder stage coded (TS pts → programme frame). */
async function startShow(relay: SrtRelay, video?: VideoEncoderChoice) {
  const encoder = new FfmpegProgramEncoder({ canvas, settings, ffmpegPath: 'ffmpeg', logger: createMemoryLogger(), video });
  cleanups.push(() => encoder.dispose());
  const stage = new MetadataStage();
  const frameByPts = new Map<number, number>();
  const keyframes = new Set<number>();
  const coded: number[] = [];
  stage.addSink({
    onConfig: () => undefined,
    onFrame: (f) => {
      if (f.type !== 'video') return;
      frameByPts.set(f.ptsMs, f.frame);
      coded.push(f.frame);
      if (f.keyframe) keyframes.add(f.frame);
    },
  });
  const log = createMemoryLogger();
  const output = new SrtOutput({ name: 'Relay', url: `srt://127.0.0.1:${relay.inPort}`, logger: log, ffmpegPath: 'ffmpeg', reconnect: { initialDelayMs: 300, maxDelayMs: 1500 } });
  cleanups.push(() => output.stop());
  const states: OutputState[] = [];
  output.onState((s) => states.push(s));
  stage.addSink(output);
  encoder.addSink(stage);
  output.start();
  encoder.start();
  const feeder = startFeeding(encoder);
  await waitFor(() => output.state === 'live', 15_000, 'the SRT output to go live');
  /** Programme frame of an access unit the reader got, by its PTS on the TS clock. */
  const frameOf = (u: MpegtsAccessUnit): number | undefined => frameByPts.get(Math.round(u.ptsMs) + output.timelineOriginMs!);
  return { encoder, stage, output, log, states, feeder, frameOf, keyframes, coded };
}

describe('SrtOutput through srt-live-transmit', () => {
  for (const [codec, choice] of [['H.264', undefined], ['HEVC', x265]] as const) {
    it(`carries every scheduled SEI to the access unit of its programme frame, and the keyframe repeats (${codec})`, async () => {
      const relay = await startRelay();
      const show = await startShow(relay, choice);
      const units: MpegtsAccessUnit[] = [];
      const reading = probeMpegtsMetadata({ input: relay.readerUrl, ffmpegPath: 'ffmpeg', seconds: 6, timeoutMs: 25_000, onAccessUnit: (u) => units.push(u) });
      await waitFor(() => units.length > 0, 15_000, `the reader's first access unit (relay: ${relay.log})`);

      // Five product changes on frames the encoder has not been given yet; one on a keyframe.
      // The encoder makes a keyframe every 30 frames (1 s) counted from its first one.
      const base = show.feeder.next() + 10;
      const lastKeyframe = Math.max(...show.keyframes);
      const nextKeyframe = lastKeyframe + Math.ceil((base + 40 - lastKeyframe) / canvas.fps) * canvas.fps;
      const scheduled = [base, base + 17, base + 33, nextKeyframe, nextKeyframe + 21];
      scheduled.forEach((frame, i) => show.stage.schedule(product(i), frame));
      const timeline = await reading;
      expect(show.stage.stats()).toMatchObject({ late: 0, dropped: 0 });

      // Every access unit the reader got is one the encoder coded, in order, none missing.
      const frames = units.map((u) => show.frameOf(u));
      expect(frames.every((f) => f !== undefined), 'every received pts maps to a programme frame').toBe(true);
      expect(units.length).toBeGreaterThan(150);
      const from = show.coded.indexOf(frames[0]!);
      expect(frames).toEqual(show.coded.slice(from, from + frames.length));
      expect(timeline.videoFrames).toBe(units.length);

      const at = (frame: number): MpegtsAccessUnit => units[frames.indexOf(frame)]!;
      const messagesOf = (u: MpegtsAccessUnit): CommerceMetadata[] => u.payloads as CommerceMetadata[];
      // 1. Each message in the access unit of its frame, exactly once there.
      scheduled.forEach((frame, i) => {
        expect(frames, `frame ${frame} received`).toContain(frame);
        const mine = messagesOf(at(frame)).filter((m) => m.frame === frame);
        expect(mine.map((m) => m.product?.id), `SEI of frame ${frame}`).toEqual([`p-${i}`]);
      });
      // 2. Anything else is a repeat of an earlier message, on a keyframe only.
      let repeats = 0;
      units.forEach((u, k) => {
        for (const m of messagesOf(u)) {
          if (m.frame === frames[k]) continue;
          repeats++;
          expect(u.keyframe && show.keyframes.has(frames[k]!), `repeat of frame ${m.frame} on ${frames[k]}`).toBe(true);
          expect(m.frame).toBeLessThan(frames[k]!);
        }
      });
      // 3. Every keyframe after the first change carries the latest product.
      const keyframesAfter = units.filter((u, k) => u.keyframe && frames[k]! > scheduled[0]!);
      expect(keyframesAfter.length).toBeGreaterThanOrEqual(3);
      expect(repeats).toBeGreaterThanOrEqual(keyframesAfter.length - 1);
      for (const u of keyframesAfter) {
        const frame = frames[units.indexOf(u)]!;
        const latest = scheduled.filter((f) => f <= frame).length - 1;
        expect(messagesOf(u).map((m) => m.product?.id), `state on keyframe ${frame}`).toEqual([`p-${latest}`]);
      }
      // The probe's timeline says the same, message by message.
      expect(timeline.messages.length).toBe(scheduled.length + repeats);
      expect(units.every((u) => u.codec === (choice ? 'hevc' : 'h264'))).toBe(true);
      expect(show.keyframes.has(nextKeyframe), 'a message scheduled on a keyframe').toBe(true);
      expect(show.output.stats()).toMatchObject({ state: 'live', droppedFrames: 0, reconnects: 0, lastError: null });
    }, 40_000);
  }

  it('reconnects by itself when the relay dies and comes back, and the reader gets frames again', async () => {
    const relay = await startRelay();
    const show = await startShow(relay);
    const before = await probeMpegtsMetadata({ input: relay.readerUrl, ffmpegPath: 'ffmpeg', seconds: 1.5, timeoutMs: 15_000 });
    expect(before.videoFrames).toBeGreaterThan(30);

    await relay.kill();
    const killedAt = show.feeder.next();
    await sleep(3000);
    relay.run();
    // SRT notices a silent peer after its 5 s idle timeout; then backoff, then a new session.
    await waitFor(() => show.states.includes('reconnecting'), 10_000, 'the output to notice the lost relay');
    await waitFor(() => show.states.lastIndexOf('live') > show.states.indexOf('reconnecting'), 15_000, `the output to be live again (${show.output.stats().lastError})`);
    const stats = show.output.stats();
    expect(stats.reconnects).toBeGreaterThanOrEqual(1);
    expect(stats.lastError).toMatch(new RegExp(`^Destination "Relay": the connection to srt://127\\.0\\.0\\.1:${relay.inPort} was lost: .*; retrying in`));

    const units: MpegtsAccessUnit[] = [];
    const after = await probeMpegtsMetadata({ input: relay.readerUrl, ffmpegPath: 'ffmpeg', seconds: 1.5, timeoutMs: 15_000, onAccessUnit: (u) => units.push(u) });
    expect(after.videoFrames).toBeGreaterThan(30);
    // What arrives now was coded after the relay came back, on the same TS timeline.
    const frames = units.map((u) => show.frameOf(u));
    expect(frames.every((f) => f !== undefined && f > killedAt)).toBe(true);
  }, 40_000);
});
