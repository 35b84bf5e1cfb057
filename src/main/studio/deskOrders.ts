// The order desk as the Studio uses it: its throttled snapshots (≤ 10 Hz) become the
// snapshot's orders part, the card's stock, the on-air ticker and the sales counters
// in the stream. Webhook adapters are stored with their secrets sealed, so they come
// back after a restart; the rehearsal simulator is a feed switched on and off.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OrdersInfo } from '../../shared/commerceModel';
import type { CommerceMetadata } from '../../shared/commerceMetadata';
import type { Rundown } from '../../shared/rundown';
import type { ShoutOutOrder } from '../commerce/graphics/orderShoutOut';
import type { SalesTickerContent } from '../commerce/graphics/salesTicker';
import { CANONICAL_MAPPING } from '../commerce/orders/fieldMapping';
import type { Catalog } from '../commerce/orders/order';
import { RemoteOrderDesk, type OrderDeskHandle } from '../commerce/orders/remoteOrderDesk';
import type { OrderDeskSnapshot } from '../commerce/orders/orderSnapshot';
import type { Logger } from '../engine/logger';
import type { SecretBox } from './secretBox';
import type { OrdersView } from './studioCommerce';

const SIMULATOR_ID = 'rehearsal';

export interface StoredWebhookAdapter {
  readonly id: string;
  readonly kind: 'shopify' | 'woocommerce' | 'hmac';
  readonly sealedSecret: string;
  readonly signatureHeader?: string;
  readonly encoding?: 'hex' | 'base64';
}

export function catalogOf(rundown: Rundown): Catalog {
  return new Map(rundown.segments.map((s) => [s.sku, { stock: s.stock, title: s.title, price: s.price }]));
}

export class DeskOrders implements OrdersView {
  private last: OrderDeskSnapshot;
  private receiver: { host: string; port: number } | null = null;
  private simulating = false;
  /** The rehearsal simulator sells in the rundown's currency. */
  private currency = 'EUR';
  private readonly adaptersFile: string;

  private constructor(
    private readonly desk: OrderDeskHandle,
    private readonly secrets: SecretBox,
    dataDir: string,
    onUpdate: () => void,
  ) {
    this.adaptersFile = join(dataDir, 'orderAdapters.json');
    this.last = desk.snapshot();
    desk.onUpdate((snapshot) => {
      this.last = snapshot;
      onUpdate();
    });
  }

  static async start(options: {
    dataDir: string;
    rundown: Rundown;
    logger: Logger;
    secrets: SecretBox;
    onUpdate: () => void;
    /** Where the desk's warnings and errors go for the operator to see (the studio's log). */
    report?: (level: 'warn' | 'error', message: string) => void;
  }): Promise<DeskOrders> {
    const base = options.logger.child('orders');
    const report = options.report;
    const deskLogger = {
      info: (m: string) => base.info(m),
      warn: (m: string) => (report ? report('warn', `Orders: ${m}`) : base.warn(m)),
      error: (m: string) => (report ? report('error', `Orders: ${m}`) : base.error(m)),
    };
    // In a process of its own (see remoteOrderDesk.ts): order bursts stay off the programme's event loop.
    const started = await RemoteOrderDesk.start({ dataDir: options.dataDir, catalog: catalogOf(options.rundown), logger: deskLogger, show: showOf(options.rundown) });
    const view = new DeskOrders(started.desk, options.secrets, options.dataDir, options.onUpdate);
    view.receiver = started.receiver;
    view.currency = options.rundown.segments[0]?.currency ?? 'EUR';
    if (started.rebuild.records > 0) options.logger.info(`orders: ${started.rebuild.records} journaled orders counted again after the restart`);
    for (const stored of view.storedAdapters()) {
      try {
        await view.addWebhookNow(stored);
      } catch (err) {
        options.logger.warn(`order webhook "${stored.id}" not restored: ${(err as Error).message}`);
      }
    }
    return view;
  }

  /** The desk's process id, while it runs. */
  get processId(): number | null {
    return this.desk instanceof RemoteOrderDesk ? this.desk.pid : null;
  }

  /** The desk's process and its webhook workers (Linux lists a process's children in /proc), for the studio's CPU figure. */
  processIds(): number[] {
    const pid = this.processId;
    if (pid === null) return [];
    try {
      const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
      return [pid, ...(children ? children.split(' ').map(Number) : [])];
    } catch {
      return [pid];
    }
  }

  info(): OrdersInfo {
    const s = this.last;
    const currency = s.currency ?? 'EUR';
    return {
      currency,
      orders: s.totals.orders,
      units: s.totals.units,
      gmv: s.totals.gmv,
      perMinute: s.ordersPerMinute,
      perSku: s.skus.map((k) => ({ sku: k.sku, title: k.title, units: k.unitsSold, perMinute: k.ordersPerMinute, revenue: k.revenue, stockLeft: k.stockLeft })),
      perSegment: s.segments.map((g) => ({ segmentId: g.segment, orders: g.orders, units: g.units, revenue: g.gmv })),
      latest: s.latest.flatMap((o) =>
        o.lines.map((line) => ({ orderId: o.orderId, sku: line.sku, quantity: line.quantity, buyer: o.buyer, atMs: o.at, unknownSku: o.flags.includes('unknownSku') })),
      ),
      rejected: this.rejected(),
      duplicates: this.desk.stats().duplicates,
      unknownSku: this.desk.stats().unknownSkuOrders,
      receiverUrl: this.receiver ? `http://${this.receiver.host}:${this.receiver.port}/orders/{adapter}` : null,
      adapters: this.desk.adapters().map((a) => ({ id: a.id, kind: a.kind, state: a.state ?? 'listening', lastError: null })),
      simulating: this.simulating,
    };
  }

