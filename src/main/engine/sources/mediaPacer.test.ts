// The pacer with a fake clock: frames handed on one period apart, reading paused while
// the lead is in hand, late frames caught up on the same timeline.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LEAD_MS, MediaPacer } from './mediaPacer';

const PERIOD = 40; // 25 fps: the lead is ceil(150 / 40) = 4 frames
const LEAD = Math.ceil(LEAD_MS / PERIOD);

function pacer() {
  const delivered: { frame: number; at: number }[] = [];
  const released: number[] = [];
  const reading: string[] = [];
  const p = new MediaPacer<number>({
    periodMs: PERIOD,
    deliver: (frame) => delivered.push({ frame, at: Date.now() }),
    release: (frame) => released.push(frame),
    pauseReading: () => reading.push('pause'),
    resumeReading: () => reading.push('resume'),
    now: () => Date.now(),
  });
  return { p, delivered, released, reading };
}

describe('MediaPacer', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('hands a burst on one period apart, and stops reading while the lead is in hand', () => {
    const { p, delivered, reading } = pacer();
    for (let i = 0; i < LEAD + 1; i++) p.push(i);
    // Frame 0 at once; the rest wait. The lead was reached: reading paused.
    expect(delivered).toEqual([{ frame: 0, at: 0 }]);
    expect(reading).toEqual(['pause']);
    vi.advanceTimersByTime(PERIOD);
    expect(delivered.at(-1)).toEqual({ frame: 1, at: PERIOD });
    // One frame handed on leaves fewer than the lead: reading goes on.
    expect(reading).toEqual(['pause', 'resume']);
    vi.advanceTimersByTime(10 * PERIOD);
    expect(delivered.map((d) => d.at)).toEqual([0, 1, 2, 3, 4].map((i) => i * PERIOD));
  });

  it('hands a late frame on at once and catches up, so later frames keep their times', () => {
    const { p, delivered } = pacer();
    p.push(0);
    p.push(1);
    vi.advanceTimersByTime(PERIOD);
    // ffmpeg stalls for three periods (a loop's decoder restart), then catches up.
    vi.advanceTimersByTime(3 * PERIOD);
    p.push(2); // due at 2 × PERIOD, now 4 × PERIOD
    p.push(3);
    p.push(4);
    p.push(5);
    vi.advanceTimersByTime(2 * PERIOD);
    expect(delivered.map((d) => [d.frame, d.at])).toEqual([
      [0, 0],
      [1, PERIOD],
      [2, 4 * PERIOD],
      [3, 4 * PERIOD],
      [4, 4 * PERIOD],
      [5, 5 * PERIOD],
    ]);
  });

  it('hands each frame on aheadMs before its time, with that time', () => {
    const handed: { frame: number; at: number; dueAt: number }[] = [];
    const p = new MediaPacer<number>({
      periodMs: PERIOD,
      aheadMs: 2 * PERIOD,
      deliver: (frame, dueAt) => handed.push({ frame, at: Date.now(), dueAt }),
      release: () => {},
      pauseReading: () => {},
      resumeReading: () => {},
      now: () => Date.now(),
    });
    for (let i = 0; i < LEAD; i++) p.push(i);
    vi.advanceTimersByTime(10 * PERIOD);
    // Frames 0–2 are within two periods of their time at once; 3 waits for its turn.
    expect(handed).toEqual([0, 1, 2, 3].map((i) => ({ frame: i, at: Math.max(0, (i - 2) * PERIOD), dueAt: i * PERIOD })));
  });

  it('starts a new schedule when ffmpeg is slower than real time, and releases what it holds on reset', () => {
    const { p, delivered, released } = pacer();
    p.push(0);
    vi.advanceTimersByTime(2000);
    p.push(1); // ~2 s late: rescheduled from here
    p.push(2);
    vi.advanceTimersByTime(PERIOD - 1);
    expect(delivered.map((d) => d.frame)).toEqual([0, 1]);
    vi.advanceTimersByTime(1);
    expect(delivered.map((d) => [d.frame, d.at])).toEqual([
      [0, 0],
      [1, 2000],
      [2, 2000 + PERIOD],
    ]);
    p.push(3);
    p.push(4);
    p.reset();
    expect(released).toEqual([3, 4]);
    vi.advanceTimersByTime(10 * PERIOD);
    expect(delivered).toHaveLength(3);
  });
});
