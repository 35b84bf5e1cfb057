// RtmpPublisher against a real nginx-rtmp: what arrives is judged by decoding it
// with ffmpeg/ffprobe (DESIGN.md §5), not by our own counters.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stopsAfterEach } from '../../../../../test/support/cleanups';
import { freePort, sleep, startAuthServer, startNginxRtmp, waitUntil, type NginxRtmp } from '../../../../../test/support/nginxRtmp';
import { startTlsProxy } from '../../../../../test/support/tlsProxy';
import { decodeFrames, exitWithin, flvProducer, largestGapMs, rtmpCapture } from '../../../../../test/support/streamProbe';
import { createMemoryLogger } from '../../logger';
import { FlvReader } from '../../mux/flvTags';
import { FlvToPackets } from '../../mux/flvToPackets';
import type { FfmpegProcess } from '../../process/ffmpegProcess';
import { RtmpPublisher } from './rtmpPublisher';

const FRAME_MS = 1000 / 30;
const cleanups = stopsAfterEach();

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cuecast-rtmp-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
async function nginx(options: Parameters<typeof startNginxRtmp>[0] = {}): Promise<NginxRtmp> {
  const server = await startNginxRtmp(options);
  cleanups.push(() => server.stop());
  return server;
}
function publisher(options: Partial<ConstructorParameters<typeof RtmpPublisher>[0]> & { url: string; streamKey: string }): RtmpPublisher & { lines: string[] } {
  const logger = createMemoryLogger();
  const p = new RtmpPublisher({ name: 'Local', logger, reconnect: { initialDelayMs: 200, maxDelayMs: 1000 }, ...options });
  cleanups.push(() => p.stop());
  return Object.assign(p, { lines: logger.lines });
}
function track(proc: FfmpegProcess): FfmpegProcess {
  proc.start();
  cleanups.push(() => proc.stop({ graceMs: 1000 }));
  return proc;
}
/** Encoder stdout → FlvReader → FlvToPackets → publisher, as the encoder stage wires it. */
function feed(producer: FfmpegProcess, sink: RtmpPublisher): void {
  const reader = new FlvReader();
  const adapter = new FlvToPackets({ sink });
  producer.stdout.on('data', (chunk: Buffer) => adapter.onTags(reader.push(chunk)));
}

