import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { OrderInputError } from './order';
import { createWebhookAdapter } from './webhookAdapters';

/** HMAC-SHA256 computed by openssl, not by the code under test. */
function opensslHmac(secret: string, body: string, encoding: 'hex' | 'base64'): string {
  const digest = execFileSync('openssl', ['dgst', '-sha256', '-hmac', secret, '-binary'], { input: body });
  return digest.toString(encoding);
}

const SECRET = 'shpss_test_5f2b6c1e';

// Trimmed from Shopify's orders/create sample: its id passes 2^53, so it is put into
// the text as Shopify sends it (a JavaScript number literal would already be rounded).
const shopifyBody = JSON.stringify({
  id: 0,
  admin_graphql_api_id: 'gid://shopify/Order/820982911946154508',
  currency: 'USD',
  customer: { first_name: 'Wang', last_name: 'Hong' },
  billing_address: { first_name: 'Bob', last_name: 'Bobsen', city: 'Hangzhou' },
  line_items: [
    { id: 1, sku: 'RING-1', quantity: 2, price: '199.00', variant_id: 11 },
    { id: 2, sku: '', quantity: 1, price: '5.50', variant_id: 12 },
  ],
}).replace('"id":0', '"id":820982911946154508');

const wooBody = JSON.stringify({
  id: 727,
  currency: 'EUR',
  billing: { first_name: 'Maria', last_name: 'Rossi', city: 'Milano' },
  line_items: [{ id: 315, product_id: 93, variation_id: 0, quantity: 2, sku: 'HAM-2', price: 45.5, total: '91.00' }],
});

describe('Shopify webhook adapter', () => {
  const shopify = createWebhookAdapter({ kind: 'shopify', id: 'shop', secret: SECRET });
  const headers = (sig: string, topic = 'orders/create') => ({ 'x-shopify-hmac-sha256': sig, 'x-shopify-topic': topic });

  it('verifies X-Shopify-Hmac-Sha256 (base64 of the raw body) and nothing else', () => {
    const raw = Buffer.from(shopifyBody);
    expect(shopify.verify(raw, headers(opensslHmac(SECRET, shopifyBody, 'base64')))).toBe(true);
    expect(shopify.verify(raw, headers(opensslHmac('other', shopifyBody, 'base64')))).toBe(false);
    // Hex is not what Shopify sends.
    expect(shopify.verify(raw, headers(opensslHmac(SECRET, shopifyBody, 'hex')))).toBe(false);
    // One byte changed in the body, or the JSON re-serialised: no longer the signed bytes.
    expect(shopify.verify(Buffer.from(shopifyBody.replace('199.00', '199.01')), headers(opensslHmac(SECRET, shopifyBody, 'base64')))).toBe(false);
    expect(shopify.verify(Buffer.from(JSON.stringify(JSON.parse(shopifyBody), null, 1)), headers(opensslHmac(SECRET, shopifyBody, 'base64')))).toBe(false);
    expect(shopify.verify(raw, {})).toBe(false);
  });

  it('reads the order: exact id, lines, currency, customer name, billing city', () => {
    const meaning = shopify.interpret(JSON.parse(shopifyBody), headers('x'));
    expect(meaning).toEqual({
      kind: 'order',
      input: {
        orderId: '820982911946154508',
        currency: 'USD',
        lines: [
          { sku: 'RING-1', quantity: 2, unitPrice: 199 },
          // A line without a SKU is counted under its variant (and will be flagged unknown).
          { sku: 'variant:12', quantity: 1, unitPrice: 5.5 },
        ],
        buyer: { name: 'Wang Hong', city: 'Hangzhou' },
      },
    });
  });

  it('ignores other topics and refuses an order without lines', () => {
    expect(shopify.interpret(JSON.parse(shopifyBody), headers('x', 'orders/updated'))).toMatchObject({ kind: 'ignored' });
    expect(() => shopify.interpret({ id: 1, currency: 'USD', line_items: [] }, headers('x'))).toThrow('missing field: line_items');
    expect(() => shopify.interpret(JSON.parse(shopifyBody), { 'x-shopify-hmac-sha256': 'x' })).toThrow('missing header: X-Shopify-Topic');
  });
});

