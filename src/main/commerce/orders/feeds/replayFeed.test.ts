import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OrderDesk } from '../orderDesk';
import { parseCsv, ReplayFeed } from './replayFeed';
import type { FeedSink } from './feedSink';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const catalog = new Map([
  ['RING-1', { stock: 9, title: 'Ring', price: 10 }],
  ['HAM-2', { stock: 9, title: 'Ham', price: 10 }],
]);

describe('parseCsv', () => {
  it('reads quoted fields with commas, quotes and line breaks', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi""\nthere"\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"\nthere'],
    ]);
  });
});

describe('ReplayFeed', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cuecast-replay-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('replays a CSV at 10× its recorded pace, rows of one order id as its lines', async () => {
    const t0 = Date.parse('2024-05-01T20:00:00Z');
    const csv = [
      'orderId,at,sku,quantity,unitPrice,currency,buyerName,buyerCity',
      `A1,${t0},RING-1,1,199.00,CNY,Wang Hong,Hangzhou`,
      `A1,${t0},HAM-2,2,45.50,CNY,Wang Hong,Hangzhou`,
      `A2,${new Date(t0 + 2000).toISOString()},RING-1,1,199.00,CNY,"Li, Na",上海`,
      `A3,${t0 + 4000},RING-1,3,199.00,CNY,陈静,`,
    ].join('\n');
    const file = join(dir, 'show.csv');
    writeFileSync(file, csv);
    const desk = new OrderDesk({ dataDir: dir, catalog, logger: quiet, bind: null });
    await desk.start();
    const times: number[] = [];
    const sink: FeedSink = {
      accept: (input) => {
        times.push(performance.now());
        return desk.accept(input, { id: 'replay', store: 'replay' });
      },
      rejected: () => undefined,
      logger: quiet,
    };
    const feed = new ReplayFeed({ kind: 'replay', id: 'replay', file, speed: 10 }, sink);
    const started = performance.now();
    await feed.start();
    const s = desk.snapshot();
    await desk.stop();
    expect(s.totals).toMatchObject({ orders: 3, units: 7, gmv: 199 + 91 + 199 + 597 });
    expect(s.latest.map((o) => o.buyer)).toEqual(['陈***', 'L***a, 上海', 'W***g, Hangzhou']);
    // 4 s of recorded time at 10×: ≈ 200 ms and 400 ms after the first order.
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(190);
    expect(times[2]! - times[0]!).toBeGreaterThanOrEqual(390);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(feed.state()).toBe('done');
  });

  it('replays JSONL as fast as possible, prefixing ids so a second replay counts again', async () => {
    const file = join(dir, 'orders.jsonl');
    writeFileSync(file, ['{"orderId":"1","sku":"RING-1","unitPrice":5,"currency":"EUR","at":0}', '', '{"orderId":"2","sku":"NOPE","unitPrice":5,"currency":"EUR","at":60000}'].join('\n'));
    const desk = new OrderDesk({ dataDir: dir, catalog, logger: quiet, bind: null });
    await desk.start();
    const sink = (id: string): FeedSink => ({ accept: (i) => desk.accept(i, { id, store: 'replay' }), rejected: () => undefined, logger: quiet });
    await new ReplayFeed({ kind: 'replay', id: 'r', file, speed: Infinity }, sink('r')).start();
    await new ReplayFeed({ kind: 'replay', id: 'r', file, speed: Infinity }, sink('r')).start();
    expect(desk.stats()).toMatchObject({ accepted: 2, duplicates: 2, unknownSkuOrders: 1 });
    await new ReplayFeed({ kind: 'replay', id: 'r', file, speed: Infinity, orderIdPrefix: 'run2-' }, sink('r')).start();
    expect(desk.snapshot().totals.orders).toBe(4);
    await desk.stop();
  });
});
