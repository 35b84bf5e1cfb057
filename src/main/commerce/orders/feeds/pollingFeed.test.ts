// The poller against a real HTTP server: pages by cursor, holds the cursor until the
// orders are journaled, keeps it across a restart, backs off on errors.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OrderDesk } from '../orderDesk';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const catalog = new Map([['HAM-2', { stock: 9, title: 'Ham', price: 10 }]]);

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = performance.now() + ms;
  while (!check()) {
    if (performance.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('PollingFeed', () => {
  let dataDir: string;
  let server: Server;
  let port: number;
  const seen: string[] = [];
  // 7 orders served 3 per page; the cursor is the last id served; a 500 once.
  let failNext = false;
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cuecast-poll-'));
    seen.length = 0;
    server = createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      seen.push(`${url.searchParams.get('since')}|${req.headers['x-api-key']}`);
      if (failNext) {
        failNext = false;
        res.writeHead(500).end();
        return;
      }
      const since = Number(url.searchParams.get('since') ?? 0);
      const items = [];
      for (let id = since + 1; id <= Math.min(since + 3, 7); id++) items.push({ id, item: { code: 'HAM-2', qty: 2, price: '4.25' }, ccy: 'EUR', name: 'Zhao Lei' });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ data: { items }, next: items.length ? items[items.length - 1]!.id : since }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  const adapter = () => ({
    kind: 'poll' as const,
    id: 'poll',
    url: `http://127.0.0.1:${port}/orders`,
    intervalMs: 100,
    itemsPath: 'data.items',
    cursorPath: 'next',
    headers: { 'X-Api-Key': 'k-123' },
    backoff: { minMs: 50, maxMs: 100 },
    mapping: { orderId: 'id', sku: 'item.code', quantity: 'item.qty', unitPrice: 'item.price', currency: 'ccy', buyerName: 'name' },
  });

  it('pages through with the cursor, survives a 500, and resumes from the saved cursor after a restart', async () => {
    failNext = true;
    const desk = new OrderDesk({ dataDir, catalog, logger: quiet, bind: null });
    desk.addAdapter(adapter());
    await desk.start();
    await until(() => desk.snapshot().totals.orders === 7);
    expect(desk.snapshot().totals).toMatchObject({ units: 14, gmv: 59.5 });
    await until(() => seen.length >= 5);
    await desk.stop();
    expect(seen[0]).toBe('null|k-123');
    expect(seen.slice(1, 4)).toEqual(['null|k-123', '3|k-123', '6|k-123']);
    expect(JSON.parse(readFileSync(join(dataDir, 'orders', 'cursor-poll.json'), 'utf8'))).toEqual({ cursor: '7' });

    seen.length = 0;
    const again = new OrderDesk({ dataDir, catalog, logger: quiet, bind: null });
    again.addAdapter(adapter());
    await again.start();
    await until(() => seen.length >= 1);
    await again.stop();
    expect(seen[0]).toBe('7|k-123');
    expect(again.snapshot().totals.orders).toBe(7);
  });
});
