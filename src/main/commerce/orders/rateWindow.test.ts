import { describe, expect, it } from 'vitest';
import { RateWindow } from './orderAggregates';

describe('RateWindow', () => {
  it('counts the last 60 s, forgets older seconds, and ignores a stale record', () => {
    const w = new RateWindow();
    const t0 = 1_000_000_000;
    for (let s = 0; s < 90; s++) w.add(t0 + s * 1000);
    expect(w.perMinute(t0 + 89_000)).toBe(60);
    expect(w.perMinute(t0 + 89_000 + 30_000)).toBe(30);
    expect(w.perMinute(t0 + 200_000)).toBe(0);
    // A record 70 s old lands on a bucket a newer second owns: it is outside the window.
    w.add(t0 + 19_000);
    expect(w.perMinute(t0 + 89_000)).toBe(60);
  });
});
