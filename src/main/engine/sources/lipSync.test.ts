// The lip-sync hold with a fake clock: frames wait for their sound, keep their cadence
// while the sound comes in bursts, and stop waiting for sound that never comes.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LipSync, MAX_SOUND_WAIT_MS } from './lipSync';

const PERIOD = 1000 / 30;
const S = 1600; // samples per frame at 48 kHz, 30 fps

function lipSync() {
  const passed: { frame: number; at: number }[] = [];
  const released: number[] = [];
  let gaveUp = 0;
  const sync = new LipSync<number>({
    periodMs: PERIOD,
    samplesPerFrame: S,
    pass: (frame) => passed.push({ frame, at: Date.now() }),
    release: (frame) => released.push(frame),
    onGiveUp: () => gaveUp++,
    now: () => Date.now(),
  });
  return { sync, passed, released, gaveUp: () => gaveUp };
}

/** Runs the fake clock to `t` ms, delivering frame i at i × PERIOD and calling `each` every ms. */
function runTo(t: number, sync: LipSync<number>, state: { next: number }, each: (now: number) => void = () => {}): void {
  while (Date.now() < t) {
    vi.advanceTimersByTime(1);
    const now = Date.now();
    for (; state.next * PERIOD <= now; state.next++) sync.video(state.next, now);
    each(now);
  }
}

describe('LipSync', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('holds a frame until the sound of its whole interval has come', () => {
    const { sync, passed } = lipSync();
    sync.video(0, 0);
    sync.sound(S - 1);
    expect(passed).toEqual([]);
    vi.advanceTimersByTime(40);
    sync.sound(S);
    expect(passed).toEqual([{ frame: 0, at: 40 }]);
    // Sound already there: the next frame goes at once (after the 40 ms wait it is held as long).
    sync.sound(3 * S);
    sync.video(1, 50);
    expect(passed.length).toBe(1);
    vi.advanceTimersByTime(50);
    expect(passed.map((p) => p.frame)).toEqual([0, 1]);
  });

  it('keeps the cadence while the sound comes 300 ms late in bursts: every frame held as long as the longest wait', () => {
    const { sync, passed } = lipSync();
    const state = { next: 0 };
    // The sound of every 300 ms arrives at once at its end: frames wait up to 300 ms.
    runTo(6000, sync, state, (now) => {
      if (now % 300 === 0) sync.sound((now / 1000) * 48_000);
    });
    expect(sync.currentHoldMs).toBeGreaterThanOrEqual(300);
    expect(sync.currentHoldMs).toBeLessThanOrEqual(300 + PERIOD);
    // After the first two seconds, frames leave in order one period apart (± the 1 ms
    // clock step), but for at most one step: the hold rising once more, to the one frame
    // whose interval straddles a burst (300 ms + up to a period).
    const steady = passed.filter((p) => p.at > 2500);
    let breaks = 0;
    for (let k = 1; k < steady.length; k++) {
      expect(steady[k].frame).toBe(steady[k - 1].frame + 1);
      if (Math.abs(steady[k].at - steady[k - 1].at - PERIOD) > 1) breaks++;
    }
    expect(breaks).toBeLessThanOrEqual(1);
    expect(sync.aligned).toBe(true);
  });

  it('passes a frame whose sound is late beyond the limit, and gives up on sound that stopped coming', () => {
    const { sync, passed, gaveUp } = lipSync();
    const state = { next: 0 };
    runTo(1000, sync, state, (now) => sync.sound(Math.floor((now / 1000) * 48_000) + S));
    const before = passed.length;
    expect(before).toBeGreaterThanOrEqual(29);
    // The sound stops; frames keep coming. Each waits the limit, then goes.
    runTo(1000 + MAX_SOUND_WAIT_MS + 100, sync, state);
    // (Frames up to 1 033 ms had their sound already.)
    const late = passed.slice(before).filter((p) => p.frame * PERIOD > 1000 + PERIOD);
    expect(late.length).toBeGreaterThan(0);
    for (const p of late) expect(p.at - p.frame * PERIOD).toBeGreaterThanOrEqual(MAX_SOUND_WAIT_MS - 1);
    expect(sync.aligned).toBe(true);
    // Two seconds of that, and the feed's sound is taken as it comes: frames go at once.
    runTo(4500, sync, state);
    expect(gaveUp()).toBe(1);
    expect(sync.aligned).toBe(false);
    const last = passed.at(-1)!;
    expect(last.at - last.frame * PERIOD).toBeLessThan(2);
  });

  it('lets go of held frames and starts again on reset (a new process)', () => {
    const { sync, passed, released } = lipSync();
    sync.video(0, 0);
    sync.video(1, 33);
    sync.reset();
    expect(released).toEqual([0, 1]);
    vi.advanceTimersByTime(2 * MAX_SOUND_WAIT_MS);
    expect(passed).toEqual([]);
    // The new stream counts frames and sound from zero.
    sync.sound(S);
    sync.video(7, Date.now());
    expect(passed.map((p) => p.frame)).toEqual([7]);
  });
});
