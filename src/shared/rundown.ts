// A show's rundown (issue 5 "Rundown"): the ordered segments a commerce show runs
// through, each usually one product with its price, stock, images, selling points,
// the host's script and the camera or layout it is shown on. Plain TypeScript and
// zod only (STYLE.md rule 1): the renderer, the teleprompter and main share it.
import { z } from 'zod';
import type { CommerceProduct } from './commerceMetadata';

export const RUNDOWN_VERSION = 1;

/** Every limit in one place, so the docs, the CSV importer and the UI agree. */
export const RUNDOWN_LIMITS = {
  segments: 500,
  idChars: 64,
  skuChars: 64,
  /** Same as the commerce metadata product title (commerceMetadata.ts). */
  titleChars: 200,
  showTitleChars: 120,
  images: 12,
  imageRefChars: 500,
  sellingPoints: 12,
  sellingPointChars: 160,
  scriptChars: 20_000,
  markerNameChars: 40,
  maxPrice: 1_000_000_000,
  maxStock: 10_000_000,
  minDurationSec: 5,
  maxDurationSec: 4 * 3600,
  minFlashSaleSec: 10,
  maxFlashSaleSec: 24 * 3600,
} as const;

const L = RUNDOWN_LIMITS;
// C0/C1 control characters and DEL; tab and newlines are allowed only in the script.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_EXCEPT_WHITESPACE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** A single-line text: no control characters, no leading or trailing spaces. */
function line(what: string, max: number) {
  return z
    .string({ error: `${what} is required` })
    .min(1, { error: `${what} is empty` })
    .max(max, { error: `${what} is longer than ${max} characters` })
    .refine((s) => !CONTROL.test(s), { error: `${what} contains a control character (a line break or tab?)` })
    .refine((s) => s.trim() === s, { error: `${what} has leading or trailing spaces` });
}

/** List items are `|`-separated in CSV, so an item cannot contain one. */
function listItem(what: string, max: number) {
  return line(what, max).refine((s) => !s.includes('|'), { error: `${what} contains "|", which separates list items` });
}

function money(what: string) {
  return z
    .number({ error: `${what} must be a number` })
    .finite({ error: `${what} must be a finite number` })
    .nonnegative({ error: `${what} must be 0 or more` })
    .max(L.maxPrice, { error: `${what} is over ${L.maxPrice}` });
}

function wholeNumber(what: string, min: number, max: number) {
  return z
    .number({ error: `${what} must be a number` })
    .int({ error: `${what} must be a whole number` })
    .min(min, { error: `${what} must be ${min} or more` })
    .max(max, { error: `${what} must be ${max} or less` });
}

/** Segment ids travel in the metadata (1–64 characters there), URLs and hotkeys. */
const segmentId = line('id', L.idChars).refine((s) => /^[A-Za-z0-9][A-Za-z0-9._:-]*$/.test(s), {
  error: 'id may use only letters, digits and . _ : - (starting with a letter or digit)',
});

/**
 * An instant as an ISO 8601 date-time with a zone ("2025-11-28T20:00:00Z",
 * "2025-11-28T21:00:00+01:00") or as ms since the Unix epoch; parsed to ms. A time
 * without a zone is refused: the studio and the audience may not share one.
 */
const INSTANT_ERROR = 'promoEndsAt must be an ISO date-time with a zone (2025-11-28T20:00:00Z) or ms since 1970';
const instant = z
  .union([z.iso.datetime({ offset: true, error: INSTANT_ERROR }), z.number().int().nonnegative()], { error: INSTANT_ERROR })
  .transform((v) => (typeof v === 'number' ? v : Date.parse(v)));

export interface ScriptMarker {
  /** The name between the brackets, trimmed: `[[ Price ]]` is "Price". */
  readonly name: string;
  /** Index of the first `[` in the script (UTF-16 code units, as JavaScript counts). */
  readonly index: number;
}

/**
 * Finds the teleprompter's jump markers, `[[marker name]]`, in a script. Problems
 * (an unclosed or empty marker, a duplicate name, brackets inside a name) are
 * returned as sentences, never thrown: the schema turns them into import errors.
 */
