// An order desk in a process of its own, driven over the IPC channel: how the
// crash test and the load benchmark host it, so that it can be SIGKILLed like a
// studio that crashes. Run with `node --import tsx receiverProcess.ts` and an IPC
// channel (see receiverProcessClient.ts); it exits when its parent goes away.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { OrderDesk, type OrderAdapterConfig } from './orderDesk';
import type { CatalogEntry, OrderLogger } from './order';

export interface ReceiverStartMessage {
  readonly type: 'start';
  readonly dataDir: string;
  readonly bind: { readonly host: string; readonly port: number };
  readonly catalog: readonly (readonly [string, CatalogEntry])[];
  readonly adapters: readonly OrderAdapterConfig[];
  readonly show?: string;
  readonly segment?: string | null;
}

export type ReceiverQuery = 'stats' | 'snapshot' | 'orderKeys' | 'updates';

export type ReceiverRequest =
  | ReceiverStartMessage
  | { readonly type: 'query'; readonly id: number; readonly what: ReceiverQuery }
  | { readonly type: 'setSegment'; readonly segment: string | null }
  | { readonly type: 'stop' };

/** What a subscriber of onUpdate saw (the ≤ 10 Hz promise, measured), and how late the event loop ran. */
export interface UpdateObservation {
  readonly count: number;
  /** Most updates within any 1 s. */
  readonly maxPerSecond: number;
  readonly minGapMs: number | null;
  readonly eventLoopDelayMs: { readonly p50: number; readonly p99: number; readonly max: number };
}

const log = (level: string) => (m: string) => process.stderr.write(`[orders ${process.pid}] ${level} ${m}\n`);
const logger: OrderLogger = { info: process.env.CUECAST_ORDERS_QUIET ? () => undefined : log('info'), warn: log('warn'), error: log('error') };

let desk: OrderDesk | null = null;
const updateTimes: number[] = [];
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();

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
    eventLoopDelayMs: { p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max) },
  };
}

function send(message: unknown): void {
  process.send?.(message);
}

async function handle(msg: ReceiverRequest): Promise<void> {
  switch (msg.type) {
    case 'start': {
      desk = new OrderDesk({ dataDir: msg.dataDir, catalog: new Map(msg.catalog), logger, bind: msg.bind, show: msg.show });
      for (const adapter of msg.adapters) desk.addAdapter(adapter);
      if (msg.segment !== undefined) desk.setSegment(msg.segment);
      desk.onUpdate(() => void updateTimes.push(performance.now()));
      const started = await desk.start();
      loopDelay.reset();
      send({ type: 'ready', port: started.receiver?.port ?? null, rebuild: started.rebuild });
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
    case 'stop':
      await desk?.stop();
      send({ type: 'stopped' });
      process.disconnect?.();
      return;
  }
}

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
  void (desk?.stop() ?? Promise.resolve()).finally(() => process.exit());
});
