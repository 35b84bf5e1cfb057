// Running totals over accepted orders: GMV, units and revenue per SKU, per segment
// and per show, orders per minute over a sliding 60 s, and the latest orders for
// the ticker. Fed by the journal's rebuild at start and by every accepted order, so
// what is counted is exactly what is journaled.
import type { Order } from './order';
import { toMilli } from './order';

/** Sums per currency, in integer thousandths (see toMilli). */
export class MoneyTally {
  private readonly milli = new Map<string, number>();

  add(currency: string, milli: number): void {
    this.milli.set(currency, (this.milli.get(currency) ?? 0) + milli);
  }

  /** Major units per currency: { EUR: 1299.5 }. */
  toRecord(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [currency, milli] of this.milli) out[currency] = milli / 1000;
    return out;
  }

  get(currency: string): number {
    return (this.milli.get(currency) ?? 0) / 1000;
  }

  /** The currency with the largest sum (for a show that mixes currencies). */
  largestCurrency(): string | null {
    let best: string | null = null;
    let bestMilli = -1;
    for (const [currency, milli] of this.milli) {
      if (milli > bestMilli) [best, bestMilli] = [currency, milli];
    }
    return best;
  }
}

export class Tally {
  orders = 0;
  units = 0;
  readonly gmv = new MoneyTally();
}

export class SkuTally {
  /** Orders with at least one line of this SKU. */
  orders = 0;
  units = 0;
  readonly revenue = new MoneyTally();
}

export class ShowTally extends Tally {
  readonly bySku = new Map<string, SkuTally>();
  readonly bySegment = new Map<string, Tally>();
}

const WINDOW_SECONDS = 60;

/** Counts over the last 60 s in one-second buckets. */
export class RateWindow {
  private readonly bucketSecond = new Float64Array(WINDOW_SECONDS).fill(-1);
  private readonly bucketCount = new Uint32Array(WINDOW_SECONDS);

  add(at: number): void {
    const second = Math.floor(at / 1000);
    const i = second % WINDOW_SECONDS;
    if (this.bucketSecond[i] !== second) {
      // A record older than the bucket's current second (a rebuild reads in file
      // order, which is time order) is outside the window anyway.
      if (this.bucketSecond[i]! > second) return;
      this.bucketSecond[i] = second;
      this.bucketCount[i] = 0;
    }
    this.bucketCount[i] = this.bucketCount[i]! + 1;
  }

  /** Counted in the 60 s before `now` (1 s resolution). */
  perMinute(now: number): number {
    const nowSecond = Math.floor(now / 1000);
    let total = 0;
    for (let i = 0; i < WINDOW_SECONDS; i++) {
      const s = this.bucketSecond[i]!;
      if (s > nowSecond - WINDOW_SECONDS && s <= nowSecond) total += this.bucketCount[i]!;
    }
    return total;
  }
}

export class OrderAggregates {
  /** Every order in the journal, all shows. */
  readonly all = new Tally();
  readonly shows = new Map<string, ShowTally>();
  private readonly rate = new RateWindow();
  /** Orders per SKU (an order counts once per SKU it has), all shows: the rate now. */
  private readonly skuRates = new Map<string, RateWindow>();
  private readonly ring: Order[];
  private ringNext = 0;
  private ringSize = 0;

  constructor(private readonly latestCapacity = 50) {
    this.ring = new Array<Order>(latestCapacity);
  }

  apply(order: Order): void {
    let units = 0;
    let orderMilli = 0;
    let show = this.shows.get(order.show);
    if (!show) this.shows.set(order.show, (show = new ShowTally()));
    const seen = new Set<string>();
    for (const line of order.lines) {
      const milli = toMilli(line.unitPrice) * line.quantity;
      units += line.quantity;
      orderMilli += milli;
      let sku = show.bySku.get(line.sku);
      if (!sku) show.bySku.set(line.sku, (sku = new SkuTally()));
      sku.units += line.quantity;
      sku.revenue.add(order.currency, milli);
      if (!seen.has(line.sku)) {
        seen.add(line.sku);
        sku.orders += 1;
        let rate = this.skuRates.get(line.sku);
        if (!rate) this.skuRates.set(line.sku, (rate = new RateWindow()));
        rate.add(order.at);
      }
    }
    addTo(this.all, units, order.currency, orderMilli);
    addTo(show, units, order.currency, orderMilli);
    if (order.segment !== null) {
      let seg = show.bySegment.get(order.segment);
      if (!seg) show.bySegment.set(order.segment, (seg = new Tally()));
      addTo(seg, units, order.currency, orderMilli);
    }
    this.rate.add(order.at);
    this.ring[this.ringNext] = order;
    this.ringNext = (this.ringNext + 1) % this.latestCapacity;
    this.ringSize = Math.min(this.ringSize + 1, this.latestCapacity);
  }

  /** Orders accepted in the 60 s before `now` (1 s resolution). */
  ordersPerMinute(now: number): number {
    return this.rate.perMinute(now);
  }

  /** Orders with a line of `sku` accepted in the 60 s before `now`. */
  skuOrdersPerMinute(sku: string, now: number): number {
    return this.skuRates.get(sku)?.perMinute(now) ?? 0;
  }

  /** The latest `n` orders, newest first. */
  latest(n: number): Order[] {
    const out: Order[] = [];
    for (let i = 1; i <= Math.min(n, this.ringSize); i++) {
      out.push(this.ring[(this.ringNext - i + this.latestCapacity) % this.latestCapacity]!);
    }
    return out;
  }

}

function addTo(t: Tally, units: number, currency: string, milli: number): void {
  t.orders += 1;
  t.units += units;
  t.gmv.add(currency, milli);
}
