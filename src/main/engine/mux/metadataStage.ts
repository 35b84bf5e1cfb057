// The mux stage between the programme encoder and its outputs (issue 4 "In the
// stream"): commerce metadata bound to a programme frame is written as SEI into that
// frame's access unit, and the current state is repeated on every keyframe so late
// joiners get it. Placement: specs/flv-rtmp-sei.md "Where an SEI goes in an access unit".
import { encodeMetadata, type CommerceMetadata, type CommerceMetadataKind } from '../../../shared/commerceMetadata';
import type { AudioConfig, EncodedFrame, EncodedStreamSink, EncodedVideoFrame, VideoConfig } from '../media/packets';
import { buildSeiNal, insertSei, type SeiCodec } from './seiWriter';

export interface MetadataStageOptions {
  /** Sinks to feed from the start; more can be added with addSink(). */
  readonly downstream?: readonly EncodedStreamSink[];
}

export interface MetadataStageStats {
  /** Scheduled messages written into the access unit of their own frame. */
  readonly onTime: number;
  /** Written into a later access unit because their frame had already gone out. */
  readonly late: number;
  /** Keyframe repeats of the current state. */
  readonly repeats: number;
  /** Dropped: the stream's codec carries no SEI (AV1) or an access unit had no slice. */
  readonly dropped: number;
}

interface Scheduled {
  readonly message: CommerceMetadata;
  readonly frame: number;
  readonly payload: Uint8Array;
  readonly order: number;
}

/** How many recently sent frame numbers to remember (covers any B-frame reordering). */
const RECENT_FRAMES = 64;

export class MetadataStage implements EncodedStreamSink {
  private readonly sinks = new Set<EncodedStreamSink>();
  private config: { video: VideoConfig; audio: AudioConfig } | null = null;
  private codec: SeiCodec | null = null;
  private lengthSize = 4;
  private pending: Scheduled[] = [];
  /** The last sent message of each kind, repeated on keyframes. */
  private readonly current = new Map<CommerceMetadataKind, Scheduled>();
  private readonly recent: number[] = [];
  private order = 0;
  private counts = { onTime: 0, late: 0, repeats: 0, dropped: 0 };

  constructor(options: MetadataStageOptions = {}) {
    for (const sink of options.downstream ?? []) this.sinks.add(sink);
  }

  /** Adds an output after the stage; it gets the configuration at once if known. Returns a remover. */
  addSink(sink: EncodedStreamSink): () => void {
    this.sinks.add(sink);
    if (this.config) sink.onConfig(this.config.video, this.config.audio);
    return () => this.sinks.delete(sink);
  }

  /**
   * Binds `msg` to programme frame `frame` (its `frame` field is set to it). Throws,
   * changing nothing, when the message is invalid or over 1 KB encoded.
   */
  schedule(msg: CommerceMetadata, frame: number): void {
    if (!Number.isInteger(frame) || frame < 0) throw new RangeError(`frame must be a non-negative integer, got ${frame}`);
    const message = { ...msg, frame };
    const payload = encodeMetadata(message);
    this.pending.push({ message, frame, payload, order: this.order++ });
  }

  stats(): MetadataStageStats {
    return { ...this.counts };
  }

  /** Messages scheduled and not yet written. */
  get pendingCount(): number {
    return this.pending.length;
  }

  onConfig(video: VideoConfig, audio: AudioConfig): void {
    this.config = { video, audio };
    this.codec = null;
    // NAL length size: avcC (record[4] & 3) + 1, hvcC (record[21] & 3) + 1 (spec "FLV").
    if (video.codec === 'h264' && video.decoderConfig.length >= 5) {
      this.codec = 'h264';
      this.lengthSize = (video.decoderConfig[4]! & 3) + 1;
    } else if (video.codec === 'hevc' && video.decoderConfig.length >= 22) {
      this.codec = 'hevc';
      this.lengthSize = (video.decoderConfig[21]! & 3) + 1;
    }
    for (const sink of this.sinks) sink.onConfig(video, audio);
  }

  onFrame(frame: EncodedFrame): void {
    const out = frame.type === 'video' ? this.withSei(frame) : frame;
    for (const sink of this.sinks) sink.onFrame(out);
  }

  private withSei(frame: EncodedVideoFrame): EncodedVideoFrame {
    const due = this.takeDue(frame);
    this.remember(frame.frame);
    const changes = due.length > 0 ? { metadata: due.map((s) => s.message) } : {};
    if (this.codec === null) {
      // AV1 (or no config yet): SEI is H.264/HEVC only; out-of-band carriers still get it.
      this.counts.dropped += due.length;
      return due.length > 0 ? { ...frame, ...changes } : frame;
    }
    for (const s of due) this.current.set(s.message.kind, s);
    const write = [...due];
    if (frame.keyframe) {
      const repeats = [...this.current.values()].filter((s) => !due.includes(s)).sort((a, b) => a.order - b.order);
      this.counts.repeats += repeats.length;
      write.push(...repeats);
    }
    if (write.length === 0) return frame;
    const codec = this.codec;
    try {
      const data = insertSei(frame.data, codec, this.lengthSize, write.map((s) => buildSeiNal(codec, s.payload)));
      for (const s of due) {
        if (s.frame === frame.frame) this.counts.onTime++;
        else this.counts.late++;
      }
      return { ...frame, ...changes, data };
    } catch {
      // An access unit we cannot place an SEI in still goes out without it.
      this.counts.dropped += due.length;
      return { ...frame, ...changes };
    }
  }

  /**
   * Messages for this frame, or for earlier frames that will not come any more —
   * never one for a later frame. With B-frames, frames arrive out of order: an
   * earlier frame is gone once we sent it, or once its presentation time lies before
   * this access unit's decode time (every later access unit presents at or after it).
   */
  private takeDue(frame: EncodedVideoFrame): Scheduled[] {
    if (this.pending.length === 0) return [];
    const frameMs = this.config ? 1000 / this.config.video.fps : 0;
    const gone = (n: number): boolean =>
      this.recent.includes(n) || n < (this.recent[0] ?? -1) || frame.ptsMs - (frame.frame - n) * frameMs < frame.dtsMs - frameMs / 2;
    const due: Scheduled[] = [];
    const keep: Scheduled[] = [];
    for (const s of this.pending) {
      if (s.frame === frame.frame || (s.frame < frame.frame && gone(s.frame))) due.push(s);
      else keep.push(s);
    }
    this.pending = keep;
    return due;
  }

  private remember(n: number): void {
    this.recent.push(n);
    if (this.recent.length > RECENT_FRAMES) this.recent.shift();
  }
}
