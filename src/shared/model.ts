// The studio's data model as every client sees it: plain readonly data, no runtime.
// The snapshot is main's truth; renderer stores are caches of it (STYLE.md rule 5).
import type { CommerceInfo } from './commerceModel';

export type SourceKind = 'testPattern' | 'mediaFile' | 'networkFeed' | 'captureDevice';

export interface TestPatternSpec {
  readonly kind: 'testPattern';
  readonly name: string;
  /** CSS-style colour of the pattern's identity band, e.g. "#c0392b". */
  readonly color: string;
  /** Tone frequency in Hz for the source's audio; 0 for silence. */
  readonly toneHz: number;
}

export interface MediaFileSpec {
  readonly kind: 'mediaFile';
  readonly name: string;
  readonly path: string;
}

export interface NetworkFeedSpec {
  readonly kind: 'networkFeed';
  readonly name: string;
  /** rtmp://, rtmps://, srt://, rtsp://, http(s):// (HLS too). */
  readonly url: string;
}

export type CaptureBackend = 'v4l2' | 'dshow' | 'avfoundation' | 'decklink';

export interface CaptureDeviceSpec {
  readonly kind: 'captureDevice';
  readonly name: string;
  readonly backend: CaptureBackend;
  /** Device as the backend names it: /dev/video0, "video=HD Webcam", "0", "DeckLink Mini Recorder". */
  readonly device: string;
  readonly audioDevice?: string;
}

export type SourceSpec = TestPatternSpec | MediaFileSpec | NetworkFeedSpec | CaptureDeviceSpec;

/**
 * starting: process launched, no frame yet. live: frames arriving.
 * noSignal: no frame for ~1 s (slate on air), process still trying.
 * reconnecting: process ended or failed; restarting with backoff.
 * error: refused for good (bad URL, unknown device): reason says why.
 */
export type SourceState = 'starting' | 'live' | 'noSignal' | 'reconnecting' | 'error' | 'stopped';

export interface SourceInfo {
  readonly id: string;
  readonly spec: SourceSpec;
  readonly state: SourceState;
  /** Why the source is not live, in the operator's words. */
  readonly reason: string | null;
  readonly fps: number;
  readonly reconnects: number;
  /** Peak audio level of the last tick, dBFS (-Infinity as -120). */
  readonly audioLevelDb: number;
  /**
   * false: the source has no sound of its own and plays silence (a feed or file without
   * audio, a device without an audio input, a test pattern without a tone).
   */
  readonly hasAudio: boolean;
}

export type LayoutKind = 'pip' | 'sideBySide';

/** A layout is a scene: the switcher cuts to it like a camera. */
export interface SceneInfo {
  readonly id: string;
  readonly name: string;
  readonly layout: LayoutKind;
  /** pip: [background, inset]; sideBySide: [left, right]. */
  readonly sources: readonly [string, string];
}

export type TransitionKind = 'mix' | 'dip';

export interface TransitionSettings {
  readonly kind: TransitionKind;
  readonly durationMs: number;
  /** Dip colour, "#rrggbb". */
  readonly dipColor: string;
}

export interface Tally {
  readonly program: boolean;
  readonly preview: boolean;
}

export interface AudioSettings {
  /** follow: programme audio is the programme input's audio; fixed: always one source (a microphone). */
  readonly mode: 'follow' | 'fixed';
  readonly fixedSourceId: string | null;
}

export interface SwitcherState {
  /** Input ids are source ids or scene ids. */
  readonly program: string | null;
  readonly preview: string | null;
  readonly transition: TransitionSettings;
  /** 0..1 while an AUTO transition runs, else null. */
  readonly transitionProgress: number | null;
  /**
   * Fade to black, the last stage of programme: `black` while programme is black or
   * fading to it; `progress` 0..1 while a fade (down or up) runs, else null.
   */
  readonly fadeToBlack: { readonly black: boolean; readonly progress: number | null };
  /** Per source id. A scene on air puts all of its sources on programme tally. */
  readonly tally: Readonly<Record<string, Tally>>;
  readonly audio: AudioSettings;
  /** Programme audio peak, dBFS, left and right. */
  readonly programLevelDb: readonly [number, number];
}

export interface CanvasSettings {
  readonly width: number;
  readonly height: number;
  readonly fps: 25 | 30 | 50 | 60;
}

