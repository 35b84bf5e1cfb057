import { describe, expect, it } from 'vitest';
import { decodeMetadata, encodeMetadata, MAX_METADATA_BYTES, MetadataRefusedError, type CommerceMetadata } from './commerceMetadata';

const product: CommerceMetadata = {
  v: 1,
  show: 'spring-launch',
  segment: 'seg-2',
  kind: 'product',
  product: { id: 'p-1', sku: 'SKU-001', title: 'Ceramic kettle', price: 49.9, promoPrice: 39.9, currency: 'EUR', stock: 120 },
  program: { source: 'src-2', layout: 'full' },
  wallTimeMs: 1_790_000_000_000,
  frame: 1234,
};

describe('commerce metadata', () => {
  it('encodes compact UTF-8 JSON that decodes to the same message', () => {
    const bytes = encodeMetadata(product);
    const text = new TextDecoder().decode(bytes);
    expect(text).not.toMatch(/\n| {2}/);
    expect(text.startsWith('{"v":1,')).toBe(true);
    expect(decodeMetadata(bytes)).toEqual(product);
  });

  it('counts bytes, not characters, and accepts exactly 1024 bytes', () => {
    const long = (c: string) => c.repeat(64);
    const base = {
      ...product,
      show: long('w'),
      segment: long('s'),
      program: { source: long('a'), layout: long('b') },
      sales: { orders: 123456, units: 234567, gmv: 1234567.89, currency: 'EUR' },
      product: { ...product.product!, id: long('i'), sku: long('k'), title: 'x' },
    };
    const room = MAX_METADATA_BYTES - encodeMetadata(base).length;
    expect(room).toBeGreaterThan(2);
    expect(room).toBeLessThan(398);
    // "é" is two bytes in UTF-8 but one character.
    const title = 'é'.repeat(Math.floor(room / 2)) + 'x'.repeat((room % 2) + 1);
    const exact = { ...base, product: { ...base.product, title } };
    expect(encodeMetadata(exact).length).toBe(MAX_METADATA_BYTES);
    const over = { ...base, product: { ...base.product, title: title + 'x' } };
    expect(() => encodeMetadata(over)).toThrow(MetadataRefusedError);
    expect(() => encodeMetadata(over)).toThrow(/1025 bytes encoded, the limit is 1024/);
  });

  it('refuses an oversize message with the reason', () => {
    // Every field within its own limit, but together well over 1 KB.
    const huge: CommerceMetadata = {
      ...product,
      show: 'w'.repeat(64),
      segment: 's'.repeat(64),
      program: { source: 'a'.repeat(64), layout: 'b'.repeat(64) },
      sales: { orders: 1, units: 1, gmv: 1, currency: 'EUR' },
      product: { ...product.product!, title: '€'.repeat(200), sku: 'k'.repeat(64), id: 'i'.repeat(64) },
    };
    expect(() => encodeMetadata(huge)).toThrow(/commerce metadata refused: \d+ bytes encoded, the limit is 1024/);
  });

  it('refuses invalid messages and names the field', () => {
    expect(() => encodeMetadata({ ...product, v: 2 } as unknown as CommerceMetadata)).toThrow(/v:/);
    expect(() => encodeMetadata({ ...product, frame: -1 })).toThrow(/frame:/);
    expect(() => encodeMetadata({ ...product, product: { ...product.product!, currency: 'euro' } })).toThrow(/product\.currency: currency must be an ISO 4217/);
    expect(() => encodeMetadata({ ...product, kind: 'other' } as unknown as CommerceMetadata)).toThrow(/kind:/);
  });

  it('takes the other kinds', () => {
    const explaining: CommerceMetadata = { v: 1, kind: 'explaining', explaining: 'started', product: product.product, wallTimeMs: 1, frame: 2 };
    const sales: CommerceMetadata = { v: 1, kind: 'sales', sales: { orders: 3, units: 5, gmv: 199.5, currency: 'EUR' }, wallTimeMs: 1, frame: 3 };
    expect(decodeMetadata(encodeMetadata(explaining))).toEqual(explaining);
    expect(decodeMetadata(encodeMetadata(sales))).toEqual(sales);
  });
});
