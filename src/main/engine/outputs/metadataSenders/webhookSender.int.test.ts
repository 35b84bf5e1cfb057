// WebhookSender against a real HTTP server on 127.0.0.1: what arrives is checked on
// the server side (raw body, headers, arrival times), the signature with a separate
// HMAC computed here, never by trusting the sender's own counters alone.
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeMetadata, type CommerceMetadata } from '../../../../shared/commerceMetadata';
import { createMemoryLogger } from '../../logger';
import type { AudioConfig, EncodedVideoFrame, VideoConfig } from '../../media/packets';
import { MetadataStage } from '../../mux/metadataStage';
import type { MetadataSenderState } from './metadataSender';
import { startTestReceiver, type TestReceiver } from '../../../../../test/support/webhookReceiver';
import { WebhookSender, type WebhookBody, type WebhookSenderOptions } from './webhookSender';

const SECRET = 'whsec-test-5f1d';
const ORIGIN_DTS = 10_000;
/** Composition offset, as with B-frames: programTimeMs must use pts, the origin dts. */
const PTS_OFFSET = 80;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function receiver(): Promise<TestReceiver> {
  const r = await startTestReceiver();
  cleanups.push(() => r.stop());
  return r;
}
function sender(url: string, extra: Partial<WebhookSenderOptions> = {}): WebhookSender & { logLines: string[] } {
  const logger = createMemoryLogger();
  const s = new WebhookSender({ name: 'Shop', url, secret: SECRET, logger, ...extra });
  cleanups.push(() => s.stop());
  return Object.assign(s, { logLines: logger.lines });
}
function frame(n: number, metadata?: CommerceMetadata[]): EncodedVideoFrame {
  const dtsMs = ORIGIN_DTS + n * 40;
  return { type: 'video', dtsMs, ptsMs: dtsMs + PTS_OFFSET, keyframe: n % 25 === 0, data: Buffer.alloc(16), frame: n, ...(metadata ? { metadata } : {}) };
}
const sales = (orders: number, frameNo = 0): CommerceMetadata => ({
  v: 1, kind: 'sales', sales: { orders, units: orders * 2, gmv: orders * 10, currency: 'EUR' }, wallTimeMs: Date.now(), frame: frameNo,
});
const explaining = (edge: 'started' | 'ended', id: string, frameNo = 0): CommerceMetadata => ({
  v: 1, kind: 'explaining', explaining: edge, product: { id, sku: `SKU-${id}`, title: `Ring ${id}`, price: 99, currency: 'EUR' }, wallTimeMs: Date.now(), frame: frameNo,
});
const bodies = (r: TestReceiver): WebhookBody[] => r.requests.map((q) => JSON.parse(q.body) as WebhookBody);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
async function waitUntil(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('WebhookSender', () => {
  it('posts a signed body with programme time and wall time', async () => {
    const r = await receiver();
    const s = sender(`http://127.0.0.1:${r.port}/hooks/cuecast`);
    s.start();
    const msg: CommerceMetadata = { ...explaining('started', 'p1', 3), wallTimeMs: 1_760_000_000_123 };
    const before = Date.now();
    for (let n = 0; n < 5; n++) s.onFrame(frame(n, n === 3 ? [msg] : undefined));
    await waitUntil(() => r.requests.length === 1, 3000, 'the webhook');
    const req = r.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/hooks/cuecast');
    expect(req.headers['content-type']).toBe('application/json');
    const timestamp = req.headers['x-cuecast-timestamp'] as string;
    // The receiver's check, computed independently of webhookSignature().
    const expected = 'sha256=' + createHmac('sha256', SECRET).update(`${timestamp}.${req.body}`).digest('hex');
    expect(req.headers['x-cuecast-signature']).toBe(expected);
    expect(createHmac('sha256', 'another-secret').update(`${timestamp}.${req.body}`).digest('hex')).not.toBe(expected.slice(7));
    expect(req.headers['x-cuecast-delivery']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const body = JSON.parse(req.body) as WebhookBody;
    expect(body).toEqual({
      v: 1,
      destination: 'Shop',
      // Frame 3 presents at ORIGIN_DTS + 3*40 + 80; the origin is frame 0's dts.
      programTimeMs: 3 * 40 + PTS_OFFSET,
      frame: 3,
      wallTimeMs: 1_760_000_000_123,
      sentAtMs: Number(timestamp),
      message: msg,
    });
    expect(body.sentAtMs).toBeGreaterThanOrEqual(before);
    expect(body.sentAtMs).toBeLessThanOrEqual(req.at);
    await waitUntil(() => s.stats().sent === 1, 1000, 'sent count');
    expect(s.stats()).toMatchObject({ state: 'ok', sent: 1, failed: 0, retries: 0, queueDepth: 0, lastError: null });
    expect(s.stats().lastSentAt).toBeGreaterThanOrEqual(before);
  });

  it('attached after the MetadataStage, gets each scheduled change on its frame', async () => {
    const r = await receiver();
    const s = sender(`http://127.0.0.1:${r.port}/`);
    const stage = new MetadataStage();
    stage.addSink(s);
    s.start();
    const video: VideoConfig = { codec: 'h264', width: 640, height: 360, fps: 25, bitrateKbps: 100, decoderConfig: Buffer.from([1, 0x42, 0, 0x1e, 0xff, 0xe0, 0]) };
    const audio: AudioConfig = { codec: 'aac', sampleRate: 48000, channels: 2, bitrateKbps: 64, audioSpecificConfig: Buffer.from([0x11, 0x90]) };
    stage.onConfig(video, audio);
    stage.schedule(sales(9), 6);
    stage.schedule(explaining('started', 'p9'), 6);
    for (let n = 0; n < 10; n++) {
      // One IDR slice NAL (type 5), 4-byte length prefix: enough for the stage to place its SEI.
      stage.onFrame({ ...frame(n), data: Buffer.from([0, 0, 0, 3, 0x65, 0x88, 0x84]) });
    }
    await waitUntil(() => r.requests.length === 2, 3000, 'both changes');
    expect(bodies(r).map((b) => [b.message.kind, b.frame, b.programTimeMs])).toEqual([
      ['sales', 6, 6 * 40 + PTS_OFFSET],
      ['explaining', 6, 6 * 40 + PTS_OFFSET],
    ]);
    expect(stage.stats().onTime).toBe(2);
  });

  it('sends no signature header when no secret is set', async () => {
    const r = await receiver();
    const s = sender(`http://127.0.0.1:${r.port}/`, { secret: '' });
    s.start();
    s.onFrame(frame(0, [sales(1)]));
    await waitUntil(() => r.requests.length === 1, 3000, 'the webhook');
    expect(r.requests[0]!.headers['x-cuecast-signature']).toBeUndefined();
    expect(r.requests[0]!.headers['x-cuecast-timestamp']).toMatch(/^\d{13}$/);
  });

  it('refuses a message whose body would pass 1 KB, logs it once, and carries on', async () => {
    const r = await receiver();
    const s = sender(`http://127.0.0.1:${r.port}/`);
    s.start();
    // Valid for the SEI path (≤ 1 KB on its own), too big once in the webhook envelope.
    const big: CommerceMetadata = {
      v: 1, kind: 'product', show: 's'.repeat(64), segment: 'g'.repeat(64), wallTimeMs: Date.now(), frame: 1,
      product: { id: 'i'.repeat(64), sku: 'k'.repeat(64), title: '€'.repeat(190), price: 1, currency: 'EUR' },
    };
    expect(encodeMetadata(big).length).toBeLessThanOrEqual(1024);
    s.onFrame(frame(0));
    s.onFrame(frame(1, [big]));
    s.onFrame(frame(2, [{ ...big, frame: 2 }]));
    s.onFrame(frame(3, [sales(7, 3)]));
    await waitUntil(() => r.requests.length === 1, 3000, 'the small message');
    await sleep(300);
    expect(r.requests).toHaveLength(1);
    expect(bodies(r)[0]!.message.kind).toBe('sales');
    expect(s.stats().refusedOversize).toBe(2);
    expect(s.logLines.filter((l) => l.includes('refused a'))).toHaveLength(1);
    expect(s.logLines.find((l) => l.includes('refused a'))).toMatch(/refused a 1\d{3}-byte product message: the limit is 1024 bytes/);
  });

  it('coalesces 50 sales updates in 1 s into at most 6 calls, the last with the final numbers', async () => {
    const r = await receiver();
    const s = sender(`http://127.0.0.1:${r.port}/`);
    s.start();
    const started = Date.now();
    for (let i = 1; i <= 50; i++) {
      s.onFrame(frame(i, [sales(i, i)]));
      await sleep(Math.max(0, started + i * 20 - Date.now()));
    }
    // On a loaded machine the 50 updates may take longer than 1 s: allow 5 calls per started second, plus the last.
    const allowed = 5 * Math.ceil((Date.now() - started) / 1000) + 1;
    await waitUntil(() => bodies(r).some((b) => b.message.sales?.orders === 50), 3000, 'the final numbers');
    await sleep(300);
    expect(s.stats().queueDepth).toBe(0);
    const got = bodies(r);
    const orders = got.map((b) => b.message.sales!.orders);
    expect(got.length).toBeLessThanOrEqual(allowed);
    expect(got.length).toBeGreaterThanOrEqual(2);
    expect(orders.at(-1)).toBe(50);
    expect(got.at(-1)!.message.sales).toEqual({ orders: 50, units: 100, gmv: 500, currency: 'EUR' });
    // In order, never an older number after a newer one.
    expect([...orders].sort((a, b) => a - b)).toEqual(orders);
    expect(s.stats().coalesced).toBe(50 - got.length);
    // No 1 s window at the receiver held more than 5 calls (10 ms slack for the network).
    const at = r.requests.map((q) => q.at);
    for (let i = 5; i < at.length; i++) expect(at[i]! - at[i - 5]!).toBeGreaterThanOrEqual(900);
  });

  it('never coalesces explaining started/ended markers, and keeps their order', async () => {
    const r = await receiver();
    const s = sender(`http://127.0.0.1:${r.port}/`);
    s.start();
    let n = 0;
    // Spend the 5-call budget first (one delivered after another: one call at a time),
    // so everything after is held back for the rest of the second.
    for (let i = 1; i <= 5; i++) {
      s.onFrame(frame(n++, [sales(i)]));
      await waitUntil(() => s.stats().sent === i, 1000, `sales ${i}`);
    }
    const budgetSpentAt = Date.now();
    s.onFrame(frame(n++, [explaining('started', 'A')]));
    for (let i = 6; i <= 15; i++) s.onFrame(frame(n++, [sales(i)]));
    s.onFrame(frame(n++, [explaining('ended', 'A'), explaining('started', 'B')]));
    for (let i = 16; i <= 25; i++) s.onFrame(frame(n++, [sales(i)]));
    s.onFrame(frame(n++, [explaining('ended', 'B')]));
    // Held back: the 4 markers and only the newest sales update.
    expect(s.stats().queueDepth).toBe(5);
    expect(s.stats().coalesced).toBe(19);
    await waitUntil(() => r.requests.length >= 10, 4000, 'the held-back messages');
    await sleep(300);
    const got = bodies(r);
    const markers = got.filter((b) => b.message.kind === 'explaining').map((b) => `${b.message.explaining} ${b.message.product!.id}`);
    expect(markers).toEqual(['started A', 'ended A', 'started B', 'ended B']);
    const program = got.map((b) => b.programTimeMs);
    expect([...program].sort((a, b) => a - b)).toEqual(program);
    // After the budget: the markers in order, and the newest sales update where it was fed.
    const label = (b: WebhookBody): string => (b.message.kind === 'sales' ? `sales ${b.message.sales!.orders}` : `${b.message.explaining} ${b.message.product!.id}`);
    expect(got.map(label)).toEqual(['sales 1', 'sales 2', 'sales 3', 'sales 4', 'sales 5', 'started A', 'ended A', 'started B', 'sales 25', 'ended B']);
    expect(r.requests[5]!.at - r.requests[0]!.at).toBeGreaterThanOrEqual(900);
    expect(r.requests[5]!.at).toBeGreaterThanOrEqual(budgetSpentAt);
  });

  it('stop({ drainMs }) still delivers the show\'s last markers held back by the call limit', async () => {
    const r = await receiver();
    const s = sender(`http://127.0.0.1:${r.port}/`, { maxPerSecond: 1 });
    s.start();
    s.onFrame(frame(0, [explaining('started', 'Z')]));
    s.onFrame(frame(1, [explaining('ended', 'Z')]));
    await waitUntil(() => r.requests.length === 1, 2000, 'the first marker');
    expect(s.stats().queueDepth).toBe(1);
    const t0 = Date.now();
    await s.stop({ drainMs: 3000 });
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(bodies(r).map((b) => b.message.explaining)).toEqual(['started', 'ended']);
    expect(s.stats()).toMatchObject({ state: 'idle', sent: 2, queueDepth: 0 });
  });

  it('retries a 500 and delivers once, with the same delivery id and a fresh signature', async () => {
    const r = await receiver();
    r.answer((i) => (i === 0 ? { status: 500, body: 'database down' } : { status: 200 }));
    const s = sender(`http://127.0.0.1:${r.port}/`, { retry: { initialDelayMs: 100, maxDelayMs: 400, maxAttempts: 4 } });
    const states: MetadataSenderState[] = [];
    s.onState((st) => states.push(st));
    s.start();
    s.onFrame(frame(0, [sales(3)]));
    await waitUntil(() => s.stats().sent === 1, 3000, 'the delivery');
    await sleep(300);
    expect(r.requests).toHaveLength(2);
    const [first, second] = r.requests as [typeof r.requests[0], typeof r.requests[0]];
    expect(second.headers['x-cuecast-delivery']).toBe(first.headers['x-cuecast-delivery']);
    expect(second.at - first.at).toBeGreaterThanOrEqual(45); // equal jitter: at least half of 100 ms
    for (const q of r.requests) {
      const ts = q.headers['x-cuecast-timestamp'] as string;
      expect(q.headers['x-cuecast-signature']).toBe('sha256=' + createHmac('sha256', SECRET).update(`${ts}.${q.body}`).digest('hex'));
    }
    expect(s.stats()).toMatchObject({ state: 'ok', sent: 1, failed: 0, retries: 1 });
    expect(s.stats().lastError).toContain('answered HTTP 500: database down; retrying');
    expect(states).toEqual(['ok', 'retrying', 'ok']);
  });

  it('does not retry a 400: counted failed, the next message goes through', async () => {
    const r = await receiver();
    r.answer((i) => (i === 0 ? { status: 400, body: 'unknown event type' } : { status: 204 }));
    const s = sender(`http://127.0.0.1:${r.port}/`, { retry: { initialDelayMs: 50, maxDelayMs: 100, maxAttempts: 5 } });
    s.start();
    s.onFrame(frame(0, [sales(1)]));
    await waitUntil(() => s.stats().failed === 1, 3000, 'the failure');
    await sleep(400);
    expect(r.requests).toHaveLength(1);
    expect(s.stats()).toMatchObject({ state: 'failing', failed: 1, retries: 0, sent: 0 });
    expect(s.stats().lastError).toBe(`Webhook "Shop": http://127.0.0.1:${r.port} answered HTTP 400: unknown event type; gave up on the sales message (frame 0)`);
    s.onFrame(frame(1, [sales(2, 1)]));
    await waitUntil(() => s.stats().sent === 1, 3000, 'the next delivery');
    expect(s.state).toBe('ok');
  });

  it('honours Retry-After on a 429', async () => {
    const r = await receiver();
    r.answer((i) => (i === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 }));
    const s = sender(`http://127.0.0.1:${r.port}/`, { retry: { initialDelayMs: 20, maxDelayMs: 40, maxAttempts: 3 } });
    s.start();
    s.onFrame(frame(0, [sales(1)]));
    await waitUntil(() => s.stats().sent === 1, 4000, 'the delivery');
    expect(r.requests).toHaveLength(2);
    expect(r.requests[1]!.at - r.requests[0]!.at).toBeGreaterThanOrEqual(900);
  });

  it('an endpoint that never answers: timeouts, retries, then failing — the stream never waits', async () => {
    const r = await receiver();
    r.answer(() => 'hang');
    const url = `http://hook-user:pa55word@127.0.0.1:${r.port}/hooks/abc123?token=t0ps3cret`;
    const s = sender(url, { timeoutMs: 300, retry: { initialDelayMs: 100, maxDelayMs: 200, maxAttempts: 3 } });
    const states: MetadataSenderState[] = [];
    s.onState((st) => states.push(st));
    s.start();
    s.onFrame(frame(0, [explaining('started', 'A')]));
    await waitUntil(() => r.requests.length === 1, 2000, 'the first attempt');
    expect(r.requests[0]!.url).toBe('/hooks/abc123?token=t0ps3cret');
    expect(r.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from('hook-user:pa55word').toString('base64')}`);

    // While the call hangs, frames keep flowing through onFrame without waiting.
    const t0 = performance.now();
    for (let i = 1; i <= 1000; i++) s.onFrame(frame(i, [sales(i, i)]));
    const elapsed = performance.now() - t0;
    // Not a speed figure: a sender that waited on the hung call would take its 300 ms timeout per frame.
    expect(elapsed).toBeLessThan(300);

    await waitUntil(() => s.stats().failed >= 1, 5000, 'giving up on the first message');
    const [a, b, c] = r.requests;
    // Each attempt waited out the 300 ms timeout (arrival times here carry some jitter).
    expect(b!.at - a!.at).toBeGreaterThanOrEqual(290);
    expect(c!.at - b!.at).toBeGreaterThanOrEqual(290);
    expect(a!.closedAt! - a!.at).toBeGreaterThanOrEqual(290);
    expect(a!.closedAt! - a!.at).toBeLessThan(1500);
    const st = s.stats();
    expect(st).toMatchObject({ state: 'failing', failed: 1, retries: 2, sent: 0 });
    expect(st.lastError).toBe(`Webhook "Shop": http://127.0.0.1:${r.port} no answer within 300 ms; gave up on the explaining message (frame 0) after 3 attempts`);
    expect(states).toEqual(['ok', 'retrying', 'failing']);
    // 1000 sales updates queued behind it collapsed into one.
    expect(st.queueDepth).toBeLessThanOrEqual(1);
    expect(st.coalesced).toBeGreaterThanOrEqual(998);
    for (const line of [...s.logLines, st.lastError!]) {
      for (const secret of ['pa55word', 't0ps3cret', 'abc123', SECRET]) expect(line).not.toContain(secret);
    }

    // stop() aborts the call in flight promptly.
    await waitUntil(() => r.requests.some((q) => q.closedAt === null), 3000, 'a call in flight');
    const inFlight = r.requests.find((q) => q.closedAt === null)!;
    const stopAt = performance.now();
    await s.stop();
    expect(performance.now() - stopAt).toBeLessThan(1000);
    expect(s.state).toBe('idle');
    await waitUntil(() => inFlight.closedAt !== null, 1000, 'the aborted connection to close');
  });
});
