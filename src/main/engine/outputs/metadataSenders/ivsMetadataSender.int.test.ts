// IvsMetadataSender against a real HTTP server on 127.0.0.1 standing in for
// ivs.<region>.amazonaws.com: the server checks the SigV4 signature with its own
// computation (below), and answers as IVS documents (204, or an error type header).
import { createHash, createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeMetadata, type CommerceMetadata } from '../../../../shared/commerceMetadata';
import { createMemoryLogger } from '../../logger';
import type { EncodedVideoFrame } from '../../media/packets';
import { IvsMetadataSender, type IvsMetadataPayload, type IvsMetadataSenderOptions } from './ivsMetadataSender';
import { startTestReceiver, type ReceivedRequest, type TestReceiver } from '../../../../../test/support/webhookReceiver';

const ARN = 'arn:aws:ivs:us-west-2:123456789012:channel/AbCdEf12';
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});
async function receiver(): Promise<TestReceiver> {
  const r = await startTestReceiver();
  r.answer(() => ({ status: 204 }));
  cleanups.push(() => r.stop());
  return r;
}
function sender(port: number, extra: Partial<IvsMetadataSenderOptions> = {}): IvsMetadataSender & { logLines: string[] } {
  const logger = createMemoryLogger();
  const s = new IvsMetadataSender({ name: 'Channel', channelArn: ARN, credentials: CREDENTIALS, endpoint: `http://127.0.0.1:${port}`, logger, ...extra });
  cleanups.push(() => s.stop());
  return Object.assign(s, { logLines: logger.lines });
}
function frame(n: number, metadata?: CommerceMetadata[]): EncodedVideoFrame {
  const dtsMs = 5000 + n * 40;
  return { type: 'video', dtsMs, ptsMs: dtsMs, keyframe: n === 0, data: Buffer.alloc(8), frame: n, ...(metadata ? { metadata } : {}) };
}
const sales = (orders: number): CommerceMetadata => ({ v: 1, kind: 'sales', sales: { orders, units: orders, gmv: orders * 5, currency: 'USD' }, wallTimeMs: Date.now(), frame: 0 });
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
async function waitUntil(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** What IVS does with a request: recomputes the SigV4 signature from what arrived. */
function verifySigV4(req: ReceivedRequest, secret: string): { valid: boolean; scope: string; signedHeaders: string[] } {
  const m = /^AWS4-HMAC-SHA256 Credential=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(String(req.headers.authorization));
  if (!m) return { valid: false, scope: '', signedHeaders: [] };
  const [, credential, signed, signature] = m as unknown as [string, string, string, string];
  const [, day, region, service] = credential.split('/') as [string, string, string, string];
  const names = signed.split(';');
  const hash = (s: string): string => createHash('sha256').update(s).digest('hex');
  const canonical = [req.method, req.url, '', names.map((n) => `${n}:${String(req.headers[n]).trim()}\n`).join(''), signed, hash(req.body)].join('\n');
  const toSign = ['AWS4-HMAC-SHA256', String(req.headers['x-amz-date']), `${day}/${region}/${service}/aws4_request`, hash(canonical)].join('\n');
  let key: Buffer = Buffer.from(`AWS4${secret}`);
  for (const part of [day, region, service, 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  return { valid: createHmac('sha256', key).update(toSign).digest('hex') === signature, scope: credential, signedHeaders: names };
}

describe('IvsMetadataSender', () => {
  it('calls PutMetadata, SigV4-signed for ivs in the ARN\'s region, with programme time in the metadata', async () => {
    const r = await receiver();
    const s = sender(r.port, { credentials: { ...CREDENTIALS, sessionToken: 'SESSION-TOKEN' } });
    s.start();
    const msg = { ...sales(12), wallTimeMs: 1_760_000_000_000, frame: 2 };
    s.onFrame(frame(0));
    s.onFrame({ type: 'audio', dtsMs: 5010, data: Buffer.alloc(4) });
    s.onFrame(frame(2, [msg]));
    await waitUntil(() => s.stats().sent === 1, 3000, 'PutMetadata');
    const req = r.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/PutMetadata');
    expect(req.headers['content-type']).toBe('application/json');
    const check = verifySigV4(req, CREDENTIALS.secretAccessKey);
    expect(check.valid).toBe(true);
    expect(check.scope).toMatch(/^AKIDEXAMPLE\/\d{8}\/us-west-2\/ivs\/aws4_request$/);
    expect(check.signedHeaders).toEqual(['content-type', 'host', 'x-amz-date', 'x-amz-security-token']);
    expect(verifySigV4(req, 'another-secret').valid).toBe(false);
    expect(req.headers['x-amz-security-token']).toBe('SESSION-TOKEN');
    expect(Math.abs(Date.parse(String(req.headers['x-amz-date']).replace(/(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/, '$1-$2-$3T$4:$5:$6Z')) - req.at)).toBeLessThan(2000);
    expect(JSON.stringify(req.headers)).not.toContain(CREDENTIALS.secretAccessKey);

    const body = JSON.parse(req.body) as { channelArn: string; metadata: string };
    expect(Object.keys(body)).toEqual(['channelArn', 'metadata']);
    expect(body.channelArn).toBe(ARN);
    expect(Buffer.byteLength(body.metadata)).toBeLessThanOrEqual(1024);
    const payload = JSON.parse(body.metadata) as IvsMetadataPayload;
    // Origin: frame 0's dts (5000); frame 2 presents at 5080.
    expect(payload).toEqual({ v: 1, programTimeMs: 80, message: msg });
    expect(payload.message.wallTimeMs).toBe(1_760_000_000_000);
  });

  it('refuses metadata over 1 KB, which IVS would reject', async () => {
    const r = await receiver();
    const s = sender(r.port);
    s.start();
    const big: CommerceMetadata = {
      v: 1, kind: 'product', show: 's'.repeat(64), segment: 'g'.repeat(64), program: { source: 'c'.repeat(64) }, wallTimeMs: Date.now(), frame: 1,
      product: { id: 'i'.repeat(64), sku: 'k'.repeat(64), title: '€'.repeat(170), price: 1, currency: 'EUR' },
    };
    expect(encodeMetadata(big).length).toBe(1005);
    s.onFrame(frame(0, [big]));
    s.onFrame(frame(1, [sales(1)]));
    await waitUntil(() => s.stats().sent === 1, 3000, 'the small message');
    expect(r.requests).toHaveLength(1);
    expect(s.stats().refusedOversize).toBe(1);
  });

  it('retries ChannelNotBroadcasting (the push is still connecting), gives up on AccessDenied at once', async () => {
    const r = await receiver();
    const ivsError = (status: number, type: string, text: string) => ({
      status,
      headers: { 'content-type': 'application/json', 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazonaws.ivs/` },
      body: JSON.stringify({ exceptionMessage: text }),
    });
    r.answer((i) =>
      i === 0 ? ivsError(404, 'ChannelNotBroadcasting', 'Channel is not broadcasting')
      : i === 1 ? { status: 204 }
      : ivsError(403, 'AccessDeniedException', 'User is not authorized to perform ivs:PutMetadata'),
    );
    const s = sender(r.port, { retry: { initialDelayMs: 50, maxDelayMs: 100, maxAttempts: 3 } });
    s.start();
    s.onFrame(frame(0, [sales(1)]));
    await waitUntil(() => s.stats().sent === 1, 3000, 'the retried delivery');
    expect(s.stats()).toMatchObject({ state: 'ok', retries: 1, failed: 0 });
    expect(r.requests[1]!.body).toBe(r.requests[0]!.body);
    s.onFrame(frame(1, [sales(2)]));
    await waitUntil(() => s.stats().failed === 1, 3000, 'the refusal');
    await sleep(300);
    expect(r.requests).toHaveLength(3);
    expect(s.stats().state).toBe('failing');
    expect(s.stats().lastError).toBe(
      `IVS "Channel": http://127.0.0.1:${r.port} answered HTTP 403: AccessDeniedException: User is not authorized to perform ivs:PutMetadata; gave up on the sales message (frame 1)`,
    );
    for (const line of s.logLines) expect(line).not.toContain(CREDENTIALS.secretAccessKey);
  });

  it('keeps to 5 calls per second by default, the last with the latest numbers', async () => {
    const r = await receiver();
    const s = sender(r.port);
    s.start();
    const started = Date.now();
    for (let i = 1; i <= 50; i++) {
      s.onFrame(frame(i, [sales(i)]));
      await sleep(Math.max(0, started + i * 20 - Date.now()));
    }
    // On a loaded machine the 50 updates may take longer than 1 s: allow 5 calls per started second, plus the last.
    const allowed = 5 * Math.ceil((Date.now() - started) / 1000) + 1;
    const ordersOf = (q: ReceivedRequest): number => (JSON.parse((JSON.parse(q.body) as { metadata: string }).metadata) as IvsMetadataPayload).message.sales!.orders;
    await waitUntil(() => r.requests.some((q) => ordersOf(q) === 50), 3000, 'the final numbers');
    await sleep(300);
    expect(s.stats().queueDepth).toBe(0);
    const orders = r.requests.map(ordersOf);
    expect(orders.length).toBeLessThanOrEqual(allowed);
    expect(orders.at(-1)).toBe(50);
    const at = r.requests.map((q) => q.at);
    for (let i = 5; i < at.length; i++) expect(at[i]! - at[i - 5]!).toBeGreaterThanOrEqual(900);
  });
});
