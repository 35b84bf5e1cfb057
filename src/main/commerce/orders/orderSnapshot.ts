// What the teleprompter, the orders panel and the on-air ticker are given: plain,
// serialisable data built from the running aggregates. Buyer names in it are the
// masked ones from the journal.
import { maskBuyer } from './maskBuyer';
import type { Catalog, Order, OrderFlag } from './order';
import { fromMilli, toMilli } from './order';
import type { MoneyTally, OrderAggregates, Tally } from './orderAggregates';

export interface TallyView {
  readonly orders: number;
  readonly units: number;
  /** GMV in the snapshot's `currency` (0 when there is none yet). */
  readonly gmv: number;
  readonly gmvByCurrency: Readonly<Record<string, number>>;
}

export interface SkuView {
  readonly sku: string;
  readonly title: string | null;
  /** In the catalog the caller gave. */
  readonly known: boolean;
  readonly orders: number;
  /** Orders with this SKU accepted in the last 60 s (the product's selling rate now). */
  readonly ordersPerMinute: number;
  readonly unitsSold: number;
  readonly revenue: number;
  readonly revenueByCurrency: Readonly<Record<string, number>>;
  /** Stock at the start of the show, from the catalog. */
  readonly stock: number | null;
  /** Catalog stock minus units sold in this show; negative means oversold. */
  readonly stockLeft: number | null;
}

export interface TickerOrder {
  readonly orderId: string;
  /** Masked: "W***g, Hangzhou". */
  readonly buyer: string;
  readonly at: number;
  readonly segment: string | null;
  readonly source: string;
  readonly lines: readonly { readonly sku: string; readonly quantity: number; readonly title: string | null }[];
  readonly units: number;
  readonly total: number;
  readonly currency: string;
  readonly flags: readonly OrderFlag[];
}

export interface OrderDeskSnapshot {
  readonly at: number;
  readonly show: string;
  readonly segment: string | null;
  /** The show's currency: the configured one, else the one with the largest GMV. */
  readonly currency: string | null;
  /** The current show. */
  readonly totals: TallyView;
  /** Orders accepted in the last 60 s (all shows: it is the studio's rate now). */
  readonly ordersPerMinute: number;
  readonly skus: readonly SkuView[];
  /** Per segment of the current show. */
  readonly segments: readonly (TallyView & { readonly segment: string })[];
  /** Every show in the journal. */
  readonly shows: readonly (TallyView & { readonly show: string })[];
  readonly allShows: TallyView;
  /** Newest first. */
  readonly latest: readonly TickerOrder[];
}

export interface SnapshotContext {
  readonly aggregates: OrderAggregates;
  readonly catalog: Catalog;
  readonly show: string;
  readonly segment: string | null;
  readonly currency: string | null;
  readonly latestCount: number;
  readonly now: number;
}

export function buildSnapshot(ctx: SnapshotContext): OrderDeskSnapshot {
  const { aggregates, catalog } = ctx;
  const show = aggregates.shows.get(ctx.show);
  const currency = ctx.currency ?? show?.gmv.largestCurrency() ?? aggregates.all.gmv.largestCurrency();
  const view = (t: Tally | undefined): TallyView => ({
    orders: t?.orders ?? 0,
    units: t?.units ?? 0,
    gmv: t && currency ? t.gmv.get(currency) : 0,
    gmvByCurrency: t ? t.gmv.toRecord() : {},
  });
  const money = (m: MoneyTally | undefined) => (m && currency ? m.get(currency) : 0);

  const skus: SkuView[] = [];
  for (const [sku, entry] of catalog) {
    const sold = show?.bySku.get(sku);
    const units = sold?.units ?? 0;
    skus.push({
      sku,
      title: entry.title,
      known: true,
      orders: sold?.orders ?? 0,
      ordersPerMinute: aggregates.skuOrdersPerMinute(sku, ctx.now),
      unitsSold: units,
      revenue: money(sold?.revenue),
      revenueByCurrency: sold ? sold.revenue.toRecord() : {},
      stock: entry.stock,
      stockLeft: entry.stock - units,
    });
  }
  for (const [sku, sold] of show?.bySku ?? []) {
    if (catalog.has(sku)) continue;
    skus.push({
      sku,
      title: null,
      known: false,
      orders: sold.orders,
      ordersPerMinute: aggregates.skuOrdersPerMinute(sku, ctx.now),
      unitsSold: sold.units,
      revenue: money(sold.revenue),
      revenueByCurrency: sold.revenue.toRecord(),
      stock: null,
      stockLeft: null,
    });
  }

  return {
    at: ctx.now,
    show: ctx.show,
    segment: ctx.segment,
    currency,
    totals: view(show),
    ordersPerMinute: aggregates.ordersPerMinute(ctx.now),
    skus,
    segments: [...(show?.bySegment ?? [])].map(([segment, t]) => ({ segment, ...view(t) })),
    shows: [...aggregates.shows].map(([id, t]) => ({ show: id, ...view(t) })),
    allShows: view(aggregates.all),
    latest: aggregates.latest(ctx.latestCount).map((o) => tickerOrder(o, catalog)),
  };
}

function tickerOrder(order: Order, catalog: Catalog): TickerOrder {
  let units = 0;
  let milli = 0;
  for (const l of order.lines) {
    units += l.quantity;
    milli += toMilli(l.unitPrice) * l.quantity;
  }
  return {
    orderId: order.orderId,
    // Journaled names are masked already; masking again is harmless and guards a
    // record written by hand.
    buyer: maskBuyer(order.buyer),
    at: order.at,
    segment: order.segment,
    source: order.source,
    lines: order.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, title: catalog.get(l.sku)?.title ?? null })),
    units,
    total: fromMilli(milli),
    currency: order.currency,
    flags: order.flags,
  };
}
