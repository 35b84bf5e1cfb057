import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ServerMessage } from '../../shared/contract';
import type { StudioSnapshot } from '../../shared/model';
import { createMemoryLogger } from '../engine/logger';
import { createStudio } from './createStudio';
import { demoShow } from './demoShow';
import { startHost, type RunningHost } from './headlessHost';
import type { Studio } from './studio';

const TOKEN = 'test-token-0123456789';
const KEY = 'sekrit-stream-key-42';

let studio: Studio;
let host: RunningHost;
let dataDir: string;

async function post(name: string, params: unknown = {}, token: string | null = TOKEN): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`http://127.0.0.1:${host.port}/api/request/${name}`, {
    method: 'POST',
    headers: token ? { Authorization: `Bearer ${token}` } : {},
    body: JSON.stringify(params),
  });
  return { status: res.status, body: await res.json() };
}

function openClient(token: string): Promise<{ ws: WebSocket; messages: ServerMessage[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api?token=${token}`);
    const messages: ServerMessage[] = [];
    ws.on('message', (raw) => messages.push(JSON.parse(raw.toString()) as ServerMessage));
    ws.once('open', () => resolve({ ws, messages }));
    ws.once('error', reject);
  });
}

async function waitFor<T>(find: () => T | undefined, ms: number, what: string): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'cuecast-host-test-'));
  const show = { ...demoShow(join(dataDir, 'rec')), canvas: { width: 320, height: 180, fps: 25 as const } };
  studio = await createStudio({ dataDir, show, rehearsal: false, logger: createMemoryLogger() });
  host = await startHost(studio, { port: 0, host: '127.0.0.1', token: TOKEN, staticDir: null });
});

afterAll(async () => {
  await host?.close();
  await studio?.dispose();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('headless host', () => {
  it('refuses API calls without the token, over HTTP and WebSocket', async () => {
    expect((await post('studio:getState', {}, null)).status).toBe(401);
    expect((await post('studio:getState', {}, 'wrong-token-0123456789')).status).toBe(401);
    await expect(openClient('nope')).rejects.toThrow(/401/);
  });

  it('answers the caller and broadcasts the tally on the frame of the cut', async () => {
    const a = await openClient(TOKEN);
    const b = await openClient(TOKEN);
    try {
      a.ws.send(JSON.stringify({ id: 7, request: 'switcher:cut', params: { input: 'src-3' } }));
      const reply = await waitFor(() => a.messages.find((m) => 'id' in m && m.id === 7), 5000, 'the cut reply');
      expect(reply).toMatchObject({ ok: true });
      const frame = (reply as { result: { frame: number } }).result.frame;
      // The other client was not asked, and still learns of the change.
      expect(b.messages.some((m) => 'id' in m)).toBe(false);
      const tally = await waitFor(
        () => b.messages.find((m) => 'event' in m && m.event === 'switcher:tally' && (m.data as { frame: number }).frame === frame),
        5000,
        'the tally event',
      );
      expect((tally as { data: { switcher: { program: string } } }).data.switcher.program).toBe('src-3');
    } finally {
      a.ws.close();
      b.ws.close();
    }
  });

  it('returns errors as code and message, never a stack', async () => {
    const unknown = await post('switcher:explode');
    expect(unknown).toEqual({ status: 400, body: { code: 'unknownRequest', message: 'Unknown request "switcher:explode"' } });
    const bad = await post('switcher:preview', { input: 42 });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'badRequest' });
    expect(JSON.stringify(bad.body)).not.toMatch(/at .*\.ts:\d+/);
    const missing = await post('switcher:preview', { input: 'src-99' });
    expect(missing.body).toMatchObject({ code: 'conflict', message: 'no source or layout with id src-99' });
  });

  it('refuses a malformed feed URL naming the source, and adds nothing', async () => {
    const before = ((await post('studio:getState')).body as StudioSnapshot).sources.length;
    const res = await post('source:add', { spec: { kind: 'networkFeed', name: 'Drone', url: 'ftp://example.com/x' } });
    expect(res.status).toBe(400);
    expect((res.body as { message: string }).message).toMatch(/Drone/);
    expect(((await post('studio:getState')).body as StudioSnapshot).sources.length).toBe(before);
  });

  it('keeps a stream key out of state, answers and the settings file', async () => {
    const added = await post('output:add', { name: 'Shop', kind: 'rtmp', target: 'rtmp://127.0.0.1:1/live', streamKey: KEY });
    expect(added.status).toBe(200);
    const state = await post('studio:getState');
    expect(JSON.stringify(state.body)).not.toContain(KEY);
    const output = (state.body as StudioSnapshot).outputs.find((o) => o.name === 'Shop');
    expect(output).toMatchObject({ hasKey: true, target: 'rtmp://127.0.0.1:1/live' });
    expect(readFileSync(join(dataDir, 'show.json'), 'utf8')).not.toContain(KEY);
    expect(studio.secrets.decrypt(studio.config.outputs.find((o) => o.name === 'Shop')!.sealedKey!)).toBe(KEY);
  });

  it('refuses an invalid ingest URL with a reason', async () => {
    const res = await post('output:add', { name: 'Bad', kind: 'rtmp', target: 'http://not-rtmp' });
    expect(res.status).toBe(400);
    expect((res.body as { message: string }).message).toMatch(/Invalid ingest URL/);
  });

  it('serves live previews as JPEG', async () => {
    await waitFor(() => (studio.latestPreview('src-1') ? true : undefined), 15_000, 'a source thumbnail');
    const res = await fetch(`http://127.0.0.1:${host.port}/preview/src-1.jpg?token=${TOKEN}`);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect((await fetch(`http://127.0.0.1:${host.port}/preview/src-1.jpg`)).status).toBe(401);
  });

  it('puts commerce metadata on the frame of a cut, and refuses an oversize message changing nothing', async () => {
    const product = { id: 'ring-1', sku: 'RING-18K-01', title: 'Gold ring', price: 199, currency: 'CNY' };
    const before = ((await post('studio:getState')).body as StudioSnapshot).switcher.program;
    // Every field within its own limit, but '€' is 3 bytes in UTF-8: over 1 KB in all.
    const big = await post('metadata:send', {
      kind: 'product',
      product: { ...product, title: '€'.repeat(200), sku: 'S'.repeat(64) },
      segment: 's'.repeat(60),
      show: 'y'.repeat(60),
      cut: 'src-2',
      program: { source: 'z'.repeat(64), layout: 'w'.repeat(64) },
    });
    expect(big.status).toBe(400);
    expect((big.body as { message: string }).message).toMatch(/1024/);
    expect(((await post('studio:getState')).body as StudioSnapshot).switcher.program).toBe(before);

    const sent = await post('metadata:send', { kind: 'product', product, cut: 'src-2' });
    expect(sent.status).toBe(200);
    const frame = (sent.body as { frame: number }).frame;
    expect(frame).toBeGreaterThan(0);
    expect(((await post('studio:getState')).body as StudioSnapshot).switcher.program).toBe('src-2');
    await waitFor(() => (studio.metadata.stats().onTime >= 1 ? true : undefined), 10_000, 'the message to be written into its frame');
    expect(studio.metadata.stats().late).toBe(0);
  });
});
