// SrtOutput with its real ffmpeg transport, where no SRT peer is needed: refusals
// up front, backpressure while ffmpeg takes nothing, connection failures that retry
// with backoff and never leak the passphrase or stream id, and stop() at any point.
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { flvAacParser, flvH264Parser } from '../../encoder/codedOutputParsers';
import { createMemoryLogger } from '../../logger';
import type { AudioConfig, EncodedAudioFrame, EncodedVideoFrame, VideoConfig } from '../../media/packets';
import type { OutputState } from '../outputStats';
import { SrtOutput } from './srtOutput';

const PASSPHRASE = 'never-show-this-pass';
const STREAM_ID = 'never-show-this-id';

/** Two seconds of real x264 + AAC (25 fps, a keyframe every 25 frames), as the encoder stage hands them on. */
function realClip(): { video: VideoConfig; audio: AudioConfig; frames: Omit<EncodedVideoFrame, 'frame'>[]; audioFrames: EncodedAudioFrame[] } {
  const flv = execFileSync('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25', '-f', 'lavfi', '-i', 'sine=sample_rate=48000',
    '-t', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '25', '-c:a', 'aac', '-f', 'flv', 'pipe:1',
  ], { timeout: 30_000, maxBuffer: 64 * 1024 * 1024 });
  let video: VideoConfig | null = null;
  let audio: AudioConfig | null = null;
  const frames: Omit<EncodedVideoFrame, 'frame'>[] = [];
  const audioFrames: EncodedAudioFrame[] = [];
  flvH264Parser({ width: 320, height: 180, fps: 25, bitrateKbps: 500 }, { onConfig: (c) => (video = c), onFrame: (f) => frames.push(f) }).push(flv);
  flvAacParser(128, { onConfig: (c) => (audio = c), onFrame: (f) => audioFrames.push(f) }).push(flv);
  return { video: video!, audio: audio!, frames, audioFrames };
}
const clip = realClip();

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

function output(url: string, extra: Partial<ConstructorParameters<typeof SrtOutput>[0]> = {}): { out: SrtOutput; log: ReturnType<typeof createMemoryLogger>; states: OutputState[] } {
  const log = createMemoryLogger();
  const out = new SrtOutput({ name: 'Platform SRT', url, logger: log, ffmpegPath: 'ffmpeg', ...extra });
  const states: OutputState[] = [];
  out.onState((s) => states.push(s));
  cleanups.push(() => out.stop());
  return { out, log, states };
}

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A 4-byte-length filler NAL unit (H.264 type 12, ignored by decoders) that makes a frame big. */
function filler(size: number): Buffer {
  const nal = Buffer.alloc(4 + size, 0xff);
  nal.writeUInt32BE(size, 0);
  nal[4] = 0x0c;
  nal[nal.length - 1] = 0x80;
  return nal;
}

