// The signed webhook formats the receiver understands. Each adapter verifies the
// signature over the raw body, then reads the order out of the JSON:
// - `shopify`: the orders/create webhook. Shopify sends X-Shopify-Hmac-Sha256, the
//   base64 HMAC-SHA256 of the raw body keyed with the app's client secret, and
//   X-Shopify-Topic, X-Shopify-Shop-Domain, X-Shopify-Webhook-Id, X-Shopify-Event-Id.
// - `woocommerce`: the order.created webhook. WooCommerce sends X-WC-Webhook-Signature,
//   the base64 HMAC-SHA256 of the raw body keyed with the webhook's secret, and
//   X-WC-Webhook-Topic, -Resource, -Event, -Source, -ID and -Delivery-ID.
// - `hmac`: any shop that signs with HMAC-SHA256, with a configurable header,
//   encoding and field mapping.
// Deliveries of other topics are answered 200 and ignored: a non-2xx answer makes a
// shop retry, and Shopify and WooCommerce disable a webhook that keeps failing.
import type { IncomingHttpHeaders } from 'node:http';
import { checkMapping, mapOrder, type FieldMapping } from './fieldMapping';
import { verifyHmacSha256, type SignatureEncoding } from './hmacSignature';
import type { OrderInput, OrderLine } from './order';
import { OrderInputError, parsePrice, parseQuantity } from './order';

interface WebhookBase {
  /** URL path segment: POST /orders/<id>. Letters, digits, - and _. */
  readonly id: string;
  /** The webhook secret, already opened (never logged or returned). */
  readonly secret: string | Buffer;
  /** Dedupe scope; adapters fed by the same shop share it. Defaults to the id. */
  readonly store?: string;
}

export interface ShopifyWebhookConfig extends WebhookBase {
  readonly kind: 'shopify';
  /** Topics counted as new orders (default orders/create). */
  readonly topics?: readonly string[];
}

export interface WooCommerceWebhookConfig extends WebhookBase {
  readonly kind: 'woocommerce';
  /** Topics counted as new orders (default order.created). */
  readonly topics?: readonly string[];
}

export interface HmacWebhookConfig extends WebhookBase {
  readonly kind: 'hmac';
  /** Header carrying the signature, e.g. X-Signature. */
  readonly signatureHeader: string;
  readonly encoding: SignatureEncoding;
  /** Scheme marker before the digest, e.g. "sha256=". */
  readonly signaturePrefix?: string;
  readonly mapping: FieldMapping;
}

export type WebhookAdapterConfig = ShopifyWebhookConfig | WooCommerceWebhookConfig | HmacWebhookConfig;

export type Interpretation = { readonly kind: 'order'; readonly input: OrderInput } | { readonly kind: 'ignored'; readonly reason: string };

export interface WebhookAdapter {
  readonly id: string;
  readonly kind: WebhookAdapterConfig['kind'];
  readonly store: string;
  verify(rawBody: Buffer, headers: IncomingHttpHeaders): boolean;
  /** After verification. Throws OrderInputError (400) for a delivery that is not an order. */
  interpret(body: unknown, headers: IncomingHttpHeaders): Interpretation;
  /** WooCommerce pings a new webhook, unsigned, with `webhook_id=<n>`: answered 200, changes nothing. */
  isPing(rawBody: Buffer, headers: IncomingHttpHeaders): boolean;
}

export const ADAPTER_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export function createWebhookAdapter(config: WebhookAdapterConfig): WebhookAdapter {
  if (!ADAPTER_ID.test(config.id)) throw new Error(`adapter id ${JSON.stringify(config.id)}: use 1–64 letters, digits, - or _`);
  const secret = Buffer.from(config.secret);
  if (secret.length === 0) throw new Error(`adapter ${config.id}: the webhook secret is empty`);
  const base = { id: config.id, kind: config.kind, store: config.store ?? config.id };
  switch (config.kind) {
    case 'shopify': {
      const topics = new Set(config.topics ?? ['orders/create']);
      return {
        ...base,
        verify: (raw, h) => verifyHmacSha256(secret, raw, h['x-shopify-hmac-sha256'], 'base64'),
        interpret: (body, h) => withTopic(h['x-shopify-topic'], 'X-Shopify-Topic', topics, () => shopifyOrder(body)),
        isPing: () => false,
      };
    }
    case 'woocommerce': {
      const topics = new Set(config.topics ?? ['order.created']);
      return {
        ...base,
        verify: (raw, h) => verifyHmacSha256(secret, raw, h['x-wc-webhook-signature'], 'base64'),
        interpret: (body, h) => withTopic(h['x-wc-webhook-topic'], 'X-WC-Webhook-Topic', topics, () => wooCommerceOrder(body)),
        isPing: (raw, h) => h['x-wc-webhook-signature'] === undefined && raw.length < 64 && /^webhook_id=\d+$/.test(raw.toString('latin1')),
      };
    }
    case 'hmac': {
      checkMapping(config.mapping);
      const header = config.signatureHeader.toLowerCase();
      return {
        ...base,
        verify: (raw, h) => verifyHmacSha256(secret, raw, h[header], config.encoding, config.signaturePrefix),
        interpret: (body) => ({ kind: 'order', input: mapOrder(body, config.mapping) }),
        isPing: () => false,
      };
    }
  }
}

