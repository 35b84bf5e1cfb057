import { describe, expect, it } from 'vitest';
import { ReconnectBackoff } from './reconnectBackoff';

describe('ReconnectBackoff', () => {
  it('doubles up to the cap, with jitter in the upper half', () => {
    const low = new ReconnectBackoff({ initialDelayMs: 100, maxDelayMs: 1000 }, () => 0);
    expect(Array.from({ length: 6 }, () => low.next())).toEqual([50, 100, 200, 400, 500, 500]);
    const high = new ReconnectBackoff({ initialDelayMs: 100, maxDelayMs: 1000 }, () => 1);
    expect(Array.from({ length: 6 }, () => high.next())).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
  it('starts over after reset()', () => {
    const b = new ReconnectBackoff({ initialDelayMs: 100, maxDelayMs: 1000 }, () => 1);
    b.next();
    b.next();
    b.reset();
    expect(b.next()).toBe(100);
  });
});
