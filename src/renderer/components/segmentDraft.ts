// A rundown segment as the editor's fields hold it (text), and back. Only "is this a
// number at all" is checked here, because a number field cannot carry "12,50" to
// main; every other rule is main's, and its refusal is shown as it words it.
import type { RundownSegment, RundownSegmentInput } from '../../shared/rundown';

export interface SegmentDraft {
  readonly id: string;
  readonly sku: string;
  readonly productId: string;
  readonly title: string;
  readonly price: string;
  readonly promoPrice: string;
  /** ISO 8601 with a zone, as export writes it. */
  readonly promoEndsAt: string;
  readonly flashSaleSec: string;
  readonly currency: string;
  readonly stock: string;
  /** One per line. */
  readonly images: string;
  readonly sellingPoints: string;
  readonly script: string;
  readonly input: string;
  readonly targetDurationSec: string;
}

export function draftFromSegment(s: RundownSegment): SegmentDraft {
  return {
    id: s.id,
    sku: s.sku,
    productId: s.productId ?? '',
    title: s.title,
    price: String(s.price),
    promoPrice: s.promoPrice === undefined ? '' : String(s.promoPrice),
    promoEndsAt: s.promoEndsAt === undefined ? '' : new Date(s.promoEndsAt).toISOString(),
    flashSaleSec: s.flashSaleSec === undefined ? '' : String(s.flashSaleSec),
    currency: s.currency,
    stock: String(s.stock),
    images: s.images.join('\n'),
    sellingPoints: s.sellingPoints.join('\n'),
    script: s.script,
    input: s.input,
    targetDurationSec: String(s.targetDurationSec),
  };
}

export function emptyDraft(id: string, input: string, currency: string): SegmentDraft {
  return {
    id,
    sku: '',
    productId: '',
    title: '',
    price: '',
    promoPrice: '',
    promoEndsAt: '',
    flashSaleSec: '',
    currency,
    stock: '0',
    images: '',
    sellingPoints: '',
    script: '',
    input,
    targetDurationSec: '180',
  };
}

const numberFields = ['price', 'promoPrice', 'flashSaleSec', 'stock', 'targetDurationSec'] as const;

/** The segment to send, or the reason it cannot be sent (a field that is not a number). */
export function segmentFromDraft(d: SegmentDraft): RundownSegmentInput | string {
  const numbers: Partial<Record<(typeof numberFields)[number], number>> = {};
  for (const field of numberFields) {
    const text = d[field].trim();
    if (text === '') continue;
    const value = Number(text);
    if (!Number.isFinite(value)) {
      const hint = /^\d+,\d+$/.test(text) ? ` (use a dot for decimals: ${text.replace(',', '.')})` : '';
      return `${field} "${text}" is not a number${hint}`;
    }
    numbers[field] = value;
  }
  const list = (text: string): string[] =>
    text
      .split('\n')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  const optional = (text: string): string | undefined => (text.trim() === '' ? undefined : text.trim());
  return {
    // Text goes as typed: main says what is wrong with spaces or control characters.
    id: d.id,
    sku: d.sku,
    productId: optional(d.productId),
    title: d.title,
    // A required number left empty goes as undefined, so main names the field.
    price: numbers.price as number,
    promoPrice: numbers.promoPrice,
    // ms since 1970 is accepted as well as ISO text (rundown.ts `instant`).
    promoEndsAt: /^\d+$/.test(d.promoEndsAt.trim()) ? Number(d.promoEndsAt.trim()) : optional(d.promoEndsAt),
    flashSaleSec: numbers.flashSaleSec,
    currency: d.currency,
    stock: numbers.stock as number,
    images: list(d.images),
    sellingPoints: list(d.sellingPoints),
    script: d.script,
    input: d.input,
    targetDurationSec: numbers.targetDurationSec as number,
  };
}
