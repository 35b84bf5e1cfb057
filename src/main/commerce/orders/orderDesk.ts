// The order desk: every feed's orders come through accept(), are deduplicated by
// order id, journaled durably (group commit), then counted. The webhook receiver and
// the feeds are its adapters. On start it rebuilds the dedupe set and aggregates from
// the journal, so a crash loses nothing acknowledged and counts nothing twice.
// Subscribers get throttled snapshots (≤ 10 Hz); counters are exact at any time.
import { join } from 'node:path';
import { PollingFeed, type PollingFeedConfig } from './feeds/pollingFeed';
import { RehearsalSimulator, type SimulatorFeedConfig } from './feeds/rehearsalSimulator';
import { ReplayFeed, type ReplayFeedConfig } from './feeds/replayFeed';
import { StreamFeed, type StreamFeedConfig } from './feeds/streamFeed';
import type { FeedSink, FeedState, OrderFeed } from './feeds/feedSink';
import { maskedBuyer } from './maskBuyer';
import type { AcceptResult, Catalog, Order, OrderFlag, OrderInput, OrderLogger } from './order';
import { validateOrderInput } from './order';
import { OrderAggregates } from './orderAggregates';
import { OrderKeySet } from './orderKeySet';
import { OrderJournal, type JournalOpenReport, type JournalStats } from './orderJournal';
import { buildSnapshot, type OrderDeskSnapshot } from './orderSnapshot';
import { UpdateThrottle } from './updateThrottle';
import { ADAPTER_ID, createWebhookAdapter, type WebhookAdapter, type WebhookAdapterConfig } from './webhookAdapters';
import { REJECT_REASONS, WebhookReceiver, type ReceiverDesk, type RejectReason } from './webhookReceiver';

export type FeedAdapterConfig = StreamFeedConfig | PollingFeedConfig | ReplayFeedConfig | SimulatorFeedConfig;
export type OrderAdapterConfig = WebhookAdapterConfig | FeedAdapterConfig;

export interface OrderDeskOptions {
  /** The journal lives in <dataDir>/orders/. */
  readonly dataDir: string;
  readonly catalog: Catalog;
  readonly logger: OrderLogger;
  /** Where the webhook receiver listens (default 127.0.0.1, a free port); null: no receiver. */
  readonly bind?: { readonly host: string; readonly port: number } | null;
  /** Show the orders are attributed to (default "show"). */
  readonly show?: string;
  /** The show's currency for single-figure GMV; default: the one with the largest GMV. */
  readonly currency?: string;
  readonly maxBodyBytes?: number;
  /** Orders in the snapshot's ticker (default 20). */
  readonly latestCount?: number;
  /** Least time between two updates (default and minimum 100 ms: ≤ 10 Hz). */
  readonly updateIntervalMs?: number;
}

export interface AdapterInfo {
  readonly id: string;
  readonly kind: OrderAdapterConfig['kind'];
  readonly store: string;
  /** Webhooks: the path to POST to. */
  readonly path?: string;
  /** Feeds: their connection state. */
  readonly state?: FeedState;
}

interface Counters {
  accepted: number;
  duplicates: number;
  ignored: number;
  rejected: Record<RejectReason, number>;
}

export interface OrderDeskStats extends Counters {
  readonly unknownSkuOrders: number;
  readonly byAdapter: Readonly<Record<string, Counters>>;
  readonly journal: JournalStats & { readonly broken: boolean };
  readonly rebuild: JournalOpenReport & { readonly duplicateRecords: number } | null;
  readonly updatesEmitted: number;
}

const emptyCounters = (): Counters => ({ accepted: 0, duplicates: 0, ignored: 0, rejected: Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<RejectReason, number> });

export class OrderDesk {
  private journal: OrderJournal | null = null;
  private receiver: WebhookReceiver | null = null;
  private address: { host: string; port: number } | null = null;
  private readonly aggregates: OrderAggregates;
  private readonly known = new OrderKeySet();
  private readonly pending = new Map<string, Promise<void>>();
  private readonly webhooks = new Map<string, WebhookAdapter>();
  private readonly feeds = new Map<string, { feed: OrderFeed; store: string }>();
  private readonly throttle: UpdateThrottle<OrderDeskSnapshot>;
  private readonly totals = emptyCounters();
  private readonly perAdapter = new Map<string, Counters>();
  private unknownSkuOrders = 0;
  private rebuildReport: (JournalOpenReport & { duplicateRecords: number }) | null = null;
  private catalog: Catalog;
  private show: string;
  private segment: string | null = null;
  private state: 'new' | 'started' | 'stopped' = 'new';

  constructor(private readonly options: OrderDeskOptions) {
    this.catalog = options.catalog;
    this.show = options.show ?? 'show';
    this.aggregates = new OrderAggregates(Math.max(options.latestCount ?? 20, 1));
    const interval = Math.max(100, options.updateIntervalMs ?? 100);
    this.throttle = new UpdateThrottle(() => this.snapshot(), interval, (err) => options.logger.error(`order update listener failed: ${(err as Error).message}`));
  }

