// Issue 4, figure 4: bad input is refused clearly and changes nothing. Driven through
// the Studio's requests, as the control room and scripts drive it, against a real
// nginx-rtmp whose on_publish refuses one key and a webhook endpoint that never answers.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stopsAfterEach } from '../../../test/support/cleanups';
import type { OutputInfo } from '../../shared/model';
import { benchShow, benchStudio } from '../../../bench/support';
import { startAuthServer, startNginxRtmp, waitUntil } from '../../../test/support/nginxRtmp';
import type { Studio } from './studio';

const cleanups = stopsAfterEach();

async function studioFor(): Promise<{ studio: Studio; dataDir: string }> {
  const made = await benchStudio(benchShow({ width: 640, height: 360, fps: 30 }));
  cleanups.push(() => made.studio.dispose());
  await waitUntil(() => made.studio.snapshot().sources.every((s) => s.state === 'live'), 20_000, 'cameras live');
  return made;
}

const refusal = (p: Promise<unknown>): Promise<{ code: string; message: string }> =>
  p.then(
    () => {
      throw new Error('expected a refusal');
    },
    (err: { code: string; message: string }) => err,
  );

describe('bad input', () => {
  it('refuses oversize metadata before the cut: no cut, nothing scheduled, nothing on the timeline', async () => {
    const { studio } = await studioFor();
    const before = studio.snapshot();
    const wide = '€'.repeat(200);
    const err = await refusal(
      studio.request('metadata:send', {
        kind: 'product',
        show: 's'.repeat(64),
        segment: 'g'.repeat(64),
        product: { id: 'i'.repeat(64), sku: 'k'.repeat(64), title: wide, price: 1, currency: 'EUR' },
        program: { source: 'a'.repeat(64), layout: 'b'.repeat(64) },
        cut: 'src-2',
      }),
    );
    expect(err.code).toBe('badRequest');
    expect(err.message).toMatch(/\d+ bytes encoded, the limit is 1024/);
    const after = studio.snapshot();
    expect(after.switcher.program).toBe(before.switcher.program);
    expect(after.metadata.timeline).toEqual([]);
    expect(studio.metadata.pendingCount).toBe(0);
  }, 60_000);

  it('refuses invalid URLs and misplaced carriers with the reason, adding nothing', async () => {
    const { studio, dataDir } = await studioFor();
    const stored = readFileSync(join(dataDir, 'show.json'), 'utf8');
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ name: 'A', kind: 'rtmp', target: 'http://ingest.example.com/live' }, /Invalid ingest URL/],
      [{ name: 'B', kind: 'rtmp', target: 'rtmp://' }, /Invalid ingest URL/],
      [{ name: 'C', kind: 'srt', target: 'udp://127.0.0.1:9000' }, /srt:\/\//],
      [{ name: 'D', kind: 'srt', target: 'srt://127.0.0.1:9000', cuePoints: true }, /only RTMP/],
      [{ name: 'E', kind: 'rtmp', target: 'rtmp://127.0.0.1/live', metadataSender: { kind: 'webhook', url: 'ftp://x.example.com/hook' } }, /http:\/\/ or https:\/\//],
      [{ name: 'F', kind: 'rtmp', target: 'rtmp://127.0.0.1/live', preset: 'no-such-platform' }, /Unknown ingest preset/],
      [{ name: 'G', kind: 'rtmp', target: 'rtmp://127.0.0.1/live', preset: 'custom-srt' }, /is an SRT ingest/],
      [{ name: 'H', kind: 'rtmp', target: 'rtmp://127.0.0.1/live', metadataSender: { kind: 'ivs', channelArn: 'not-an-arn', accessKeyId: 'AKIDEXAMPLE00000', secretAccessKey: 'x'.repeat(20) } }, /IVS channel ARN/],
    ];
    for (const [params, reason] of cases) {
      const err = await refusal(studio.request('output:add', params));
      expect(err.code, JSON.stringify(params)).toBe('badRequest');
      expect(err.message).toMatch(reason);
    }
    expect(studio.snapshot().outputs).toEqual([]);
    expect(readFileSync(join(dataDir, 'show.json'), 'utf8')).toBe(stored);
  }, 60_000);

  it('reports a rejected key without the key, and the other destination stays live', async () => {
    const auth = await startAuthServer(['wrong-key-123']);
    cleanups.push(() => auth.stop());
    const nginx = await startNginxRtmp({ onPublishUrl: auth.url });
    cleanups.push(() => nginx.stop());
    const { studio } = await studioFor();
    const bad = (await studio.request('output:add', { name: 'Shop A', kind: 'rtmp', target: nginx.url, streamKey: 'wrong-key-123' })) as { id: string };
    const good = (await studio.request('output:add', { name: 'Shop B', kind: 'rtmp', target: nginx.url, streamKey: 'right-key' })) as { id: string };
    await studio.request('output:startAll', {});
    const info = (id: string): OutputInfo => studio.snapshot().outputs.find((o) => o.id === id)!;
    await waitUntil(() => info(bad.id).state === 'error', 30_000, 'the refused destination to give up');
    expect(info(bad.id).lastError).toMatch(/^Destination "Shop A": .*rejected the stream key/);
    expect(JSON.stringify(studio.snapshot())).not.toContain('wrong-key-123');
    expect(studio.logEntriesCopy().map((e) => e.message).join('\n')).not.toContain('wrong-key-123');
    expect(info(good.id).state).toBe('live');
    expect(info(good.id).reconnects).toBe(0);
  }, 90_000);

  it('keeps the stream going when a webhook endpoint never answers, and says so', async () => {
    const hanging = http.createServer(() => undefined);
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => (hanging.closeAllConnections(), hanging.close(() => resolve()))));
    const hook = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/hook`;
    const nginx = await startNginxRtmp();
    cleanups.push(() => nginx.stop());
    const { studio } = await studioFor();
    const out = (await studio.request('output:add', {
      name: 'Shop',
      kind: 'rtmp',
      target: nginx.url,
      streamKey: 'k',
      metadataSender: { kind: 'webhook', url: hook, secret: 'webhook-secret-1' },
    })) as { id: string };
    await studio.request('output:start', { id: out.id });
    const info = (): OutputInfo => studio.snapshot().outputs.find((o) => o.id === out.id)!;
    await waitUntil(() => info().state === 'live', 15_000, 'destination live');
    const t0 = performance.now();
    for (let i = 0; i < 5; i++) {
      await studio.request('metadata:send', { kind: 'product', product: { id: `p${i}`, sku: `S${i}`, title: 'Ring', price: 10, currency: 'EUR' } });
    }
    // Requests answer at once: the sender works in the background.
    expect(performance.now() - t0).toBeLessThan(1000);
    const frameBefore = studio.snapshot().health.programFrame;
    await waitUntil(() => (info().metadataSender?.lastError ?? '') !== '', 20_000, 'the sender to report the timeout');
    expect(info().metadataSender!.lastError).toMatch(/no answer within 3000 ms/);
    expect(info().metadataSender!.lastError).not.toContain('webhook-secret-1');
    expect(['retrying', 'failing']).toContain(info().metadataSender!.state);
    expect(info().state).toBe('live');
    expect(studio.snapshot().health.programFrame).toBeGreaterThan(frameBefore + 30);
    expect(JSON.stringify(studio.snapshot())).not.toContain('webhook-secret-1');
  }, 90_000);
});
