// The receiver's answers through real HTTP requests on 127.0.0.1, and what each one
// changed (or did not) in the desk's counters and journal.
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogEntry } from './order';
import { OrderDesk } from './orderDesk';

const SECRET = 'whsec-receiver-test';
const catalog = new Map<string, CatalogEntry>([['RING-1', { stock: 5, title: 'Gold ring', price: 199 }]]);
const sign = (body: string | Buffer) => createHmac('sha256', SECRET).update(body).digest('base64');

interface Answer {
  status: number;
  body: Record<string, unknown>;
  localPort: number;
}

describe('WebhookReceiver', () => {
  let dataDir: string;
  let desk: OrderDesk;
  let port: number;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cuecast-receiver-'));
    desk = new OrderDesk({ dataDir, catalog, logger: { info: () => undefined, warn: () => undefined, error: () => undefined }, maxBodyBytes: 4096 });
    desk.addAdapter({ kind: 'shopify', id: 'shop', secret: SECRET });
    const started = await desk.start();
    port = started.receiver!.port;
    expect(started.receiver!.host).toBe('127.0.0.1');
  });
  afterAll(async () => {
    agent.destroy();
    await desk.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const post = (path: string, body: string | Buffer, headers: Record<string, string> = {}, method = 'POST'): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, method, agent, headers: { 'Content-Type': 'application/json', ...headers } }, (res) => {
        let text = '';
        const localPort = res.socket.localPort!;
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) as Record<string, unknown>, localPort }));
      });
      req.on('error', reject);
      req.end(body);
    });

  const order = (id: number, sku = 'RING-1') =>
    JSON.stringify({ id, currency: 'EUR', customer: { first_name: 'Wang', last_name: 'Hong' }, billing_address: { city: 'Hangzhou' }, line_items: [{ sku, quantity: 1, price: '199.00' }] });
  const deliver = (body: string, sig = sign(body)) => post('/orders/shop', body, { 'X-Shopify-Hmac-Sha256': sig, 'X-Shopify-Topic': 'orders/create' });

  it('accepts a signed order (200), answers its redelivery "duplicate", over one kept-alive socket', async () => {
    const first = await deliver(order(1));
    expect(first).toMatchObject({ status: 200, body: { status: 'accepted', orderId: '1' } });
    const again = await deliver(order(1));
    expect(again).toMatchObject({ status: 200, body: { status: 'duplicate', orderId: '1' } });
    expect(again.localPort).toBe(first.localPort);
    expect(desk.snapshot().totals.orders).toBe(1);
  });

  it('401 for a bad signature, counted, nothing journaled', async () => {
    const before = readFileSync(join(dataDir, 'orders', 'orders.journal')).length;
    const body = order(2);
    expect(await deliver(body, sign(body + ' '))).toMatchObject({ status: 401, body: { error: 'bad signature' } });
    expect(await post('/orders/shop', body, { 'X-Shopify-Topic': 'orders/create' })).toMatchObject({ status: 401 });
    expect(desk.stats().rejected.badSignature).toBe(2);
    expect(desk.hasOrder('2', 'shop')).toBe(false);
    expect(readFileSync(join(dataDir, 'orders', 'orders.journal')).length).toBe(before);
  });

  it('400 with the reason for bad JSON and for missing fields', async () => {
    const badJson = await deliver('{"id": 3, ');
    expect(badJson.status).toBe(400);
    expect(String(badJson.body.error)).toMatch(/^bad JSON/);
    const noLines = JSON.stringify({ id: 4, currency: 'EUR' });
    expect(await deliver(noLines)).toMatchObject({ status: 400, body: { error: 'missing field: line_items' } });
    const noQty = JSON.stringify({ id: 5, currency: 'EUR', line_items: [{ sku: 'RING-1', price: '1.00' }] });
    expect(await deliver(noQty)).toMatchObject({ status: 400, body: { error: 'line_items[0].quantity is missing or not a whole number ≥ 1' } });
    expect(desk.stats().rejected).toMatchObject({ badJson: 1, missingFields: 2 });
    expect(desk.snapshot().totals.orders).toBe(1);
  });

  it('200 accepted and flagged for an unknown SKU', async () => {
    expect(await deliver(order(6, 'MYSTERY'))).toMatchObject({ status: 200, body: { status: 'accepted', flags: ['unknownSku'] } });
    expect(desk.snapshot().skus.find((s) => s.sku === 'MYSTERY')).toMatchObject({ known: false, unitsSold: 1 });
  });

  it('200 ignored for a topic that is not a new order', async () => {
    const body = order(7);
    expect(await post('/orders/shop', body, { 'X-Shopify-Hmac-Sha256': sign(body), 'X-Shopify-Topic': 'orders/updated' })).toMatchObject({ status: 200, body: { status: 'ignored' } });
    expect(desk.hasOrder('7', 'shop')).toBe(false);
  });

  it('413 for a declared length over the limit, before reading the body', async () => {
    const big = Buffer.alloc(50_000, 0x20);
    const answer = await post('/orders/shop', big, { 'X-Shopify-Hmac-Sha256': sign(big), 'X-Shopify-Topic': 'orders/create' });
    expect(answer).toMatchObject({ status: 413 });
    expect(desk.stats().rejected.tooLarge).toBe(1);
  });

  it('413 for a chunked body that grows past the limit, and stops reading it', async () => {
    // Raw socket: a chunked upload that would go on for 10 MB.
    let sent = 0;
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let text = '';
      socket.on('data', (c) => (text += c.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
      socket.write('POST /orders/shop HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nX-Shopify-Topic: orders/create\r\n\r\n');
      const chunk = Buffer.alloc(1024, 0x20);
      const pump = () => {
        while (sent < 10_000 && !socket.destroyed) {
          sent += 1;
          if (!socket.write(`400\r\n${chunk.toString()}\r\n`)) return void socket.once('drain', pump);
        }
      };
      pump();
      setTimeout(() => reject(new Error('no answer in 5 s')), 5000);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
    expect(answer).toMatch(/connection: close/i);
    // The server hung up long before the 10 MB were sent.
    expect(sent).toBeLessThan(10_000);
    expect(desk.stats().rejected.tooLarge).toBe(2);
  });

  it('404 for an unknown adapter, 405 for another method', async () => {
    expect(await post('/orders/nobody', order(8))).toMatchObject({ status: 404 });
    expect(await post('/orders/shop', '', {}, 'GET')).toMatchObject({ status: 405 });
    expect(desk.stats().rejected).toMatchObject({ unknownAdapter: 1, wrongMethod: 1 });
  });
});

