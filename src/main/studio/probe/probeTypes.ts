// What `cuecast probe` reports (issue 4 "Verifier"), shared by every reader under
// probe/: one message per SEI or cue point, placed on a video access unit.
import { PlayError } from '../../engine/play/playError';

/** The fields an onCuePoint data message carries itself (spec "AMF0"). */
export interface ProbeCuePoint {
  readonly name: string;
  /** The cue point's own `time`, converted from seconds to ms. */
  readonly timeMs: number;
  /** "event" or "navigation". */
  readonly type: string;
  readonly parameters: unknown;
  /** Timestamp of the data message (RTMP message / FLV script tag), ms. */
  readonly messageTimeMs: number;
}

export interface ProbeMessage {
  readonly source: 'sei' | 'cuepoint';
  /** 0-based index of the video access unit carrying it (cue points: the next one). */
  readonly frameIndex: number;
  /** Presentation time of that access unit (its timestamp + composition time), ms. */
  readonly ptsMs: number;
  /**
   * SEI: the decoded JSON. Cue points: the commerce message rebuilt from
   * `parameters.message` when the cue point is one of ours ("cuecast.*"), else the
   * whole cue point object as it arrived.
   */
  readonly payload: unknown;
  /** Whether that access unit is a keyframe. */
  readonly keyframe: boolean;
  /** Cue points only. */
  readonly cuePoint?: ProbeCuePoint;
}

export interface ProbeTimeline {
  readonly messages: ProbeMessage[];
  readonly videoFrames: number;
}

/** The probe's own errors; the player it reads RTMP with throws the base class. */
export class ProbeError extends PlayError {}
