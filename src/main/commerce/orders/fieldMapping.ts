// Turns an arbitrary JSON order (a generic webhook, a WebSocket or SSE message, a
// polled item, a JSONL line) into an OrderInput with a field mapping: where in the
// JSON each field lives, written as a path such as `order.id`, `$.items[0].sku` or
// `customer.name`.
import type { OrderInput, OrderLine } from './order';
import { OrderInputError, parsePrice, parseQuantity } from './order';

export interface FieldMapping {
  readonly orderId: string;
  /**
   * Path of the array of lines. Paths of sku, quantity and unitPrice are then read
   * in each line; without it (or when it is absent from a message) the message
   * itself is one line.
   */
  readonly lines?: string;
  readonly sku: string;
  /** Missing quantity means 1. */
  readonly quantity?: string;
  readonly unitPrice: string;
  readonly currency?: string;
  /** Used when `currency` is not set or absent from the message. */
  readonly defaultCurrency?: string;
  /** One path, or several joined with a space (first and last name). */
  readonly buyerName?: string | readonly string[];
  readonly buyerCity?: string;
}

/** The studio's own order shape: flat (one line) or with `lines`. */
export const CANONICAL_MAPPING: FieldMapping = {
  orderId: 'orderId',
  lines: 'lines',
  sku: 'sku',
  quantity: 'quantity',
  unitPrice: 'unitPrice',
  currency: 'currency',
  buyerName: 'buyer.name',
  buyerCity: 'buyer.city',
};

type Segment = string | number;
const parsed = new Map<string, Segment[]>();

/** Splits `$.a.b[2].c` into ['a', 'b', 2, 'c'] (cached: mappings are few, messages many). */
export function parsePath(path: string): Segment[] {
  let segments = parsed.get(path);
  if (segments) return segments;
  segments = [];
  const body = path.replace(/^\$\.?/, '');
  for (const part of body.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) throw new Error(`field mapping: cannot read the path ${JSON.stringify(path)}`);
    if (m[1]) segments.push(m[1]);
    for (const idx of m[2]!.matchAll(/\[(\d+)\]/g)) segments.push(Number(idx[1]));
  }
  parsed.set(path, segments);
  return segments;
}

export function getPath(value: unknown, path: string): unknown {
  let cur = value;
  for (const seg of parsePath(path)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

/** Checks every path of a mapping once, when an adapter is added. */
export function checkMapping(mapping: FieldMapping): void {
  for (const p of [mapping.orderId, mapping.lines, mapping.sku, mapping.quantity, mapping.unitPrice, mapping.currency, mapping.buyerCity]) {
    if (p !== undefined) parsePath(p);
  }
  for (const p of typeof mapping.buyerName === 'string' ? [mapping.buyerName] : (mapping.buyerName ?? [])) parsePath(p);
  if (!mapping.currency && !mapping.defaultCurrency) throw new Error('field mapping: give currency (a path) or defaultCurrency');
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** Maps one message; throws OrderInputError naming the path that is missing or wrong. */
export function mapOrder(message: unknown, mapping: FieldMapping): OrderInput {
  if (message === null || typeof message !== 'object' || Array.isArray(message)) throw new OrderInputError('the body is not a JSON object');
  const orderId = text(getPath(message, mapping.orderId));
  if (!orderId) throw new OrderInputError(`missing field: ${mapping.orderId}`);
  const rawLines = mapping.lines === undefined ? undefined : getPath(message, mapping.lines);
  const lineSources: unknown[] = Array.isArray(rawLines) ? rawLines : [message];
  const where = (i: number, p: string) => (Array.isArray(rawLines) ? `${mapping.lines}[${i}].${p}` : p);
  const lines: OrderLine[] = lineSources.map((line, i) => {
    const sku = text(getPath(line, mapping.sku));
    if (!sku) throw new OrderInputError(`missing field: ${where(i, mapping.sku)}`);
    const rawQty = mapping.quantity === undefined ? 1 : (getPath(line, mapping.quantity) ?? 1);
    const quantity = parseQuantity(rawQty);
    if (quantity === null) throw new OrderInputError(`${where(i, mapping.quantity ?? 'quantity')} is not a whole number ≥ 1`);
    const rawPrice = getPath(line, mapping.unitPrice);
    if (rawPrice === undefined || rawPrice === null) throw new OrderInputError(`missing field: ${where(i, mapping.unitPrice)}`);
    const unitPrice = parsePrice(rawPrice);
    if (unitPrice === null) throw new OrderInputError(`${where(i, mapping.unitPrice)} is not a price`);
    return { sku, quantity, unitPrice };
  });
  const currency = (mapping.currency === undefined ? undefined : text(getPath(message, mapping.currency))) ?? mapping.defaultCurrency;
  if (!currency) throw new OrderInputError(`missing field: ${mapping.currency ?? 'currency'}`);
  const namePaths = typeof mapping.buyerName === 'string' ? [mapping.buyerName] : (mapping.buyerName ?? []);
  const name = namePaths
    .map((p) => text(getPath(message, p)) ?? '')
    .join(' ')
    .trim();
  const city = mapping.buyerCity === undefined ? undefined : text(getPath(message, mapping.buyerCity));
  return { orderId, lines, currency, buyer: city ? { name, city } : { name } };
}