  /** Rebuilds from the journal, then opens the webhook receiver. Refuses to start twice. */
  async start(): Promise<{ receiver: { host: string; port: number } | null; rebuild: JournalOpenReport & { duplicateRecords: number } }> {
    if (this.state !== 'new') throw new Error('the order desk starts once');
    this.state = 'started';
    let duplicateRecords = 0;
    const { journal, report } = OrderJournal.open(join(this.options.dataDir, 'orders', 'orders.journal'), (order) => {
      const key = orderKey(order.store, order.orderId);
      // A record written twice (an ack lost to an I/O error, then redelivered) counts once.
      if (this.known.has(key)) return void (duplicateRecords += 1);
      this.known.add(key);
      this.aggregates.apply(order);
    });
    this.journal = journal;
    this.rebuildReport = { ...report, duplicateRecords };
    const log = this.options.logger;
    log.info(`order journal: ${report.records} records rebuilt in ${report.readMs} ms`);
    if (report.tornTailBytes > 0) log.warn(`order journal: cut a torn last write of ${report.tornTailBytes} bytes (kept beside the journal as .torn-*)`);
    if (report.corruptRecords > 0) log.warn(`order journal: skipped ${report.corruptRecords} damaged records`);
    const bind = this.options.bind === undefined ? { host: '127.0.0.1', port: 0 } : this.options.bind;
    if (bind) {
      this.receiver = new WebhookReceiver(this.receiverDesk(), this.options.maxBodyBytes);
      this.address = await this.receiver.listen(bind.host, bind.port);
      log.info(`order webhooks on http://${this.address.host}:${this.address.port}/orders/<adapter>`);
    }
    for (const { feed } of this.feeds.values()) feed.start();
    this.throttle.notify();
    return { receiver: this.address, rebuild: this.rebuildReport };
  }

  /** Stops feeds and the receiver, waits for the journal to settle. */
  async stop(): Promise<void> {
    if (this.state !== 'started') return;
    this.state = 'stopped';
    await Promise.all([...this.feeds.values()].map(({ feed }) => feed.stop()));
    await this.receiver?.close();
    await this.journal?.close();
    this.throttle.dispose();
  }

  async dispose(): Promise<void> {
    await this.stop();
  }

  /** What a webhook receiver needs of this desk (in this process, or in webhook workers: webhookWorkers.ts). */
  receiverDesk(): ReceiverDesk {
    return {
      adapter: (id) => this.webhooks.get(id),
      accept: (input, adapter) => this.accept(input, adapter),
      rejected: (id, reason) => this.countReject(id, reason),
      ignored: (id) => this.count(id, (c) => (c.ignored += 1)),
    };
  }

  receiverAddress(): { host: string; port: number } | null {
    return this.address;
  }

  setSegment(segment: string | null): void {
    this.segment = segment;
    this.throttle.notify();
  }

  setShow(show: string): void {
    this.show = show;
    this.throttle.notify();
  }

  setCatalog(catalog: Catalog): void {
    this.catalog = catalog;
    this.throttle.notify();
  }

  /** Adds a webhook or a feed; feeds start at once if the desk runs. */
  addAdapter(config: OrderAdapterConfig): void {
    if (!ADAPTER_ID.test(config.id)) throw new Error(`adapter id ${JSON.stringify(config.id)}: use 1–64 letters, digits, - or _`);
    if (config.store !== undefined && !ADAPTER_ID.test(config.store)) throw new Error(`adapter ${config.id}: store ${JSON.stringify(config.store)} must look like an id`);
    if (this.webhooks.has(config.id) || this.feeds.has(config.id)) throw new Error(`an order adapter ${config.id} exists already`);
    const store = config.store ?? config.id;
    if (config.kind === 'shopify' || config.kind === 'woocommerce' || config.kind === 'hmac') {
      this.webhooks.set(config.id, createWebhookAdapter(config));
    } else {
      const feed = this.createFeed(config, this.feedSink(config.id, store));
      this.feeds.set(config.id, { feed, store });
      if (this.state === 'started') feed.start();
    }
    this.perAdapter.set(config.id, this.perAdapter.get(config.id) ?? emptyCounters());
  }

  async removeAdapter(id: string): Promise<void> {
    this.webhooks.delete(id);
    const entry = this.feeds.get(id);
    this.feeds.delete(id);
    await entry?.feed.stop();
  }

  adapters(): AdapterInfo[] {
    return [
      ...[...this.webhooks.values()].map((a) => ({ id: a.id, kind: a.kind, store: a.store, path: `/orders/${a.id}` })),
      ...[...this.feeds.values()].map(({ feed, store }) => ({ id: feed.id, kind: feed.kind as FeedAdapterConfig['kind'], store, state: feed.state() })),
    ];
  }

