// How a source's raw frames get from its ffmpeg into main. On Linux and macOS ffmpeg
// listens on a Unix socket and we read each frame straight into a pooled buffer
// (RawFrameSocket); on Windows, where ffmpeg has no Unix sockets, we read stdout and
// reassemble frames (FrameSplitter). Either way the worker gets whole frames; a media
// file's or an HLS feed's come through a pacer that hands them on at the canvas rate
// (mediaPacer.ts).
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FramePool, releaseFrame } from '../media/framePool';
import type { FfmpegProcess } from '../process/ffmpegProcess';
import { handOnAheadMs } from './frameSync';
import { FrameSplitter } from './frameSplitter';
import { MediaPacer } from './mediaPacer';
import { RawFrameSocket } from './rawFrameSocket';

const USE_SOCKET = process.platform !== 'win32';
let sequence = 0;

export class VideoIntake {
  private readonly pool: FramePool;
  private readonly splitter: FrameSplitter;
  private socket: RawFrameSocket | null = null;
  private socketPath: string | null = null;
  private stdout: NodeJS.ReadableStream | null = null;
  private pacer: MediaPacer<Buffer> | null = null;

  /** `pacedPeriodMs`: hand frames on at this interval, reading a little ahead (pacedByMain()). */
  constructor(
    readonly frameBytes: number,
    private readonly pacedPeriodMs: number | null = null,
  ) {
    this.pool = new FramePool(frameBytes);
    this.splitter = new FrameSplitter(frameBytes);
  }

  /** A fresh socket path for the next process (null: use stdout). */
  nextSocketPath(): string | null {
    this.detach();
    if (!USE_SOCKET) return null;
    // Short: a Unix socket path is limited to ~104 bytes.
    this.socketPath = join(tmpdir(), `cuecast-${process.pid}-${++sequence}.sock`);
    rmSync(this.socketPath, { force: true });
    return this.socketPath;
  }

  /**
   * Start taking frames from a just-started process (after nextSocketPath()). A paced
   * source's frames come with their time (`dueAt`), a little ahead of it.
   */
  attach(proc: FfmpegProcess, deliver: (frame: Buffer, dueAt?: number) => void): void {
    const pacer = this.pacedPeriodMs
      ? new MediaPacer<Buffer>({
          periodMs: this.pacedPeriodMs,
          aheadMs: handOnAheadMs(this.pacedPeriodMs),
          deliver,
          release: releaseFrame,
          pauseReading: () => this.pause(),
          resumeReading: () => this.resume(),
        })
      : null;
    this.pacer = pacer;
    const onFrame = pacer ? (frame: Buffer) => pacer.push(frame) : (frame: Buffer) => deliver(frame);
    if (this.socketPath) {
      this.socket = new RawFrameSocket(this.socketPath, this.pool, onFrame);
      this.socket.open();
      // Nothing is written there, but an unread pipe must never fill.
      proc.stdout.resume();
    } else {
      this.splitter.reset();
      this.stdout = proc.stdout;
      proc.stdout.on('data', (chunk: Buffer) => {
        for (const frame of this.splitter.push(chunk)) onFrame(frame);
      });
    }
  }

  /** Back-pressure on the current process's frames. */
  private pause(): void {
    this.socket?.pause();
    this.stdout?.pause();
  }

  private resume(): void {
    this.socket?.resume();
    this.stdout?.resume();
  }

  /** Stop reading the current process; forget a half-read frame. */
  detach(): void {
    this.socket?.close();
    this.socket = null;
    this.stdout = null;
    this.pacer?.reset();
    this.pacer = null;
    this.splitter.reset();
    if (this.socketPath) rmSync(this.socketPath, { force: true });
    this.socketPath = null;
  }
}
