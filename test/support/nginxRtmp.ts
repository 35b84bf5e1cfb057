// A real nginx-rtmp ingest for integration tests (DESIGN.md §5: the strict CDN
// model), on 127.0.0.1 in a temp prefix, plus an on_publish auth endpoint that
// refuses chosen stream keys. Every wait is bounded; stop() kills only our pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stopChild } from './childProcess';

const MODULE = '/usr/lib/nginx/modules/ngx_rtmp_module.so';

export interface NginxRtmp {
  readonly port: number;
  /** rtmp://127.0.0.1:PORT/live */
  readonly url: string;
  readonly pid: number;
  /** What nginx wrote to its error log (info level: connects, publish, play). */
  errorLog(): string;
  /** Resolves once a player of `name` is registered (its `play:` log line). */
  waitForPlayer(name: string, timeoutMs?: number): Promise<void>;
  /** Kills our nginx (SIGTERM, SIGKILL after 3 s) and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface NginxRtmpOptions {
  /** Reuse a port (restarting a stopped server); a free one otherwise. */
  readonly port?: number;
  /** `on_publish` target, e.g. an AuthServer's url. */
  readonly onPublishUrl?: string;
  readonly startTimeoutMs?: number;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startNginxRtmp(options: NginxRtmpOptions = {}): Promise<NginxRtmp> {
  const port = options.port ?? (await freePort());
  const prefix = mkdtempSync(path.join(tmpdir(), 'cuecast-nginx-'));
  const errorLogPath = path.join(prefix, 'error.log');
  const conf = [
    `load_module ${MODULE};`,
    'daemon off;',
    'master_process off;',
    `pid ${path.join(prefix, 'nginx.pid')};`,
    `error_log ${errorLogPath} info;`,
    'events { worker_connections 256; }',
    'rtmp {',
    '  server {',
    `    listen 127.0.0.1:${port};`,
    '    chunk_size 4096;',
    '    application live {',
    '      live on;',
    '      record off;',
    // Players of a stream that stops publishing are disconnected, so a capture
    // ends by itself (and cannot join before the publisher).
    '      idle_streams off;',
    options.onPublishUrl ? `      on_publish ${options.onPublishUrl};` : '',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');
  const { child, stderr } = launchNginx(prefix, conf);
  const errorLog = (): string => {
    try {
      return readFileSync(errorLogPath, 'utf8');
    } catch {
      return '';
    }
  };
  let stopped = false;
  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
    if (!stopped) {
      stopped = true;
      await stopChild(child, signal);
      rmSync(prefix, { recursive: true, force: true });
    }
  };
  try {
    await waitForPort(port, options.startTimeoutMs ?? 5000, child);
  } catch (err) {
    await stop('SIGKILL');
    throw new Error(`nginx-rtmp did not start on ${port}: ${(err as Error).message}\n${stderr()}`);
  }
  const waitForPlayer = (name: string, timeoutMs = 10_000): Promise<void> =>
    waitUntil(() => errorLog().includes(`play: name='${name}'`), timeoutMs, `a player of "${name}"`);
  return { port, url: `rtmp://127.0.0.1:${port}/live`, pid: child.pid!, errorLog, waitForPlayer, stop };
}

/**
 * Writes `conf` into the prefix and starts nginx on it (errors to prefix/error.log,
 * where each config sends them); stderr is kept for the message when it does not start.
 */
export function launchNginx(prefix: string, conf: string): { child: ChildProcess; stderr: () => string } {
  const confPath = path.join(prefix, 'nginx.conf');
  writeFileSync(confPath, conf);
  const child = spawn('nginx', ['-p', prefix, '-c', confPath, '-e', path.join(prefix, 'error.log')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let text = '';
  child.stderr?.on('data', (c: Buffer) => (text += c.toString()));
  return { child, stderr: () => text };
}

/** Resolves once something accepts TCP on the port; rejects after timeoutMs. */
export async function waitForPort(port: number, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && (child.exitCode !== null || child.signalCode !== null)) throw new Error(`exited with ${child.exitCode ?? child.signalCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listening on ${port} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

export interface AuthServer {
  /** http://127.0.0.1:PORT/auth, for on_publish. */
  readonly url: string;
  /** Stream names nginx asked about, in order. */
  readonly asked: readonly string[];
  stop(): Promise<void>;
}

/** Answers nginx-rtmp's on_publish POST: 403 for the refused keys, 200 otherwise. */
export async function startAuthServer(refusedKeys: readonly string[]): Promise<AuthServer> {
  const asked: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const name = new URLSearchParams(body).get('name') ?? '';
      asked.push(name);
      res.statusCode = refusedKeys.includes(name) ? 403 : 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/auth`,
    asked,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns true; throws with `what` after timeoutMs. */
export async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}
