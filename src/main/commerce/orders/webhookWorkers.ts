// Webhook workers: the HTTP side of the order desk on more than one core. At 5,000
// orders a second the desk's one thread was 93% busy, and three quarters of that
// was HTTP, signatures and JSON rather than the desk itself; on a 2-core machine
// the acknowledgement's tail grew with it. Workers (node:cluster, sharing the
// receiver's port) parse, verify and interpret each delivery with their own copy of
// the adapters, then hand the order to the desk's process, which deduplicates,
// journals and counts it exactly as before and sends back the answer. Messages are
// batched per turn of the event loop both ways, so the channel costs little.
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { AcceptResult, OrderInput, OrderLogger } from './order';
import { OrderInputError } from './order';
import { createWebhookAdapter, type WebhookAdapter, type WebhookAdapterConfig } from './webhookAdapters';
import { WebhookReceiver, type ReceiverDesk, type RejectReason } from './webhookReceiver';

type AnswerItem = readonly [rid: number, result: AcceptResult | null, error: { readonly input: boolean; readonly message: string } | null];

type ToWorker =
  | { readonly t: 'adapters'; readonly configs: readonly WebhookAdapterConfig[] }
  | { readonly t: 'listen'; readonly host: string; readonly port: number; readonly maxBodyBytes?: number }
  | { readonly t: 'answers'; readonly items: readonly AnswerItem[] }
  | { readonly t: 'close' };

type FromWorker =
  | { readonly t: 'ready' }
  | { readonly t: 'listening'; readonly port: number }
  | { readonly t: 'failed'; readonly error: string }
  | { readonly t: 'accept'; readonly items: readonly (readonly [rid: number, adapterId: string, input: OrderInput])[] }
  | { readonly t: 'counts'; readonly rejected: readonly (readonly [adapterId: string | null, reason: RejectReason])[]; readonly ignored: readonly string[] };

/** One worker per core beyond the desk's own, two at most (the desk's journal is one file either way). */
export function defaultWebhookWorkers(): number {
  return Math.min(2, Math.max(1, availableParallelism() - 1));
}

export interface WebhookWorkersOptions {
  readonly count: number;
  readonly host: string;
  readonly port: number;
  readonly desk: ReceiverDesk;
  readonly adapters: readonly WebhookAdapterConfig[];
  readonly maxBodyBytes?: number;
  readonly logger: OrderLogger;
}

/** Runs a function once per turn of the event loop, however often it is asked for. */
function batcher(flush: () => void): () => void {
  let scheduled = false;
  return () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      flush();
    });
  };
}

/** The desk's side: forks the workers and answers their orders. */
export class WebhookWorkers {
  private constructor(
    private readonly workers: Worker[],
    readonly port: number,
  ) {}

  static async start(options: WebhookWorkersOptions): Promise<WebhookWorkers> {
    const workers: Worker[] = [];
    for (let i = 0; i < options.count; i++) workers.push(cluster.fork({ CUECAST_WEBHOOK_WORKER: '1' }));
    const ports = await Promise.all(workers.map((w) => serve(w, options)));
    return new WebhookWorkers(workers, ports[0]!);
  }

  /** Every worker gets the new set of webhook adapters. */
  setAdapters(configs: readonly WebhookAdapterConfig[]): void {
    for (const w of this.workers) if (w.isConnected()) w.send({ t: 'adapters', configs } satisfies ToWorker);
  }

  /** Closes the workers' servers; answers in flight are dropped (shops redeliver, nothing unjournaled was acknowledged). */
  async stop(): Promise<void> {
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.isDead()) return resolve();
            const timer = setTimeout(() => w.kill('SIGKILL'), 2000);
            w.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            if (w.isConnected()) w.send({ t: 'close' } satisfies ToWorker);
            else w.kill('SIGKILL');
          }),
      ),
    );
  }
}

