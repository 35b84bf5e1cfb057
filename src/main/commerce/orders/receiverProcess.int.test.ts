// Crash test (issue 5, figure 2 in small): the order desk runs in its own process,
// receives signed Shopify webhooks under load, is SIGKILLed in the middle, and is
// restarted on the same journal. Every order acknowledged before the kill must be
// in the totals, none counted twice; redelivering everything the sender was unsure
// of must end with each order counted exactly once.
import { createHmac } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startReceiverProcess, type ReceiverProcess } from './receiverProcessClient';

const SECRET = 'crash-test-secret';
const SKUS = ['RING-1', 'HAM-2', 'TEA-3'];
const catalog = SKUS.map((sku) => [sku, { stock: 100_000, title: sku, price: 10 }] as const);
const adapters = [{ kind: 'shopify' as const, id: 'shop', secret: SECRET }];

interface Sent {
  readonly body: string;
  readonly units: number;
}

function shopifyOrder(n: number): Sent {
  const quantity = 1 + (n % 3);
  const body = JSON.stringify({
    id: 5_000_000 + n,
    currency: 'EUR',
    customer: { first_name: 'Wang', last_name: 'Hong' },
    billing_address: { city: 'Hangzhou' },
    line_items: [{ sku: SKUS[n % 3], quantity, price: '10.00' }],
  });
  return { body, units: quantity };
}

function deliver(agent: Agent, port: number, sent: Sent): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/orders/shop',
        method: 'POST',
        agent,
        headers: {
          'Content-Type': 'application/json',
          'X-Shopify-Topic': 'orders/create',
          'X-Shopify-Hmac-Sha256': createHmac('sha256', SECRET).update(sent.body).digest('base64'),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      },
    );
    // Refused or reset by the kill: the sender does not know, so it will redeliver.
    req.on('error', () => resolve(0));
    req.setTimeout(5000, () => req.destroy());
    req.end(sent.body);
  });
}

