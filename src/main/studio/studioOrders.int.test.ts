// Orders through the Studio: a Shopify webhook registered with orders:addWebhook,
// deliveries signed as Shopify signs them, and what the control room, the product
// card's stock and the stream's sales counters then say.
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommerceMetadata } from '../../shared/commerceMetadata';
import { benchShow, benchStudio } from '../../../bench/support';
import { waitUntil } from '../../../test/support/nginxRtmp';
import type { Studio } from './studio';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

const SECRET = 'shpss_studio_test_1';
const RUNDOWN = [
  'id,sku,title,price,promoPrice,currency,stock,input,targetDurationSec,images,sellingPoints,script',
  'ring,RING-1,Gold ring,199,,EUR,10,src-1,60,,,Ring script',
].join('\n');

function shopifyOrder(id: number, sku: string, quantity: number, name: string): string {
  return JSON.stringify({ id, currency: 'EUR', customer: { first_name: name.split(' ')[0], last_name: name.split(' ')[1] }, billing_address: { city: 'Hangzhou' }, line_items: [{ id: 1, sku, quantity, price: '199.00' }] });
}

/** A 640x360 studio with the one-product rundown, disposed after the test. */
async function studioWithRundown(): Promise<Studio> {
  const { studio } = await benchStudio(benchShow({ width: 640, height: 360, fps: 30 }));
  cleanups.push(() => studio.dispose());
  await studio.request('rundown:import', { format: 'csv', text: RUNDOWN });
  return studio;
}

async function post(url: string, body: string, signature: string): Promise<number> {
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-shopify-hmac-sha256': signature, 'x-shopify-topic': 'orders/create' } });
  await res.arrayBuffer();
  return res.status;
}