  stockLeft(sku: string): number | undefined {
    return this.last.skus.find((k) => k.sku === sku)?.stockLeft ?? undefined;
  }

  ticker(): SalesTickerContent | null {
    const s = this.last;
    return {
      unitsSold: s.totals.units,
      ordersPerMinute: s.ordersPerMinute,
      // The desk's buyer is "W***g, Hangzhou": name and city apart, for the ticker's own layout.
      latestOrders: s.latest.map((o) => {
        const [buyer, ...city] = o.buyer.split(', ');
        return { buyer: buyer ?? '', city: city.join(', ') || undefined, quantity: o.units };
      }),
    };
  }

  recentOrders(): { count: number; latest: ShoutOutOrder[] } {
    const s = this.last;
    return {
      count: s.totals.orders,
      latest: s.latest.map((o) => {
        const first = o.lines[0];
        const product = first ? (first.title ?? first.sku) : '';
        return { orderId: o.orderId, buyer: o.buyer, quantity: o.units, product: o.lines.length > 1 ? `${product} and ${o.lines.length - 1} more` : product };
      }),
    };
  }

  salesMessage(): Omit<CommerceMetadata, 'frame' | 'wallTimeMs'> | null {
    const s = this.last;
    if (s.totals.orders === 0) return null;
    return { v: 1, kind: 'sales', show: s.show.slice(0, 64), sales: { orders: s.totals.orders, units: s.totals.units, gmv: Math.round(s.totals.gmv * 100) / 100, currency: s.currency ?? 'EUR' } };
  }

  setSegment(segmentId: string | null): void {
    this.desk.setSegment(segmentId);
  }

  setRundown(rundown: Rundown): void {
    this.desk.setCatalog(catalogOf(rundown));
    this.currency = rundown.segments[0]?.currency ?? this.currency;
  }

  async simulate(running: boolean, ratePerSec?: number): Promise<void> {
    if (this.simulating) await this.desk.removeAdapter(SIMULATOR_ID);
    this.simulating = false;
    if (!running) return;
    await this.desk.addAdapter({ kind: 'simulator', id: SIMULATOR_ID, ratePerSec: ratePerSec ?? 3, currency: this.currency });
    this.simulating = true;
  }

  /** A signed order webhook; its secret is stored sealed. Returns the URL to give the shop. */
  async addWebhook(config: { id: string; kind: StoredWebhookAdapter['kind']; secret: string; signatureHeader?: string; encoding?: 'hex' | 'base64' }): Promise<string> {
    const stored: StoredWebhookAdapter = {
      id: config.id,
      kind: config.kind,
      sealedSecret: this.secrets.encrypt(config.secret),
      ...(config.signatureHeader ? { signatureHeader: config.signatureHeader } : {}),
      ...(config.encoding ? { encoding: config.encoding } : {}),
    };
    await this.addWebhookNow(stored);
    this.saveAdapters([...this.storedAdapters().filter((a) => a.id !== stored.id), stored]);
    return this.receiver ? `http://${this.receiver.host}:${this.receiver.port}/orders/${config.id}` : '(the receiver is off)';
  }

  async removeAdapter(id: string): Promise<void> {
    await this.desk.removeAdapter(id);
    this.saveAdapters(this.storedAdapters().filter((a) => a.id !== id));
  }

  async dispose(): Promise<void> {
    await this.desk.dispose();
  }

  private async addWebhookNow(stored: StoredWebhookAdapter): Promise<void> {
    const secret = this.secrets.decrypt(stored.sealedSecret);
    if (stored.kind === 'hmac') {
      await this.desk.addAdapter({ kind: 'hmac', id: stored.id, secret, signatureHeader: stored.signatureHeader ?? 'X-Signature', encoding: stored.encoding ?? 'hex', mapping: CANONICAL_MAPPING });
    } else {
      await this.desk.addAdapter({ kind: stored.kind, id: stored.id, secret });
    }
  }

  private rejected(): OrdersInfo['rejected'] {
    const r = this.desk.stats().rejected as Record<string, number>;
    return { badSignature: r.badSignature ?? 0, badRequest: (r.badJson ?? 0) + (r.missingFields ?? 0) + (r.badRequest ?? 0), tooLarge: r.tooLarge ?? 0 };
  }

  private storedAdapters(): StoredWebhookAdapter[] {
    if (!existsSync(this.adaptersFile)) return [];
    try {
      return JSON.parse(readFileSync(this.adaptersFile, 'utf8')) as StoredWebhookAdapter[];
    } catch {
      return [];
    }
  }

  private saveAdapters(list: readonly StoredWebhookAdapter[]): void {
    const tmp = `${this.adaptersFile}.tmp`;
    writeFileSync(tmp, JSON.stringify(list, null, 2), { mode: 0o600 });
    renameSync(tmp, this.adaptersFile);
  }
}

function showOf(rundown: Rundown): string {
  return (rundown.title ?? 'show').slice(0, 64) || 'show';
}
