// nginx (Debian's) as a plain web server for integration tests: serves a folder over
// HTTP and HTTPS (a throw-away self-signed certificate), as a CDN origin serves HLS.
// Its own config in a temp prefix, 127.0.0.1 on free ports, one process
// (master_process off) that stop() kills by PID. Every wait is bounded.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stopChild } from './childProcess';
import { freePort, launchNginx, waitForPort } from './nginxRtmp';
import { writeSelfSignedCert } from './selfSignedCert';

export interface NginxHttp {
  /** http://127.0.0.1:PORT */
  readonly httpUrl: string;
  /** https://127.0.0.1:PORT (self-signed) */
  readonly httpsUrl: string;
  stop(): Promise<void>;
}

export async function startNginxHttp(root: string): Promise<NginxHttp> {
  const httpPort = await freePort();
  let httpsPort = await freePort();
  while (httpsPort === httpPort) httpsPort = await freePort();
  const prefix = mkdtempSync(path.join(tmpdir(), 'cuecast-nginx-http-'));
  const { certPath, keyPath } = writeSelfSignedCert(prefix);
  const temp = (name: string): string => `${name}_temp_path ${path.join(prefix, name)};`;
  const conf = [
    'daemon off;',
    'master_process off;',
    `pid ${path.join(prefix, 'nginx.pid')};`,
    `error_log ${path.join(prefix, 'error.log')} warn;`,
    'events { worker_connections 64; }',
    'http {',
    '  access_log off;',
    `  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join(' ')}`,
    '  types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; }',
    '  server {',
    `    listen 127.0.0.1:${httpPort};`,
    `    listen 127.0.0.1:${httpsPort} ssl;`,
    `    ssl_certificate ${certPath};`,
    `    ssl_certificate_key ${keyPath};`,
    `    root ${root};`,
    '    add_header Cache-Control no-cache;',
    '  }',
    '}',
    '',
  ].join('\n');
  const { child, stderr } = launchNginx(prefix, conf);
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await stopChild(child);
    rmSync(prefix, { recursive: true, force: true });
  };
  try {
    await waitForPort(httpPort, 5000, child);
    await waitForPort(httpsPort, 5000, child);
  } catch (err) {
    await stop();
    throw new Error(`nginx (HTTP) did not start: ${(err as Error).message}\n${stderr()}`);
  }
  return { httpUrl: `http://127.0.0.1:${httpPort}`, httpsUrl: `https://127.0.0.1:${httpsPort}`, stop };
}
