// Network feeds pulled from the servers a show really meets: a remote camera's encoder
// publishing to nginx-rtmp (read over RTMP, and over RTMPS through a TLS front), to
// node-media-server (read as HTTP-FLV), through an SRT relay (srt-live-transmit); an
// IP camera's RTSP server (GStreamer's, H.264 + G.711); HLS served by nginx over HTTP
// and HTTPS. Encoders run with a 4 s GOP and the studio joins mid-GOP, as it would.
// Each feed must show the remote picture (its colour, decoded from our own frames) and
// its tone; feeds that are lost must show NO SIGNAL within 1.5 s and come back by
// themselves. Every process is stopped in afterEach, even when a test fails.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stopChild } from '../../../../test/support/childProcess';
import { stopsAfterEach } from '../../../../test/support/cleanups';
import { startNginxHttp } from '../../../../test/support/nginxHttp';
import { startNginxRtmp } from '../../../../test/support/nginxRtmp';
import { startNodeMediaServer } from '../../../../test/support/nodeMediaServer';
import { RtspServer } from '../../../../test/support/rtspServer';
import { SrtRelay } from '../../../../test/support/srtRelay';
import { startTlsProxy } from '../../../../test/support/tlsProxy';
import type { CanvasSettings, SourceState } from '../../../shared/model';
import { createMemoryLogger } from '../logger';
import { solidFrame } from '../switcher/frameOps';
import { SourceWorker } from './sourceWorker';

const canvas: CanvasSettings = { width: 320, height: 180, fps: 30 };
const FEED_COLOUR = '#2e6bd1';
/** 4 s at 30 fps: commerce encoders use 2–4 s, and a player joining waits for the next. */
const GOP_FRAMES = 120;

const cleanups = stopsAfterEach();

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, check: () => boolean, timeoutMs: number): Promise<number> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
  return Date.now() - start;
}

/** A worker with its own log, to see which path found a feed's missing audio. */
function loggedWorker(url: string): { w: SourceWorker; logger: ReturnType<typeof createMemoryLogger> } {
  const logger = createMemoryLogger();
  const w = new SourceWorker({ id: 'remote', spec: { kind: 'networkFeed', name: 'Remote', url }, canvas, ffmpegPath: 'ffmpeg', logger });
  cleanups.push(() => w.dispose());
  return { w, logger };
}

function worker(url: string): SourceWorker {
  return loggedWorker(url).w;
}

/** A remote camera's encoder: the feed colour and a 1 kHz tone, H.264 + AAC, real time. */
function remoteEncoder(output: readonly string[], gopFrames = GOP_FRAMES): ChildProcess {
  const child = spawn('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    '-re', '-f', 'lavfi', '-i', `color=c=0x${FEED_COLOUR.slice(1)}:size=640x360:rate=30`,
    '-re', '-f', 'lavfi', '-i', 'sine=frequency=1000:sample_rate=48000',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p',
    '-g', String(gopFrames), '-keyint_min', String(gopFrames), '-sc_threshold', '0', '-b:v', '800k',
    '-c:a', 'aac', '-b:a', '96k', ...output,
  ], { stdio: 'ignore' });
  cleanups.push(() => stopChild(child));
  return child;
}

const expected = solidFrame(canvas, FEED_COLOUR);
const U_PLANE = canvas.width * canvas.height;

/** The centre of the frame has the feed's luma and blue-difference chroma (the slate is grey). */
function showsFeed(frame: Buffer): boolean {
  const y = (canvas.height / 2) * canvas.width + canvas.width / 2;
  const u = U_PLANE + (canvas.height / 4) * (canvas.width / 2) + canvas.width / 4;
  return Math.abs(frame[y]! - expected[y]!) <= 12 && Math.abs(frame[u]! - expected[u]!) <= 12;
}

/** Live, showing the remote picture, with its tone audible. */
function waitForFeed(w: SourceWorker, timeoutMs: number): Promise<number> {
  return waitFor(
    `the remote picture and tone (now ${w.state}: ${w.info().reason}, audio ${w.info().audioLevelDb} dB)`,
    () => w.state === 'live' && showsFeed(w.frameForTick()) && w.info().audioLevelDb > -40,
    timeoutMs,
  );
}

/** The feed is lost: NO SIGNAL (the slate, not the last picture) within 1.5 s. */
async function expectNoSignal(w: SourceWorker): Promise<void> {
  const lost: readonly SourceState[] = ['noSignal', 'reconnecting'];
  const took = await waitFor('NO SIGNAL', () => lost.includes(w.state) && !showsFeed(w.frameForTick()), 3000);
  expect(took).toBeLessThanOrEqual(1500);
  expect(w.info().reason).toBeTruthy();
}

