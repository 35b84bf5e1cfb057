// Real ffmpeg, small canvas (320x180@30) so it runs quickly on 2 cores. Every process
// a test starts is stopped in afterEach, even when the test fails; every wait is bounded.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { CanvasSettings, SourceSpec, SourceState } from '../../../shared/model';
import { createMemoryLogger } from '../logger';
import { renderSlate } from './slate';
import { barcodeHeight } from './sourceArgs';
import { SourceWorker, type SourceWorkerOptions } from './sourceWorker';

const canvas: CanvasSettings = { width: 320, height: 180, fps: 30 };
const FRAME_BYTES = (320 * 180 * 3) / 2;
const workers: SourceWorker[] = [];
const servers: ChildProcess[] = [];
const dir = mkdtempSync(join(tmpdir(), 'cuecast-src-'));

function worker(spec: SourceSpec, extra: Partial<SourceWorkerOptions> = {}): SourceWorker {
  const w = new SourceWorker({ id: spec.name.toLowerCase(), spec, canvas, ffmpegPath: 'ffmpeg', logger: createMemoryLogger(), ...extra });
  workers.push(w);
  return w;
}

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.kill('SIGCONT');
    s.kill('SIGKILL');
  }
  await Promise.all(workers.splice(0).map((w) => w.dispose()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function waitFor(what: string, cond: () => boolean, timeoutMs: number): Promise<number> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - start;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function waitState(w: SourceWorker, states: readonly SourceState[], timeoutMs: number): Promise<number> {
  return waitFor(`state ${states.join('|')} (now ${w.state}: ${w.info().reason})`, () => states.includes(w.state), timeoutMs);
}

function luma(frame: Buffer, x: number, y: number): number {
  return frame[Math.floor(y) * canvas.width + Math.floor(x)];
}

/** Reads the 16-cell frame barcode (sourceArgs.ts) from a decoded canvas frame. */
function readBarcode(frame: Buffer): number {
  const y = canvas.height - barcodeHeight(canvas.height) / 2;
  let n = 0;
  for (let k = 0; k < 16; k++) n = n * 2 + (luma(frame, ((k + 0.5) * canvas.width) / 16, y) > 128 ? 1 : 0);
  return n;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** An encoder serving MPEG-TS to one client on tcp://127.0.0.1:port, as a remote camera would. */
function serveFeed(port: number): ChildProcess {
  const server = spawn('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    '-re', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=30',
    '-re', '-f', 'lavfi', '-i', 'sine=frequency=1000:sample_rate=48000',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '15', '-c:a', 'aac',
    '-muxdelay', '0', '-muxpreload', '0', '-f', 'mpegts', `tcp://127.0.0.1:${port}?listen=1`,
  ], { stdio: 'ignore' });
  servers.push(server);
  return server;
}

describe('SourceWorker with real ffmpeg', () => {
  it('a test pattern goes live with canvas-sized frames at ~30 fps, its colour block and a tone', async () => {
    const w = worker({ kind: 'testPattern', name: 'Farm', color: '#c0392b', toneHz: 440 });
    w.start();
    await waitState(w, ['live'], 8000);
    await sleep(300);
    w.takeAudio(48_000); // drain what queued before we started listening
    let frames = 0;
    w.onFrame(() => frames++);
    await sleep(2000);
    expect(frames).toBeGreaterThanOrEqual(52);
    expect(frames).toBeLessThanOrEqual(68);
    expect(w.info().fps).toBeGreaterThanOrEqual(25);
    const frame = w.frameForTick();
    expect(frame.length).toBe(FRAME_BYTES);
    // #c0392b in BT.601 limited range: Y ≈ 98; the block's centre is (W/8, 0.725H).
    expect(Math.abs(luma(frame, canvas.width / 8, 0.725 * canvas.height) - 98)).toBeLessThanOrEqual(8);
    const { pcm, peakDb } = w.takeAudio(1600);
    expect(pcm.length).toBe(1600 * 4);
    expect(peakDb).toBeGreaterThan(-30);
    expect(w.info().audioLevelDb).toBeGreaterThan(-30);
    const jpeg = w.latestPreview();
    expect(jpeg?.subarray(0, 2).equals(Buffer.from([0xff, 0xd8]))).toBe(true);
    expect(w.info()).toMatchObject({ state: 'live', reason: null, reconnects: 0 });
  });

  it('the frame barcode of delivered frames counts up with the source frame number', async () => {
    const w = worker({ kind: 'testPattern', name: 'Factory', color: '#1565c0', toneHz: 0 });
    const seen: { seq: number; code: number }[] = [];
    // At 320x180 a frame (86 400 B) is larger than a pipe read, so each onFrame's
    // frame is the latest one.
    w.onFrame((seq) => seen.push({ seq, code: readBarcode(w.frameForTick()) }));
    w.start();
    await waitFor('40 frames', () => seen.length >= 40, 10_000);
    for (const { seq, code } of seen) expect(code).toBe(seq % 65536);
    for (let i = 1; i < seen.length; i++) expect(seen[i].code).toBe(seen[i - 1].code + 1);
    const { peakDb } = w.takeAudio(1600);
    expect(peakDb).toBe(-120); // toneHz 0 → silence
  });

  it('a network feed that dies shows the slate within 1.5 s and comes back by itself', async () => {
    const port = await freePort();
    let server = serveFeed(port);
    const w = worker({ kind: 'networkFeed', name: 'Remote', url: `tcp://127.0.0.1:${port}` });
    await sleep(300); // let the server listen
    w.start();
    await waitState(w, ['live'], 10_000);
    await sleep(500);
    const lastLive = Buffer.from(w.frameForTick());
    expect(w.takeAudio(1600).peakDb).toBeGreaterThan(-40);

    server.kill('SIGKILL');
    const lostAfter = await waitFor('the slate', () => !w.frameForTick().equals(lastLive) && w.state !== 'live', 3000);
    expect(lostAfter).toBeLessThanOrEqual(1500);
    await waitFor('no-signal window', () => w.state !== 'live', 1500);
    await sleep(1200);
    expect(['noSignal', 'reconnecting']).toContain(w.state);
    const slate = w.frameForTick();
    expect(slate.length).toBe(FRAME_BYTES);
    expect(slate.equals(lastLive)).toBe(false);
    expect(w.takeAudio(1600).peakDb).toBe(-120);
    expect(w.info().reason).toBeTruthy();

    server = serveFeed(port);
    await waitState(w, ['live'], 15_000);
    expect(w.info().reconnects).toBeGreaterThanOrEqual(1);
    expect(w.frameForTick().equals(slate)).toBe(false);
  });

  it('a stalled feed goes to noSignal, then the watchdog kills and reconnects it', async () => {
    const port = await freePort();
    const server = serveFeed(port);
    const w = worker({ kind: 'networkFeed', name: 'Stalled', url: `tcp://127.0.0.1:${port}` }, { stallKillMs: 2500 });
    await sleep(300);
    w.start();
    await waitState(w, ['live'], 10_000);
    const pid = w.pid;
    server.kill('SIGSTOP'); // connection stays open, no data: a frozen encoder
    const took = await waitState(w, ['noSignal'], 3000);
    expect(took).toBeLessThanOrEqual(1500);
    expect(w.info().reason).toBe('no frames for 1 s');
    await waitState(w, ['reconnecting'], 4000);
    expect(w.info().reason).toBe('stalled: no frames for 2.5 s');
    await waitFor('the stalled ffmpeg to be replaced', () => w.pid !== pid, 5000);
    server.kill('SIGCONT');
    server.kill('SIGKILL');
    serveFeed(port);
    await waitState(w, ['live'], 15_000);
  });

  it('a test pattern whose ffmpeg dies restarts by itself; restart() replaces it on demand', async () => {
    const w = worker({ kind: 'testPattern', name: 'Farm', color: '#c0392b', toneHz: 440 });
    const states: string[] = [];
    w.onChange((i) => states.push(i.state));
    w.start();
    await waitState(w, ['live'], 8000);
    const first = w.pid as number;
    process.kill(first, 'SIGKILL');
    await waitState(w, ['reconnecting'], 2000);
    expect(w.info().reason).toMatch(/ffmpeg exited \(SIGKILL\)/);
    await waitState(w, ['live'], 8000);
    expect(w.info().reconnects).toBe(1);
    const second = w.pid as number;
    expect(second).not.toBe(first);
    w.restart();
    expect(w.state).toBe('starting');
    await waitState(w, ['live'], 8000);
    expect(w.pid).not.toBe(second);
    expect(() => process.kill(second, 0)).toThrow();
    expect(states).toEqual(['starting', 'live', 'reconnecting', 'live', 'starting', 'live']);
  });

  it('a looping media file without audio stays live with silent audio', async () => {
    const file = join(dir, 'noaudio.mp4');
    const made = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=640x480:rate=25', '-t', '1', '-c:v', 'libx264', '-preset', 'ultrafast', file]);
    expect(made.status).toBe(0);
    const w = worker({ kind: 'mediaFile', name: 'Clip', path: file });
    w.start();
    await waitState(w, ['live'], 10_000);
    await sleep(2000); // past the 1 s file: looping, not ended
    expect(w.state).toBe('live');
    expect(w.info().reconnects).toBe(0);
    expect(w.info().fps).toBeGreaterThanOrEqual(25);
    // 4:3 letterboxed into 16:9: the pillars left and right are black.
    const frame = w.frameForTick();
    expect(luma(frame, 5, 90)).toBeLessThan(24);
    expect(luma(frame, 315, 90)).toBeLessThan(24);
    expect(w.takeAudio(1600).peakDb).toBe(-120);
  });

  it('refuses a malformed URL and a missing file without starting a process', async () => {
    const bad = worker({ kind: 'networkFeed', name: 'Remote', url: 'rtmp//nohost' });
    const missing = worker({ kind: 'mediaFile', name: 'Clip', path: join(dir, 'missing.mp4') });
    const changes: string[] = [];
    bad.onChange((i) => changes.push(i.state));
    bad.start();
    missing.start();
    expect(bad.info()).toMatchObject({ state: 'error' });
    expect(bad.info().reason).toMatch(/"Remote": feed URL is malformed/);
    expect(missing.info().reason).toMatch(/"Clip": media file not found: .*missing\.mp4/);
    await sleep(700);
    expect([bad.state, missing.state]).toEqual(['error', 'error']);
    expect([bad.pid, missing.pid]).toEqual([undefined, undefined]);
    expect(changes).toEqual(['error']);
    // Slate only: the programme still gets a frame of the right size.
    expect(bad.frameForTick().length).toBe(FRAME_BYTES);
  });

  it('dispose stops the process: no orphan', async () => {
    const w = worker({ kind: 'testPattern', name: 'Showroom', color: '#6a1b9a', toneHz: 660 });
    w.start();
    await waitState(w, ['live'], 8000);
    const pid = w.pid;
    expect(pid).toBeTypeOf('number');
    await w.dispose();
    expect(w.state).toBe('stopped');
    expect(() => process.kill(pid as number, 0)).toThrow();
  });
});

describe('slate', () => {
  it('renders NO SIGNAL as a canvas frame and a JPEG, and falls back to grey without ffmpeg', async () => {
    const slate = await renderSlate({ ffmpegPath: 'ffmpeg', name: 'Farm', canvas });
    expect(slate.rendered).toBe(true);
    expect(slate.frame.length).toBe(FRAME_BYTES);
    expect(slate.jpeg.subarray(0, 2).equals(Buffer.from([0xff, 0xd8]))).toBe(true);
    // Text is drawn: some luma is far brighter than the 0x20 background.
    expect(Math.max(...slate.frame.subarray(0, 320 * 180))).toBeGreaterThan(200);
    expect(await renderSlate({ ffmpegPath: 'ffmpeg', name: 'Farm', canvas })).toBe(slate);

    const grey = await renderSlate({ ffmpegPath: join(dir, 'no-ffmpeg-here'), name: 'Nowhere', canvas });
    expect(grey.rendered).toBe(false);
    expect(grey.frame.length).toBe(FRAME_BYTES);
    expect(grey.frame[0]).toBe(0x20);
  });
});
