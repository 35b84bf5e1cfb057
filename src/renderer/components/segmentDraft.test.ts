import { describe, expect, it } from 'vitest';
import { rundownSegmentSchema, type RundownSegment } from '../../shared/rundown';
import { draftFromSegment, emptyDraft, segmentFromDraft } from './segmentDraft';

const ring: RundownSegment = rundownSegmentSchema.parse({
  id: 'solitaire-ring',
  sku: 'RG-SOL-050',
  title: 'Solitaire Diamond Ring',
  price: 1890,
  promoPrice: 1590,
  promoEndsAt: '2031-05-01T17:30:00.250Z',
  currency: 'EUR',
  stock: 25,
  images: ['images/a.jpg', 'images/b.jpg'],
  sellingPoints: ['IGI certificate', 'Free resizing'],
  script: '[[intro]] Good evening\n\n[[price]] Now 1,590.',
  input: 'scn-4',
  targetDurationSec: 300,
});

describe('segment drafts', () => {
  it('goes from segment to fields and back unchanged', () => {
    const back = segmentFromDraft(draftFromSegment(ring));
    expect(typeof back).toBe('object');
    expect(rundownSegmentSchema.parse(back)).toEqual(ring);
  });

  it('refuses a number field that is not a number, with a hint for a decimal comma', () => {
    expect(segmentFromDraft({ ...draftFromSegment(ring), price: '12,50' })).toBe('price "12,50" is not a number (use a dot for decimals: 12.50)');
    expect(segmentFromDraft({ ...draftFromSegment(ring), stock: 'lots' })).toBe('stock "lots" is not a number');
  });

  it("leaves every other rule to main's schema", () => {
    const bad = segmentFromDraft({ ...draftFromSegment(ring), price: '-5' });
    expect(typeof bad).toBe('object');
    const result = rundownSegmentSchema.safeParse(bad);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toContain('price must be 0 or more');
  });

  it('drops empty optional fields and keeps ms promo ends', () => {
    const fresh = segmentFromDraft({ ...emptyDraft('new-1', 'src-1', 'EUR'), sku: 'X', title: 'T', price: '10', promoPrice: '8', promoEndsAt: '1950000000000' });
    expect(fresh).toMatchObject({ id: 'new-1', price: 10, promoPrice: 8, promoEndsAt: 1950000000000, stock: 0, targetDurationSec: 180, images: [] });
    expect(rundownSegmentSchema.safeParse(fresh).success).toBe(true);
    expect((fresh as { productId?: string }).productId).toBeUndefined();
  });
});
