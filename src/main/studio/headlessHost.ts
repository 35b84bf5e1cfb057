// The headless host: the same contract as the Electron IPC, over WebSocket (and a
// one-shot HTTP form for curl), plus the built control room and live previews.
// Bound to 127.0.0.1 unless asked otherwise; every API call needs the token.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { StudioError, type ClientMessage, type ServerMessage } from '../../shared/contract';
import type { Studio } from './studio';

export interface HostOptions {
  readonly port: number;
  /** 127.0.0.1 by default; 0.0.0.0 only when the operator asks for LAN access. */
  readonly host: string;
  readonly token: string;
  /** Built renderer (dist/renderer); null serves only the API and previews. */
  readonly staticDir: string | null;
}

export interface RunningHost {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

const PREVIEW_POLL_MS = 100;
const MAX_BODY = 64 * 1024;

export async function startHost(studio: Studio, options: HostOptions): Promise<RunningHost> {
  const tokenOk = (given: string | null | undefined): boolean => {
    if (!given) return false;
    const a = Buffer.from(given);
    const b = Buffer.from(options.token);
    return a.length === b.length && timingSafeEqual(a, b);
  };

  const server = createServer((req, res) => {
    void handleHttp(req, res).catch((err) => {
      if (!res.headersSent) sendJson(res, 500, { code: 'internal', message: (err as Error).message });
      else res.destroy();
    });
  });

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/preview/')) {
      if (!tokenOk(url.searchParams.get('token'))) return sendJson(res, 401, { code: 'unauthorized', message: 'token required' });
      return servePreview(studio, url.pathname.slice('/preview/'.length), req, res);
    }
    const thumbnail = /^\/rundown\/([^/]+)\/thumbnail\.jpg$/.exec(url.pathname);
    if (thumbnail) {
      if (!tokenOk(url.searchParams.get('token'))) return sendJson(res, 401, { code: 'unauthorized', message: 'token required' });
      const file = studio.commerce.runner.thumbnailFile(decodeURIComponent(thumbnail[1]!));
      if (!file || !existsSync(file)) return sendJson(res, 404, { code: 'notFound', message: 'no thumbnail for that segment' });
      res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Cache-Control': 'private, max-age=60' });
      createReadStream(file).pipe(res);
      return;
    }
    if (url.pathname.startsWith('/api/request/') && req.method === 'POST') {
      const auth = req.headers.authorization?.replace(/^Bearer\s+/i, '');
      if (!tokenOk(auth ?? url.searchParams.get('token'))) return sendJson(res, 401, { code: 'unauthorized', message: 'token required' });
      const name = decodeURIComponent(url.pathname.slice('/api/request/'.length));
      let params: unknown = {};
      try {
        const body = await readBody(req);
        params = body.length ? JSON.parse(body) : {};
      } catch (err) {
        return sendJson(res, 400, { code: 'badRequest', message: `body is not JSON: ${(err as Error).message}` });
      }
      try {
        return sendJson(res, 200, await studio.request(name, params));
      } catch (err) {
        const e = err instanceof StudioError ? err : new StudioError('internal', (err as Error).message);
        return sendJson(res, e.code === 'notFound' ? 404 : e.code === 'internal' ? 500 : 400, e.toData());
      }
    }
    if (options.staticDir) return serveStatic(options.staticDir, url.pathname, res);
    sendJson(res, 404, { code: 'notFound', message: 'no such path' });
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/api' || !tokenOk(url.searchParams.get('token'))) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attachClient(studio, ws));
  });

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolvePromise());
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  studio.previewUrlTemplate = `http://${shownHost}:${port}/preview/{id}.mjpg?token=${encodeURIComponent(options.token)}`;
  studio.commerce.thumbnailUrlTemplate = `http://${shownHost}:${port}/rundown/{id}/thumbnail.jpg?token=${encodeURIComponent(options.token)}`;
  return {
    port,
    url: `http://${shownHost}:${port}/?token=${encodeURIComponent(options.token)}`,
    close: () =>
      new Promise<void>((done) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

function attachClient(studio: Studio, ws: WebSocket): void {
  const send = (message: ServerMessage) => {
    // A client that stops reading must not make main buffer without bound.
    if (ws.readyState === ws.OPEN && ws.bufferedAmount < 8 * 1024 * 1024) ws.send(JSON.stringify(message));
  };
  const unsubscribe = studio.onEvent((event, data) => send({ event, data }));
  ws.on('close', unsubscribe);
  ws.on('message', (raw) => {
    let message: ClientMessage;
    try {
      message = JSON.parse(raw.toString()) as ClientMessage;
      if (typeof message.id !== 'number' || typeof message.request !== 'string') throw new Error('needs id and request');
    } catch (err) {
      send({ id: -1, ok: false, error: { code: 'badRequest', message: `bad message: ${(err as Error).message}` } });
      return;
    }
    studio.request(message.request, message.params).then(
      (result) => send({ id: message.id, ok: true, result }),
      (err: unknown) => {
        const e = err instanceof StudioError ? err : new StudioError('internal', String(err));
        send({ id: message.id, ok: false, error: e.toData() });
      },
    );
  });
}

function servePreview(studio: Studio, file: string, req: IncomingMessage, res: ServerResponse): void {
  const match = /^([A-Za-z0-9_-]+)\.(mjpg|jpg)$/.exec(file);
  if (!match) return sendJson(res, 404, { code: 'notFound', message: 'no such preview' });
  const [, id, kind] = match;
  if (kind === 'jpg') {
    const jpeg = studio.latestPreview(id);
    if (!jpeg) return sendJson(res, 404, { code: 'notFound', message: `no preview for ${id} yet` });
    res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Cache-Control': 'no-store' });
    res.end(jpeg);
    return;
  }
  res.writeHead(200, {
    'Content-Type': 'multipart/x-mixed-replace; boundary=cuecastframe',
    'Cache-Control': 'no-store',
    Connection: 'close',
  });
  let last: Buffer | null = null;
  const timer = setInterval(() => {
    const jpeg = studio.latestPreview(id);
    // Skip frames for a slow viewer rather than queueing them.
    if (!jpeg || jpeg === last || res.writableLength > 512 * 1024) return;
    last = jpeg;
    res.write(`--cuecastframe\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\n\r\n`);
    res.write(jpeg);
    res.write('\r\n');
  }, PREVIEW_POLL_MS);
  const end = () => clearInterval(timer);
  req.on('close', end);
  res.on('close', end);
}

function serveStatic(root: string, pathname: string, res: ServerResponse): void {
  const base = resolve(root);
  const wanted = pathname === '/' ? '/index.html' : pathname;
  const file = normalize(join(base, decodeURIComponent(wanted)));
  if (!file.startsWith(base) || !existsSync(file) || !statSync(file).isFile()) {
    return sendJson(res, 404, { code: 'notFound', message: 'no such file' });
  }
  res.writeHead(200, { 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' });
  createReadStream(file).pipe(res);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}
