import { describe, expect, it } from 'vitest';
import { ProgramClock, type ClockTick } from './programClock';

describe('ProgramClock', () => {
  it('ticks in order at the configured rate without skipping numbers', async () => {
    const ticks: ClockTick[] = [];
    const clock = new ProgramClock(50, (t) => ticks.push(t));
    clock.start();
    await new Promise((r) => setTimeout(r, 300));
    clock.stop();
    expect(ticks.length).toBeGreaterThanOrEqual(10);
    ticks.forEach((t, i) => expect(t.frame).toBe(i));
    // Due times are exact multiples of the period from the origin.
    expect(ticks[5].dueAt - ticks[0].dueAt).toBeCloseTo(100, 5);
  });

  it('catches up missed ticks after a short stall instead of leaving a gap', async () => {
    const ticks: number[] = [];
    const clock = new ProgramClock(100, (t) => ticks.push(t.frame));
    clock.start();
    await new Promise((r) => setTimeout(r, 30));
    const until = performance.now() + 60;
    while (performance.now() < until) {
      // Block the event loop for ~6 frames.
    }
    await new Promise((r) => setTimeout(r, 30));
    clock.stop();
    ticks.forEach((f, i) => expect(f).toBe(i));
    expect(clock.resyncCount).toBe(0);
  });

  it('announces the frame a command will land on', () => {
    const clock = new ProgramClock(30, () => undefined);
    expect(clock.upcomingFrame).toBe(0);
  });
});
