// Reads a source's raw frames from the Unix socket its ffmpeg listens on, straight
// into pooled frame buffers: Node's `onread` hands each read() a slice of the frame
// being filled, so there is no chunk allocation and no reassembly copy.
import { connect, type Socket } from 'node:net';
import type { FramePool } from '../media/framePool';

const RETRY_MS = 25;

export class RawFrameSocket {
  private socket: Socket | null = null;
  private current: Buffer;
  private filled = 0;
  private closed = false;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly path: string,
    private readonly pool: FramePool,
    /** A whole frame; ownership (one reference) passes to the callee. */
    private readonly onFrame: (frame: Buffer) => void,
  ) {
    this.current = pool.acquire();
  }

  /** Connect, retrying until ffmpeg has started listening or close() is called. */
  open(): void {
    if (this.closed) return;
    const socket = connect({
      path: this.path,
      onread: {
        buffer: () => this.current.subarray(this.filled),
        callback: (bytes: number) => {
          this.filled += bytes;
          if (this.filled === this.pool.frameBytes) {
            const frame = this.current;
            this.current = this.pool.acquire();
            this.filled = 0;
            this.onFrame(frame);
          }
          return true;
        },
      },
    });
    this.socket = socket;
    let connected = false;
    socket.once('connect', () => (connected = true));
    socket.on('error', () => undefined);
    socket.once('close', () => {
      if (this.socket === socket) this.socket = null;
      // Not listening yet: ffmpeg is still starting. Once connected, a close means the
      // process is going away, which the worker learns from its exit.
      if (!connected && !this.closed) this.retryTimer = setTimeout(() => this.open(), RETRY_MS);
    });
  }

  /** Back-pressure: stop reading (ffmpeg blocks once the socket buffer is full), and go on. */
  pause(): void {
    this.socket?.pause();
  }

  resume(): void {
    this.socket?.resume();
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.socket?.destroy();
    this.socket = null;
    this.pool.release(this.current);
  }
}