function withTopic(value: string | string[] | undefined, header: string, topics: ReadonlySet<string>, read: () => OrderInput): Interpretation {
  if (typeof value !== 'string' || !value) throw new OrderInputError(`missing header: ${header}`);
  if (!topics.has(value)) return { kind: 'ignored', reason: `topic ${value} is not counted as a new order` };
  return { kind: 'order', input: read() };
}

type Json = Record<string, unknown>;

function obj(v: unknown): Json | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string' && v.trim()) return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

function joinName(...parts: unknown[]): string {
  return parts.map((p) => (typeof p === 'string' ? p.trim() : '')).filter(Boolean).join(' ');
}

function requireObject(body: unknown): Json {
  const o = obj(body);
  if (!o) throw new OrderInputError('the body is not a JSON object');
  return o;
}

function requireLines(o: Json, read: (item: Json, i: number) => OrderLine): OrderLine[] {
  const items = o.line_items;
  if (!Array.isArray(items) || items.length === 0) throw new OrderInputError('missing field: line_items');
  return items.map((item, i) => {
    const line = obj(item);
    if (!line) throw new OrderInputError(`line_items[${i}] is not an object`);
    return read(line, i);
  });
}

function lineNumbers(item: Json, i: number, price: unknown): { quantity: number; unitPrice: number } {
  const quantity = parseQuantity(item.quantity);
  if (quantity === null) throw new OrderInputError(`line_items[${i}].quantity is missing or not a whole number ≥ 1`);
  const unitPrice = parsePrice(price);
  if (unitPrice === null) throw new OrderInputError(`line_items[${i}].price is missing or not a price`);
  return { quantity, unitPrice };
}

/**
 * Shopify order ids pass 2^53 (the docs' sample is 820982911946154508), which
 * JSON.parse rounds; admin_graphql_api_id carries the exact id as text.
 */
function shopifyOrderId(o: Json): string | undefined {
  const gid = typeof o.admin_graphql_api_id === 'string' ? /^gid:\/\/shopify\/Order\/(\d+)$/.exec(o.admin_graphql_api_id) : null;
  return gid ? gid[1] : str(o.id);
}

function shopifyOrder(body: unknown): OrderInput {
  const o = requireObject(body);
  const orderId = shopifyOrderId(o);
  if (!orderId) throw new OrderInputError('missing field: id');
  const currency = str(o.currency);
  if (!currency) throw new OrderInputError('missing field: currency');
  const lines = requireLines(o, (item, i) => {
    // A product without a SKU still sells; it is counted under its variant and
    // flagged as unknown instead of being refused (a refusal only brings retries).
    const sku = str(item.sku) ?? (str(item.variant_id) ? `variant:${str(item.variant_id)}` : undefined) ?? (str(item.product_id) ? `product:${str(item.product_id)}` : undefined);
    if (!sku) throw new OrderInputError(`missing field: line_items[${i}].sku`);
    return { sku, ...lineNumbers(item, i, item.price) };
  });
  const customer = obj(o.customer);
  const billing = obj(o.billing_address);
  const shipping = obj(o.shipping_address);
  const name =
    joinName(customer?.first_name, customer?.last_name) ||
    joinName(billing?.first_name, billing?.last_name) ||
    (str(billing?.name) ?? '') ||
    joinName(shipping?.first_name, shipping?.last_name);
  const city = str(billing?.city) ?? str(shipping?.city) ?? str(obj(customer?.default_address)?.city);
  return { orderId, currency, lines, buyer: city ? { name, city } : { name } };
}

function wooCommerceOrder(body: unknown): OrderInput {
  const o = requireObject(body);
  const orderId = str(o.id);
  if (!orderId) throw new OrderInputError('missing field: id');
  const currency = str(o.currency);
  if (!currency) throw new OrderInputError('missing field: currency');
  const lines = requireLines(o, (item, i) => {
    const variation = str(item.variation_id);
    const sku = str(item.sku) ?? (variation && variation !== '0' ? `variation:${variation}` : undefined) ?? (str(item.product_id) ? `product:${str(item.product_id)}` : undefined);
    if (!sku) throw new OrderInputError(`missing field: line_items[${i}].sku`);
    // `price` is a number in REST v3; older payloads only have the line total.
    const qty = parseQuantity(item.quantity);
    const total = parsePrice(item.total);
    const price = item.price ?? (qty !== null && total !== null ? total / qty : undefined);
    return { sku, ...lineNumbers(item, i, price) };
  });
  const billing = obj(o.billing);
  const shipping = obj(o.shipping);
  const name = joinName(billing?.first_name, billing?.last_name) || joinName(shipping?.first_name, shipping?.last_name);
  const city = str(billing?.city) ?? str(shipping?.city);
  return { orderId, currency, lines, buyer: city ? { name, city } : { name } };
}
