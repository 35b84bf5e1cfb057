// The graphics layer through the real encoder stage: programme frames with the card
// and ticker keyed in go to x264 via FfmpegProgramEncoder (which holds each buffer
// until ffmpeg's stdin has taken it: frames are sent in bursts so several wait there
// at once while the switcher renders on), are recorded as FLV and decoded by a separate
// ffmpeg. Every decoded frame must show its own programme frame's picture (a reused
// programme buffer would show a later one) and the graphics from the take on.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FfmpegProgramEncoder } from '../encoder/programEncoder';
import { createMemoryLogger } from '../logger';
import { FramePool, releaseFrame } from '../media/framePool';
import { FlvRecorder } from '../outputs/flvRecorder';
import { frameSize, sampleYuv } from './frameOps';
import type { OverlayImage } from './overlays';
import { Switcher, type FrameSource } from './switcher';

const canvas = { width: 320, height: 180, fps: 30 } as const;
const settings = { videoBitrateKbps: 4000, audioBitrateKbps: 128, keyframeIntervalSec: 1, x264Preset: 'ultrafast' } as const;
const SPF = 1600;
const TAKE = 45;
const FRAMES = 90;
const BURST = 6;

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** The camera's grey level on programme frame f: steps of 10, so a frame from elsewhere cannot pass for it. */
const levelOf = (f: number) => 40 + (f % 16) * 10;

/**
 * A live-like camera: a fresh pooled frame every tick and the previous one released,
 * as SourceWorker does, so buffers are recycled underneath the switcher too.
 */
function pooledCamera(cb: number): FrameSource & { tick(frame: number): void } {
  const pool = new FramePool(frameSize(canvas));
  const lumaBytes = canvas.width * canvas.height;
  let latest: Buffer | null = null;
  const pcm = Buffer.alloc(SPF * 4);
  return {
    tick(frame: number) {
      const next = pool.acquire();
      next.fill(levelOf(frame), 0, lumaBytes);
      next.fill(cb, lumaBytes, lumaBytes + lumaBytes / 4);
      next.fill(128, lumaBytes + lumaBytes / 4);
      if (latest) releaseFrame(latest);
      latest = next;
    },
    frameForTick: () => latest!,
    takeAudio: () => ({ pcm, peakDb: -120 }),
  };
}

function box(x: number, y: number, width: number, height: number, rgb: readonly number[], alpha: number): OverlayImage {
  const rgba = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) rgba.set([...rgb, alpha], i * 4);
  return { x, y, width, height, rgba };
}

describe('programme graphics through the encoder', () => {
  it('shows each frame as rendered, with camera and graphics changing on the same frame', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cuecast-overlay-'));
    const encoder = new FfmpegProgramEncoder({ canvas, settings, ffmpegPath: 'ffmpeg', logger: createMemoryLogger() });
    const recorder = new FlvRecorder({ name: 'rec', folder: dir, logger: createMemoryLogger() });
    cleanup.push(async () => {
      await recorder.stop();
      await encoder.dispose();
      rmSync(dir, { recursive: true, force: true });
    });
    recorder.start();
    encoder.addSink(recorder);
    encoder.start();

    const cameras = { a: pooledCamera(128), b: pooledCamera(176) };
    const sw = new Switcher(canvas, SPF);
    sw.addSource('a', cameras.a);
    sw.addSource('b', cameras.b);
    sw.cut(0, 'a');
    // Scheduled well ahead of the take; the cut comes between ticks, as a take does.
    sw.setOverlay('productCard', box(16, 16, 96, 48, [255, 255, 255], 255), TAKE);
    sw.setOverlay('salesTicker', box(0, 150, 320, 20, [0, 0, 0], 128), TAKE);
    const accepted: number[] = [];
    for (let f = 0; f < FRAMES; f++) {
      if (f === TAKE) sw.cut(f, 'b');
      cameras.a.tick(f);
      cameras.b.tick(f);
      const out = sw.render(f);
      if (encoder.write(f, out.video, out.audio)) accepted.push(f);
      // Frames in bursts: several queue on the encoder's stdin at once, held there
      // while the switcher renders on (as when the encoder falls behind).
      if (f % BURST === BURST - 1) await new Promise((r) => setTimeout(r, (BURST * 1000) / canvas.fps));
    }
    await new Promise((r) => setTimeout(r, 1500));
    await recorder.stop();

    const file = join(dir, readdirSync(dir).find((f) => f.endsWith('.flv'))!);
    const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-'], {
      maxBuffer: 64 * 1024 * 1024,
    });
    const bytes = frameSize(canvas);
    const decoded = raw.length / bytes;
    expect(accepted.filter((f) => f < TAKE).length).toBeGreaterThan(20);
    expect(accepted.filter((f) => f >= TAKE).length).toBeGreaterThan(30);
    expect(decoded).toBe(accepted.length);

    const close = (got: number, want: number) => Math.abs(got - want) <= 4;
    const wrong: string[] = [];
    for (let k = 0; k < decoded; k++) {
      const f = accepted[k];
      const frame = raw.subarray(k * bytes, (k + 1) * bytes);
      const [camY, camU] = sampleYuv(canvas, frame, 240, 80);
      const [cardY] = sampleYuv(canvas, frame, 64, 40);
      const [tickerY] = sampleYuv(canvas, frame, 240, 160);
      const taken = f >= TAKE;
      const want = {
        camY: levelOf(f),
        camU: taken ? 176 : 128,
        cardY: taken ? 235 : levelOf(f),
        // Black (16) at a = 128 over the camera's grey.
        tickerY: taken ? Math.round((levelOf(f) * 127 + 16 * 128) / 255) : levelOf(f),
      };
      const got = { camY, camU, cardY, tickerY };
      if (!(Object.keys(want) as (keyof typeof want)[]).every((key) => close(got[key], want[key]))) {
        wrong.push(`frame ${f}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 40_000);
});