  /**
   * Takes one order. Resolves once it is durable ('accepted') or known already
   * ('duplicate'); rejects with OrderInputError for a malformed order and with
   * JournalError when the journal cannot write (nothing is counted then).
   */
  async accept(input: OrderInput, via: { readonly id: string; readonly store: string }): Promise<AcceptResult> {
    if (!this.journal || this.state !== 'started') throw new Error('the order desk is not running');
    const valid = validateOrderInput(input);
    const key = orderKey(via.store, valid.orderId);
    const inFlight = this.pending.get(key);
    if (this.known.has(key) || inFlight) {
      // A duplicate of an order still being written is answered once that write is
      // durable, and fails if it fails: never "duplicate" for something not on disk.
      if (inFlight) await inFlight;
      this.count(via.id, (c) => (c.duplicates += 1));
      return { status: 'duplicate', orderId: valid.orderId, flags: NO_FLAGS };
    }
    const unknownSkus: string[] = [];
    for (const l of valid.lines) if (!this.catalog.has(l.sku) && !unknownSkus.includes(l.sku)) unknownSkus.push(l.sku);
    const flags: readonly OrderFlag[] = unknownSkus.length ? ['unknownSku'] : NO_FLAGS;
    const order: Order = { ...valid, buyer: maskedBuyer(valid.buyer), at: Date.now(), source: via.id, store: via.store, show: this.show, segment: this.segment, flags, unknownSkus };
    const written = this.journal.append(order);
    this.pending.set(key, written);
    try {
      await written;
    } finally {
      this.pending.delete(key);
    }
    this.known.add(key);
    this.aggregates.apply(order);
    this.count(via.id, (c) => (c.accepted += 1));
    if (flags.length) this.unknownSkuOrders += 1;
    this.throttle.notify();
    return { status: 'accepted', orderId: valid.orderId, flags };
  }

  /** Whether an order is counted (verification, tests). */
  hasOrder(orderId: string, store: string): boolean {
    return this.known.has(orderKey(store, orderId));
  }

  /** Every counted order as "store:orderId". */
  countedOrderKeys(): IterableIterator<string> {
    return this.known.values();
  }

  snapshot(): OrderDeskSnapshot {
    return buildSnapshot({
      aggregates: this.aggregates,
      catalog: this.catalog,
      show: this.show,
      segment: this.segment,
      currency: this.options.currency ?? null,
      latestCount: this.options.latestCount ?? 20,
      now: Date.now(),
    });
  }

  /** At most one call per 100 ms (10 Hz) while orders come in; returns an unsubscribe. */
  onUpdate(cb: (snapshot: OrderDeskSnapshot) => void): () => void {
    return this.throttle.subscribe(cb);
  }

  stats(): OrderDeskStats {
    const journal = this.journal;
    return {
      accepted: this.totals.accepted,
      duplicates: this.totals.duplicates,
      ignored: this.totals.ignored,
      rejected: { ...this.totals.rejected },
      unknownSkuOrders: this.unknownSkuOrders,
      byAdapter: Object.fromEntries([...this.perAdapter].map(([id, c]) => [id, { ...c, rejected: { ...c.rejected } }])),
      journal: journal
        ? { ...journal.stats(), broken: journal.isBroken }
        : { batches: 0, records: 0, bytes: 0, largestBatch: 0, syncMsP50: 0, syncMsP99: 0, syncMsMax: 0, broken: false },
      rebuild: this.rebuildReport,
      updatesEmitted: this.throttle.count,
    };
  }

  private createFeed(config: FeedAdapterConfig, sink: FeedSink): OrderFeed {
    switch (config.kind) {
      case 'stream':
        return new StreamFeed(config, sink);
      case 'poll':
        return new PollingFeed(config, sink, join(this.options.dataDir, 'orders'));
      case 'replay':
        return new ReplayFeed(config, sink);
      case 'simulator':
        return new RehearsalSimulator(config, sink, () => this.catalog);
    }
  }

  private feedSink(id: string, store: string): FeedSink {
    return {
      accept: (input) => this.accept(input, { id, store }),
      rejected: (reason) => this.countReject(id, reason),
      logger: this.options.logger,
    };
  }

  private countReject(adapterId: string | null, reason: RejectReason): void {
    this.count(adapterId, (c) => (c.rejected[reason] += 1));
  }

  private count(adapterId: string | null, bump: (c: Counters) => void): void {
    bump(this.totals);
    const c = adapterId === null ? undefined : this.perAdapter.get(adapterId);
    if (c) bump(c);
  }
}

const NO_FLAGS: readonly OrderFlag[] = Object.freeze([]);

/** Adapter ids and stores cannot hold ':', so the key is unambiguous. */
function orderKey(store: string, orderId: string): string {
  return `${store}:${orderId}`;
}
