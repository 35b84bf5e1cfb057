// Splits a raw-video byte stream (ffmpeg's stdout) into whole frames with at most
// one copy per frame (DESIGN.md §3, "zero-copy slices"). A frame that lies inside
// one chunk is a slice of it; one that spans chunks is assembled into a buffer of
// its own. Every frame handed out is a distinct buffer that this class never writes
// again, so a consumer may keep it as long as it likes (the latest frame stays on
// air while newer ones arrive).
export class FrameSplitter {
  private partial: Buffer | null = null;
  private filled = 0;

  constructor(readonly frameBytes: number) {
    if (!Number.isInteger(frameBytes) || frameBytes <= 0) throw new Error(`frame size must be a positive integer, got ${frameBytes}`);
  }

  /** Bytes of the frame being assembled (0 between frames). */
  get pendingBytes(): number {
    return this.filled;
  }

  /** Feed one chunk; returns the frames it completed, oldest first. */
  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    let offset = 0;
    if (this.partial) {
      const n = Math.min(this.frameBytes - this.filled, chunk.length);
      chunk.copy(this.partial, this.filled, 0, n);
      this.filled += n;
      offset = n;
      if (this.filled === this.frameBytes) {
        frames.push(this.partial);
        this.partial = null;
        this.filled = 0;
      }
    }
    while (chunk.length - offset >= this.frameBytes) {
      frames.push(chunk.subarray(offset, offset + this.frameBytes));
      offset += this.frameBytes;
    }
    if (offset < chunk.length) {
      // Fresh per frame: a frame already handed out must never be overwritten.
      this.partial = Buffer.allocUnsafe(this.frameBytes);
      chunk.copy(this.partial, 0, offset);
      this.filled = chunk.length - offset;
    }
    return frames;
  }

  /** Forget a half-read frame (the process that wrote it is gone). */
  reset(): void {
    this.partial = null;
    this.filled = 0;
  }
}