describe('orders in the studio', () => {
  it('counts signed Shopify orders once, refuses bad signatures, and puts sales into the stream', async () => {
    const s = await studioWithRundown();
    const { url } = (await s.request('orders:addWebhook', { id: 'shop', kind: 'shopify', secret: SECRET })) as { url: string };
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/orders\/shop$/);
    expect(JSON.stringify(s.snapshot())).not.toContain(SECRET);
    const sales: CommerceMetadata[] = [];
    s.metadata.addSink({ onConfig: () => undefined, onFrame: (f) => f.type === 'video' && f.metadata && void sales.push(...f.metadata.filter((m) => m.kind === 'sales')) });
    await waitUntil(() => s.snapshot().sources.every((x) => x.state === 'live'), 20_000, 'cameras live');
    await s.request('rundown:take', { id: 'ring' });

    const sign = (body: string) => createHmac('sha256', SECRET).update(body).digest('base64');
    const first = shopifyOrder(1001, 'RING-1', 2, 'Wang Hong');
    expect(await post(url, first, sign(first))).toBe(200);
    // At least once: the same delivery again is answered and not counted.
    expect(await post(url, first, sign(first))).toBe(200);
    const second = shopifyOrder(1002, 'RING-1', 1, 'Li Na');
    expect(await post(url, second, sign(second))).toBe(200);
    const forged = shopifyOrder(1003, 'RING-1', 5, 'Eve Forger');
    expect(await post(url, forged, sign(forged).replace(/^./, (c) => (c === 'A' ? 'B' : 'A')))).toBe(401);
    const unknown = shopifyOrder(1004, 'NOT-IN-RUNDOWN', 1, 'Zhao Lei');
    expect(await post(url, unknown, sign(unknown))).toBe(200);

    await waitUntil(() => s.snapshot().commerce.orders.orders === 3, 5000, 'three orders counted');
    const orders = s.snapshot().commerce.orders;
    expect(orders).toMatchObject({ units: 4, duplicates: 1, unknownSku: 1, rejected: { badSignature: 1 } });
    expect(orders.perSku.find((k) => k.sku === 'RING-1')).toMatchObject({ units: 3, stockLeft: 7 });
    expect(orders.perSegment.find((g) => g.segmentId === 'ring')?.orders).toBe(3);
    // Masked on every client; the full name is nowhere in the snapshot.
    expect(orders.latest.map((o) => o.buyer)).toContain('W***g, Hangzhou');
    expect(JSON.stringify(s.snapshot())).not.toContain('Wang Hong');
    // The counters reach the stream (at most once a second), as the stage writes them.
    await waitUntil(() => sales.some((m) => m.sales?.orders === 3), 5000, 'sales counters in the stream');
    expect(sales.find((m) => m.sales?.orders === 3)).toMatchObject({ segment: 'ring', sales: { orders: 3, units: 4, currency: 'EUR' } });
  }, 60_000);

  it('puts new orders on air as paced shout-outs while the counters keep up with every order', async () => {
    const s = await studioWithRundown();
    await waitUntil(() => s.snapshot().sources.every((x) => x.state === 'live'), 20_000, 'cameras live');
    await s.request('rundown:take', { id: 'ring' });
    expect(s.snapshot().commerce.rundown.graphics.orderShoutOut).toBe(true);
    await s.request('orders:simulate', { running: true, ratePerSec: 20 });
    cleanups.push(() => s.request('orders:simulate', { running: false }));

    // Watch the programme's overlay layer and the counters for 15 s.
    const shown: { from: number; to: number | null }[] = [];
    const counts = new Set<number>();
    const t0 = Date.now();
    while (Date.now() - t0 < 15_000) {
      const on = s.pipeline.switcher.overlaysOnFrame().includes('orderShoutOut');
      const last = shown.at(-1);
      if (on && (!last || last.to !== null)) shown.push({ from: Date.now(), to: null });
      if (!on && last && last.to === null) last.to = Date.now();
      counts.add(s.snapshot().commerce.orders.orders);
      await new Promise((r) => setTimeout(r, 50));
    }
    const orders = s.snapshot().commerce.orders.orders;
    expect(orders).toBeGreaterThan(100);
    // The counters moved with the orders (≤ 10 Hz), not with the shout-outs.
    expect(counts.size).toBeGreaterThan(30);
    // Two or three shout-outs in 15 s: about 4 s each, starts at least 6 s apart.
    expect(shown.length).toBeGreaterThanOrEqual(2);
    expect(shown.length).toBeLessThanOrEqual(3);
    for (const [i, sh] of shown.entries()) {
      if (sh.to !== null) expect(sh.to - sh.from).toBeGreaterThan(3000);
      if (sh.to !== null) expect(sh.to - sh.from).toBeLessThan(5500);
      if (i > 0) expect(sh.from - shown[i - 1]!.from).toBeGreaterThan(5800);
    }
    // Switched off, it leaves the picture and stays off.
    await s.request('rundown:graphics', { orderShoutOut: false });
    await waitUntil(() => !s.pipeline.switcher.overlaysOnFrame().includes('orderShoutOut'), 1000, 'shout-out off the programme');
    await new Promise((r) => setTimeout(r, 7000));
    expect(s.pipeline.switcher.overlaysOnFrame()).not.toContain('orderShoutOut');
  }, 90_000);

  it('keeps the programme running when the order desk process dies, and brings the desk back on the same URL', async () => {
    const s = await studioWithRundown();
    const { url } = (await s.request('orders:addWebhook', { id: 'shop', kind: 'shopify', secret: SECRET })) as { url: string };
    await waitUntil(() => s.snapshot().sources.every((x) => x.state === 'live'), 20_000, 'cameras live');
    const sign = (body: string) => createHmac('sha256', SECRET).update(body).digest('base64');
    const first = shopifyOrder(2001, 'RING-1', 1, 'Wang Hong');
    expect(await post(url, first, sign(first))).toBe(200);

    const desk = s.commerce.orders as unknown as { processId: number | null };
    const pid = desk.processId;
    expect(pid).not.toBeNull();
    expect(pid).not.toBe(process.pid);
    // Its CPU counts in the studio's: the desk and its webhook worker.
    expect(s.allChildPids()).toContain(pid);
    expect(s.allChildPids().length).toBeGreaterThanOrEqual(s.pipeline.childPids().length + 2);
    const framesBefore = s.snapshot().health.programFrame;
    process.kill(pid!, 'SIGKILL');
    // A shop retries: deliver until the desk answers again.
    const second = shopifyOrder(2002, 'RING-1', 2, 'Li Na');
    const deadline = Date.now() + 20_000;
    let status = 0;
    while (status !== 200 && Date.now() < deadline) {
      status = await post(url, second, sign(second)).catch(() => 0);
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(200);
    expect(desk.processId).not.toBe(pid);
    await waitUntil(() => s.snapshot().commerce.orders.orders === 2, 5000, 'both orders counted');
    expect(s.snapshot().commerce.orders.units).toBe(3);
    // The programme never stopped: about a frame per 33 ms went by.
    expect(s.snapshot().health.programFrame - framesBefore).toBeGreaterThan(10);
    expect(s.snapshot().log.some((l) => /order desk stopped unexpectedly/.test(l.message))).toBe(true);
  }, 90_000);
});
