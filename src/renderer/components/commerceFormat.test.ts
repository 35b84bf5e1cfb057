import { describe, expect, it } from 'vitest';
import { formatCount, formatElapsed, formatRate, formatRemaining, priceNow, salesOf, segmentTiming, stockLevel } from './commerceFormat';

describe('commerce formatting', () => {
  it('reads elapsed and remaining time like a floor manager', () => {
    expect(formatElapsed(7_900)).toBe('0:07');
    expect(formatElapsed(754_000)).toBe('12:34');
    expect(formatElapsed(3_723_000)).toBe('1:02:03');
    const t = segmentTiming({ takenAtMs: 1_000 }, 300, 1_000 + 48_200);
    expect(t).toEqual({ elapsedMs: 48_200, remainingMs: 251_800, over: false });
    expect(formatRemaining(t)).toBe('4:11 left');
    const over = segmentTiming({ takenAtMs: 0 }, 60, 92_000);
    expect(formatRemaining(over)).toBe('+0:32 over');
  });

  it('shows the promo price only while the promo runs', () => {
    const seg = { price: 1890, promoPrice: 1590 };
    expect(priceNow(seg, 10_000, 5_000)).toEqual({ price: 1590, was: 1890, countdown: '00:05' });
    expect(priceNow(seg, 10_000, 10_000)).toEqual({ price: 1890, was: null, countdown: null });
    expect(priceNow(seg, null, 5_000)).toEqual({ price: 1590, was: 1890, countdown: null });
    expect(priceNow({ price: 10, promoPrice: null }, null, 0)).toEqual({ price: 10, was: null, countdown: null });
  });

  it('grades stock like the on-air card', () => {
    expect(stockLevel(20, 25).level).toBe('ok');
    expect(stockLevel(7, 25).level).toBe('low');
    expect(stockLevel(4, 100).level).toBe('critical');
    expect(stockLevel(5, 10).level).toBe('low');
    expect(stockLevel(0, 10)).toEqual({ left: 0, fraction: 0, level: 'soldOut' });
    expect(stockLevel(-3, 10).left).toBe(0);
  });

  it('finds a SKU without case and formats counts', () => {
    const perSku = [{ sku: 'RG-SOL-050', title: null, units: 3, perMinute: 1, revenue: 10, stockLeft: 22 }];
    expect(salesOf({ perSku }, 'rg-sol-050')?.units).toBe(3);
    expect(salesOf({ perSku }, 'x')).toBeUndefined();
    expect(formatCount(1234)).toBe('1,234');
    expect(formatCount(12_345)).toBe('12.3k');
    expect(formatRate(3)).toBe('3.0');
    expect(formatRate(42.4)).toBe('42');
  });
});
