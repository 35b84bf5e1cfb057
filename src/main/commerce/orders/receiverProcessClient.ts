// Starts receiverProcess.ts as a child (an IPC channel) and talks to it: one child =
// one handle that starts once, answers queries and commands, stops politely or is
// killed. The studio (remoteOrderDesk.ts), the crash test and the load benchmark
// use it. Built, the child is dist/orderDesk.mjs run by plain Node (or by Electron
// as Node); from the sources it is receiverProcess.ts run with tsx.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setPriority } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OrderDeskStats } from './orderDesk';
import type { OrderDeskSnapshot } from './orderSnapshot';
import type { JournalOpenReport } from './orderJournal';
import type { ReceiverCommand, ReceiverQuery, ReceiverRequest, ReceiverStartMessage, ReceiverUpdate, UpdateObservation } from './receiverProcess';

/** The folder of this module: dist/ or dist/electron/ when bundled, its source folder otherwise. */
function moduleDir(): string {
  // The Electron main bundle is CommonJS (no import.meta); vitest defines __dirname too.
  if (typeof __dirname === 'string') return __dirname;
  return dirname(fileURLToPath(import.meta.url));
}

/** How to run the desk's process: the built bundle when there is one, else the source with tsx. */
export function orderDeskCommand(): { execPath: string; args: string[]; cwd: string; env: NodeJS.ProcessEnv } {
  const here = moduleDir();
  // Electron runs scripts as plain Node with ELECTRON_RUN_AS_NODE.
  const env: NodeJS.ProcessEnv = process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {};
  for (const bundle of [join(here, 'orderDesk.mjs'), join(here, '..', 'orderDesk.mjs')]) {
    if (existsSync(bundle)) return { execPath: process.execPath, args: [bundle], cwd: dirname(bundle), env };
  }
  const source = resolve(here, 'receiverProcess.ts');
  if (!existsSync(source)) throw new Error(`the order desk's program is missing (no orderDesk.mjs beside ${here}); run npm run build`);
  return { execPath: process.execPath, args: ['--import', 'tsx', source], cwd: resolve(here, '../../../..'), env };
}

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
  /** Adds or removes an adapter; rejects with the desk's reason. */
  command(command: ReceiverCommand): Promise<void>;
  setSegment(segment: string | null): void;
  setCatalog(catalog: ReceiverStartMessage['catalog']): void;
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
  /** Updates pushed by the desk (start with pushUpdates). */
  readonly onUpdate?: (update: ReceiverUpdate) => void;
  /** Log lines of the desk (start with forwardLogs). */
  readonly onLog?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Nice value for the desk's process (e.g. 5: the programme wins when the CPU is short). */
  readonly niceness?: number;
}

export async function startReceiverProcess(start: Omit<ReceiverStartMessage, 'type'>, options: ReceiverProcessOptions = {}): Promise<ReceiverProcess> {
  const spawnedAt = performance.now();
  const command = orderDeskCommand();
  const child: ChildProcess = spawn(command.execPath, [...(options.nodeFlags ?? []), ...command.args], {
    cwd: command.cwd,
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    // Out of the studio's process group, like its ffmpegs (process/ffmpegProcess.ts): a
    // terminal's Ctrl-C would end the desk mid-write; the studio stops it in order, and
    // a desk whose studio is gone stops itself (its IPC channel closes). Not on Windows,
    // where a detached child gets a console of its own.
    detached: process.platform !== 'win32',
    env: { ...process.env, ...command.env, ...(options.quiet ? { CUECAST_ORDERS_QUIET: '1' } : {}) },
  });
  if (options.niceness !== undefined && child.pid !== undefined) {
    try {
      setPriority(child.pid, options.niceness);
    } catch {
      // Not permitted here: the desk runs at the studio's priority.
    }
  }
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000);
    if (!options.quiet) process.stderr.write(c);
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const replies = new Map<number, (value: unknown) => void>();
  let nextId = 1;
  let stopped: (() => void) | null = null;
  child.on('message', (msg: { type: string; id?: number; data?: unknown; error?: string; level?: 'info' | 'warn' | 'error'; message?: string }) => {
    if (msg.type === 'reply' && msg.id !== undefined) replies.get(msg.id)?.(msg.error ? Promise.reject(new Error(msg.error)) : msg.data);
    if (msg.type === 'stopped') stopped?.();
    if (msg.type === 'update') options.onUpdate?.(msg as unknown as ReceiverUpdate);
    if (msg.type === 'log') options.onLog?.(msg.level ?? 'info', msg.message ?? '');
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
  const ask = (what: string, message: (id: number) => ReceiverRequest) =>
    new Promise<unknown>((resolveQuery, reject) => {
      if (!child.connected) return reject(new Error(`the order desk is not running (asked for ${what})`));
      const id = nextId++;
      const timer = setTimeout(() => reject(new Error(`the order desk did not answer ${what}`)), 15_000);
      replies.set(id, (value) => {
        clearTimeout(timer);
        replies.delete(id);
        resolveQuery(value);
      });
      child.send(message(id));
    });
  const query = (what: ReceiverQuery) => ask(what, (id) => ({ type: 'query', id, what }));
  const post = (message: ReceiverRequest) => {
    if (child.connected) child.send(message);
  };
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
    command: async (cmd) => void (await ask(cmd.op, (id) => ({ type: 'command', id, ...cmd }))),
    setSegment: (segment) => post({ type: 'setSegment', segment }),
    setCatalog: (catalog) => post({ type: 'setCatalog', catalog }),
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
