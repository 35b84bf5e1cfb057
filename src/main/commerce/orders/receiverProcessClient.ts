// Starts receiverProcess.ts as a child (Node with tsx, an IPC channel) and talks to
// it: one child = one handle that starts once, answers queries, stops politely or is
// killed. Used by the crash test and the load benchmark; the studio itself hosts
// OrderDesk in its own process.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OrderDeskStats } from './orderDesk';
import type { OrderDeskSnapshot } from './orderSnapshot';
import type { JournalOpenReport } from './orderJournal';
import type { ReceiverQuery, ReceiverRequest, ReceiverStartMessage, UpdateObservation } from './receiverProcess';

const here = dirname(fileURLToPath(import.meta.url));
const ENTRY = resolve(here, 'receiverProcess.ts');
const REPO_ROOT = resolve(here, '../../../..');

export interface ReceiverProcess {
  readonly pid: number;
  readonly port: number;
  readonly rebuild: JournalOpenReport & { readonly duplicateRecords: number };
  /** ms from spawn to ready (Node start, journal rebuild, listen). */
  readonly startMs: number;
  query(what: 'stats'): Promise<OrderDeskStats>;
  query(what: 'snapshot'): Promise<OrderDeskSnapshot>;
  query(what: 'orderKeys'): Promise<string[]>;
  query(what: 'updates'): Promise<UpdateObservation>;
  setSegment(segment: string | null): void;
  /** Asks it to stop (journal settled), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** Sends `signal` and waits for the exit. */
  kill(signal: NodeJS.Signals): Promise<void>;
  readonly exited: Promise<void>;
}

export interface ReceiverProcessOptions {
  readonly quiet?: boolean;
  readonly timeoutMs?: number;
  /** Extra Node flags, e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof']. */
  readonly nodeFlags?: readonly string[];
}

export async function startReceiverProcess(start: Omit<ReceiverStartMessage, 'type'>, options: ReceiverProcessOptions = {}): Promise<ReceiverProcess> {
  const spawnedAt = performance.now();
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeFlags ?? []), '--import', 'tsx', ENTRY], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    env: { ...process.env, ...(options.quiet ? { CUECAST_ORDERS_QUIET: '1' } : {}) },
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000);
    if (!options.quiet) process.stderr.write(c);
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const replies = new Map<number, (value: unknown) => void>();
  let nextId = 1;
  let stopped: (() => void) | null = null;
  child.on('message', (msg: { type: string; id?: number; data?: unknown; error?: string }) => {
    if (msg.type === 'reply' && msg.id !== undefined) replies.get(msg.id)?.(msg.error ? Promise.reject(new Error(msg.error)) : msg.data);
    if (msg.type === 'stopped') stopped?.();
  });
  const ready = await new Promise<{ port: number; rebuild: ReceiverProcess['rebuild'] }>((resolveReady, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`order receiver did not start: ${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.on('message', (msg: { type: string; port?: number; rebuild?: ReceiverProcess['rebuild']; error?: string }) => {
      if (msg.type === 'ready') {
        clearTimeout(timer);
        resolveReady({ port: msg.port!, rebuild: msg.rebuild! });
      } else if (msg.type === 'failed') {
        clearTimeout(timer);
        reject(new Error(`order receiver failed: ${msg.error}`));
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`order receiver exited (${code ?? signal}) before it was ready: ${stderr}`));
    });
    const msg: ReceiverRequest = { type: 'start', ...start };
    child.send(msg);
  });
  const query = (what: ReceiverQuery) =>
    new Promise<unknown>((resolveQuery, reject) => {
      if (!child.connected) return reject(new Error(`order receiver is not running (asked for ${what})`));
      const id = nextId++;
      const timer = setTimeout(() => reject(new Error(`order receiver did not answer ${what}`)), 15_000);
      replies.set(id, (value) => {
        clearTimeout(timer);
        replies.delete(id);
        resolveQuery(value);
      });
      child.send({ type: 'query', id, what } satisfies ReceiverRequest);
    });
  const kill = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    await exited;
  };
  return {
    pid: child.pid!,
    port: ready.port,
    rebuild: ready.rebuild,
    startMs: Math.round(performance.now() - spawnedAt),
    query: query as ReceiverProcess['query'],
    setSegment: (segment) => child.send({ type: 'setSegment', segment } satisfies ReceiverRequest),
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const done = new Promise<void>((r) => (stopped = r));
      child.send({ type: 'stop' } satisfies ReceiverRequest);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await Promise.race([done.then(() => exited), exited]);
      clearTimeout(timer);
    },
    kill,
    exited,
  };
}
