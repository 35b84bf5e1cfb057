// Orders for a rehearsal, shaped like a live-commerce audience: a Poisson stream at
// a base rate, flash sales that multiply it for a few seconds on one product, a few
// SKUs taking most of the sales (Zipf), mostly single units, and some deliveries
// repeated, as shops' at-least-once webhooks do. Seeded, so a rehearsal and a test
// can be replayed exactly.
import type { Catalog, OrderInput } from '../order';
import { deliver, type FeedSink, type FeedState, type OrderFeed } from './feedSink';
import { CANONICAL_MAPPING } from '../fieldMapping';

export interface SimulatorFeedConfig {
  readonly kind: 'simulator';
  readonly id: string;
  readonly store?: string;
  /** Mean orders per second outside flash sales (default 2). */
  readonly ratePerSec?: number;
  /** Flash sales: one every `everySec` (default 60), lasting `durationSec` (10), at `multiplier`× the rate (8). */
  readonly flashSales?: { readonly everySec?: number; readonly durationSec?: number; readonly multiplier?: number } | false;
  /** Share of deliveries that repeat an earlier order (default 0.03). */
  readonly duplicateShare?: number;
  /** Share of orders for a SKU outside the catalog (default 0.01). */
  readonly unknownSkuShare?: number;
  readonly currency?: string;
  readonly seed?: number;
}

const TICK_MS = 100;
const BUYERS = ['Wang Hong', '李娜', 'Zhang Wei', '王小明', 'Chen Jie', '刘洋', 'Maria Rossi', 'Zhao Lei', '陈静', 'Yang Fan', '黄磊', 'Anna Müller', '周', 'Wu Mei', 'Li', 'Nguyễn Thị Lan'];
const CITIES = ['Hangzhou', '上海', 'Beijing', '深圳', 'Chengdu', '广州', 'Wuhan', 'Milano', "Xi'an", '南京', 'Yiwu', 'Lyon'];

/** mulberry32: small, fast and good enough for simulated audiences. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Poisson-distributed count with mean `lambda` (Knuth for small means, normal above). */
export function poisson(lambda: number, random: () => number): number {
  if (lambda <= 0) return 0;
  if (lambda > 30) {
    const u = Math.max(1e-12, random());
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * z));
  }
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = random();
  while (p > limit) {
    k += 1;
    p *= random();
  }
  return k;
}

export class RehearsalSimulator implements OrderFeed {
  readonly kind = 'simulator';
  private current: FeedState = 'idle';
  private timer: NodeJS.Timeout | null = null;
  private readonly random: () => number;
  private readonly recent: OrderInput[] = [];
  private serial = 0;
  private readonly runTag: string;
  private startedAt = 0;
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Counts by what was generated (what the desk answered is in its stats). */
  readonly generated = { orders: 0, duplicates: 0, flashSaleOrders: 0 };

  constructor(
    private readonly config: SimulatorFeedConfig,
    private readonly sink: FeedSink,
    private readonly catalog: () => Catalog,
  ) {
    this.random = seededRandom(config.seed ?? Date.now());
    this.runTag = (config.seed ?? Date.now()).toString(36);
  }

  get id(): string {
    return this.config.id;
  }

  state(): FeedState {
    return this.current;
  }

  start(): void {
    if (this.timer) throw new Error(`simulator ${this.id} is already started`);
    this.current = 'live';
    this.startedAt = performance.now();
    this.timer = setInterval(() => this.tick(TICK_MS / 1000), TICK_MS);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.all(this.inFlight);
    this.current = 'stopped';
  }

  /** Generates the orders of `seconds` of audience at once (tests, fast rehearsal). */
  tick(seconds: number): void {
    const flash = this.flashSku();
    const base = this.config.ratePerSec ?? 2;
    const multiplier = flash ? (this.config.flashSales ? (this.config.flashSales.multiplier ?? 8) : 8) : 1;
    const count = poisson(base * multiplier * seconds, this.random);
    for (let i = 0; i < count; i++) {
      const dup = this.recent.length > 0 && this.random() < (this.config.duplicateShare ?? 0.03);
      const order = dup ? this.recent[Math.floor(this.random() * this.recent.length)]! : this.newOrder(flash);
      if (dup) this.generated.duplicates += 1;
      else {
        this.generated.orders += 1;
        if (flash) this.generated.flashSaleOrders += 1;
      }
      const p = deliver(this.sink, order, CANONICAL_MAPPING);
      this.inFlight.add(p);
      void p.finally(() => this.inFlight.delete(p));
    }
  }

  /** The SKU on flash sale now, if a sale is running. */
  private flashSku(): string | null {
    const fs = this.config.flashSales;
    if (fs === false) return null;
    const every = (fs?.everySec ?? 60) * 1000;
    const duration = (fs?.durationSec ?? 10) * 1000;
    const elapsed = performance.now() - this.startedAt;
    // The first sale starts one period in; each picks a product in turn.
    const n = Math.floor(elapsed / every);
    if (n === 0 || elapsed - n * every > duration) return null;
    const skus = [...this.catalog().keys()];
    return skus.length ? skus[(n - 1) % skus.length]! : null;
  }

  private newOrder(flash: string | null): OrderInput {
    const catalog = this.catalog();
    const skus = [...catalog.keys()];
    const r = this.random;
    let sku: string;
    if (skus.length === 0 || r() < (this.config.unknownSkuShare ?? 0.01)) sku = `UNLISTED-${1 + Math.floor(r() * 5)}`;
    else if (flash && r() < 0.7) sku = flash;
    else sku = skus[zipfIndex(skus.length, r)]!;
    const q = r();
    const quantity = q < 0.8 ? 1 : q < 0.95 ? 2 : 3 + Math.floor(r() * 3);
    const unitPrice = catalog.get(sku)?.price ?? 99;
    const city = r() < 0.9 ? CITIES[Math.floor(r() * CITIES.length)] : undefined;
    const name = BUYERS[Math.floor(r() * BUYERS.length)]!;
    this.serial += 1;
    const order: OrderInput = {
      orderId: `sim-${this.runTag}-${this.serial}`,
      currency: this.config.currency ?? 'CNY',
      lines: [{ sku, quantity, unitPrice }],
      buyer: city ? { name, city } : { name },
    };
    this.recent.push(order);
    if (this.recent.length > 100) this.recent.shift();
    return order;
  }
}

/** Index 0..n-1 with probability ∝ 1/(k+1)^1.2: the first few SKUs dominate. */
function zipfIndex(n: number, random: () => number): number {
  let total = 0;
  for (let k = 0; k < n; k++) total += 1 / (k + 1) ** 1.2;
  let x = random() * total;
  for (let k = 0; k < n; k++) {
    x -= 1 / (k + 1) ** 1.2;
    if (x <= 0) return k;
  }
  return n - 1;
}
