// Starts the built headless host the way an operator does, and always gets rid of it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface HostProcess {
  /** The control room page, `http://127.0.0.1:PORT/?token=T`. */
  readonly url: string;
  readonly pid: number;
  /** Everything the host printed, for failure messages. */
  output(): string;
  /** How the host process ended. */
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Closes our end of its stdout and stderr, as a closed terminal would. */
  closeOutput(): void;
  stop(): Promise<void>;
}

const hostScript = resolve(process.env.CUECAST_E2E_HOST ?? 'dist/host.mjs');

export async function startHostProcess(token: string, startTimeoutMs = 60_000): Promise<HostProcess> {
  // A fresh data folder: the demo show, no saved keys, recordings that we delete after.
  const dataDir = mkdtempSync(join(tmpdir(), 'cuecast-e2e-'));
  const child = spawn(process.execPath, [hostScript, 'serve', '--port', '0', '--token', token, '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group, so a host that ignores SIGTERM is killed with its ffmpegs.
    detached: true,
  });
  if (child.pid === undefined) throw new Error(`could not start ${hostScript}`);
  const pid = child.pid;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  let log = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (log += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (log += s));

  const stop = async (): Promise<void> => {
    await stopProcess(child, pid);
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    const url = await new Promise<string>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`host printed no URL within ${startTimeoutMs} ms:\n${log}`)), startTimeoutMs);
      const look = (): void => {
        const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(log);
        if (m) {
          clearTimeout(timer);
          done(m[0]);
        }
      };
      child.stdout.on('data', look);
      child.once('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`host exited (${code}) before printing its URL:\n${log}`));
      });
    });
    const closeOutput = (): void => {
      child.stdout.destroy();
      child.stderr.destroy();
    };
    return { url, pid, output: () => log, exit, closeOutput, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** SIGTERM (the host's orderly shutdown), then SIGKILL to the whole group after 10 s. */
async function stopProcess(child: ChildProcess, pid: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  const graceful = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
  if (!graceful) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // The group is gone already.
    }
    await Promise.race([exited, sleep(2_000)]);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