export interface EncoderSettings {
  readonly videoBitrateKbps: number;
  readonly audioBitrateKbps: number;
  readonly keyframeIntervalSec: number;
  /** x264 preset; "auto" picks what this canvas can hold in real time. */
  readonly x264Preset: 'auto' | 'ultrafast' | 'superfast' | 'veryfast' | 'faster' | 'fast' | 'medium';
  /**
   * Which encoder: "auto" (Auto's choice from the probe, with its fallback chain) or
   * an encoder id from the probe ("hevc_nvenc", "h264_vaapi@/dev/dri/renderD128").
   * Absent means auto.
   */
  readonly encoder?: string;
  /**
   * The settings model shared by every encoder family (all optional; unset means the
   * default: H.264, CBR, speed 3 of 7, no B-frames). Settings an encoder cannot honour
   * are refused by encoder:set with the reason.
   */
  readonly codec?: 'h264' | 'hevc' | 'av1';
  readonly rateControl?: 'cbr' | 'vbr';
  /** 1 = fastest … 7 = best quality, mapped to each family's native presets. */
  readonly speedQuality?: 1 | 2 | 3 | 4 | 5 | 6 | 7;
  readonly bFrames?: boolean;
}

export type OutputKind = 'rtmp' | 'srt' | 'record';

/** An out-of-band metadata sender attached to a destination (webhooks.md). */
export interface MetadataSenderInfo {
  readonly kind: 'webhook' | 'ivs';
  /** Webhook URL without credentials or query, or the IVS channel ARN. */
  readonly target: string;
  readonly state: 'idle' | 'ok' | 'retrying' | 'failing';
  readonly sent: number;
  readonly failed: number;
  readonly retries: number;
  /** Messages folded into a newer one of the same kind to stay within the rate limit. */
  readonly coalesced: number;
  readonly refusedOversize: number;
  readonly queueDepth: number;
  readonly lastError: string | null;
}

export type OutputState = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'error' | 'stopping';

export interface OutputInfo {
  readonly id: string;
  readonly name: string;
  readonly kind: OutputKind;
  /** Ingest URL without the stream key, or the recording folder. */
  readonly target: string;
  readonly hasKey: boolean;
  readonly state: OutputState;
  readonly lastError: string | null;
  readonly bitrateKbps: number;
  readonly droppedFrames: number;
  readonly reconnects: number;
  /** Recording file being written, when kind is record. */
  readonly file: string | null;
  /** The built-in rehearsal ingest: its received picture is the `rehearsal` preview. */
  readonly rehearsal: boolean;
  /** The ingest preset it was added from (ingestPresets.ts), 'custom-rtmp' etc. */
  readonly presetId: string;
  /** RTMP: commerce metadata also sent as onCuePoint data messages. */
  readonly cuePoints: boolean;
  /** Bytes waiting to go out (socket or pipe): the destination's queue depth. */
  readonly queuedBytes: number;
  readonly metadataSender: MetadataSenderInfo | null;
  /** Recordings: the metadata sidecar (.metadata.jsonl) and chaptered copy (.mkv), when written. */
  readonly sidecarFile: string | null;
  readonly chaptersFile: string | null;
}

/** One commerce metadata change as the control room's timeline shows it. */
export interface MetadataTimelineEntry {
  /** Increasing id, for list keys. */
  readonly seq: number;
  readonly kind: 'product' | 'explaining' | 'sales' | 'state';
  /** One line for the operator: "SKU-1 Ring — 19.99 EUR", "explaining started". */
  readonly summary: string;
  /** The programme frame it was bound to. */
  readonly frame: number;
  readonly requestedAtMs: number;
  /** pending until its access unit went through the mux stage. */
  readonly state: 'pending' | 'sent' | 'late' | 'noSei';
  /** Presentation time of the carrying access unit on the encoder's timeline. */
  readonly ptsMs: number | null;
  /** Destinations live when it went out, and how many of them also got it as a cue point. */
  readonly destinations: number;
  readonly cuePoints: number;
  readonly webhooks: number;
}

export interface MetadataInfo {
  /** Newest last; the last 100 changes. */
  readonly timeline: readonly MetadataTimelineEntry[];
  readonly onTime: number;
  readonly late: number;
  readonly repeats: number;
  readonly dropped: number;
}

export interface HealthInfo {
  /** Programme frames produced per second over the last second. */
  readonly programFps: number;
  /** Programme frame counter since the studio started. */
  readonly programFrame: number;
  /** CPU of the studio, all its ffmpeg children and its order desk processes, percent of one core. */
  readonly cpuPercent: number;
  /** Encoder speed over the last 3 s (1.0 = real time); null when not encoding. */
  readonly encoderSpeed: number | null;
  /** Frames encoded per second over the last 3 s; null when not encoding. */
  readonly encoderFps: number | null;
  /**
   * Programme frames the encoder could not take (overload), counted from the start of
   * the current (or last) session: the first output started while none ran.
   */
  readonly droppedFrames: number;
  /** The encoder running now ("x264", "NVENC HEVC"). */
  readonly encoderLabel: string | null;
}

