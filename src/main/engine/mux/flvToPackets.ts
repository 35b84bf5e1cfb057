// Turns FlvReader output (an encoder's `-f flv pipe:1`) into the packets.ts stream:
// one onConfig once both sequence headers are known, then one onFrame per coded frame.
import type { Logger } from '../logger';
import type { AudioConfig, EncodedStreamSink, VideoConfig } from '../media/packets';
import { AmfEcmaArray, type AmfValue } from './amf0';
import {
  AAC_RAW,
  AAC_SEQUENCE_HEADER,
  AVC_NALU,
  AVC_SEQUENCE_HEADER,
  FLV_CODEC_AVC,
  FLV_SOUND_AAC,
  type FlvTag,
} from './flvTags';

export interface FlvToPacketsOptions {
  readonly sink: EncodedStreamSink;
  /** Known values win over onMetaData (the encoder stage knows what it asked for). */
  readonly width?: number;
  readonly height?: number;
  readonly fps?: number;
  readonly videoBitrateKbps?: number;
  readonly audioBitrateKbps?: number;
  readonly logger?: Logger;
}

// ISO 14496-3 §1.6.3.4 samplingFrequencyIndex.
const AAC_SAMPLE_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

/** Sample rate and channel count from an AudioSpecificConfig (ISO 14496-3 §1.6.2.1). */
export function parseAudioSpecificConfig(asc: Buffer): { sampleRate: number; channels: number } {
  if (asc.length < 2) throw new RangeError('AudioSpecificConfig shorter than 2 bytes');
  let bit = 0;
  const read = (n: number): number => {
    let v = 0;
    for (let i = 0; i < n; i++, bit++) {
      const byte = asc[bit >> 3];
      if (byte === undefined) throw new RangeError('AudioSpecificConfig truncated');
      v = (v << 1) | ((byte >> (7 - (bit & 7))) & 1);
    }
    return v;
  };
  let objectType = read(5);
  if (objectType === 31) objectType = 32 + read(6);
  const index = read(4);
  const sampleRate = index === 15 ? read(24) : (AAC_SAMPLE_RATES[index] ?? 0);
  const channels = read(4);
  return { sampleRate, channels };
}

interface Metadata {
  width?: number;
  height?: number;
  fps?: number;
  videoBitrateKbps?: number;
  audioBitrateKbps?: number;
}

/** About 4 s of video and audio at 30 fps: more means a header is not coming. */
const MAX_HELD_FRAMES = 300;

export class FlvToPackets {
  private metadata: Metadata = {};
  private videoRecord: Buffer | null = null;
  private audioConfig: Buffer | null = null;
  private configured: { video: VideoConfig; audio: AudioConfig } | null = null;
  private skippedBeforeConfig = 0;
  /**
   * Frames that came before both sequence headers. Video and audio may come from
   * separate encoder processes, so the first keyframe can beat the audio header by
   * a few ms; dropping it would leave a player waiting a whole GOP.
   */
  private pending: FlvTag[] = [];

  constructor(private readonly options: FlvToPacketsOptions) {}

  get config(): { readonly video: VideoConfig; readonly audio: AudioConfig } | null {
    return this.configured;
  }

  /** Frames that arrived before both sequence headers and were dropped. */
  get skippedFrames(): number {
    return this.skippedBeforeConfig;
  }

  onTags(tags: readonly FlvTag[]): void {
    for (const tag of tags) this.onTag(tag);
  }

  onTag(tag: FlvTag): void {
    if (tag.kind === 'script') {
      if (tag.values[0] === 'onMetaData') this.readMetadata(tag.values[1]);
      return;
    }
    if (tag.kind === 'video') {
      if (tag.codecId !== FLV_CODEC_AVC) return this.unsupported(`video codec id ${tag.codecId}`);
      if (tag.packetType === AVC_SEQUENCE_HEADER) {
        this.videoRecord = Buffer.from(tag.body);
        this.maybeConfigure();
      } else if (tag.packetType === AVC_NALU) {
        if (!this.configured) return this.hold(tag);
        const fps = this.configured.video.fps;
        const ptsMs = tag.timestampMs + tag.compositionTimeMs;
        this.options.sink.onFrame({
          type: 'video',
          dtsMs: tag.timestampMs,
          ptsMs,
          keyframe: tag.keyframe,
          data: tag.body,
          frame: Math.round((ptsMs * fps) / 1000),
        });
      }
      return;
    }
    if (tag.soundFormat !== FLV_SOUND_AAC) return this.unsupported(`sound format ${tag.soundFormat}`);
    if (tag.packetType === AAC_SEQUENCE_HEADER) {
      this.audioConfig = Buffer.from(tag.body);
      this.maybeConfigure();
    } else if (tag.packetType === AAC_RAW) {
      if (!this.configured) return this.hold(tag);
      this.options.sink.onFrame({ type: 'audio', dtsMs: tag.timestampMs, data: tag.body });
    }
  }

  private readMetadata(value: AmfValue): void {
    const props = value instanceof AmfEcmaArray ? value.properties : isRecord(value) ? value : null;
    if (!props) return;
    const num = (key: string): number | undefined => {
      const v = props[key];
      return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined;
    };
    this.metadata = {
      width: num('width'),
      height: num('height'),
      fps: num('framerate'),
      videoBitrateKbps: num('videodatarate'),
      audioBitrateKbps: num('audiodatarate'),
    };
  }

  private maybeConfigure(): void {
    if (!this.videoRecord || !this.audioConfig) return;
    const o = this.options;
    const m = this.metadata;
    const fps = o.fps ?? m.fps;
    if (fps === undefined) this.options.logger?.warn('no frame rate given or in onMetaData; assuming 30 fps');
    const video: VideoConfig = {
      codec: 'h264',
      width: o.width ?? m.width ?? 0,
      height: o.height ?? m.height ?? 0,
      fps: fps ?? 30,
      bitrateKbps: o.videoBitrateKbps ?? m.videoBitrateKbps ?? 0,
      decoderConfig: this.videoRecord,
    };
    const { sampleRate, channels } = parseAudioSpecificConfig(this.audioConfig);
    const audio: AudioConfig = {
      codec: 'aac',
      sampleRate,
      channels,
      bitrateKbps: o.audioBitrateKbps ?? m.audioBitrateKbps ?? 0,
      audioSpecificConfig: this.audioConfig,
    };
    const previous = this.configured;
    // A repeated, identical sequence header (some encoders resend them) is not a new config.
    if (previous && previous.video.decoderConfig.equals(video.decoderConfig) && previous.audio.audioSpecificConfig.equals(audio.audioSpecificConfig)) return;
    this.configured = { video, audio };
    o.sink.onConfig(video, audio);
    const held = this.pending;
    this.pending = [];
    for (const tag of held) this.onTag(tag);
  }

  private hold(tag: FlvTag): void {
    this.pending.push(tag);
    if (this.pending.length > MAX_HELD_FRAMES) {
      this.pending.shift();
      this.skippedBeforeConfig++;
    }
  }

  private unsupported(what: string): void {
    this.options.logger?.warn(`FLV ${what} is not supported here; tag skipped`);
  }
}

function isRecord(value: AmfValue): value is Readonly<Record<string, AmfValue>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
