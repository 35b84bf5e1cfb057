import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CatalogEntry } from '../order';
import { OrderDesk } from '../orderDesk';
import type { FeedSink } from './feedSink';
import { poisson, RehearsalSimulator, seededRandom } from './rehearsalSimulator';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const catalog = new Map<string, CatalogEntry>(['A', 'B', 'C', 'D', 'E', 'F'].map((s) => [s, { stock: 1000, title: s, price: 10 }]));

describe('poisson', () => {
  it('has the asked mean and variance, small and large', () => {
    const r = seededRandom(7);
    for (const lambda of [0.5, 4, 200]) {
      const xs = Array.from({ length: 20_000 }, () => poisson(lambda, r));
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
      expect(Math.abs(mean - lambda) / lambda).toBeLessThan(0.05);
      expect(Math.abs(variance - lambda) / lambda).toBeLessThan(0.1);
    }
  });
});

describe('RehearsalSimulator', () => {
  let dataDir: string;
  let desk: OrderDesk;
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cuecast-sim-'));
    desk = new OrderDesk({ dataDir, catalog, logger: quiet, bind: null });
    await desk.start();
  });
  afterEach(async () => {
    await desk.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('makes a few SKUs dominate, injects duplicates the desk counts once', async () => {
    const sink: FeedSink = { accept: (i) => desk.accept(i, { id: 'sim', store: 'sim' }), rejected: () => undefined, logger: quiet };
    const sim = new RehearsalSimulator({ kind: 'simulator', id: 'sim', ratePerSec: 200, duplicateShare: 0.05, flashSales: false, seed: 42 }, sink, () => catalog);
    for (let i = 0; i < 10; i++) sim.tick(1);
    await sim.stop();
    const { orders, duplicates } = sim.generated;
    expect(orders).toBeGreaterThan(1700);
    expect(duplicates / (orders + duplicates)).toBeGreaterThan(0.03);
    const stats = desk.stats();
    expect(stats.accepted).toBe(orders);
    expect(stats.duplicates).toBe(duplicates);
    const sold = desk.snapshot().skus.filter((s) => s.known).map((s) => s.unitsSold);
    // Zipf: the first SKU sells more than the last two together.
    expect(sold[0]!).toBeGreaterThan(sold[4]! + sold[5]!);
    expect(desk.snapshot().latest[0]!.buyer).toMatch(/\*\*\*/);
  });

  it('multiplies the rate during a flash sale, mostly on the sale product', async () => {
    const sink: FeedSink = { accept: (i) => desk.accept(i, { id: 'sim', store: 'sim' }), rejected: () => undefined, logger: quiet };
    const sim = new RehearsalSimulator({ kind: 'simulator', id: 'sim', ratePerSec: 20, duplicateShare: 0, flashSales: { everySec: 0.5, durationSec: 0.5, multiplier: 10 }, seed: 1 }, sink, () => catalog);
    sim.start();
    await new Promise((r) => setTimeout(r, 950));
    await sim.stop();
    // 0.5 s at 20/s (≈ 10 orders), then ≈ 0.45 s of sale on A at 200/s (≈ 90).
    expect(sim.generated.flashSaleOrders).toBeGreaterThan(40);
    expect(sim.generated.flashSaleOrders).toBeGreaterThan((sim.generated.orders - sim.generated.flashSaleOrders) * 2);
    const sold = desk.snapshot().skus;
    expect(sold.find((s) => s.sku === 'A')!.unitsSold).toBeGreaterThan(sold.find((s) => s.sku === 'B')!.unitsSold * 2);
  });
});
