import { describe, expect, it } from 'vitest';
import type { CommerceMetadata } from '../../../../shared/commerceMetadata';
import { buildChapters, escapeFfmetadata, ffmetadataText } from './recordingChapters';
import type { SidecarEntry } from './recordingSidecar';

function productAt(ptsMs: number, n: number, price = 10): SidecarEntry {
  const message: CommerceMetadata = { v: 1, kind: 'product', product: { id: `p-${n}`, sku: `SKU-${n}`, title: `Product ${n}`, price, currency: 'EUR' }, wallTimeMs: 1, frame: ptsMs };
  return { ptsMs, frame: ptsMs, wallTimeMs: 1, message };
}
function explainingAt(ptsMs: number, what: 'started' | 'ended'): SidecarEntry {
  return { ptsMs, frame: ptsMs, wallTimeMs: 1, message: { v: 1, kind: 'explaining', explaining: what, wallTimeMs: 1, frame: ptsMs } };
}
function salesAt(ptsMs: number): SidecarEntry {
  return { ptsMs, frame: ptsMs, wallTimeMs: 1, message: { v: 1, kind: 'sales', sales: { orders: 1, units: 1, gmv: 5, currency: 'EUR' }, wallTimeMs: 1, frame: ptsMs } };
}
const spans = (entries: readonly SidecarEntry[], endMs: number): [string, number, number][] =>
  buildChapters(entries, endMs).map((c) => [c.title, c.startMs, c.endMs]);

describe('buildChapters', () => {
  it('gives each product shown a chapter up to the next one, the last to the end of the file', () => {
    expect(spans([productAt(100, 1), salesAt(150), productAt(1000, 2), productAt(2500, 3)], 4000)).toEqual([
      ['SKU-1 — Product 1', 100, 1000],
      ['SKU-2 — Product 2', 1000, 2500],
      ['SKU-3 — Product 3', 2500, 4000],
    ]);
  });

  it('continues a chapter when the product on air is taken again, and counts a second showing', () => {
    expect(spans([productAt(0, 1), productAt(500, 1, 8), productAt(1000, 2), productAt(2000, 1)], 3000)).toEqual([
      ['SKU-1 — Product 1', 0, 1000],
      ['SKU-2 — Product 2', 1000, 2000],
      ['SKU-1 — Product 1', 2000, 3000],
    ]);
  });

  it('keeps the later of two products taken on one frame', () => {
    expect(spans([productAt(0, 1), productAt(1000, 2), productAt(1000, 1)], 3000)).toEqual([['SKU-1 — Product 1', 0, 3000]]);
  });

  it('leaves out changes at or after the end of the file (a crash cut them off)', () => {
    expect(spans([productAt(0, 1), productAt(900, 2), productAt(1000, 3)], 1000)).toEqual([
      ['SKU-1 — Product 1', 0, 900],
      ['SKU-2 — Product 2', 900, 1000],
    ]);
    expect(spans([productAt(0, 1)], 0)).toEqual([]);
  });

  it('clips explaining spans to the chapters they cross; an open one runs to the end', () => {
    const chapters = buildChapters(
      [productAt(0, 1), explainingAt(200, 'started'), explainingAt(300, 'started'), productAt(1000, 2), explainingAt(1200, 'ended'), explainingAt(1300, 'ended'), explainingAt(1800, 'started')],
      2000,
    );
    expect(chapters.map((c) => c.explaining)).toEqual([
      [{ startMs: 200, endMs: 1000 }],
      [{ startMs: 1000, endMs: 1200 }, { startMs: 1800, endMs: 2000 }],
    ]);
  });
});

describe('ffmetadataText', () => {
  it('writes chapters in ms with their product tags, escaping what FFMETADATA reserves', () => {
    const [chapter] = buildChapters([productAt(100, 1), explainingAt(200, 'started'), explainingAt(450, 'ended')], 1000);
    const text = ffmetadataText([{ ...chapter!, title: 'A=B; #1 \\ new\nline' }], { title: 'show' });
    expect(text).toBe(
      [
        ';FFMETADATA1',
        'title=show',
        '[CHAPTER]',
        'TIMEBASE=1/1000',
        'START=100',
        'END=1000',
        'title=A\\=B\\; \\#1 \\\\ new\\\nline',
        'SKU=SKU-1',
        'PRODUCT_ID=p-1',
        'EXPLAINING=0.200-0.450',
        '',
      ].join('\n'),
    );
    expect(escapeFfmetadata('SKU-1 — Tee')).toBe('SKU-1 — Tee');
  });
});