describe('network feeds from real servers', () => {
  it('rtmp:// from nginx-rtmp, joined mid-GOP; a lost publisher shows NO SIGNAL and comes back by itself', async () => {
    const nginx = await startNginxRtmp();
    cleanups.push(() => nginx.stop());
    const publish = (): ChildProcess => remoteEncoder(['-f', 'flv', `${nginx.url}/cam`]);
    let encoder = publish();
    await sleep(1500); // the next keyframe is ~2.5 s away
    const w = worker(`${nginx.url}/cam`);
    w.start();
    await waitForFeed(w, 15_000);
    expect(w.info().hasAudio).toBe(true);

    await stopChild(encoder);
    await expectNoSignal(w);
    encoder = publish();
    await waitForFeed(w, 25_000);
    expect(w.info().reconnects).toBeGreaterThanOrEqual(1);
  });

  it('a video-only rtmp:// feed shows its picture with silence, without waiting out ffmpeg\'s audio probe', async () => {
    const nginx = await startNginxRtmp();
    cleanups.push(() => nginx.stop());
    remoteEncoder(['-an', '-f', 'flv', `${nginx.url}/cam`], 60); // a 2 s GOP
    await sleep(1000);
    const { w, logger } = loggedWorker(`${nginx.url}/cam`);
    w.start();
    // ffmpeg alone would wait FLV_PROBE_US (6 s of stream time) for an audio stream
    // before the silent retry began. The feed's metadata says there is none at once;
    // the silent retry then needs the next keyframe (≤ 2 s here) and a brief look.
    const tookMs = await waitFor('the picture, with generated silence', () => w.state === 'live' && showsFeed(w.frameForTick()), 20_000);
    expect(logger.lines.some((l) => l.includes('the feed says it carries no audio'))).toBe(true);
    expect(tookMs).toBeLessThan(5000);
    expect(w.info().audioLevelDb).toBe(-120);
    expect(w.info().hasAudio).toBe(false);
    expect(w.info().reconnects).toBe(0);
  });

  it('a video-only rtmps:// feed with a self-signed certificate gets silence as fast: the peek, like ffmpeg, does not verify it', async () => {
    const nginx = await startNginxRtmp();
    cleanups.push(() => nginx.stop());
    const tls = await startTlsProxy(nginx.port);
    cleanups.push(() => tls.stop());
    remoteEncoder(['-an', '-f', 'flv', `${nginx.url}/cam`], 60); // a 2 s GOP
    await sleep(1000);
    const { w, logger } = loggedWorker(`rtmps://localhost:${tls.port}/live/cam`);
    w.start();
    // A peek that refused the certificate would leave the answer to ffmpeg's probe:
    // 6 s of stream time, then the silent retry (over 7 s in all).
    const tookMs = await waitFor('the picture, with generated silence', () => w.state === 'live' && showsFeed(w.frameForTick()), 20_000);
    expect(logger.lines.some((l) => l.includes('the feed says it carries no audio'))).toBe(true);
    expect(tookMs).toBeLessThan(5000);
    expect(w.info().audioLevelDb).toBe(-120);
    expect(tls.serverNames.length).toBeGreaterThanOrEqual(2); // ffmpeg's connection and the peek's
  });

  it('a video-only HTTP-FLV feed (node-media-server) shows its picture with silence without waiting out the audio probe', async () => {
    const nms = await startNodeMediaServer();
    cleanups.push(() => nms.stop());
    remoteEncoder(['-an', '-f', 'flv', `${nms.rtmpUrl}/cam`], 60); // a 2 s GOP
    await sleep(1000);
    const { w, logger } = loggedWorker(`${nms.httpUrl}/cam.flv`);
    w.start();
    const tookMs = await waitFor('the picture, with generated silence', () => w.state === 'live' && showsFeed(w.frameForTick()), 20_000);
    expect(logger.lines.some((l) => l.includes('the feed says it carries no audio'))).toBe(true);
    expect(tookMs).toBeLessThan(5000);
    expect(w.info().audioLevelDb).toBe(-120);
  });

  it('rtmps:// through a TLS front to nginx-rtmp', async () => {
    const nginx = await startNginxRtmp();
    cleanups.push(() => nginx.stop());
    const tls = await startTlsProxy(nginx.port);
    cleanups.push(() => tls.stop());
    remoteEncoder(['-f', 'flv', `${nginx.url}/cam`]);
    await sleep(1500);
    const w = worker(`rtmps://localhost:${tls.port}/live/cam`);
    w.start();
    await waitForFeed(w, 15_000);
    expect(tls.serverNames.length).toBeGreaterThanOrEqual(1);
  });

  it('HTTP-FLV (http://…/cam.flv) from node-media-server', async () => {
    const nms = await startNodeMediaServer();
    cleanups.push(() => nms.stop());
    remoteEncoder(['-f', 'flv', `${nms.rtmpUrl}/cam`]);
    await sleep(1500);
    const w = worker(`${nms.httpUrl}/cam.flv`);
    w.start();
    await waitForFeed(w, 15_000);
  });

  it('srt:// through srt-live-transmit; a relay that dies shows NO SIGNAL and comes back by itself', async () => {
    const relay = await SrtRelay.start();
    cleanups.push(() => relay.kill());
    const publish = (): ChildProcess => remoteEncoder(['-f', 'mpegts', relay.publisherUrl]);
    let encoder = publish();
    await sleep(1500);
    const w = worker(relay.readerUrl);
    w.start();
    await waitForFeed(w, 15_000);

    await relay.kill();
    await expectNoSignal(w);
    await stopChild(encoder); // its caller lost the relay too
    relay.run();
    await sleep(300);
    encoder = publish();
    await waitForFeed(w, 25_000);
    expect(w.info().reconnects).toBeGreaterThanOrEqual(1);
  });

  it('a feed that came without audio gets its tone once its encoder comes back with one', async () => {
    const relay = await SrtRelay.start();
    cleanups.push(() => relay.kill());
    const silentEncoder = remoteEncoder(['-an', '-f', 'mpegts', relay.publisherUrl]);
    await sleep(1000);
    const w = worker(relay.readerUrl);
    w.start();
    await waitFor('the picture, with generated silence', () => w.state === 'live' && showsFeed(w.frameForTick()), 15_000);
    expect(w.info().audioLevelDb).toBe(-120);
    expect(w.info().hasAudio).toBe(false);

    // The operator plugs the microphone in and restarts the remote encoder.
    await stopChild(silentEncoder);
    await relay.kill();
    relay.run();
    await sleep(300);
    remoteEncoder(['-f', 'mpegts', relay.publisherUrl]);
    await waitForFeed(w, 25_000);
    expect(w.info().hasAudio).toBe(true);
  });

  it("rtsp:// from an IP camera's RTSP server (H.264 + G.711); a camera that reboots comes back by itself", async () => {
    const camera = await RtspServer.start(FEED_COLOUR, GOP_FRAMES);
    cleanups.push(() => camera.stop());
    const w = worker(camera.url);
    w.start();
    await waitForFeed(w, 15_000);

    await camera.stop();
    await expectNoSignal(w);
    await camera.run();
    await waitForFeed(w, 25_000);
    expect(w.info().reconnects).toBeGreaterThanOrEqual(1);
  });

  it('a feed that cannot play says what to check, from what each real server answered', async () => {
    const nginx = await startNginxRtmp();
    cleanups.push(() => nginx.stop());
    const camera = await RtspServer.start(FEED_COLOUR, GOP_FRAMES);
    cleanups.push(() => camera.stop());
    const dir = mkdtempSync(join(tmpdir(), 'cuecast-web-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const web = await startNginxHttp(dir);
    cleanups.push(() => web.stop());
    const cases: [string, RegExp][] = [
      [`${nginx.url}/nobody`, /^nothing is publishing this stream on the server/],
      [`rtmp://127.0.0.1:${nginx.port}/wrongapp/cam`, /^the server closed the connection: check the application name/],
      [`rtmps://localhost:${nginx.port}/live/cam`, /^the secure \(TLS\) connection failed/],
      [`rtsp://127.0.0.1:${camera.port}/wrong`, /^the camera has no stream at this path \(RTSP 404\)/],
      [`${web.httpsUrl}/missing.m3u8`, /^not found on the server \(HTTP 404\)/],
    ];
    const workers = cases.map(([url]) => worker(url));
    for (const w of workers) w.start();
    await waitFor('every feed to give up its first try', () => workers.every((w) => w.state === 'reconnecting'), 15_000);
    cases.forEach(([url, reason], i) => expect(workers[i]!.info().reason, url).toMatch(reason));
  });

  it('HLS over http:// and https:// from a web server', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cuecast-hls-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    // HLS encoders cut 2 s segments on 2 s GOPs.
    remoteEncoder(['-f', 'hls', '-hls_time', '2', '-hls_list_size', '5', '-hls_flags', 'delete_segments', join(dir, 'live.m3u8')], 60);
    const playlist = join(dir, 'live.m3u8');
    await waitFor('two HLS segments', () => existsSync(playlist) && (readFileSync(playlist, 'utf8').match(/\.ts/g)?.length ?? 0) >= 2, 15_000);
    const web = await startNginxHttp(dir);
    cleanups.push(() => web.stop());
    const overHttp = worker(`${web.httpUrl}/live.m3u8`);
    const overHttps = worker(`${web.httpsUrl}/live.m3u8`);
    overHttp.start();
    overHttps.start();
    await Promise.all([waitForFeed(overHttp, 15_000), waitForFeed(overHttps, 15_000)]);
  });
});