describe('order desk process, SIGKILL under load', () => {
  let dataDir: string | null = null;
  const procs: ReceiverProcess[] = [];
  afterEach(async () => {
    for (const p of procs.splice(0)) await p.kill('SIGKILL');
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  // 0: the receiver in the desk's process; 1: a webhook worker process in front of it (as the studio runs it).
  it.each([0, 1])('keeps every acknowledged order and counts none twice across a crash (%i webhook workers)', async (httpWorkers) => {
    dataDir = mkdtempSync(join(tmpdir(), 'cuecast-crash-'));
    const start = (port: number) => startReceiverProcess({ dataDir: dataDir!, bind: { host: '127.0.0.1', port }, catalog, adapters, httpWorkers }, { quiet: true });
    const first = await start(0);
    procs.push(first);
    const port = first.port;
    const agent = new Agent({ keepAlive: true, maxSockets: 32 });
    const orders = Array.from({ length: 3000 }, (_, n) => shopifyOrder(n));
    const acked = new Set<number>();
    const unsure = new Set<number>();
    const inFlight: Promise<void>[] = [];

    // Open loop at 1000 orders/s; the kill lands at 1.2 s, sending goes on to 2 s.
    const rate = 1000;
    const t0 = performance.now();
    let next = 0;
    let killed = false;
    let ackedBeforeKill = 0;
    await new Promise<void>((done) => {
      const timer = setInterval(() => {
        const elapsed = performance.now() - t0;
        if (!killed && elapsed >= 1200) {
          killed = true;
          ackedBeforeKill = acked.size;
          void first.kill('SIGKILL');
        }
        while (next < orders.length && next < (elapsed / 1000) * rate) {
          const n = next++;
          inFlight.push(deliver(agent, port, orders[n]!).then((status) => void (status === 200 ? acked.add(n) : unsure.add(n))));
        }
        if (elapsed >= 2000) {
          clearInterval(timer);
          done();
        }
      }, 5);
    });
    await Promise.all(inFlight);
    await first.exited;
    const ackedAtKill = new Set(acked);
    expect(ackedBeforeKill).toBeGreaterThan(300);
    expect(unsure.size).toBeGreaterThan(0);

    const second = await start(port);
    procs.push(second);
    expect(second.rebuild.records).toBeGreaterThanOrEqual(ackedAtKill.size);
    const keys = new Set(await second.query('orderKeys'));
    const lost = [...ackedAtKill].filter((n) => !keys.has(`shop:${5_000_000 + n}`));
    expect(lost).toEqual([]);
    const snap = await second.query('snapshot');
    expect(snap.totals.orders).toBe(keys.size);
    const unitsOf = (ids: Iterable<string>) => [...ids].reduce((sum, k) => sum + orders[Number(k.slice(5)) - 5_000_000]!.units, 0);
    expect(snap.totals.units).toBe(unitsOf(keys));

    // The sender redelivers what it was unsure of, and some it was sure of: each
    // ends counted once; those journaled before the kill are answered "duplicate".
    const redeliver = [...unsure, ...[...ackedAtKill].slice(0, 50)];
    const statuses = await Promise.all(redeliver.map((n) => deliver(agent, port, orders[n]!)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    const stats = await second.query('stats');
    expect(stats.duplicates).toBeGreaterThanOrEqual(50);
    const sentIds = new Set([...ackedAtKill, ...unsure]);
    const finalSnap = await second.query('snapshot');
    expect(finalSnap.totals.orders).toBe(sentIds.size);
    expect(finalSnap.totals.units).toBe([...sentIds].reduce((s, n) => s + orders[n]!.units, 0));
    agent.destroy();
    await second.stop();

    // Read the journal independently of the desk's reader: one line per order id.
    const seen = new Map<string, number>();
    for (const line of readFileSync(join(dataDir, 'orders', 'orders.journal'), 'utf8').split('\n')) {
      if (!line) continue;
      const id = (JSON.parse(line.slice(9)) as { orderId: string }).orderId;
      seen.set(id, (seen.get(id) ?? 0) + 1);
    }
    expect(seen.size).toBe(sentIds.size);
    expect([...seen.values()].every((c) => c === 1)).toBe(true);
  });
});

/** Times the process's main thread gave up the CPU waiting (Linux /proc): one per wake-up. */
function mainThreadWaits(pid: number): number {
  const status = readFileSync(`/proc/${pid}/task/${pid}/status`, 'utf8');
  return Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)![1]);
}

/** Webhook workers: the desk's children running its own program (not tsx's esbuild, say). */
function workerPids(desk: number): number[] {
  const commandOf = (pid: number | string) => readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  const deskCommand = commandOf(desk);
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === desk && commandOf(entry) === deskCommand;
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('order desk process, idle', () => {
  let desk: ReceiverProcess | null = null;
  let dataDir: string | null = null;
  afterEach(async () => {
    await desk?.kill('SIGKILL');
    desk = null;
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  // A 5 ms event-loop monitor once ran in the desk and in every worker, waking each
  // ~200 times a second with nothing to do. Counting wake-ups, not CPU time, keeps this
  // independent of how busy the machine is: a timer fires as often when it is loaded.
  it.runIf(process.platform === 'linux')('sleeps when no orders come: the desk and its webhook worker wake rarely', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cuecast-idle-'));
    desk = await startReceiverProcess({ dataDir, bind: { host: '127.0.0.1', port: 0 }, catalog, adapters, httpWorkers: 1 }, { quiet: true });
    await new Promise((r) => setTimeout(r, 1000));
    const pids = [desk.pid, ...workerPids(desk.pid)];
    expect(pids).toHaveLength(2);
    const before = pids.map(mainThreadWaits);
    await new Promise((r) => setTimeout(r, 2000));
    const perSecond = pids.map((pid, i) => (mainThreadWaits(pid) - before[i]!) / 2);
    expect(Math.max(...perSecond)).toBeLessThan(40);
  });
});
