// An order desk in a process of its own, driven over the IPC channel. The studio
// hosts its desk this way (remoteOrderDesk.ts), so that a flash sale's thousands of
// webhooks a second are parsed, verified and journaled beside the live path rather
// than on its event loop, and a desk that dies is restarted without the programme
// noticing; the crash test and the load benchmark SIGKILL it like a studio that
// crashes. Run as `node dist/orderDesk.mjs` (built) or `node --import tsx
// receiverProcess.ts`, with an IPC channel (see receiverProcessClient.ts); it exits
// when its parent goes away.
import cluster from 'node:cluster';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { OrderDesk, type AdapterInfo, type OrderAdapterConfig, type OrderDeskStats } from './orderDesk';
import type { OrderDeskSnapshot } from './orderSnapshot';
import type { WebhookAdapterConfig } from './webhookAdapters';
import { runWebhookWorker, WebhookWorkers } from './webhookWorkers';
import type { CatalogEntry, OrderLogger } from './order';

export interface ReceiverStartMessage {
  readonly type: 'start';
  readonly dataDir: string;
  readonly bind: { readonly host: string; readonly port: number };
  readonly catalog: readonly (readonly [string, CatalogEntry])[];
  readonly adapters: readonly OrderAdapterConfig[];
  readonly show?: string;
  readonly segment?: string | null;
  /** Send every update (≤ 10 Hz) with the snapshot, stats and adapters to the parent. */
  readonly pushUpdates?: boolean;
  /** Send log lines to the parent instead of stderr. */
  readonly forwardLogs?: boolean;
  /** Webhook workers (webhookWorkers.ts) doing the HTTP side on other cores; 0: all in this process. */
  readonly httpWorkers?: number;
  /**
   * Record update times and event-loop delay for the 'updates' query (the load bench).
   * Off in the studio: the delay monitor's 5 ms timer kept an idle desk waking 200 times a second.
   */
  readonly observe?: boolean;
}

/** What a pushUpdates parent receives at every update and after every command. */
export interface ReceiverUpdate {
  readonly type: 'update';
  readonly snapshot: OrderDeskSnapshot;
  readonly stats: OrderDeskStats;
  readonly adapters: AdapterInfo[];
}

export type ReceiverCommand =
  | { readonly op: 'addAdapter'; readonly config: OrderAdapterConfig }
  | { readonly op: 'removeAdapter'; readonly adapterId: string };

export type ReceiverQuery = 'stats' | 'snapshot' | 'orderKeys' | 'updates';

export type ReceiverRequest =
  | ReceiverStartMessage
  | { readonly type: 'query'; readonly id: number; readonly what: ReceiverQuery }
  | { readonly type: 'setSegment'; readonly segment: string | null }
  | { readonly type: 'setCatalog'; readonly catalog: readonly (readonly [string, CatalogEntry])[] }
  | ({ readonly type: 'command'; readonly id: number } & ReceiverCommand)
  | { readonly type: 'stop' };

/** What a subscriber of onUpdate saw (the ≤ 10 Hz promise, measured), and how late the event loop ran. */
export interface UpdateObservation {
  readonly count: number;
  /** Most updates within any 1 s. */
  readonly maxPerSecond: number;
  readonly minGapMs: number | null;
  /** Null unless the desk was started with observe. */
  readonly eventLoopDelayMs: { readonly p50: number; readonly p99: number; readonly max: number } | null;
}

let forwardLogs = false;
const log = (level: 'info' | 'warn' | 'error') => (message: string) => {
  if (forwardLogs) send({ type: 'log', level, message });
  else process.stderr.write(`[orders ${process.pid}] ${level} ${message}\n`);
};
const logger: OrderLogger = { info: process.env.CUECAST_ORDERS_QUIET ? () => undefined : log('info'), warn: log('warn'), error: log('error') };

let desk: OrderDesk | null = null;
let workers: WebhookWorkers | null = null;
/** The webhook adapters as configured, for the workers. */
const webhookConfigs = new Map<string, WebhookAdapterConfig>();
const isWebhook = (c: OrderAdapterConfig): c is WebhookAdapterConfig => c.kind === 'shopify' || c.kind === 'woocommerce' || c.kind === 'hmac';
const updateTimes: number[] = [];
// Created at 'start' when asked to observe; this module also runs in webhook workers,
// which must not start it.
let loopDelay: IntervalHistogram | null = null;

