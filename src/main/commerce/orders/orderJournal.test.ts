import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeRecord } from './journalCodec';
import type { Order } from './order';
import { OrderJournal } from './orderJournal';

function order(n: number, extra: Partial<Order> = {}): Order {
  return {
    orderId: `o-${n}`,
    lines: [{ sku: 'RING-1', quantity: 1 + (n % 3), unitPrice: 19.99 }],
    currency: 'EUR',
    buyer: { name: 'W***g', city: 'Hangzhou' },
    at: 1_700_000_000_000 + n,
    source: 'shop',
    store: 'shop',
    show: 'show-1',
    segment: 'seg-1',
    flags: [],
    unknownSkus: [],
    ...extra,
  };
}

function readAll(path: string): { ids: string[]; report: ReturnType<typeof OrderJournal.open>['report']; journal: OrderJournal } {
  const ids: string[] = [];
  const { journal, report } = OrderJournal.open(path, (o) => ids.push(o.orderId));
  return { ids, report, journal };
}

describe('OrderJournal', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cuecast-journal-'));
    path = join(dir, 'orders', 'orders.journal');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('groups concurrent appends into few fdatasync batches and reads them back in order', async () => {
    const { journal } = readAll(path);
    await Promise.all(Array.from({ length: 500 }, (_, i) => journal.append(order(i))));
    const stats = journal.stats();
    expect(stats.records).toBe(500);
    // 500 appends in one turn of the event loop: one batch, not 500 syncs.
    expect(stats.batches).toBeLessThanOrEqual(2);
    await journal.close();
    const again = readAll(path);
    expect(again.ids).toEqual(Array.from({ length: 500 }, (_, i) => `o-${i}`));
    expect(again.report).toMatchObject({ records: 500, tornTailBytes: 0, corruptRecords: 0 });
    await again.journal.close();
  });

  it('resolves an append only after its batch is on disk', async () => {
    const { journal } = readAll(path);
    const before = statSync(path).size;
    await journal.append(order(1));
    // What was acknowledged is in the file, readable by another reader right away.
    expect(statSync(path).size).toBeGreaterThan(before);
    expect(readFileSync(path, 'utf8')).toContain('"orderId":"o-1"');
    await journal.close();
  });

  it('detects a torn last write, reports it, keeps it aside and cuts it off', async () => {
    const { journal } = readAll(path);
    for (let i = 0; i < 10; i++) await journal.append(order(i));
    await journal.close();
    const goodSize = statSync(path).size;
    // A crash in the middle of a batch: the next record only half written.
    const half = encodeRecord(order(10)).subarray(0, 40);
    appendFileSync(path, half);
    const reopened = readAll(path);
    expect(reopened.ids).toHaveLength(10);
    expect(reopened.report.tornTailBytes).toBe(40);
    expect(statSync(path).size).toBe(goodSize);
    expect(readdirSync(join(dir, 'orders')).some((f) => f.startsWith('orders.journal.torn-'))).toBe(true);
    // Appending after the cut gives a clean journal, not a record glued to garbage.
    await reopened.journal.append(order(11));
    await reopened.journal.close();
    const last = readAll(path);
    expect(last.ids).toEqual([...Array.from({ length: 10 }, (_, i) => `o-${i}`), 'o-11']);
    expect(last.report.tornTailBytes).toBe(0);
    await last.journal.close();
  });

  it('treats a complete last line with a bad checksum as torn too', async () => {
    const { journal } = readAll(path);
    await journal.append(order(1));
    await journal.close();
    const bad = Buffer.from(encodeRecord(order(2)));
    bad[bad.length - 5] ^= 0x01; // one flipped bit inside the JSON
    appendFileSync(path, bad);
    const reopened = readAll(path);
    expect(reopened.ids).toEqual(['o-1']);
    expect(reopened.report.tornTailBytes).toBe(bad.length);
    await reopened.journal.close();
  });

  it('skips and counts a damaged record in the middle without losing those after it', async () => {
    const lines = [encodeRecord(order(1)), Buffer.from(encodeRecord(order(2))), encodeRecord(order(3))];
    lines[1]![20] ^= 0x04;
    writeFileSync(join(mkdirFor(path), 'orders.journal'), Buffer.concat(lines));
    const reopened = readAll(path);
    expect(reopened.ids).toEqual(['o-1', 'o-3']);
    expect(reopened.report).toMatchObject({ records: 2, corruptRecords: 1, tornTailBytes: 0 });
    await reopened.journal.close();
  });

  it('refuses to open (and so to cut) a journal written by a newer version', () => {
    const json = JSON.stringify({ v: 2, orderId: 'x' });
    writeFileSync(join(mkdirFor(path), 'orders.journal'), `${crc32(json).toString(16).padStart(8, '0')} ${json}\n`);
    expect(() => OrderJournal.open(path, () => undefined)).toThrow(/newer Cuecast/);
    expect(statSync(path).size).toBeGreaterThan(0);
  });

  it('lets one journal owner at a time in, and takes over the lock of a dead one', async () => {
    const { journal } = readAll(path);
    expect(() => OrderJournal.open(path, () => undefined)).toThrow(/in use by process/);
    await journal.close();
    // A desk killed with SIGKILL leaves its lock behind, naming a pid that is gone.
    writeFileSync(`${path}.lock`, '2147483646');
    const again = readAll(path);
    await again.journal.close();
  });

  it('rebuilds 100,000 records in well under the time a restart may take', async () => {
    const chunk: Buffer[] = [];
    for (let i = 0; i < 100_000; i++) chunk.push(encodeRecord(order(i)));
    writeFileSync(join(mkdirFor(path), 'orders.journal'), Buffer.concat(chunk));
    const started = performance.now();
    let n = 0;
    const { journal, report } = OrderJournal.open(path, () => void (n += 1));
    const ms = performance.now() - started;
    expect(n).toBe(100_000);
    expect(report.records).toBe(100_000);
    // Measured here: 1,000,000 records read in 3.1 s (quiet), 300,000 in 2.6 s at load average 22.
    expect(ms).toBeLessThan(8000);
    await journal.close();
  });
});

function mkdirFor(path: string): string {
  const d = join(path, '..');
  mkdirSync(d, { recursive: true });
  return d;
}