describe('WooCommerce webhook adapter', () => {
  const woo = createWebhookAdapter({ kind: 'woocommerce', id: 'woo', secret: SECRET });

  it('verifies X-WC-Webhook-Signature (base64 of the raw body)', () => {
    const raw = Buffer.from(wooBody);
    expect(woo.verify(raw, { 'x-wc-webhook-signature': opensslHmac(SECRET, wooBody, 'base64') })).toBe(true);
    expect(woo.verify(raw, { 'x-wc-webhook-signature': opensslHmac(SECRET + 'x', wooBody, 'base64') })).toBe(false);
  });

  it('reads the order from billing and line_items, ignores other topics, answers the ping', () => {
    const topic = { 'x-wc-webhook-topic': 'order.created' };
    expect(woo.interpret(JSON.parse(wooBody), topic)).toEqual({
      kind: 'order',
      input: { orderId: '727', currency: 'EUR', lines: [{ sku: 'HAM-2', quantity: 2, unitPrice: 45.5 }], buyer: { name: 'Maria Rossi', city: 'Milano' } },
    });
    expect(woo.interpret(JSON.parse(wooBody), { 'x-wc-webhook-topic': 'order.updated' })).toMatchObject({ kind: 'ignored' });
    expect(woo.isPing(Buffer.from('webhook_id=15'), {})).toBe(true);
    expect(woo.isPing(Buffer.from('webhook_id=15'), { 'x-wc-webhook-signature': 'x' })).toBe(false);
    expect(woo.isPing(Buffer.from(wooBody), {})).toBe(false);
  });
});

describe('generic HMAC webhook adapter', () => {
  const body = JSON.stringify({ order: { no: 'A-1', ccy: 'CNY' }, items: [{ code: 'RING-1', n: '3', amount: '12.50' }], who: { first: '王', last: '小明', town: '杭州' } });
  const adapter = createWebhookAdapter({
    kind: 'hmac',
    id: 'live',
    secret: Buffer.from(SECRET),
    signatureHeader: 'X-Signature',
    encoding: 'hex',
    signaturePrefix: 'sha256=',
    mapping: { orderId: '$.order.no', lines: 'items', sku: 'code', quantity: 'n', unitPrice: 'amount', currency: 'order.ccy', buyerName: ['who.first', 'who.last'], buyerCity: 'who.town' },
  });

  it('verifies a hex signature with its scheme prefix, in any case', () => {
    const sig = opensslHmac(SECRET, body, 'hex');
    expect(adapter.verify(Buffer.from(body), { 'x-signature': `sha256=${sig}` })).toBe(true);
    expect(adapter.verify(Buffer.from(body), { 'x-signature': `SHA256=${sig.toUpperCase()}` })).toBe(true);
    expect(adapter.verify(Buffer.from(body), { 'x-signature': sig })).toBe(false);
    expect(adapter.verify(Buffer.from(body), { 'x-signature': `sha256=${sig.slice(0, 62)}` })).toBe(false);
  });

  it('maps the fields with paths, and names the missing one', () => {
    expect(adapter.interpret(JSON.parse(body), {})).toEqual({
      kind: 'order',
      input: { orderId: 'A-1', currency: 'CNY', lines: [{ sku: 'RING-1', quantity: 3, unitPrice: 12.5 }], buyer: { name: '王 小明', city: '杭州' } },
    });
    const noSku = JSON.parse(body) as { items: { code?: string }[] };
    delete noSku.items[0]!.code;
    expect(() => adapter.interpret(noSku, {})).toThrow(new OrderInputError('missing field: items[0].code'));
  });

  it('refuses an empty secret or a bad id when configured', () => {
    expect(() => createWebhookAdapter({ kind: 'shopify', id: 'x', secret: '' })).toThrow(/secret is empty/);
    expect(() => createWebhookAdapter({ kind: 'shopify', id: 'a/b', secret: 's' })).toThrow(/adapter id/);
  });
});
