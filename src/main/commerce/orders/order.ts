// The order as the studio counts it, whatever feed it came from. A feed's own format
// (a Shopify webhook, a CSV row, a simulated burst) is turned into an `OrderInput`
// by its adapter; `OrderDesk.accept()` completes it (source, time, segment, flags)
// and journals it. One order carries one or more lines: it is deduplicated by its
// order id as a whole and counted per line (units and revenue per SKU).

export interface OrderLine {
  readonly sku: string;
  /** Whole units, ≥ 1. */
  readonly quantity: number;
  /** Price of one unit, in major units of the order's currency (19.99). */
  readonly unitPrice: number;
}

export interface Buyer {
  readonly name: string;
  readonly city?: string;
}

export type OrderFlag = 'unknownSku';

/** What an adapter produces from one delivery. */
export interface OrderInput {
  /** The shop's own order id: deliveries with the same id (and store) are one order. */
  readonly orderId: string;
  readonly lines: readonly OrderLine[];
  /** ISO 4217 code, upper case. */
  readonly currency: string;
  readonly buyer: Buyer;
}

/** An order as accepted and journaled. */
export interface Order extends OrderInput {
  /** Acceptance time, ms since the Unix epoch. */
  readonly at: number;
  /** Id of the adapter it came through. */
  readonly source: string;
  /** Dedupe scope: the adapter id unless several adapters feed from one shop. */
  readonly store: string;
  readonly show: string;
  /** The segment on air when the order was accepted; null between segments. */
  readonly segment: string | null;
  readonly flags: readonly OrderFlag[];
  /** SKUs of lines not in the catalog when the order was accepted. */
  readonly unknownSkus: readonly string[];
}

export interface CatalogEntry {
  /** Units in stock when the show started. */
  readonly stock: number;
  readonly title: string;
  readonly price: number;
}

export type Catalog = ReadonlyMap<string, CatalogEntry>;

export type AcceptStatus = 'accepted' | 'duplicate';

export interface AcceptResult {
  readonly status: AcceptStatus;
  readonly orderId: string;
  readonly flags: readonly OrderFlag[];
}

/** A delivery that cannot become an order: answered 400 with `message`. */
export class OrderInputError extends Error {
  override readonly name = 'OrderInputError';
}

const MAX_LINES = 200;
const MAX_QUANTITY = 1_000_000;
const MAX_ID = 128;

/**
 * Checks an adapter's output and returns it normalised (ids trimmed, currency
 * upper-cased). Throws OrderInputError naming the first bad field.
 */
export function validateOrderInput(input: OrderInput): OrderInput {
  const orderId = typeof input.orderId === 'string' ? input.orderId.trim() : '';
  if (!orderId) throw new OrderInputError('missing field: order id');
  if (orderId.length > MAX_ID) throw new OrderInputError(`order id longer than ${MAX_ID} characters`);
  const currency = typeof input.currency === 'string' ? input.currency.trim().toUpperCase() : '';
  if (!/^[A-Z]{3}$/.test(currency)) throw new OrderInputError(`currency must be an ISO 4217 code such as EUR (got ${JSON.stringify(input.currency ?? null)})`);
  if (!Array.isArray(input.lines) || input.lines.length === 0) throw new OrderInputError('missing field: the order has no lines');
  if (input.lines.length > MAX_LINES) throw new OrderInputError(`more than ${MAX_LINES} lines in one order`);
  const lines = input.lines.map((line, i) => {
    const sku = typeof line.sku === 'string' ? line.sku.trim() : '';
    if (!sku) throw new OrderInputError(`missing field: lines[${i}].sku`);
    if (sku.length > MAX_ID) throw new OrderInputError(`lines[${i}].sku longer than ${MAX_ID} characters`);
    if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > MAX_QUANTITY) {
      throw new OrderInputError(`lines[${i}].quantity must be a whole number from 1 to ${MAX_QUANTITY}`);
    }
    if (!Number.isFinite(line.unitPrice) || line.unitPrice < 0) throw new OrderInputError(`lines[${i}].unitPrice must be a number ≥ 0`);
    return { sku, quantity: line.quantity, unitPrice: line.unitPrice };
  });
  const name = typeof input.buyer?.name === 'string' ? input.buyer.name : '';
  const city = typeof input.buyer?.city === 'string' && input.buyer.city.trim() ? input.buyer.city : undefined;
  return { orderId, lines, currency, buyer: city === undefined ? { name } : { name, city } };
}

/**
 * Reads a price as shops send it: a number, or a decimal string ("199.00", "1,299.50"
 * is refused: a thousands separator is ambiguous). Returns null when it is not one.
 */
export function parsePrice(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : null;
  if (typeof value !== 'string') return null;
  const s = value.trim();
  if (!/^\d+(\.\d+)?$/.test(s)) return null;
  return Number(s);
}

/** Reads a quantity sent as a number or a numeric string. */
export function parseQuantity(value: unknown): number | null {
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 ? n : null;
}

/**
 * Money is summed in integer thousandths of a major unit: floating-point sums of
 * prices drift (0.1 + 0.2), and three decimals cover every ISO 4217 currency.
 */
export function toMilli(major: number): number {
  return Math.round(major * 1000);
}

export function fromMilli(milli: number): number {
  return milli / 1000;
}

/**
 * Where the order desk logs. The studio's Logger fits it as is; declared here so
 * that commerce does not depend on the engine. No line ever carries a secret or a
 * buyer's name.
 */
export interface OrderLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}