describe('RtmpPublisher → nginx-rtmp', () => {
  it('delivers every frame with continuous timestamps and audio', async () => {
    const server = await nginx();
    const dir = tempDir();
    const pub = publisher({ url: server.url, streamKey: 'cam1' });
    pub.start();
    await waitUntil(() => pub.state === 'live', 5000, 'live');
    // Live but nothing sent yet: the capture joins before the first frame.
    const capture = track(rtmpCapture(`${server.url}/cam1`, path.join(dir, 'got.flv')));
    await server.waitForPlayer('cam1');
    const producer = track(flvProducer({ seconds: 4, realtime: true }));
    feed(producer, pub);
    expect(await exitWithin(producer, 15_000)).toBe(true);
    await sleep(300);
    expect(pub.stats().bytesSent).toBeGreaterThan(100_000);
    expect(pub.stats().bitrateKbps).toBeGreaterThan(0);
    await pub.stop();
    expect(await exitWithin(capture, 8000), 'the capture ends when the publisher unpublishes').toBe(true);

    const got = await decodeFrames(path.join(dir, 'got.flv'));
    expect(got.video.length).toBe(120);
    expect(got.video[0]!.key).toBe(true);
    expect(largestGapMs(got.video.map((f) => f.ptsMs))).toBeLessThanOrEqual(Math.ceil(FRAME_MS) + 1);
    // 4 s of 44.1 kHz AAC is ~172 frames of 1024 samples.
    expect(got.audio.length).toBeGreaterThan(160);
    expect(largestGapMs(got.audio.map((f) => f.ptsMs))).toBeLessThanOrEqual(30);
    expect(pub.stats()).toMatchObject({ state: 'idle', droppedFrames: 0, reconnects: 0 });
  });

  it('reconnects by itself when the ingest restarts, on a timeline that keeps going', async () => {
    const first = await startNginxRtmp();
    cleanups.push(() => first.stop());
    const port = first.port;
    const dir = tempDir();
    const pub = publisher({ url: first.url, streamKey: 'cam2' });
    const states: string[] = [];
    pub.onState((s) => states.push(s));
    pub.start();
    await waitUntil(() => pub.state === 'live', 5000, 'live');
    const producer = track(flvProducer({ seconds: 12, realtime: true }));
    feed(producer, pub);
    await sleep(2500);
    await first.stop();
    await waitUntil(() => pub.state === 'reconnecting', 5000, 'reconnecting after the ingest went away');
    expect(pub.stats().lastError).toMatch(/^Destination "Local": .*retrying in/);
    await sleep(2000);
    const second = await nginx({ port });
    await waitUntil(() => pub.state === 'live', 8000, 'live again');
    expect(pub.stats().reconnects).toBeGreaterThanOrEqual(1);
    const capture = track(rtmpCapture(`${second.url}/cam2`, path.join(dir, 'again.flv')));
    await second.waitForPlayer('cam2');
    expect(await exitWithin(producer, 20_000)).toBe(true);
    await sleep(300);
    await pub.stop();
    expect(await exitWithin(capture, 8000), 'the capture ends when the publisher unpublishes').toBe(true);

    expect(states).toEqual(expect.arrayContaining(['connecting', 'live', 'reconnecting']));
    const got = await decodeFrames(path.join(dir, 'again.flv'));
    // The capture joins ~5 s in and the stream ends at 12 s: a few seconds must decode.
    expect(got.video.length).toBeGreaterThan(60);
    expect(got.audio.length).toBeGreaterThan(100);
    const times = got.video.map((f) => f.ptsMs);
    expect(largestGapMs(times)).toBeLessThanOrEqual(Math.ceil(FRAME_MS) + 1);
    // Zero was set by the first frame after start(): after the restart the ingest
    // sees times past the outage, not a timeline starting again at 0.
    expect(Math.min(...times)).toBeGreaterThan(4000);
  });

  it('gives up on a rejected stream key with a clear message without the key', async () => {
    const key = 'sk-live-SECRET-4242';
    const auth = await startAuthServer([key]);
    cleanups.push(() => auth.stop());
    const server = await nginx({ onPublishUrl: auth.url });
    const pub = publisher({ name: 'YouTube', url: server.url, streamKey: key });
    pub.start();
    await waitUntil(() => pub.state === 'error', 10_000, 'error state');
    const { lastError } = pub.stats();
    expect(lastError).toMatch(/^Destination "YouTube": the ingest closed the connection when we published \(it rejected the stream key/);
    expect(auth.asked.filter((k) => k === key).length).toBe(3);
    expect(lastError).not.toContain(key);
    expect(pub.lines.join('\n')).not.toContain(key);
    // Permanent: no further attempts.
    await sleep(1000);
    expect(auth.asked.length).toBe(3);
  });

  it('reports NetStream.Publish.BadName when the stream is already being published', async () => {
    const server = await nginx();
    const key = 'dup-SECRET-77';
    const owner = publisher({ url: server.url, streamKey: key });
    owner.start();
    await waitUntil(() => owner.state === 'live', 5000, 'first publisher live');
    const second = publisher({ name: 'Backup', url: server.url, streamKey: key, maxRejections: 2 });
    second.start();
    await waitUntil(() => second.state === 'error', 10_000, 'second publisher error');
    expect(second.stats().lastError).toMatch(/^Destination "Backup": the ingest rejected the stream key \(NetStream\.Publish\.BadName/);
    expect(second.stats().lastError).not.toContain(key);
    expect(owner.state).toBe('live');
  });

  it('keeps retrying an unreachable ingest and says so', async () => {
    const port = await freePort();
    const pub = publisher({ url: `rtmp://127.0.0.1:${port}/live`, streamKey: 'k' });
    pub.start();
    await waitUntil(() => pub.stats().reconnects >= 2, 10_000, 'two reconnect attempts');
    expect(pub.state).toBe('reconnecting');
    expect(pub.stats().lastError).toMatch(new RegExp(`^Destination "Local": cannot reach 127\\.0\\.0\\.1:${port} \\(connection refused\\); retrying in \\d`));
    await pub.stop();
    expect(pub.state).toBe('idle');
    const attempts = pub.stats().reconnects;
    await sleep(1500);
    expect(pub.stats().reconnects).toBe(attempts);
  });

  it('publishes over RTMPS (TLS with SNI) and reports an untrusted certificate clearly', async () => {
    const server = await nginx();
    const proxy = await startTlsProxy(server.port);
    cleanups.push(() => proxy.stop());
    const dir = tempDir();
    const url = `rtmps://localhost:${proxy.port}/live`;

    const untrusted = publisher({ name: 'Secure', url, streamKey: 'cam3' });
    untrusted.start();
    await waitUntil(() => untrusted.stats().reconnects >= 1, 5000, 'a retry after the TLS failure');
    expect(untrusted.stats().lastError).toMatch(new RegExp(`^Destination "Secure": TLS with localhost:${proxy.port} failed \\(self[- ]signed certificate\\); retrying`));
    await untrusted.stop();

    const pub = publisher({ name: 'Secure', url, streamKey: 'cam3', tlsCa: proxy.cert });
    pub.start();
    await waitUntil(() => pub.state === 'live', 5000, 'live over TLS');
    expect(proxy.serverNames.at(-1)).toBe('localhost');
    const capture = track(rtmpCapture(`${server.url}/cam3`, path.join(dir, 'tls.flv')));
    await server.waitForPlayer('cam3');
    const producer = track(flvProducer({ seconds: 2, realtime: true }));
    feed(producer, pub);
    expect(await exitWithin(producer, 10_000)).toBe(true);
    await sleep(300);
    await pub.stop();
    expect(await exitWithin(capture, 8000)).toBe(true);
    const got = await decodeFrames(path.join(dir, 'tls.flv'));
    expect(got.video.length).toBe(60);
    expect(got.audio.length).toBeGreaterThan(70);
  });

  it('refuses a malformed URL with a clear error', () => {
    const pub = publisher({ name: 'Bad', url: 'http://example.com/live', streamKey: 'k' });
    pub.start();
    expect(pub.state).toBe('error');
    expect(pub.stats().lastError).toBe('Destination "Bad": bad server URL: unsupported scheme "http://" in "http://example.com/live" (use rtmp:// or rtmps://)');
  });
});