describe('WebhookReceiver with a journal that cannot write', () => {
  it('answers 503 with Retry-After, counts nothing, and keeps refusing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cuecast-receiver-broken-'));
    const desk = new OrderDesk({ dataDir, catalog, logger: { info: () => undefined, warn: () => undefined, error: () => undefined } });
    desk.addAdapter({ kind: 'shopify', id: 'shop', secret: SECRET });
    const { receiver } = await desk.start();
    try {
      // Swap the journal's file for a read-only one: the next write fails with EBADF,
      // a real error from the kernel, as a full or failing disk would give. (Closing
      // the fd instead would let a new socket reuse its number.)
      const { openSync, closeSync } = await import('node:fs');
      const journal = (desk as unknown as { journal: { fd: number } }).journal;
      const writable = journal.fd;
      journal.fd = openSync(join(dataDir, 'orders', 'orders.journal'), 'r');
      closeSync(writable);
      const body = JSON.stringify({ id: 1, currency: 'EUR', line_items: [{ sku: 'RING-1', quantity: 1, price: '1.00' }] });
      const send = () =>
        fetch(`http://127.0.0.1:${receiver!.port}/orders/shop`, { method: 'POST', body, headers: { 'X-Shopify-Hmac-Sha256': sign(body), 'X-Shopify-Topic': 'orders/create' } });
      for (let i = 0; i < 2; i++) {
        const res = await send();
        expect(res.status).toBe(503);
        expect(res.headers.get('retry-after')).toBe('5');
      }
      expect(desk.stats()).toMatchObject({ accepted: 0, journal: { broken: true } });
      expect(desk.stats().rejected.unavailable).toBe(2);
      expect(desk.snapshot().totals.orders).toBe(0);
    } finally {
      await desk.stop().catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
