import { describe, expect, it } from 'vitest';
import { FrameSync } from './frameSync';

const PERIOD = 1000 / 30;

/** A deterministic jitter in [-amplitude, amplitude] (no Math.random: failures must replay). */
function jitter(i: number, amplitude: number): number {
  const x = Math.sin(i * 12.9898) * 43758.5453;
  return (x - Math.floor(x) - 0.5) * 2 * amplitude;
}

interface Run {
  /** Source frame index shown on each tick. */
  readonly shown: number[];
  readonly released: Map<number, number>;
  readonly sync: FrameSync<number>;
}

/**
 * Source frames i arrive at arrival(i); the clock ticks every PERIOD from 0 and each
 * tick is evaluated when due, after every frame that arrived by then.
 */
function run(arrival: (i: number) => number, seconds: number, options: { maxHoldMs?: number } = {}): Run {
  const released = new Map<number, number>();
  const sync = new FrameSync<number>({ periodMs: PERIOD, release: (f) => released.set(f, (released.get(f) ?? 0) + 1), ...options });
  const shown: number[] = [];
  let next = 0;
  for (let tick = 1; tick * PERIOD <= seconds * 1000; tick++) {
    const dueAt = tick * PERIOD;
    while (arrival(next) <= dueAt) sync.push(next, arrival(next++));
    shown.push(sync.frameAt(dueAt) ?? -1);
  }
  return { shown, released, sync };
}

/** Repeats (same frame twice) and skipped frames, after `from` ticks of warm-up. */
function cadence(shown: readonly number[], from: number): { repeats: number; skipped: number } {
  let repeats = 0;
  let skipped = 0;
  for (let k = Math.max(1, from); k < shown.length; k++) {
    const step = shown[k] - shown[k - 1];
    if (step === 0) repeats++;
    else if (step > 1) skipped += step - 1;
  }
  return { repeats, skipped };
}

/** What "show the latest frame that arrived" did before, on the same arrivals. */
function latestFrameCadence(arrival: (i: number) => number, seconds: number, from: number): { repeats: number; skipped: number } {
  const shown: number[] = [];
  let next = 0;
  for (let tick = 1; tick * PERIOD <= seconds * 1000; tick++) {
    while (arrival(next) <= tick * PERIOD) next++;
    shown.push(next - 1);
  }
  return cadence(shown, from);
}

