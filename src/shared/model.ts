// The studio's data model as every client sees it: plain readonly data, no runtime.
// The snapshot is main's truth; renderer stores are caches of it (STYLE.md rule 5).

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
}

export type OutputKind = 'rtmp' | 'record';

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
}

export interface HealthInfo {
  /** Programme frames produced per second over the last second. */
  readonly programFps: number;
  /** Programme frame counter since the studio started. */
  readonly programFrame: number;
  /** CPU of the studio and all its ffmpeg children, percent of one core. */
  readonly cpuPercent: number;
  /** Encoder speed as ffmpeg reports it (1.0 = real time); null when not encoding. */
  readonly encoderSpeed: number | null;
  readonly encoderFps: number | null;
  /** Programme frames the encoder could not take (overload). */
  readonly droppedFrames: number;
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