export function parseScriptMarkers(script: string): { markers: ScriptMarker[]; problems: string[] } {
  const markers: ScriptMarker[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  let from = 0;
  for (;;) {
    const open = script.indexOf('[[', from);
    if (open < 0) break;
    const close = script.indexOf(']]', open + 2);
    const newline = script.indexOf('\n', open);
    const lineNo = script.slice(0, open).split('\n').length;
    if (close < 0 || (newline >= 0 && newline < close)) {
      problems.push(`marker on script line ${lineNo} is not closed with "]]"`);
      from = open + 2;
      continue;
    }
    const name = script.slice(open + 2, close).trim();
    if (name === '') problems.push(`empty marker "[[]]" on script line ${lineNo}`);
    else if (name.includes('[')) problems.push(`marker on script line ${lineNo} contains "["`);
    else if (name.length > L.markerNameChars) problems.push(`marker "${name.slice(0, 20)}…" is longer than ${L.markerNameChars} characters`);
    else if (seen.has(name.toLowerCase())) problems.push(`marker "${name}" appears twice (the teleprompter jumps by name)`);
    else {
      seen.add(name.toLowerCase());
      markers.push({ name, index: open });
    }
    from = close + 2;
  }
  return { markers, problems };
}

/** Unknown fields are refused, so a typo ("promo_price") is not silently dropped. */
const unknownFields = {
  error: (iss: { code?: string; keys?: string[] }) =>
    iss.code === 'unrecognized_keys' && iss.keys ? `unknown field ${iss.keys.map((k) => `"${k}"`).join(', ')}` : undefined,
};

export const rundownSegmentSchema = z
  .strictObject({
    id: segmentId,
    sku: line('sku', L.skuChars),
    /** The platform's product id when it differs from the SKU (metadata `product.id`). */
    productId: line('productId', L.idChars).optional(),
    title: line('title', L.titleChars),
    price: money('price'),
    promoPrice: money('promoPrice').optional(),
    /** Fixed end of the promo price; parsed to ms since the Unix epoch. */
    promoEndsAt: instant.optional(),
    /** A flash sale that starts when the segment is taken and lasts this long. */
    flashSaleSec: wholeNumber('flashSaleSec', L.minFlashSaleSec, L.maxFlashSaleSec).optional(),
    currency: z.string({ error: 'currency is required' }).regex(/^[A-Z]{3}$/, { error: 'currency must be an ISO 4217 code such as EUR' }),
    /** Units available when the segment starts: the stock bar's 100 %. */
    stock: wholeNumber('stock', 0, L.maxStock),
    /** Image files, relative to the rundown's folder (or absolute). */
    images: z.array(listItem('image', L.imageRefChars)).max(L.images, { error: `more than ${L.images} images` }).default([]),
    sellingPoints: z
      .array(listItem('selling point', L.sellingPointChars))
      .max(L.sellingPoints, { error: `more than ${L.sellingPoints} selling points` })
      .default([]),
    /** The host's text; `[[marker name]]` marks a place the teleprompter can jump to. */
    script: z
      .string()
      .max(L.scriptChars, { error: `script is longer than ${L.scriptChars} characters` })
      .refine((s) => !CONTROL_EXCEPT_WHITESPACE.test(s), { error: 'script contains a control character' })
      // One line-break convention, whatever editor or spreadsheet wrote the file.
      .transform((s) => s.replace(/\r\n?/g, '\n'))
      .default(''),
    /** The source or scene (layout) id the segment is shown on. */
    input: line('input', L.idChars),
    targetDurationSec: wholeNumber('targetDurationSec', L.minDurationSec, L.maxDurationSec),
  }, unknownFields)
  .superRefine((s, ctx) => {
    if (s.promoPrice !== undefined && s.promoPrice >= s.price) {
      ctx.addIssue({ code: 'custom', path: ['promoPrice'], message: `promoPrice must be lower than price (${s.promoPrice} ≥ ${s.price})` });
    }
    if (s.promoPrice === undefined && s.promoEndsAt !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['promoEndsAt'], message: 'promoEndsAt is set but there is no promoPrice' });
    }
    if (s.promoPrice === undefined && s.flashSaleSec !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['flashSaleSec'], message: 'flashSaleSec is set but there is no promoPrice' });
    }
    if (s.promoEndsAt !== undefined && s.flashSaleSec !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['flashSaleSec'], message: 'use either promoEndsAt (a fixed end) or flashSaleSec (from the take), not both' });
    }
    for (const problem of parseScriptMarkers(s.script).problems) {
      ctx.addIssue({ code: 'custom', path: ['script'], message: problem });
    }
  });