function observeUpdates(): UpdateObservation {
  let maxPerSecond = 0;
  let minGap: number | null = null;
  let lo = 0;
  for (let hi = 0; hi < updateTimes.length; hi++) {
    while (updateTimes[hi]! - updateTimes[lo]! >= 1000) lo++;
    maxPerSecond = Math.max(maxPerSecond, hi - lo + 1);
    if (hi > 0) {
      const gap = updateTimes[hi]! - updateTimes[hi - 1]!;
      minGap = minGap === null ? gap : Math.min(minGap, gap);
    }
  }
  const ms = (ns: number) => Math.round(ns / 1e5) / 10;
  return {
    count: updateTimes.length,
    maxPerSecond,
    minGapMs: minGap === null ? null : Math.round(minGap * 10) / 10,
    eventLoopDelayMs: loopDelay ? { p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max) } : null,
  };
}

let pushUpdates = false;

function send(message: unknown): void {
  if (process.connected) process.send?.(message);
}

function pushUpdate(): void {
  if (!desk || !pushUpdates) return;
  send({ type: 'update', snapshot: desk.snapshot(), stats: desk.stats(), adapters: desk.adapters() } satisfies ReceiverUpdate);
}

async function handle(msg: ReceiverRequest): Promise<void> {
  switch (msg.type) {
    case 'start': {
      forwardLogs = msg.forwardLogs === true;
      const httpWorkers = msg.httpWorkers ?? 0;
      desk = new OrderDesk({ dataDir: msg.dataDir, catalog: new Map(msg.catalog), logger, bind: httpWorkers > 0 ? null : msg.bind, show: msg.show });
      for (const adapter of msg.adapters) {
        desk.addAdapter(adapter);
        if (isWebhook(adapter)) webhookConfigs.set(adapter.id, adapter);
      }
      if (msg.segment !== undefined) desk.setSegment(msg.segment);
      if (msg.observe) {
        desk.onUpdate(() => void updateTimes.push(performance.now()));
        loopDelay = monitorEventLoopDelay({ resolution: 5 });
        loopDelay.enable();
      }
      pushUpdates = msg.pushUpdates === true;
      desk.onUpdate(() => pushUpdate());
      const started = await desk.start();
      if (httpWorkers > 0) {
        workers = await WebhookWorkers.start({ count: httpWorkers, host: msg.bind.host, port: msg.bind.port, desk: desk.receiverDesk(), adapters: [...webhookConfigs.values()], logger });
        logger.info(`order webhooks on http://${msg.bind.host}:${workers.port}/orders/<adapter> (${httpWorkers} worker processes)`);
      }
      loopDelay?.reset();
      pushUpdate();
      send({ type: 'ready', port: workers?.port ?? started.receiver?.port ?? null, rebuild: started.rebuild });
      return;
    }
    case 'query': {
      if (!desk) return send({ type: 'reply', id: msg.id, error: 'not started' });
      const data =
        msg.what === 'stats' ? desk.stats() : msg.what === 'snapshot' ? desk.snapshot() : msg.what === 'orderKeys' ? [...desk.countedOrderKeys()] : observeUpdates();
      return send({ type: 'reply', id: msg.id, data });
    }
    case 'setSegment':
      desk?.setSegment(msg.segment);
      return;
    case 'setCatalog':
      desk?.setCatalog(new Map(msg.catalog));
      return;
    case 'command': {
      if (!desk) return send({ type: 'reply', id: msg.id, error: 'not started' });
      try {
        if (msg.op === 'addAdapter') {
          desk.addAdapter(msg.config);
          if (isWebhook(msg.config)) webhookConfigs.set(msg.config.id, msg.config);
        } else {
          await desk.removeAdapter(msg.adapterId);
          webhookConfigs.delete(msg.adapterId);
        }
        workers?.setAdapters([...webhookConfigs.values()]);
      } catch (err) {
        return send({ type: 'reply', id: msg.id, error: (err as Error).message });
      }
      pushUpdate();
      return send({ type: 'reply', id: msg.id, data: null });
    }
    case 'stop':
      await workers?.stop();
      await desk?.stop();
      send({ type: 'stopped' });
      process.disconnect?.();
      return;
  }
}

if (cluster.isWorker) {
  // Forked by WebhookWorkers: this process only receives webhooks for the desk's process.
  runWebhookWorker();
} else {
  process.on('message', (msg: ReceiverRequest) => {
    handle(msg).catch((err: unknown) => {
      logger.error((err as Error).message);
      send({ type: 'failed', error: (err as Error).message });
      process.exitCode = 1;
      process.disconnect?.();
    });
  });
  // The parent is gone (or let go of us): nothing will ever stop this desk otherwise.
  process.on('disconnect', () => {
    void (workers?.stop() ?? Promise.resolve())
      .then(() => desk?.stop())
      .finally(() => process.exit());
  });
}
