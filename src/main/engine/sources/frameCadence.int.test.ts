// Real test-pattern cameras read by the real programme clock, in the worst phase for
// "show the latest frame": the clock starts on a camera's frame arrival, so every tick
// is due when a frame lands and arrival jitter decides whether it is in time. Every
// source frame must still reach the programme exactly once, read back from the frame
// barcode each camera burns in. The same ticks also sample camera 0's newest frame,
// which is what the programme showed before the synchroniser: dozens of repeat/skip
// pairs in this phase on a quiet machine (67 in 15 s), a few under heavy load.
import { describe, expect, it } from 'vitest';
import type { CanvasSettings, SourceSpec } from '../../../shared/model';
import { stopsAfterEach } from '../../../../test/support/cleanups';
import { readBarcode } from '../../../../test/support/programReader';
import { createMemoryLogger } from '../logger';
import { ProgramClock } from '../switcher/programClock';
import { SourceWorker } from './sourceWorker';

const canvas: CanvasSettings = { width: 640, height: 360, fps: 30 };
const stops = stopsAfterEach();

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function camera(name: string, color: string): SourceWorker {
  const spec: SourceSpec = { kind: 'testPattern', name, color, toneHz: 440 };
  const w = new SourceWorker({ id: name.toLowerCase(), spec, canvas, ffmpegPath: 'ffmpeg', logger: createMemoryLogger() });
  stops.push(() => w.dispose());
  return w;
}

/** Repeated and skipped source frames, after the first second (the synchroniser learning). */
function cadence(numbers: readonly number[]): { repeats: number; skipped: number } {
  let repeats = 0;
  let skipped = 0;
  for (let k = canvas.fps + 1; k < numbers.length; k++) {
    const step = (numbers[k] - numbers[k - 1] + 65536) % 65536;
    if (step === 0) repeats++;
    else if (step > 1) skipped += step - 1;
  }
  return { repeats, skipped };
}

describe('source frames on the programme clock', () => {
  it('every camera frame is shown once, with ticks due just as frames land', async () => {
    const cameras = [camera('Farm', '#27ae60'), camera('Factory', '#c0392b')];
    for (const c of cameras) c.start();
    const deadline = Date.now() + 15_000;
    while (!cameras.every((c) => c.state === 'live')) {
      if (Date.now() > deadline) throw new Error(`cameras not live: ${cameras.map((c) => `${c.state} ${c.info().reason}`).join('; ')}`);
      await sleep(50);
    }
    await sleep(1000);

    const synced: number[][] = cameras.map(() => []);
    const newest: number[][] = cameras.map(() => []);
    const clock = new ProgramClock(canvas.fps, (tick) => {
      cameras.forEach((c, i) => {
        synced[i].push(readBarcode(c.frameForTick(tick.dueAt), canvas.width, canvas.height));
        newest[i].push(readBarcode(c.frameForTick(), canvas.width, canvas.height));
      });
    });
    stops.push(() => clock.stop());
    await new Promise<void>((resolve) => {
      const off = cameras[0].onFrame(() => {
        off();
        clock.start();
        resolve();
      });
    });
    await sleep(10_000);
    clock.stop();

    // The clock started on camera 0's frame: its newest frame must show the problem.
    const before = cadence(newest[0]);
    expect(before.repeats + before.skipped, `camera 0, newest frame: ${JSON.stringify(before)}`).toBeGreaterThan(2);
    for (const i of cameras.keys()) {
      expect(synced[i].length).toBeGreaterThan(9 * canvas.fps);
      const after = cadence(synced[i]);
      // A frame later than any before it costs one repeat while the window learns.
      expect(after.repeats + after.skipped, `camera ${i} synchronised: ${JSON.stringify(after)}`).toBeLessThanOrEqual(2);
    }
  }, 40_000);
});