export interface LogEntry {
  readonly at: number;
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
}

export interface StudioSnapshot {
  readonly canvas: CanvasSettings;
  readonly encoder: EncoderSettings;
  readonly sources: readonly SourceInfo[];
  readonly scenes: readonly SceneInfo[];
  readonly switcher: SwitcherState;
  readonly outputs: readonly OutputInfo[];
  readonly health: HealthInfo;
  /** True while any output is live or connecting. */
  readonly onAir: boolean;
  readonly log: readonly LogEntry[];
  /**
   * Where live preview JPEG streams are served (multipart MJPEG, ~10 fps):
   * replace `{id}` with a source id, a scene id or `program`.
   */
  readonly previewUrlTemplate: string | null;
  /**
   * Encoder capabilities of this machine; null until the first probe starts. Optional
   * only until every snapshot literal (studioStore.test.ts) sets it.
   */
  readonly encoderProbe: EncoderProbeSnapshot | null;
  /** Commerce metadata sent into the programme (issue 4), for the timeline panel. */
  readonly metadata: MetadataInfo;
  /** Rundown, teleprompter and orders (issue 5). */
  readonly commerce: CommerceInfo;
}

export interface CaptureDeviceInfo {
  readonly backend: CaptureBackend;
  readonly device: string;
  readonly label: string;
  readonly hasAudio: boolean;
}

export interface DeviceList {
  readonly devices: readonly CaptureDeviceInfo[];
  /** Why the list is empty or partial, per backend ("no /dev/video* nodes", "ffmpeg built without decklink"). */
  readonly notes: readonly string[];
}

export type VideoCodec = 'h264' | 'hevc' | 'av1';

export type EncoderFamilyId = 'nvenc' | 'qsv' | 'amf' | 'videotoolbox' | 'vaapi' | 'v4l2m2m' | 'x264' | 'x265' | 'svtav1';

/** One encoder the ffmpeg build lists (one per render node for VA-API), after its test encode. */
export interface EncoderCapability {
  /** ffmpeg encoder name, with the render node for VA-API: "h264_vaapi@/dev/dri/renderD128". */
  readonly id: string;
  readonly encoder: string;
  readonly family: EncoderFamilyId;
  /** "NVENC HEVC", "x264". */
  readonly label: string;
  readonly codec: VideoCodec;
  readonly hardware: boolean;
  readonly device: string | null;
  /** working: a test encode succeeded (at the canvas, or only at 1280x720 when acceptsCanvas is false). */
  readonly state: 'working' | 'unavailable';
  readonly acceptsCanvas: boolean;
  /** Why it is unavailable or refuses the canvas: ffmpeg's first real error line. */
  readonly reason: string | null;
  /** Frames per second measured at the canvas over ~2 s; null when not measured. */
  readonly fps: number | null;
}

export interface EncoderFamilyInfo {
  readonly family: EncoderFamilyId;
  readonly label: string;
  readonly hardware: boolean;
  /** False when this ffmpeg build has none of the family's encoders. */
  readonly listed: boolean;
}

export interface EncoderProbeResult {
  readonly canvas: CanvasSettings;
  readonly ffmpegVersion: string;
  /** When the probe ran (ms since epoch); a cached result keeps its original time. */
  readonly probedAt: number;
  readonly fromCache: boolean;
  /** Wall time of the parallel test encodes (all candidates). */
  readonly availabilityMs: number;
  /** Wall time of the whole probe, speed measurements included. */
  readonly totalMs: number;
  readonly families: readonly EncoderFamilyInfo[];
  readonly encoders: readonly EncoderCapability[];
}

/** Auto's pick for the canvas and destinations, with the fallback chain and the reason in words. */
export interface AutoEncoderChoice {
  /** EncoderCapability id; null when nothing works. */
  readonly encoderId: string | null;
  readonly label: string;
  readonly reason: string;
  /** Measured speed holds the canvas rate with margin. */
  readonly holdsRate: boolean;
  /** The next encoders to fall back to, best first (ids). */
  readonly fallback: readonly string[];
  /** The profile it would encode with: "H.264 High@4.1, CBR 6000 kbps, keyframe 2 s, x264 veryfast". */
  readonly profile: string;
  readonly warnings: readonly string[];
}

export interface EncoderProbeSnapshot {
  readonly state: 'probing' | 'done' | 'failed';
  /** The last completed result (kept while a re-probe runs). */
  readonly result: EncoderProbeResult | null;
  readonly auto: AutoEncoderChoice | null;
  readonly error: string | null;
}
