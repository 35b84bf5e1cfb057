import { describe, expect, it } from 'vitest';
import { commerceProductSchema, encodeMetadata } from './commerceMetadata';
import {
  findDuplicateSegments,
  formatCountdown,
  formatPrice,
  parseScriptMarkers,
  promoEndForTake,
  rundownSegmentSchema,
  segmentToMetadataProduct,
  type RundownSegmentInput,
} from './rundown';

const base: RundownSegmentInput = {
  id: 'solitaire-ring',
  sku: 'RG-SOL-050',
  title: 'Solitaire Diamond Ring 0.50 ct',
  price: 1890,
  promoPrice: 1590,
  promoEndsAt: '2030-05-01T19:05:00Z',
  currency: 'EUR',
  stock: 25,
  input: 'scn-4',
  targetDurationSec: 300,
};
const END = Date.UTC(2030, 4, 1, 19, 5, 0);

describe('rundownSegmentSchema', () => {
  it('parses ISO and ms promo ends to ms and fills list defaults', () => {
    const s = rundownSegmentSchema.parse(base);
    expect(s.promoEndsAt).toBe(END);
    expect(rundownSegmentSchema.parse({ ...base, promoEndsAt: END }).promoEndsAt).toBe(END);
    expect(rundownSegmentSchema.parse({ ...base, promoEndsAt: '2030-05-01T21:05:00+02:00' }).promoEndsAt).toBe(END);
    expect(s).toMatchObject({ images: [], sellingPoints: [], script: '' });
  });

  it.each([
    { change: { title: 'x'.repeat(201) }, message: 'title is longer than 200 characters' },
    { change: { promoEndsAt: '2030-05-01T19:05:00' }, message: 'promoEndsAt must be an ISO date-time with a zone' },
    { change: { promoPrice: 1890 }, message: 'promoPrice must be lower than price (1890 ≥ 1890)' },
    { change: { id: 'ring 1' }, message: 'id may use only letters, digits' },
    { change: { sellingPoints: ['a|b'] }, message: 'selling point contains "|"' },
    { change: { title: 'Two\nlines' }, message: 'title contains a control character' },
    { change: { script: 'see [[price]] and [[Price]]' }, message: 'marker "Price" appears twice' },
    { change: { targetDurationSec: 30.5 }, message: 'targetDurationSec must be a whole number' },
    { change: { currency: 'euro' }, message: 'currency must be an ISO 4217 code' },
  ] as const)('refuses it: $message', ({ change, message }) => {
    const r = rundownSegmentSchema.safeParse({ ...base, ...change });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.message).join(' | ')).toContain(message);
  });
});

describe('segmentToMetadataProduct', () => {
  const segment = rundownSegmentSchema.parse({ ...base, productId: 'gid-7781' });

  it('maps onto a valid commerce metadata product, promo price while the promo runs', () => {
    const running = segmentToMetadataProduct(segment, { stockLeft: 12, nowMs: END - 1000 });
    expect(running).toEqual({ id: 'gid-7781', sku: 'RG-SOL-050', title: 'Solitaire Diamond Ring 0.50 ct', price: 1890, promoPrice: 1590, currency: 'EUR', stock: 12 });
    expect(commerceProductSchema.parse(running)).toEqual(running);
    expect(() => encodeMetadata({ v: 1, kind: 'product', product: running, wallTimeMs: END, frame: 1 })).not.toThrow();
    expect(segmentToMetadataProduct(segment, { nowMs: END })).not.toHaveProperty('promoPrice');
  });

  it('uses the SKU as product id, the rundown stock, and a flash sale end from the take', () => {
    const flash = rundownSegmentSchema.parse({ ...base, promoEndsAt: undefined, flashSaleSec: 300 });
    const takenAt = END;
    const ends = promoEndForTake(flash, takenAt);
    expect(ends).toBe(END + 300_000);
    const p = segmentToMetadataProduct(flash, { promoEndsAt: ends, nowMs: END + 299_000 });
    expect(p).toMatchObject({ id: 'RG-SOL-050', stock: 25, promoPrice: 1590 });
    expect(segmentToMetadataProduct(flash, { promoEndsAt: ends, nowMs: END + 300_000 }).promoPrice).toBeUndefined();
    expect(promoEndForTake(rundownSegmentSchema.parse({ ...base, promoPrice: undefined, promoEndsAt: undefined }), takenAt)).toBeUndefined();
  });
});

describe('helpers', () => {
  it('formats countdowns, rounding up', () => {
    expect(formatCountdown(299_001)).toBe('05:00');
    expect(formatCountdown(299_000)).toBe('04:59');
    expect(formatCountdown(3_723_000)).toBe('1:02:03');
    expect(formatCountdown(-5)).toBe('00:00');
  });

  it('formats prices with the currency sign', () => {
    expect(formatPrice(1590, 'EUR')).toBe('€1,590.00');
    expect(formatPrice(1590, 'EUR', 'de-DE')).toBe('1.590,00\u00a0€');
  });

  it('finds script markers with their positions and problems', () => {
    const { markers, problems } = parseScriptMarkers('[[intro]] Hi.\n[[ price ]] 10 €\n[[]]\n[[open\n');
    expect(markers).toEqual([
      { name: 'intro', index: 0 },
      { name: 'price', index: 14 },
    ]);
    expect(problems).toEqual(['empty marker "[[]]" on script line 3', 'marker on script line 4 is not closed with "]]"']);
  });

  it('finds duplicate ids and SKUs (SKUs without case)', () => {
    expect(findDuplicateSegments([{ id: 'a', sku: 'X' }, { id: 'b', sku: 'x' }, { id: 'a', sku: 'Y' }, { id: 7 }])).toEqual([
      { index: 1, key: 'sku', value: 'x', firstIndex: 0 },
      { index: 2, key: 'id', value: 'a', firstIndex: 0 },
    ]);
  });
});