export const rundownSchema = z
  .strictObject({
    version: z.literal(RUNDOWN_VERSION, { error: `version must be ${RUNDOWN_VERSION}` }),
    title: line('title', L.showTitleChars).optional(),
    segments: z.array(rundownSegmentSchema, { error: 'segments must be a list' }).max(L.segments, { error: `more than ${L.segments} segments` }),
  }, unknownFields)
  .superRefine((r, ctx) => {
    for (const d of findDuplicateSegments(r.segments)) {
      // `params.firstSegment` lets each format say where the first one is (a CSV line, a segment number).
      ctx.addIssue({ code: 'custom', path: ['segments', d.index, d.key], message: `duplicate ${d.key} "${d.value}"`, params: { firstSegment: d.firstIndex } });
    }
  });

export interface DuplicateSegmentKey {
  readonly index: number;
  readonly key: 'id' | 'sku';
  readonly value: string;
  /** Index of the segment that has it first. */
  readonly firstIndex: number;
}

/**
 * Repeated ids or SKUs (SKUs compared without case). Ids are what take, hotkeys and
 * the metadata address; a repeated SKU would merge two segments' sales in the
 * per-SKU aggregates. Works on unvalidated rows too (non-strings are skipped), so
 * an importer can report duplicates alongside each row's own errors.
 */
export function findDuplicateSegments(segments: readonly { readonly id?: unknown; readonly sku?: unknown }[]): DuplicateSegmentKey[] {
  const found: DuplicateSegmentKey[] = [];
  for (const key of ['id', 'sku'] as const) {
    const first = new Map<string, number>();
    segments.forEach((s, index) => {
      const value = s[key];
      if (typeof value !== 'string' || value === '') return;
      const k = key === 'sku' ? value.toLowerCase() : value;
      const firstIndex = first.get(k);
      if (firstIndex === undefined) first.set(k, index);
      else found.push({ index, key, value, firstIndex });
    });
  }
  return found.sort((a, b) => a.index - b.index);
}

/** A segment as written in a file (promoEndsAt may be an ISO string). */
export type RundownSegmentInput = z.input<typeof rundownSegmentSchema>;
/** A validated segment (promoEndsAt in ms). */
export type RundownSegment = z.output<typeof rundownSegmentSchema>;
export type RundownInput = z.input<typeof rundownSchema>;
export type Rundown = z.output<typeof rundownSchema>;

/**
 * When a segment's promo ends if it is taken at `takenAtMs`: its fixed
 * promoEndsAt, or the take plus flashSaleSec, or undefined (no end, or no promo).
 */
export function promoEndForTake(segment: RundownSegment, takenAtMs: number): number | undefined {
  if (segment.promoPrice === undefined) return undefined;
  if (segment.promoEndsAt !== undefined) return segment.promoEndsAt;
  if (segment.flashSaleSec !== undefined) return takenAtMs + segment.flashSaleSec * 1000;
  return undefined;
}

/** Whether the promo price applies at `nowMs`, given the promo's end (if any). */
export function isPromoActive(segment: Pick<RundownSegment, 'promoPrice'>, nowMs: number, promoEndsAt: number | undefined): boolean {
  return segment.promoPrice !== undefined && (promoEndsAt === undefined || nowMs < promoEndsAt);
}

export interface LiveProductState {
  /** Stock left now (from the order aggregates); the segment's stock when unknown. */
  readonly stockLeft?: number;
  /** The promo's end as the take computed it (promoEndForTake). */
  readonly promoEndsAt?: number;
  readonly nowMs?: number;
}

/**
 * The commerce metadata product for a segment (commerceMetadata.ts): the product
 * id is the platform's productId, else the SKU; the promo price is sent only while
 * the promo runs, so a viewer's player never shows an expired price.
 */
export function segmentToMetadataProduct(segment: RundownSegment, live: LiveProductState = {}): CommerceProduct {
  const now = live.nowMs ?? Date.now();
  const ends = live.promoEndsAt ?? segment.promoEndsAt;
  const product: CommerceProduct = {
    id: segment.productId ?? segment.sku,
    sku: segment.sku,
    title: segment.title,
    price: segment.price,
    currency: segment.currency,
    stock: Math.max(0, Math.floor(live.stockLeft ?? segment.stock)),
  };
  if (isPromoActive(segment, now, ends)) product.promoPrice = segment.promoPrice;
  return product;
}

/** "04:59" under an hour, "1:04:59" from an hour; rounds up so 0:00 means over. */
export function formatCountdown(msLeft: number): string {
  const total = Math.max(0, Math.ceil(msLeft / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}

/** A price with its currency sign as the audience reads it: "€1,590.00". */
export function formatPrice(amount: number, currency: string, locale = 'en'): string {
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amount);
  } catch {
    return `${amount.toFixed(2)} ${currency}`;
  }
}
