// A bounded queue of s16le interleaved PCM between a source's ffmpeg and the
// programme clock. The clock takes exactly one tick's worth of samples; when the
// source is late the gap is filled with silence, and when it runs ahead the oldest
// audio is dropped, so a source's audio delay never grows past maxLatencyMs.
export interface PcmRingOptions {
  readonly sampleRate?: number;
  readonly channels?: number;
  /** Most audio kept queued; more than this drops the oldest. */
  readonly maxLatencyMs?: number;
}

/** dBFS reported for digital silence (model.ts: -Infinity as -120). */
export const SILENCE_DB = -120;

export class PcmRing {
  readonly sampleRate: number;
  readonly channels: number;
  private readonly frameBytes: number;
  private readonly buffer: Buffer;
  private readStart = 0;
  private length = 0;
  /** Bytes of a sample frame split across chunks. */
  private carry = Buffer.alloc(0);
  private peak = SILENCE_DB;
  private droppedFrames = 0;
  /** Samples per channel pushed since creation or clear(), kept or not. */
  private receivedFrames = 0;

  constructor(options: PcmRingOptions = {}) {
    this.sampleRate = options.sampleRate ?? 48_000;
    this.channels = options.channels ?? 2;
    this.frameBytes = 2 * this.channels;
    const capacityFrames = Math.ceil((this.sampleRate * (options.maxLatencyMs ?? 250)) / 1000);
    this.buffer = Buffer.alloc(capacityFrames * this.frameBytes);
  }

  /** Samples per channel queued now. */
  get queuedSamples(): number {
    return this.length / this.frameBytes;
  }

  /** Samples per channel pushed since the stream began (creation or clear()). */
  get receivedSamples(): number {
    return this.receivedFrames;
  }

  /**
   * Where in the stream the next take() starts, in samples per channel from its
   * beginning: everything before it was taken, skipped or dropped.
   */
  get readPosition(): number {
    return this.receivedFrames - this.queuedSamples;
  }

  /** Samples per channel dropped because the queue was full, since creation. */
  get droppedSamples(): number {
    return this.droppedFrames;
  }

  /** Peak of the last take(), dBFS (SILENCE_DB for silence). */
  get lastPeakDb(): number {
    return this.peak;
  }

  push(chunk: Buffer): void {
    let data = chunk;
    if (this.carry.length) {
      data = Buffer.concat([this.carry, chunk]);
      this.carry = Buffer.alloc(0);
    }
    const whole = data.length - (data.length % this.frameBytes);
    if (whole < data.length) this.carry = Buffer.from(data.subarray(whole));
    let bytes = data.subarray(0, whole);
    this.receivedFrames += whole / this.frameBytes;
    const capacity = this.buffer.length;
    if (bytes.length > capacity) {
      this.droppedFrames += (bytes.length - capacity) / this.frameBytes;
      bytes = bytes.subarray(bytes.length - capacity);
    }
    const overflow = this.length + bytes.length - capacity;
    if (overflow > 0) {
      this.readStart = (this.readStart + overflow) % capacity;
      this.length -= overflow;
      this.droppedFrames += overflow / this.frameBytes;
    }
    let writeAt = (this.readStart + this.length) % capacity;
    let offset = 0;
    while (offset < bytes.length) {
      const n = Math.min(bytes.length - offset, capacity - writeAt);
      bytes.copy(this.buffer, writeAt, offset, offset + n);
      offset += n;
      writeAt = (writeAt + n) % capacity;
    }
    this.length += bytes.length;
  }

  /**
   * Exactly samplesPerChannel samples: `silenceFirst` samples of silence (at most all of
   * them), then what is queued, then silence.
   */
  take(samplesPerChannel: number, silenceFirst = 0): Buffer {
    const out = Buffer.alloc(Math.max(0, Math.floor(samplesPerChannel)) * this.frameBytes);
    const start = Math.min(out.length, Math.max(0, Math.floor(silenceFirst)) * this.frameBytes);
    const n = Math.min(out.length - start, this.length);
    const capacity = this.buffer.length;
    let copied = 0;
    while (copied < n) {
      const run = Math.min(n - copied, capacity - this.readStart);
      this.buffer.copy(out, start + copied, this.readStart, this.readStart + run);
      copied += run;
      this.readStart = (this.readStart + run) % capacity;
    }
    this.length -= n;
    this.peak = peakDb(out.subarray(start, start + n));
    return out;
  }

  /** Drops up to `samplesPerChannel` queued samples, oldest first, without playing them. */
  skip(samplesPerChannel: number): void {
    const n = Math.min(this.length, Math.max(0, Math.floor(samplesPerChannel)) * this.frameBytes);
    this.readStart = (this.readStart + n) % this.buffer.length;
    this.length -= n;
  }

  /** A new stream: nothing queued, and positions count from zero again. */
  clear(): void {
    this.readStart = 0;
    this.length = 0;
    this.receivedFrames = 0;
    this.carry = Buffer.alloc(0);
    this.peak = SILENCE_DB;
  }
}

/** Peak of s16le samples in dBFS, full scale = 32768. */
export function peakDb(pcm: Buffer): number {
  let peak = 0;
  for (let i = 0; i + 1 < pcm.length; i += 2) {
    const v = Math.abs(pcm.readInt16LE(i));
    if (v > peak) peak = v;
  }
  if (peak === 0) return SILENCE_DB;
  return Math.max(SILENCE_DB, 20 * Math.log10(peak / 32768));
}
