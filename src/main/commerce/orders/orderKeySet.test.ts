import { describe, expect, it } from 'vitest';
import { OrderKeySet } from './orderKeySet';

describe('OrderKeySet', () => {
  it('is a set: add once, has, size, every value back', () => {
    const set = new OrderKeySet();
    const keys = Array.from({ length: 5000 }, (_, i) => `shop:${1000 + i}`);
    for (const k of keys) expect(set.add(k)).toBe(true);
    expect(set.add('shop:1000')).toBe(false);
    expect(set.size).toBe(5000);
    expect(set.has('shop:5999')).toBe(true);
    expect(set.has('shop:6000')).toBe(false);
    expect(set.has('woo:1000')).toBe(false);
    expect(new Set(set.values())).toEqual(new Set(keys));
  });
});
