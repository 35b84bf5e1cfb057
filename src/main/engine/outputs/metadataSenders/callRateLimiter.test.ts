import { describe, expect, it } from 'vitest';
import { CallRateLimiter } from './callRateLimiter';

describe('CallRateLimiter', () => {
  it('lets a burst of N through, then holds the next call until the first is 1 s old', () => {
    const limiter = new CallRateLimiter(5);
    for (let t = 0; t < 5; t++) {
      expect(limiter.waitMs(t * 10)).toBe(0);
      limiter.take(t * 10);
    }
    expect(limiter.waitMs(100)).toBe(900);
    expect(limiter.waitMs(999)).toBe(1);
    expect(limiter.waitMs(1000)).toBe(0);
    limiter.take(1000);
    // The second call (t=10) frees the next slot.
    expect(limiter.waitMs(1001)).toBe(9);
  });

  it('never allows more than N calls in any 1 s window under constant demand', () => {
    const limiter = new CallRateLimiter(5);
    const calls: number[] = [];
    for (let now = 0; now < 10_000; now++) {
      if (limiter.waitMs(now) === 0) {
        limiter.take(now);
        calls.push(now);
      }
    }
    for (let i = 5; i < calls.length; i++) expect(calls[i]! - calls[i - 5]!).toBeGreaterThanOrEqual(1000);
    expect(calls).toHaveLength(50);
  });

  it('refuses a limit that is not a whole number ≥ 1', () => {
    expect(() => new CallRateLimiter(0)).toThrow(RangeError);
    expect(() => new CallRateLimiter(2.5)).toThrow(RangeError);
  });
});