describe('FrameSync', () => {
  it('shows every source frame once when arrivals jitter around the tick times', () => {
    // The worst phase: frames are due exactly when the clock ticks, ±4 ms.
    const arrival = (i: number) => 500 + i * PERIOD + jitter(i, 4);
    const before = latestFrameCadence(arrival, 20, 90);
    expect(before.repeats).toBeGreaterThan(50); // the judder this class exists to remove
    const { shown } = run(arrival, 20);
    expect(cadence(shown, 90)).toEqual({ repeats: 0, skipped: 0 });
  });

  it('adds no more delay than the jitter it absorbs', () => {
    const { sync } = run((i) => 7 + i * PERIOD + jitter(i, 3), 5);
    expect(sync.holdMs).toBeLessThanOrEqual(6);
  });

  it('a frame later than all before it costs one repeat now and one skip when the window forgets it', () => {
    // Frames land 8 ms before a tick; frame 150 is 12 ms late (within the hold cap).
    const arrival = (i: number) => 25 + i * PERIOD + (i === 150 ? 12 : jitter(i, 1));
    const { shown } = run(arrival, 12);
    expect(cadence(shown, 30)).toEqual({ repeats: 1, skipped: 1 });
  });

  it("ignores frames that come early in a burst (a file's loop drains its decoder): held to their time, none lost", () => {
    // Every 120 frames the last three come at once with the one before them, then
    // the next loop starts on time: a decoder flushed at the end of a looping file.
    const arrival = (i: number) => {
      const inLoop = i % 120;
      const base = (j: number) => 20 + j * PERIOD + jitter(j, 2);
      return inLoop >= 117 ? base(i - inLoop + 116) : base(i);
    };
    const { shown } = run(arrival, 20);
    expect(cadence(shown, 90)).toEqual({ repeats: 0, skipped: 0 });
  });

  it('a source whose clock runs fast drops one frame per frame of drift, no more', () => {
    const fast = PERIOD / 1.001; // 0.1 % fast: 0.9 frames over 30 s
    const { shown } = run((i) => 20 + i * fast + jitter(i, 3), 30);
    const { repeats, skipped } = cadence(shown, 90);
    expect(repeats).toBe(0);
    expect(skipped).toBeLessThanOrEqual(1);
  });

  it('after a stall, goes straight to live and holds frames no longer than maxHoldMs', () => {
    // Frames 100..109 stuck for 400 ms in the network, then everything on time again.
    const arrival = (i: number) => (i >= 100 && i < 110 ? 5 + 110 * PERIOD : 5 + i * PERIOD);
    const { shown } = run(arrival, 8, { maxHoldMs: 50 });
    // Normally tick k+1 shows frame k (it arrived 5 ms after tick k).
    const afterStall = Math.ceil((5 + 110 * PERIOD) / PERIOD);
    expect(shown[afterStall]).toBeGreaterThanOrEqual(108);
    for (let k = afterStall; k < afterStall + 60; k++) expect(k - shown[k]).toBeLessThanOrEqual(Math.ceil(50 / PERIOD));
    // The burst's last frames count as jitter until the window forgets them.
    expect(shown[afterStall + 70]).toBe(afterStall + 70);
  });

  it('gives back every frame exactly once, and a shown frame only after it is replaced', () => {
    const { released, sync, shown } = run((i) => 3 + i * PERIOD + jitter(i, 6), 4);
    const onAir = shown[shown.length - 1];
    expect(released.has(onAir)).toBe(false);
    sync.reset();
    expect(released.get(onAir)).toBe(1);
    for (const count of released.values()) expect(count).toBe(1);
  });

  it('answers the same tick asked twice with the same frame (a source in two layouts)', () => {
    const sync = new FrameSync<string>({ periodMs: PERIOD, release: () => undefined });
    sync.push('a', 0);
    sync.push('b', PERIOD);
    expect(sync.frameAt(PERIOD)).toBe('b');
    sync.push('c', 2 * PERIOD);
    expect(sync.frameAt(PERIOD)).toBe('b');
    expect(sync.latest()).toBe('c');
  });

  it('a source nobody shows holds only a few frames', () => {
    let held = 0;
    const sync = new FrameSync<number>({ periodMs: PERIOD, release: () => held-- });
    for (let i = 0; i < 300; i++) {
      held++;
      sync.push(i, i * PERIOD + jitter(i, 5));
      expect(held).toBeLessThanOrEqual(4);
    }
    expect(sync.frameAt(300 * PERIOD)).toBe(299);
  });

  it('tells, without taking it, the index of the frame a tick will show', () => {
    const sync = new FrameSync<number>({ periodMs: PERIOD, release: () => {} });
    expect(sync.indexAt(0)).toBeNull();
    // Frames 0–9 arrive 5 ms after their time; ticks find each on its own tick.
    for (let i = 0; i < 10; i++) sync.push(i, i * PERIOD + 5);
    for (let tick = 1; tick < 10; tick++) {
      const dueAt = tick * PERIOD + 6;
      const told = sync.indexAt(dueAt);
      expect(sync.frameAt(dueAt)).toBe(told);
      expect(sync.indexAt(dueAt)).toBe(told);
    }
    // Past the newest frame, the newest is what stays on.
    expect(sync.indexAt(100 * PERIOD)).toBe(9);
    sync.reset();
    expect(sync.indexAt(100 * PERIOD)).toBeNull();
  });

  it('moves the whole schedule by an extra delay, once', () => {
    const sync = new FrameSync<number>({ periodMs: PERIOD, release: () => {} });
    for (let i = 0; i < 5; i++) sync.push(i, i * PERIOD);
    expect(sync.frameAt(4 * PERIOD)).toBe(4);
    // A remote feed's sound hold rises by two frames: later frames keep their cadence, two later.
    sync.setExtraDelay(2 * PERIOD);
    for (let i = 5; i < 10; i++) sync.push(i, i * PERIOD);
    const shown = [5, 6, 7, 8, 9].map((tick) => sync.frameAt(tick * PERIOD + 1));
    expect(shown).toEqual([4, 4, 5, 6, 7]);
  });
});
