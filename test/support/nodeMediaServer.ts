// A real node-media-server 4.x (from npm) for integration tests: the ingest that
// relays AMF data messages and serves HTTP-FLV (DESIGN.md §5). It runs as its own
// Node child process, so stop() kills only our pid. Traps (ingest-facts.md): it binds
// 0.0.0.0 on 1935/8000 by default, and on first start writes generated secrets into
// its config file — so it gets a config of our own in a temp folder, bound to
// 127.0.0.1 on free ports, with no `auth` section (nothing to generate, the file is
// never rewritten) and no admin console. Every wait is bounded.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, waitForPort, waitUntil } from './nginxRtmp';

export interface NodeMediaServer {
  readonly rtmpPort: number;
  readonly httpPort: number;
  /** rtmp://127.0.0.1:PORT/live */
  readonly rtmpUrl: string;
  /** http://127.0.0.1:PORT/live (add `/NAME.flv` for HTTP-FLV) */
  readonly httpUrl: string;
  readonly pid: number;
  /** What the server printed (its log goes to stdout). */
  log(): string;
  /** Resolves once the server logs a line matching `pattern`. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** The config file as it is now (to check that the server left it alone). */
  configText(): string;
  /** SIGTERM, SIGKILL after 3 s; waits for the exit and removes the temp folder. */
  stop(): Promise<void>;
}

export interface NodeMediaServerOptions {
  readonly startTimeoutMs?: number;
}

const require = createRequire(import.meta.url);

export async function startNodeMediaServer(options: NodeMediaServerOptions = {}): Promise<NodeMediaServer> {
  const rtmpPort = await freePort();
  let httpPort = await freePort();
  while (httpPort === rtmpPort) httpPort = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'cuecast-nms-'));
  const configPath = path.join(dir, 'config.json');
  const config = {
    bind: '127.0.0.1',
    notify: { url: '' },
    store: { path: path.join(dir, 'data') },
    rtmp: { port: rtmpPort },
    http: { port: httpPort },
    webadmin: { enable: false },
    record: { auto: false, path: path.join(dir, 'record') },
  };
  const configText = JSON.stringify(config, null, 2);
  writeFileSync(configPath, configText);
  // The package's own entry point (bin/app.js), started with this Node.
  const app = require.resolve('node-media-server/bin/app.js');
  const child = spawn(process.execPath, [app, '-c', configPath], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (c: Buffer): void => {
    output = (output + c.toString()).slice(-200_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const timeoutMs = options.startTimeoutMs ?? 10_000;
    await waitForPort(rtmpPort, timeoutMs, child);
    await waitForPort(httpPort, timeoutMs, child);
  } catch (err) {
    await stop();
    throw new Error(`node-media-server did not start: ${(err as Error).message}\n${output.slice(-2000)}`);
  }
  return {
    rtmpPort,
    httpPort,
    rtmpUrl: `rtmp://127.0.0.1:${rtmpPort}/live`,
    httpUrl: `http://127.0.0.1:${httpPort}/live`,
    pid: child.pid!,
    log: () => output,
    waitForLog: (pattern, timeoutMs = 10_000) => waitUntil(() => pattern.test(output), timeoutMs, `node-media-server to log ${pattern}`),
    configText: () => {
      try {
        return readFileSync(configPath, 'utf8');
      } catch {
        return '';
      }
    },
    stop,
  };
}