/** Wires one worker to the desk; resolves with its port once it listens. */
function serve(worker: Worker, options: WebhookWorkersOptions): Promise<number> {
  const { desk } = options;
  let answers: AnswerItem[] = [];
  const flush = batcher(() => {
    const items = answers;
    answers = [];
    if (worker.isConnected()) worker.send({ t: 'answers', items } satisfies ToWorker);
  });
  const answer = (item: AnswerItem) => {
    answers.push(item);
    flush();
  };
  return new Promise((resolve, reject) => {
    worker.on('message', (msg: FromWorker) => {
      switch (msg.t) {
        case 'ready':
          // Its handlers are in place (messages sent before would be lost): configure it.
          worker.send({ t: 'adapters', configs: options.adapters } satisfies ToWorker);
          worker.send({ t: 'listen', host: options.host, port: options.port, maxBodyBytes: options.maxBodyBytes } satisfies ToWorker);
          return;
        case 'listening':
          return resolve(msg.port);
        case 'failed':
          return reject(new Error(`webhook worker: ${msg.error}`));
        case 'counts':
          for (const [id, reason] of msg.rejected) desk.rejected(id, reason);
          for (const id of msg.ignored) desk.ignored(id);
          return;
        case 'accept':
          for (const [rid, adapterId, input] of msg.items) {
            const adapter = desk.adapter(adapterId);
            if (!adapter) {
              answer([rid, null, { input: false, message: `adapter ${adapterId} was removed` }]);
              continue;
            }
            desk.accept(input, adapter).then(
              (result) => answer([rid, result, null]),
              (err: unknown) => answer([rid, null, { input: err instanceof OrderInputError, message: (err as Error).message }]),
            );
          }
          return;
      }
    });
    worker.once('exit', (code, signal) => {
      reject(new Error(`webhook worker exited (${code ?? signal}) before it listened`));
      if (code !== 0) options.logger.warn(`a webhook worker stopped (${code ?? signal})`);
    });
  });
}

/** The worker's side: a WebhookReceiver whose desk is the parent process. */
export function runWebhookWorker(): void {
  const adapters = new Map<string, WebhookAdapter>();
  const waiting = new Map<number, { resolve: (r: AcceptResult) => void; reject: (e: Error) => void }>();
  let nextRid = 1;
  let accepts: (readonly [number, string, OrderInput])[] = [];
  let rejected: (readonly [string | null, RejectReason])[] = [];
  let ignored: string[] = [];
  const send = (msg: FromWorker) => {
    if (process.connected) process.send!(msg);
  };
  const flush = batcher(() => {
    if (accepts.length) send({ t: 'accept', items: accepts });
    if (rejected.length || ignored.length) send({ t: 'counts', rejected, ignored });
    accepts = [];
    rejected = [];
    ignored = [];
  });
  const desk: ReceiverDesk = {
    adapter: (id) => adapters.get(id),
    accept: (input, adapter) =>
      new Promise<AcceptResult>((resolve, reject) => {
        const rid = nextRid++;
        waiting.set(rid, { resolve, reject });
        accepts.push([rid, adapter.id, input]);
        flush();
      }),
    rejected: (id, reason) => {
      rejected.push([id, reason]);
      flush();
    },
    ignored: (id) => {
      ignored.push(id);
      flush();
    },
  };
  let receiver: WebhookReceiver | null = null;
  process.on('message', (msg: ToWorker) => {
    switch (msg.t) {
      case 'adapters':
        adapters.clear();
        for (const config of msg.configs) adapters.set(config.id, createWebhookAdapter(config));
        return;
      case 'listen':
        receiver = new WebhookReceiver(desk, msg.maxBodyBytes);
        receiver.listen(msg.host, msg.port).then(
          (address) => send({ t: 'listening', port: address.port }),
          (err: unknown) => send({ t: 'failed', error: (err as Error).message }),
        );
        return;
      case 'answers':
        for (const [rid, result, error] of msg.items) {
          const w = waiting.get(rid);
          waiting.delete(rid);
          if (!w) continue;
          if (result) w.resolve(result);
          else w.reject(error?.input ? new OrderInputError(error.message) : new Error(error?.message ?? 'the order desk did not take the order'));
        }
        return;
      case 'close':
        void (receiver?.close() ?? Promise.resolve()).finally(() => process.exit(0));
        return;
    }
  });
  // The desk's process is gone: nothing can be acknowledged any more.
  process.on('disconnect', () => process.exit(0));
  send({ t: 'ready' });
}
