// The orders of the load benchmark, as a pure function of their number, so that the
// generator (which sends them) and the benchmark (which checks the totals) agree
// without shipping every body between processes. Shopify orders/create webhooks:
// every fifth has two lines; quantities 1–3.

export const LOAD_SECRET = 'bench-shopify-client-secret';
export const LOAD_SKUS = ['RING-1', 'RING-2', 'HAM-1', 'TEA-1', 'SILK-1', 'JADE-1', 'PEARL-1', 'WINE-1'];
/** Good orders are 10_000_000 + n; orders sent with a bad signature 90_000_000 + n. */
export const GOOD_ID_BASE = 10_000_000;
export const BAD_ID_BASE = 90_000_000;

const BUYERS = [
  ['Wang', 'Hong', 'Hangzhou'],
  ['娜', '李', '上海'],
  ['Maria', 'Rossi', 'Milano'],
  ['Jie', 'Chen', 'Wuhan'],
];

export interface LoadLine {
  readonly sku: string;
  readonly quantity: number;
}

export function loadOrderLines(n: number): LoadLine[] {
  // A few SKUs take most orders, as in a real show: 40%, 25%, 15%, then the rest.
  const r = (n * 7919) % 100;
  const sku = LOAD_SKUS[r < 40 ? 0 : r < 65 ? 1 : r < 80 ? 2 : 3 + (n % 5)]!;
  const lines = [{ sku, quantity: 1 + (n % 3) }];
  if (n % 5 === 0) lines.push({ sku: LOAD_SKUS[(n >> 3) % LOAD_SKUS.length]!, quantity: 1 });
  return lines;
}

export function loadOrderUnits(n: number): number {
  return loadOrderLines(n).reduce((sum, l) => sum + l.quantity, 0);
}

export function loadOrderBody(id: number, n: number): string {
  const [first, last, city] = BUYERS[n % BUYERS.length]!;
  return JSON.stringify({
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    created_at: '2024-05-01T20:00:00+08:00',
    currency: 'CNY',
    total_price: '0.00',
    customer: { id: 7_000_000 + (n % 997), first_name: first, last_name: last },
    billing_address: { first_name: first, last_name: last, city, country_code: 'CN' },
    line_items: loadOrderLines(n).map((l, i) => ({ id: id * 10 + i, sku: l.sku, quantity: l.quantity, price: '199.00', title: l.sku, variant_id: 40_000 + i })),
  });
}
