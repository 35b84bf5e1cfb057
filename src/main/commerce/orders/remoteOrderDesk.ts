// The studio's order desk, hosted in a process of its own (receiverProcess.ts). A
// flash sale can bring thousands of webhooks a second; parsed, verified and
// journaled on the studio's event loop they would take the time the programme's
// frames need (measured: 27 programme frames dropped at the encoder in 20 s of
// 5,000 orders/s on a 2-core machine). Here they run beside it, at a lower CPU
// priority: when the machine is short, the programme wins and acknowledgements
// wait (shops retry; nothing acknowledged is ever lost). The desk pushes its
// snapshot, stats and adapters at every update (≤ 10 Hz), so reads are synchronous
// and free. If the process dies it is started again on the same port, with the
// same adapters, catalog and segment, and rebuilds its totals from the journal.
import type { Catalog, CatalogEntry, OrderLogger } from './order';
import type { AdapterInfo, OrderAdapterConfig, OrderDeskStats } from './orderDesk';
import type { OrderDeskSnapshot } from './orderSnapshot';
import type { ReceiverUpdate } from './receiverProcess';
import { startReceiverProcess, type ReceiverProcess } from './receiverProcessClient';
import { defaultWebhookWorkers } from './webhookWorkers';

export interface RemoteOrderDeskOptions {
  readonly dataDir: string;
  readonly catalog: Catalog;
  readonly logger: OrderLogger;
  readonly show?: string;
  /** Where the webhook receiver listens (default 127.0.0.1, a free port). */
  readonly bind?: { readonly host: string; readonly port: number };
  /** Nice value of the desk's process (default 5: below the studio's). */
  readonly niceness?: number;
  /** Webhook worker processes (default: defaultWebhookWorkers()). */
  readonly httpWorkers?: number;
}

/** What the studio's DeskOrders needs of a desk; OrderDesk in-process has the same shape. */
export interface OrderDeskHandle {
  snapshot(): OrderDeskSnapshot;
  stats(): OrderDeskStats;
  adapters(): AdapterInfo[];
  onUpdate(cb: (snapshot: OrderDeskSnapshot) => void): () => void;
  addAdapter(config: OrderAdapterConfig): void | Promise<void>;
  removeAdapter(id: string): Promise<void>;
  setSegment(segment: string | null): void;
  setCatalog(catalog: Catalog): void;
  dispose(): Promise<void>;
}

/** Restarts allowed within RESTART_WINDOW_MS before the desk is left down (and says so). */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;
const RESTART_DELAY_MS = 300;

export class RemoteOrderDesk implements OrderDeskHandle {
  private child: ReceiverProcess | null = null;
  private last: Omit<ReceiverUpdate, 'type'>;
  private readonly listeners = new Set<(snapshot: OrderDeskSnapshot) => void>();
  /** Replayed into a restarted desk. */
  private readonly configs = new Map<string, OrderAdapterConfig>();
  private catalog: Catalog;
  private segment: string | null = null;
  private bind: { host: string; port: number };
  private readonly restartTimes: number[] = [];
  private disposed = false;

  private constructor(private readonly options: RemoteOrderDeskOptions) {
    this.catalog = options.catalog;
    this.bind = { host: options.bind?.host ?? '127.0.0.1', port: options.bind?.port ?? 0 };
    this.last = { snapshot: null as unknown as OrderDeskSnapshot, stats: null as unknown as OrderDeskStats, adapters: [] };
  }

  /** Starts the desk's process; resolves once it has rebuilt its journal and listens. */
  static async start(options: RemoteOrderDeskOptions): Promise<{ desk: RemoteOrderDesk; receiver: { host: string; port: number }; rebuild: ReceiverProcess['rebuild'] }> {
    const desk = new RemoteOrderDesk(options);
    const child = await desk.spawn();
    return { desk, receiver: { ...desk.bind }, rebuild: child.rebuild };
  }

  /** The desk's process id (for its CPU in the studio's figures). */
  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  snapshot(): OrderDeskSnapshot {
    return this.last.snapshot;
  }

  stats(): OrderDeskStats {
    return this.last.stats;
  }

  adapters(): AdapterInfo[] {
    return this.last.adapters;
  }

  onUpdate(cb: (snapshot: OrderDeskSnapshot) => void): () => void {
    this.listeners.add(cb);
    return () => void this.listeners.delete(cb);
  }

  async addAdapter(config: OrderAdapterConfig): Promise<void> {
    if (!this.child) throw new Error('the order desk is restarting; try again in a moment');
    await this.child.command({ op: 'addAdapter', config });
    this.configs.set(config.id, config);
  }

  async removeAdapter(id: string): Promise<void> {
    this.configs.delete(id);
    await this.child?.command({ op: 'removeAdapter', adapterId: id });
  }

  setSegment(segment: string | null): void {
    this.segment = segment;
    this.child?.setSegment(segment);
  }

  setCatalog(catalog: Catalog): void {
    this.catalog = catalog;
    this.child?.setCatalog(entries(catalog));
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const child = this.child;
    this.child = null;
    await child?.stop();
  }

  private async spawn(): Promise<ReceiverProcess> {
    const { logger } = this.options;
    const child = await startReceiverProcess(
      {
        dataDir: this.options.dataDir,
        bind: this.bind,
        catalog: entries(this.catalog),
        adapters: [...this.configs.values()],
        show: this.options.show,
        segment: this.segment,
        pushUpdates: true,
        forwardLogs: true,
        httpWorkers: this.options.httpWorkers ?? defaultWebhookWorkers(),
      },
      {
        niceness: this.options.niceness ?? 5,
        onLog: (level, message) => logger[level](message),
        onUpdate: (update) => {
          this.last = update;
          for (const cb of this.listeners) cb(update.snapshot);
        },
      },
    );
    if (this.disposed) {
      await child.stop();
      throw new Error('the order desk was closed while it started');
    }
    this.child = child;
    // The first start may have picked a free port: restarts keep it, so shops' URLs stay valid.
    this.bind = { ...this.bind, port: child.port };
    void child.exited.then(() => this.exited(child));
    return child;
  }

  private exited(child: ReceiverProcess): void {
    if (this.disposed || this.child !== child) return;
    this.child = null;
    this.options.logger.error('the order desk stopped unexpectedly; starting it again on the same port (its totals come back from the journal)');
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    const { logger } = this.options;
    const now = Date.now();
    while (this.restartTimes.length && now - this.restartTimes[0]! > RESTART_WINDOW_MS) this.restartTimes.shift();
    if (this.restartTimes.length >= MAX_RESTARTS) {
      logger.error(`the order desk failed ${MAX_RESTARTS} times within a minute and is left stopped: orders are not being received (its journal is safe; restart the studio)`);
      return;
    }
    this.restartTimes.push(now);
    setTimeout(() => {
      if (this.disposed) return;
      this.spawn().then(
        () => logger.info('the order desk is back'),
        (err: unknown) => {
          logger.error(`the order desk could not be started again: ${(err as Error).message}`);
          this.scheduleRestart();
        },
      );
    }, RESTART_DELAY_MS).unref?.();
  }
}

function entries(catalog: Catalog): (readonly [string, CatalogEntry])[] {
  return [...catalog];
}
