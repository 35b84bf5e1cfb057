// Reads a programme back from an ingest the way a viewer would: a separate ffmpeg
// decodes the stream and we look at the pixels. Per decoded frame we keep its
// timestamp, when it arrived here, which test-pattern camera's identity block it
// shows and the source frame number in that camera's barcode strip. Tests and the
// benchmark judge cuts, gaps and latency from this, never from the studio's logs.
import { spawn, type ChildProcess } from 'node:child_process';
import { barcodeHeight } from '../../src/main/engine/sources/sourceArgs';
import { rgbToYuv, sampleYuv } from '../../src/main/engine/switcher/frameOps';

export interface DecodedFrame {
  readonly index: number;
  /** Stream timestamp as the ingest delivered it (-copyts), ms. */
  readonly ptsMs: number;
  /** performance.timeOrigin + performance.now() when the decoded frame reached us. */
  readonly arrivedAtMs: number;
  /** Mean YUV of the identity block's centre. */
  readonly identity: readonly [number, number, number];
  /** Source frame number from the barcode strip (mod 65536). */
  readonly barcode: number;
  /** What the reader's `sample` option measured on this frame, if given. */
  readonly sample?: readonly number[];
}

export interface ProgramReader {
  readonly frames: DecodedFrame[];
  readonly pid: number | undefined;
  stderrTail(): string;
  stop(): Promise<void>;
}

export interface ProgramReaderOptions {
  readonly url: string;
  readonly width: number;
  readonly height: number;
  readonly ffmpegPath?: string;
  readonly onFrame?: (frame: DecodedFrame) => void;
  /** Extra measurements per decoded yuv420p frame (e.g. an overlay's region). */
  readonly sample?: (frame: Buffer) => number[];
}

const SHOWINFO = /n:\s*(\d+)\s+pts:\s*(-?\d+)\s+pts_time:\s*(-?[\d.]+)/;

export function startProgramReader(options: ProgramReaderOptions): ProgramReader {
  const { width: W, height: H } = options;
  const frameBytes = (W * H * 3) / 2;
  const child: ChildProcess = spawn(
    options.ffmpegPath ?? 'ffmpeg',
    [
      '-hide_banner', '-nostdin', '-loglevel', 'info', '-copyts',
      '-analyzeduration', '4000000', '-probesize', '5000000', '-fflags', 'nobuffer',
      // One decoding thread: frame threads would hold 2-3 frames back, which is the
      // viewer's latency, not the studio's.
      '-threads', '1', '-flags', 'low_delay',
      '-i', options.url,
      '-map', '0:v:0', '-vf', 'showinfo', '-fps_mode', 'passthrough', '-pix_fmt', 'yuv420p', '-f', 'rawvideo', 'pipe:1',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const frames: DecodedFrame[] = [];
  const pts: number[] = [];
  const pending: { data: Buffer; at: number }[] = [];
  let stderrTail = '';
  let partialLine = '';
  let chunks: Buffer[] = [];
  let buffered = 0;

  const drain = () => {
    while (pending.length && pts.length > frames.length) {
      const { data, at } = pending.shift()!;
      const frame: DecodedFrame = {
        index: frames.length,
        ptsMs: pts[frames.length],
        arrivedAtMs: at,
        identity: sampleYuv({ width: W, height: H }, data, Math.floor(W / 8) & ~1, Math.round(0.725 * H) & ~1, 8),
        barcode: readBarcode(data, W, H),
        ...(options.sample ? { sample: options.sample(data) } : {}),
      };
      frames.push(frame);
      options.onFrame?.(frame);
    }
  };

  child.stdout!.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    buffered += chunk.length;
    if (buffered < frameBytes) return;
    // Join only once a whole frame is here: joining on every 64 KB chunk cost the
    // reader (and so the measured latency) a quadratic number of copies.
    const at = performance.timeOrigin + performance.now();
    let all = Buffer.concat(chunks, buffered);
    while (all.length >= frameBytes) {
      pending.push({ data: all.subarray(0, frameBytes), at });
      all = all.subarray(frameBytes);
    }
    chunks = all.length ? [all] : [];
    buffered = all.length;
    drain();
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => {
    stderrTail = (stderrTail + text).slice(-4000);
    const lines = (partialLine + text).split('\n');
    partialLine = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.includes('showinfo')) continue;
      const m = SHOWINFO.exec(line);
      if (m) pts.push(Math.round(Number(m[3]) * 1000));
    }
    drain();
  });

  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('close', () => ((exited = true), resolve())));
  return {
    frames,
    pid: child.pid,
    stderrTail: () => stderrTail,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** Barcode strip geometry of sourceArgs.ts: 16 cells across the bottom, MSB left. */
export function readBarcode(frame: Buffer, W: number, H: number): number {
  const strip = barcodeHeight(H);
  const y = H - Math.floor(strip / 2);
  let value = 0;
  for (let k = 0; k < 16; k++) {
    const x = Math.floor(((k + 0.5) * W) / 16);
    const luma = frame[y * W + x];
    value = (value << 1) | (luma > 128 ? 1 : 0);
  }
  return value;
}

/** Which of the given colours an identity sample is nearest to (index), or -1 if none is close. */
export function classifyIdentity(sample: readonly [number, number, number], colours: readonly string[], maxDistance = 40): number {
  let best = -1;
  let bestDistance = Infinity;
  colours.forEach((hex, i) => {
    const [y, u, v] = rgbToYuv(hex);
    const d = Math.hypot(sample[0] - y, sample[1] - u, sample[2] - v);
    if (d < bestDistance) {
      bestDistance = d;
      best = i;
    }
  });
  return bestDistance <= maxDistance ? best : -1;
}
