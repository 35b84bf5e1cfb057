// FLV bytes (a file, HTTP-FLV, an ffmpeg remux) cut into tags for the tag timeline.
// Layout: FLV spec §E.2–E.3, summarised in specs/flv-rtmp-sei.md "FLV".
import { ProbeError, type ProbeMessage } from './probeTypes';
import { FlvTagTimeline } from './tagTimeline';

/** Incremental FLV reader turning bytes into probe messages. */
export class FlvMetadataReader {
  private readonly timeline: FlvTagTimeline;
  private buf: Buffer = Buffer.alloc(0);
  private headerDone = false;
  /** Timestamp of the last video access unit, ms (for `seconds` limits on live reads). */
  lastFrameTimestampMs: number | null = null;

  constructor(onMessage?: (msg: ProbeMessage) => void) {
    this.timeline = new FlvTagTimeline(onMessage);
  }

  get messages(): ProbeMessage[] {
    return this.timeline.messages;
  }

  get videoFrames(): number {
    return this.timeline.videoFrames;
  }

  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    let pos = 0;
    if (!this.headerDone) {
      if (this.buf.length < 13) return;
      if (this.buf.toString('latin1', 0, 3) !== 'FLV') throw new ProbeError('not an FLV stream (no "FLV" signature)');
      pos = this.buf.readUInt32BE(5) + 4; // header size, then PreviousTagSize0
      this.headerDone = true;
    }
    while (this.buf.length - pos >= 11) {
      const type = this.buf[pos]! & 0x1f;
      const size = this.buf.readUIntBE(pos + 1, 3);
      if (this.buf.length - pos < 11 + size + 4) break;
      // u24 timestamp, then its upper 8 bits (spec "FLV").
      const ts = (this.buf.readUIntBE(pos + 4, 3) | (this.buf[pos + 7]! << 24)) >>> 0;
      const frames = this.timeline.videoFrames;
      this.timeline.tag(type, ts, this.buf.subarray(pos + 11, pos + 11 + size));
      if (this.timeline.videoFrames > frames) this.lastFrameTimestampMs = ts;
      pos += 11 + size + 4;
    }
    this.buf = this.buf.subarray(pos);
  }

  /** End of input: reports cue points that no access unit followed. */
  finish(): void {
    this.timeline.finish();
  }
}
