// Inputs the probe has no reader of its own for (srt://, udp://, MPEG-TS, HLS, …) go
// through ffmpeg, remuxed to FLV on a pipe. SEI survives a remux; cue points do not
// (spec "AMF0" last point), which is why RTMP, HTTP-FLV and FLV files are read directly.
import { spawn, type ChildProcess } from 'node:child_process';
import type { FlvMetadataReader } from './flvMetadataReader';
import { ProbeError } from './probeTypes';

export interface FfmpegRemuxOptions {
  readonly input: string;
  readonly ffmpegPath?: string;
  /** ffmpeg `-t`. */
  readonly seconds?: number;
  readonly timeoutMs?: number;
  /** Stops ffmpeg and resolves with what was read. */
  readonly signal?: AbortSignal;
}

export function readThroughFfmpeg(options: FfmpegRemuxOptions, reader: FlvMetadataReader): Promise<void> {
  const args = ['-hide_banner', '-loglevel', 'error', '-analyzeduration', '4000000', '-probesize', '5000000', '-i', options.input];
  if (options.seconds !== undefined) args.push('-t', String(options.seconds));
  args.push('-map', '0', '-c', 'copy', '-f', 'flv', 'pipe:1');
  const timeoutMs = options.timeoutMs ?? (options.seconds !== undefined ? options.seconds * 1000 + 20_000 : undefined);
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(options.ffmpegPath ?? 'ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      reject(new ProbeError(`cannot run ffmpeg: ${(err as Error).message}`));
      return;
    }
    let stderr = '';
    let done = false;
    const stop = (): void => {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    };
    const onAbort = (): void => finish(null);
    const finish = (err: Error | null): void => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      stop();
      if (err) reject(err);
      else resolve();
    };
    const timer = timeoutMs !== undefined ? setTimeout(() => finish(reader.videoFrames > 0 ? null : new ProbeError(`cannot read "${options.input}": no video within ${timeoutMs} ms`)), timeoutMs) : null;
    if (options.signal?.aborted) return finish(null);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout!.on('data', (chunk: Buffer) => {
      try {
        reader.push(chunk);
      } catch (err) {
        finish(err as Error);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    child.on('error', (err) => finish(new ProbeError(`cannot run ffmpeg (${options.ffmpegPath ?? 'ffmpeg'}): ${err.message}`)));
    child.on('close', (code) => {
      const why = stderr.trim().split('\n').filter(Boolean).at(-1) ?? `ffmpeg exited with ${code}`;
      if (code !== 0 && reader.videoFrames === 0) finish(new ProbeError(`cannot read "${options.input}": ${why}`));
      else finish(null);
    });
  });
}
