import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CatalogEntry, OrderInput, OrderLogger } from './order';
import { OrderInputError } from './order';
import { OrderDesk } from './orderDesk';
import type { OrderDeskSnapshot } from './orderSnapshot';

const catalog = new Map<string, CatalogEntry>([
  ['RING-1', { stock: 50, title: 'Gold ring', price: 199 }],
  ['HAM-2', { stock: 10, title: 'Aged ham', price: 45.5 }],
]);
const quiet: OrderLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const via = { id: 'shop', store: 'shop' };

function input(orderId: string, lines: OrderInput['lines'], name = 'Wang Hong', city = 'Hangzhou'): OrderInput {
  return { orderId, lines, currency: 'EUR', buyer: { name, city } };
}

describe('OrderDesk', () => {
  let dataDir: string;
  const desks: OrderDesk[] = [];
  const open = async (show = 'show-1') => {
    const desk = new OrderDesk({ dataDir, catalog, logger: quiet, bind: null, show, currency: 'EUR' });
    desks.push(desk);
    await desk.start();
    return desk;
  };
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'cuecast-desk-'));
  });
  afterEach(async () => {
    for (const d of desks.splice(0)) await d.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('counts GMV, units, revenue and stock per SKU exactly, per line', async () => {
    const desk = await open();
    desk.setSegment('ring');
    await desk.accept(input('1', [{ sku: 'RING-1', quantity: 2, unitPrice: 199.1 }, { sku: 'HAM-2', quantity: 1, unitPrice: 45.5 }]), via);
    await desk.accept(input('2', [{ sku: 'RING-1', quantity: 1, unitPrice: 0.1 }]), via);
    desk.setSegment('ham');
    await desk.accept(input('3', [{ sku: 'HAM-2', quantity: 3, unitPrice: 0.2 }]), via);
    const s = desk.snapshot();
    // 398.2 + 45.5 + 0.1 + 0.6: summed in thousandths, so no 0.1 + 0.2 drift.
    expect(s.totals).toMatchObject({ orders: 3, units: 7, gmv: 444.4 });
    const ring = s.skus.find((k) => k.sku === 'RING-1')!;
    expect(ring).toMatchObject({ unitsSold: 3, orders: 2, revenue: 398.3, stock: 50, stockLeft: 47, title: 'Gold ring', known: true });
    expect(s.skus.find((k) => k.sku === 'HAM-2')).toMatchObject({ unitsSold: 4, orders: 2, revenue: 46.1, stockLeft: 6 });
    expect(s.segments).toEqual([
      { segment: 'ring', orders: 2, units: 4, gmv: 443.8, gmvByCurrency: { EUR: 443.8 } },
      { segment: 'ham', orders: 1, units: 3, gmv: 0.6, gmvByCurrency: { EUR: 0.6 } },
    ]);
    expect(s.ordersPerMinute).toBe(3);
    // Per product: an order counts once for each SKU it has.
    expect(s.skus.find((k) => k.sku === 'RING-1')?.ordersPerMinute).toBe(2);
    expect(s.skus.find((k) => k.sku === 'HAM-2')?.ordersPerMinute).toBe(2);
    expect(s.latest.map((o) => o.orderId)).toEqual(['3', '2', '1']);
    expect(s.latest[0]).toMatchObject({ buyer: 'W***g, Hangzhou', units: 3, total: 0.6, segment: 'ham' });
  });

  it('answers a redelivery "duplicate" and counts it once, even while the first is being written', async () => {
    const desk = await open();
    const o = input('42', [{ sku: 'RING-1', quantity: 1, unitPrice: 199 }]);
    const [a, b] = await Promise.all([desk.accept(o, via), desk.accept(o, via)]);
    expect([a.status, b.status].sort()).toEqual(['accepted', 'duplicate']);
    expect((await desk.accept(o, via)).status).toBe('duplicate');
    // Another shop's order 42 is another order.
    expect((await desk.accept(o, { id: 'woo', store: 'woo' })).status).toBe('accepted');
    expect(desk.snapshot().totals.orders).toBe(2);
    expect(desk.stats()).toMatchObject({ accepted: 2, duplicates: 2 });
  });

  it('accepts an unknown SKU and flags it', async () => {
    const desk = await open();
    const r = await desk.accept(input('7', [{ sku: 'NOPE-9', quantity: 1, unitPrice: 5 }]), via);
    expect(r).toEqual({ status: 'accepted', orderId: '7', flags: ['unknownSku'] });
    const sku = desk.snapshot().skus.find((k) => k.sku === 'NOPE-9');
    expect(sku).toMatchObject({ known: false, unitsSold: 1, stock: null, stockLeft: null });
    expect(desk.stats().unknownSkuOrders).toBe(1);
  });

  it('refuses a malformed order and counts nothing', async () => {
    const desk = await open();
    await expect(desk.accept(input('8', []), via)).rejects.toThrow(OrderInputError);
    await expect(desk.accept({ ...input('9', [{ sku: 'RING-1', quantity: 0, unitPrice: 1 }]) }, via)).rejects.toThrow(/quantity/);
    await expect(desk.accept({ ...input('10', [{ sku: 'RING-1', quantity: 1, unitPrice: 1 }]), currency: 'euro' }, via)).rejects.toThrow(/ISO 4217/);
    expect(desk.snapshot().totals.orders).toBe(0);
  });

  it('rebuilds the same totals, segments and dedupe set from the journal after a restart', async () => {
    const first = await open();
    first.setSegment('ring');
    for (let i = 0; i < 50; i++) await first.accept(input(`o${i}`, [{ sku: i % 2 ? 'RING-1' : 'HAM-2', quantity: 1 + (i % 3), unitPrice: 9.95 }]), via);
    const before = first.snapshot();
    await first.stop();
    const second = await open();
    const after = second.snapshot();
    expect(after.totals).toEqual(before.totals);
    expect(after.skus).toEqual(before.skus);
    expect(after.segments).toEqual(before.segments);
    expect(after.latest.map((o) => o.orderId)).toEqual(before.latest.map((o) => o.orderId));
    expect(second.stats().rebuild).toMatchObject({ records: 50, tornTailBytes: 0, duplicateRecords: 0 });
    expect((await second.accept(input('o7', [{ sku: 'RING-1', quantity: 1, unitPrice: 1 }]), via)).status).toBe('duplicate');
  });

  it('keeps shows apart: stock and per-SKU figures are the current show, totals cover all', async () => {
    const first = await open('monday');
    await first.accept(input('a', [{ sku: 'HAM-2', quantity: 4, unitPrice: 10 }]), via);
    await first.stop();
    const desk = await open('tuesday');
    await desk.accept(input('b', [{ sku: 'HAM-2', quantity: 1, unitPrice: 10 }]), via);
    const s = desk.snapshot();
    expect(s.totals.units).toBe(1);
    expect(s.skus.find((k) => k.sku === 'HAM-2')!.stockLeft).toBe(9);
    expect(s.allShows).toMatchObject({ orders: 2, units: 5, gmv: 50 });
    expect(s.shows.map((x) => [x.show, x.orders])).toEqual([
      ['monday', 1],
      ['tuesday', 1],
    ]);
  });

  it('sends subscribers at most 10 updates a second under a flood, the last one exact', async () => {
    const desk = await open();
    const seen: { t: number; s: OrderDeskSnapshot }[] = [];
    desk.onUpdate((s) => seen.push({ t: performance.now(), s }));
    const started = performance.now();
    let n = 0;
    while (performance.now() - started < 1200) {
      await Promise.all(Array.from({ length: 20 }, () => desk.accept(input(`f${n++}`, [{ sku: 'RING-1', quantity: 1, unitPrice: 1 }]), via)));
    }
    const elapsed = performance.now() - started;
    await new Promise((r) => setTimeout(r, 250));
    // Batched: far fewer updates than orders, never more than one per 100 ms.
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.length).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 2);
    expect(n).toBeGreaterThan(seen.length * 5);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.t - seen[i - 1]!.t).toBeGreaterThanOrEqual(99);
    expect(seen[seen.length - 1]!.s.totals.orders).toBe(n);
  });
});
