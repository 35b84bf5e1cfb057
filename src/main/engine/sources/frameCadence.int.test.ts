// Real test-pattern cameras read by the real programme clock, in the worst phase for
// "show the latest frame": the clock is started so that its ticks are due at camera 0's
// median frame arrival, so half of that camera's frames land just before their tick and
// half just after, and arrival jitter decides which. Every source frame must still reach
// the programme exactly once, read back from the frame barcode each camera burns in.
// The control is what "the newest frame that has arrived when the tick is due" would
// have shown for camera 0, from the real arrival times: 34–54 repeat/skip pairs in 9 s
// here, quiet or under two CPU hogs. (Starting the clock on a frame's arrival instead left
// the phase to timer latency: on a quiet CI machine the control then saw a single pair.)
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

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** For each due time, the sequence number of the newest frame that had arrived by then. */
function newestArrivedBy(arrivals: readonly { seq: number; at: number }[], dueTimes: readonly number[]): number[] {
  const shown: number[] = [];
  let k = 0;
  for (const due of dueTimes) {
    while (k < arrivals.length && arrivals[k].at <= due) k++;
    shown.push(k > 0 ? arrivals[k - 1].seq % 65536 : 0);
  }
  return shown;
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

    const arrivals: { seq: number; at: number }[] = [];
    // onFrame gives wall-clock ms; ticks are on performance.now()'s clock.
    const offArrivals = cameras[0].onFrame((seq, at) => arrivals.push({ seq, at: at - performance.timeOrigin }));
    stops.push(offArrivals);
    await sleep(1000);

    const synced: number[][] = cameras.map(() => []);
    const dueTimes: number[] = [];
    const clock = new ProgramClock(canvas.fps, (tick) => {
      dueTimes.push(tick.dueAt);
      cameras.forEach((c, i) => synced[i].push(readBarcode(c.frameForTick(tick.dueAt), canvas.width, canvas.height)));
    });
    stops.push(() => clock.stop());
    // Spin (not a timer, whose lateness would move the phase) to the next instant in
    // phase with camera 0's median arrival, and start the clock there.
    const period = 1000 / canvas.fps;
    const phase = median(arrivals.map((a) => a.at - a.seq * period));
    const origin = phase + Math.ceil((performance.now() + 5 - phase) / period) * period;
    while (performance.now() < origin) {
      // busy-wait: 40 ms at most
    }
    clock.start();
    await sleep(10_000);
    clock.stop();
    offArrivals();

    const before = cadence(newestArrivedBy(arrivals, dueTimes));
    expect(before.repeats + before.skipped, `camera 0, newest frame arrived by each tick: ${JSON.stringify(before)}`).toBeGreaterThan(2);
    for (const i of cameras.keys()) {
      expect(synced[i].length).toBeGreaterThan(9 * canvas.fps);
      const after = cadence(synced[i]);
      // A frame later than any before it costs one repeat while the window learns.
      expect(after.repeats + after.skipped, `camera ${i} synchronised: ${JSON.stringify(after)}`).toBeLessThanOrEqual(2);
    }
  }, 40_000);
});
