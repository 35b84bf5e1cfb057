// ffmpeg and ffprobe around integration tests: a real H.264+AAC FLV producer, a
// reader that captures what an ingest serves, and a decoder that says which frames
// are really in a file. Tests judge by these, never by our own logs.
import { execFile } from 'node:child_process';
import { createMemoryLogger } from '../../src/main/engine/logger';
import { FfmpegProcess } from '../../src/main/engine/process/ffmpegProcess';

export interface ProducerOptions {
  readonly seconds: number;
  /** Pace the lavfi sources at real time (-re), as a live encoder would. */
  readonly realtime?: boolean;
  readonly size?: string;
  readonly fps?: number;
  readonly gop?: number;
}

/** `ffmpeg -f lavfi testsrc2 + sine → libx264/aac → -f flv pipe:1`. Call start(), read stdout. */
export function flvProducer(options: ProducerOptions): FfmpegProcess {
  const fps = options.fps ?? 30;
  const re = options.realtime ? ['-re'] : [];
  return new FfmpegProcess({
    role: 'test producer',
    ffmpegPath: 'ffmpeg',
    logger: createMemoryLogger(),
    args: [
      ...re, '-f', 'lavfi', '-i', `testsrc2=size=${options.size ?? '640x360'}:rate=${fps}`,
      ...re, '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100',
      '-t', String(options.seconds),
      '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', String(options.gop ?? 60), '-b:v', '800k',
      '-c:a', 'aac', '-b:a', '96k',
      '-f', 'flv', 'pipe:1',
    ],
  });
}

/** Copies what `url` serves into an FLV file, keeping the ingest's timestamps. */
export function rtmpCapture(url: string, outFile: string): FfmpegProcess {
  return new FfmpegProcess({
    role: 'test capture',
    ffmpegPath: 'ffmpeg',
    logger: createMemoryLogger(),
    // rw_timeout (µs): a reader whose stream never comes must not hang the test.
    args: ['-rw_timeout', '20000000', '-i', url, '-c', 'copy', '-copyts', '-y', '-f', 'flv', outFile],
  });
}

export interface DecodedFrames {
  readonly video: readonly { readonly ptsMs: number; readonly key: boolean }[];
  readonly audio: readonly { readonly ptsMs: number }[];
}

/** Decodes every frame of `file` with ffprobe (so a frame counts only if it decodes). */
export function decodeFrames(file: string, timeoutMs = 30_000): Promise<DecodedFrames> {
  const args = ['-v', 'error', '-show_entries', 'frame=media_type,pts_time,key_frame', '-of', 'json', file];
  return new Promise((resolve, reject) => {
    execFile('ffprobe', args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`ffprobe failed on ${file}: ${err.message} ${stderr}`));
      const parsed = JSON.parse(stdout) as { frames?: { media_type: string; pts_time?: string; key_frame?: number }[] };
      const frames = parsed.frames ?? [];
      const ms = (t: string | undefined): number => Math.round(Number(t ?? 'NaN') * 1000);
      resolve({
        video: frames.filter((f) => f.media_type === 'video').map((f) => ({ ptsMs: ms(f.pts_time), key: f.key_frame === 1 })),
        audio: frames.filter((f) => f.media_type === 'audio').map((f) => ({ ptsMs: ms(f.pts_time) })),
      });
    });
  });
}

/** Largest step between consecutive sorted presentation times. */
export function largestGapMs(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let gap = 0;
  for (let i = 1; i < sorted.length; i++) gap = Math.max(gap, sorted[i]! - sorted[i - 1]!);
  return gap;
}

/**
 * Waits for the process to exit by itself (true), or stops it (q → TERM → KILL)
 * after timeoutMs (false).
 */
export async function exitWithin(proc: FfmpegProcess, timeoutMs: number): Promise<boolean> {
  if (proc.state === 'exited' || proc.state === 'idle') return true;
  return new Promise<boolean>((resolve) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void proc.stop({ graceMs: 1000 });
    }, timeoutMs);
    proc.onExit(() => {
      clearTimeout(timer);
      resolve(!timedOut);
    });
  });
}
