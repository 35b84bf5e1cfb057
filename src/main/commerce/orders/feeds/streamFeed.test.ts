// The WebSocket and SSE clients against real servers on 127.0.0.1: orders arrive,
// a dropped connection is re-established with backoff, redeliveries count once.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { OrderDesk } from '../orderDesk';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const catalog = new Map([['RING-1', { stock: 9, title: 'Ring', price: 10 }]]);
const order = (id: string) => ({ orderId: id, sku: 'RING-1', quantity: 1, unitPrice: 10, currency: 'EUR', buyer: { name: 'Chen Jie', city: 'Wuhan' } });

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = performance.now() + ms;
  while (!check()) {
    if (performance.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('StreamFeed', () => {
  let dataDir: string;
  let desk: OrderDesk;
  const closers: (() => Promise<void> | void)[] = [];
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cuecast-stream-'));
    desk = new OrderDesk({ dataDir, catalog, logger: quiet, bind: null });
    await desk.start();
  });
  afterEach(async () => {
    await desk.stop();
    for (const c of closers.splice(0)) await c();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('takes orders from a WebSocket, reconnects after the server drops it, counts redeliveries once', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => wss.once('listening', r));
    closers.push(() => new Promise<void>((r) => wss.close(() => r())));
    let connections = 0;
    let auth: string | undefined;
    wss.on('connection', (ws, req) => {
      connections += 1;
      auth = req.headers.authorization;
      if (connections === 1) {
        ws.send(JSON.stringify(order('w1')));
        ws.send(JSON.stringify([order('w2'), order('w3')]));
        ws.send('not json');
        // Drop the connection: the feed must come back by itself.
        setTimeout(() => ws.terminate(), 100);
      } else {
        // After the reconnect the server replays w3 (at-least-once) and sends w4.
        ws.send(JSON.stringify(order('w3')));
        ws.send(JSON.stringify(order('w4')));
      }
    });
    const port = (wss.address() as AddressInfo).port;
    desk.addAdapter({ kind: 'stream', id: 'ws', url: `ws://127.0.0.1:${port}/orders`, headers: { Authorization: 'Bearer t0k' }, backoff: { minMs: 50, maxMs: 200 } });
    await until(() => desk.snapshot().totals.orders === 4 && desk.stats().duplicates === 1);
    expect(connections).toBe(2);
    expect(auth).toBe('Bearer t0k');
    expect(desk.stats().rejected.badJson).toBe(1);
    expect(desk.adapters().find((a) => a.id === 'ws')).toMatchObject({ kind: 'stream', state: 'live' });
  });

  it('takes orders from Server-Sent Events and resumes with Last-Event-ID', async () => {
    const lastIds: (string | undefined)[] = [];
    const server: Server = createServer((req, res: ServerResponse) => {
      lastIds.push(req.headers['last-event-id'] as string | undefined);
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      if (lastIds.length === 1) {
        res.write(': hello\n\n');
        res.write(`id: 1\ndata: ${JSON.stringify(order('s1'))}\n\n`);
        // A message split over two data lines and two TCP writes.
        const json = JSON.stringify(order('s2'));
        const cut = json.indexOf(',"sku"') + 1;
        res.write(`id: 2\nevent: order\ndata: ${json.slice(0, cut)}\n`);
        setTimeout(() => res.end(`data: ${json.slice(cut)}\n\nevent: ping\ndata: {}\n\n`), 50);
      } else {
        res.write(`id: 3\ndata: ${JSON.stringify(order('s3'))}\n\n`);
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    closers.push(() => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    });
    const port = (server.address() as AddressInfo).port;
    desk.addAdapter({ kind: 'stream', id: 'sse', url: `http://127.0.0.1:${port}/events`, backoff: { minMs: 50, maxMs: 200 } });
    await until(() => desk.snapshot().totals.orders === 3);
    expect(lastIds.slice(0, 2)).toEqual([undefined, '2']);
    // The "ping" event is not an order and was not counted as a bad one either.
    expect(desk.stats().rejected.missingFields).toBe(0);
  });
});
