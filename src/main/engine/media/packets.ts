// Coded media as it moves from an encoder to the mux stage and outputs. Times are
// milliseconds on the programme timeline (FLV and RTMP count in ms, spec §E.4.1).
import type { CommerceMetadata } from '../../../shared/commerceMetadata';

export type VideoCodec = 'h264' | 'hevc' | 'av1';
export type AudioCodec = 'aac';

export interface VideoConfig {
  readonly codec: VideoCodec;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly bitrateKbps: number;
  /** AVCDecoderConfigurationRecord (h264), HEVCDecoderConfigurationRecord (hevc) or av1C (av1). */
  readonly decoderConfig: Buffer;
}

export interface AudioConfig {
  readonly codec: AudioCodec;
  readonly sampleRate: number;
  readonly channels: number;
  readonly bitrateKbps: number;
  /** AudioSpecificConfig (ISO 14496-3 §1.6.2.1). */
  readonly audioSpecificConfig: Buffer;
}

export interface EncodedVideoFrame {
  readonly type: 'video';
  readonly dtsMs: number;
  readonly ptsMs: number;
  readonly keyframe: boolean;
  /**
   * As FLV carries them: length-prefixed NAL units (AVCC/HVCC layout) for h264/hevc; for
   * av1 the temporal unit's OBUs, each with obu_size, no temporal delimiter (AV1-ISOBMFF §2.4).
   */
  readonly data: Buffer;
  /** The programme frame number this access unit encodes. */
  readonly frame: number;
  /**
   * Commerce metadata changes that take effect on this access unit (set by the mux
   * stage, which also wrote them as SEI; keyframe repeats are not listed). Cue points,
   * webhooks and recording sidecars read them from here, so every carrier agrees.
   */
  readonly metadata?: readonly CommerceMetadata[];
}

export interface EncodedAudioFrame {
  readonly type: 'audio';
  readonly dtsMs: number;
  /** One raw AAC frame (no ADTS header). */
  readonly data: Buffer;
}

export type EncodedFrame = EncodedVideoFrame | EncodedAudioFrame;

/** What an encoder stage hands to outputs: the stream's configuration, then frames. */
export interface EncodedStreamSink {
  onConfig(video: VideoConfig, audio: AudioConfig): void;
  onFrame(frame: EncodedFrame): void;
}
