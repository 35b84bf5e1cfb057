// Reusable raw frame buffers. A 1080p frame is 3 MB; allocating one per frame per
// source (hundreds of MB/s) kept V8's collector busy with external memory. Frames
// are reference counted because one buffer can be on air as a source's latest
// frame and, at the same time, queued to the encoder's stdin: it returns to the
// pool only when both let go. Buffers not from a pool pass through untouched.

const owners = new WeakMap<Buffer, FramePool>();

export class FramePool {
  private readonly free: Buffer[] = [];
  private readonly refs = new Map<Buffer, number>();

  constructor(
    readonly frameBytes: number,
    /** Free buffers kept for reuse; more are left to the collector. */
    private readonly keepFree = 4,
  ) {}

  /** A buffer with one reference, owned by the caller. */
  acquire(): Buffer {
    const buffer = this.free.pop() ?? Buffer.allocUnsafeSlow(this.frameBytes);
    this.refs.set(buffer, 1);
    owners.set(buffer, this);
    return buffer;
  }

  retain(buffer: Buffer): void {
    const count = this.refs.get(buffer);
    if (count !== undefined) this.refs.set(buffer, count + 1);
  }

  release(buffer: Buffer): void {
    const count = this.refs.get(buffer);
    if (count === undefined) return;
    if (count > 1) {
      this.refs.set(buffer, count - 1);
      return;
    }
    this.refs.delete(buffer);
    if (this.free.length < this.keepFree) this.free.push(buffer);
  }

  /** Buffers currently referenced (for tests and leak checks). */
  get inUse(): number {
    return this.refs.size;
  }
}

/** Keep a frame alive while it is used elsewhere (queued to an encoder). */
export function retainFrame(buffer: Buffer): void {
  owners.get(buffer)?.retain(buffer);
}

export function releaseFrame(buffer: Buffer): void {
  owners.get(buffer)?.release(buffer);
}
