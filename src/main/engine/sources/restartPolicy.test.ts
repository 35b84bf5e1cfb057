import { describe, expect, it } from 'vitest';
import { RestartPolicy } from './restartPolicy';

describe('RestartPolicy', () => {
  it('backs off exponentially up to the cap', () => {
    const policy = new RestartPolicy({ initialDelayMs: 500, maxDelayMs: 10_000, jitter: 0 });
    const delays = Array.from({ length: 8 }, (_, i) => policy.nextDelayMs(i));
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
  });

  it('jitters within ±jitter and never past the cap', () => {
    const low = new RestartPolicy({ jitter: 0.2, random: () => 0 });
    const high = new RestartPolicy({ jitter: 0.2, random: () => 0.999999 });
    expect(low.nextDelayMs(0)).toBe(400);
    expect(high.nextDelayMs(0)).toBe(600);
    for (let i = 0; i < 10; i++) expect(high.nextDelayMs(0)).toBeLessThanOrEqual(10_000);
  });

  it('resets after the source stayed live long enough', () => {
    const policy = new RestartPolicy({ jitter: 0, resetAfterLiveMs: 10_000 });
    policy.nextDelayMs(0);
    policy.nextDelayMs(0);
    expect(policy.attempts).toBe(2);
    policy.noteLive(1000);
    expect(policy.nextDelayMs(5000)).toBe(2000); // live 4 s: still backing off
    policy.noteLive(6000);
    expect(policy.nextDelayMs(16_000)).toBe(500); // live 10 s: recovered
  });

  it('gives up only on permanent errors', () => {
    const policy = new RestartPolicy();
    expect(policy.shouldGiveUp({ permanent: true })).toBe(true);
    expect(policy.shouldGiveUp({ permanent: false })).toBe(false);
  });

  it('starts over after reset()', () => {
    const policy = new RestartPolicy({ jitter: 0 });
    policy.nextDelayMs(0);
    policy.nextDelayMs(0);
    policy.reset();
    expect(policy.nextDelayMs(0)).toBe(500);
  });
});