describe('SrtOutput', () => {
  it('refuses a bad URL at start(), naming the destination, without a process or a secret', () => {
    const { out, states } = output(`srt://ingest.example.net?passphrase=${PASSPHRASE}`);
    out.start();
    expect(states).toEqual(['error']);
    expect(out.pid).toBeUndefined();
    expect(out.stats().lastError).toBe('Destination "Platform SRT": bad server URL: no port in "srt://ingest.example.net": SRT has no default port (expected srt://ingest.example.net:port)');
    const other = output('rtmp://ingest.example.net/live').out;
    other.start();
    expect(other.stats().lastError).toMatch(/^Destination "Platform SRT": bad server URL: unsupported scheme "rtmp:\/\/"/);
  });

  it('refuses an AV1 programme with a clear error', () => {
    const { out } = output('srt://127.0.0.1:9');
    out.onConfig({ ...clip.video, codec: 'av1' }, clip.audio);
    out.start();
    expect(out.state).toBe('error');
    expect(out.pid).toBeUndefined();
    expect(out.stats().lastError).toMatch(/^Destination "Platform SRT": SRT carries H\.264 or HEVC; this programme is AV1/);
  });

  it('drops non-key video until a keyframe when ffmpeg takes nothing, and stays bounded', async () => {
    // ffmpeg waits for a peer that is not there (a 10 s connect), so its stdin does not drain.
    const { out } = output('srt://127.0.0.1:9?connect_timeout=10000');
    out.onConfig(clip.video, clip.audio);
    out.start();
    expect(out.state).toBe('connecting');
    let maxQueued = 0;
    const total = 600;
    const dropsAt: number[] = [];
    for (let i = 0; i < total; i++) {
      const f = clip.frames[i % clip.frames.length]!;
      out.onFrame({ ...clip.audioFrames[i % clip.audioFrames.length]!, dtsMs: i * 40 });
      const before = out.stats().droppedFrames;
      out.onFrame({ ...f, dtsMs: i * 40, ptsMs: i * 40, frame: i, data: Buffer.concat([f.data, filler(60_000)]) });
      if (out.stats().droppedFrames > before) dropsAt.push(i);
      maxQueued = Math.max(maxQueued, out.stats().queuedBytes);
    }
    // Soft limit 1 MB (the minimum), hard limit 2 MB, plus one keyframe in flight.
    expect(maxQueued).toBeGreaterThan(1024 * 1024);
    expect(maxQueued).toBeLessThan(2 * 1024 * 1024 + 100 * 1024);
    expect(dropsAt.length).toBeGreaterThan(400);
    // The frames that were not dropped: keyframes only, once the queue passed the soft limit.
    const kept = Array.from({ length: total }, (_, i) => i).filter((i) => !dropsAt.includes(i));
    const firstDrop = dropsAt[0]!;
    expect(kept.filter((i) => i > firstDrop).every((i) => clip.frames[i % clip.frames.length]!.keyframe)).toBe(true);
    const pid = out.pid;
    expect(alive(pid)).toBe(true);
    await out.stop();
    expect(out.state).toBe('idle');
    expect(alive(pid)).toBe(false);
  });

  it('retries a destination it cannot reach with backoff, and never shows the passphrase or stream id', async () => {
    const { out, log, states } = output(`srt://127.0.0.1:9?connect_timeout=300&passphrase=${PASSPHRASE}`, {
      streamKey: STREAM_ID,
      reconnect: { initialDelayMs: 200, maxDelayMs: 400 },
    });
    // Started before the configuration: it waits for it, then opens the session.
    out.start();
    expect(states).toEqual(['connecting']);
    expect(out.pid).toBeUndefined();
    out.onConfig(clip.video, clip.audio);
    const firstPid = out.pid;
    expect(alive(firstPid)).toBe(true);
    let i = 0;
    const feed = setInterval(() => {
      const f = clip.frames[i % clip.frames.length]!;
      out.onFrame({ ...clip.audioFrames[i % clip.audioFrames.length]!, dtsMs: i * 40 });
      out.onFrame({ ...f, dtsMs: i * 40, ptsMs: i * 40, frame: i });
      i++;
    }, 40);
    cleanups.push(async () => clearInterval(feed));
    await waitUntil(() => out.stats().reconnects >= 2, 15_000, 'two reconnect attempts');
    clearInterval(feed);
    const { lastError } = out.stats();
    expect(lastError).toMatch(/^Destination "Platform SRT": cannot connect to srt:\/\/127\.0\.0\.1:9: .*; retrying in \d+ ms$/);
    expect(states.slice(0, 2)).toEqual(['connecting', 'reconnecting']);
    expect(states).not.toContain('live');
    for (const text of [lastError!, ...log.lines]) {
      expect(text).not.toContain(PASSPHRASE);
      expect(text).not.toContain(STREAM_ID);
    }
    expect(log.lines.some((l) => l.includes('cannot connect to srt://127.0.0.1:9'))).toBe(true);
    await out.stop();
    expect(states.at(-1)).toBe('idle');
    expect(alive(firstPid)).toBe(false);
    expect(alive(out.pid)).toBe(false);
  });
});
