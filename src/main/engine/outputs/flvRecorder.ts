// Records the programme to an .flv file. FLV needs no index (Adobe FLV spec §E:
// a header, then self-delimiting tags), so a file cut short by a crash or a power
// loss still plays up to its last whole tag: crash-safe by construction.
//
// The recording carries the show's timeline three ways (issue 4 "Recordings get the
// same timeline"): the SEI the metadata stage put in the picture, an onCuePoint tag
// before the access unit of each change, and `name.metadata.jsonl` beside the file.
// When it stops, a chaptered copy `name.mkv` is made (recording/finalizeRecording.ts).
// It only ever listens to the coded stream: a network destination that dies leaves
// the recording without a gap.
import { createWriteStream, existsSync, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import type { CommerceMetadata, CommerceMetadataKind } from '../../../shared/commerceMetadata';
import type { Logger } from '../logger';
import type { AudioConfig, EncodedFrame, EncodedStreamSink, EncodedVideoFrame, VideoConfig } from '../media/packets';
import {
  AAC_RAW,
  AAC_SEQUENCE_HEADER,
  aacAudioBody,
  FLV_SOUND_AAC,
  FLV_TAG_AUDIO,
  FLV_TAG_SCRIPT,
  FLV_TAG_VIDEO,
  flvFileHeader,
  flvTag,
  onMetaDataBody,
} from '../mux/flvTags';
import { flvVideoCodecId, flvVideoFrameBody, flvVideoSequenceHeaderBody } from '../mux/enhancedFlv';
import { BitrateMeter } from './bitrateMeter';
import { commerceCuePointBody } from './rtmp/cuePoint';
import type { OutputState, OutputStats } from './outputStats';
import { finalizeRecording, type FinalizeOutcome, type FinalizeRecordingResult } from './recording/finalizeRecording';
import { SidecarWriter, sidecarPathFor } from './recording/recordingSidecar';
import { settlesWithin } from '../settlesWithin';

/** How long quitting waits for a chaptered copy under way (inside the studio's 3 s for outputs). */
const FINISH_ON_QUIT_MS = 2000;

export interface FlvRecorderOptions {
  /** The recorder's name as the operator sees it ("Programme recording"). */
  readonly name: string;
  readonly folder: string;
  readonly logger: Logger;
  /** File names are `${prefix}-YYYYMMDD-HHMMSS.flv` (default "cuecast"), `-2.flv` etc. within one second. */
  readonly fileNamePrefix?: string;
  /**
   * ffmpeg for the chaptered copy `name.mkv` made when a recording stops. Without it
   * the chapters are still written, to `name.ffmetadata`.
   */
  readonly ffmpegPath?: string;
  /** Make the chapters (and the MKV) when a recording stops; default true. */
  readonly chapters?: boolean;
  /** Write an onCuePoint tag into the FLV for each metadata change; default true. */
  readonly cuePoints?: boolean;
  /** Time limit for the MKV remux (default: 60 s + 1 s per 20 MB of FLV). */
  readonly chaptersTimeoutMs?: number;
}

export type RecordingChaptersState = 'idle' | 'writing' | 'done' | 'skipped' | 'failed' | 'cancelled';

/** The chapters of the last stopped recording. */
export interface RecordingChaptersStatus {
  readonly state: RecordingChaptersState;
  /** 0..1 while the MKV is written. */
  readonly progress: number;
  readonly chapterCount: number;
  /** Why there is no MKV (skipped, failed, cancelled), for the operator. */
  readonly error: string | null;
}

export interface FlvRecorderStats extends OutputStats {
  /** Full path of the current (or last) recording. */
  readonly file: string | null;
  /** Its timeline, `name.metadata.jsonl`. */
  readonly sidecarFile: string | null;
  /** Metadata changes written to the current (or last) recording's timeline. */
  readonly timelineEntries: number;
  /**
   * The last stopped recording's chapters: `name.mkv` once written, else `name.ffmetadata`
   * (HEVC/AV1, no ffmpeg, or a failed remux); null until they are done.
   */
  readonly chaptersFile: string | null;
  readonly chapters: RecordingChaptersStatus;
}

const CHAPTER_STATES: Readonly<Record<FinalizeOutcome, RecordingChaptersState>> = { written: 'done', skipped: 'skipped', failed: 'failed', cancelled: 'cancelled' };

export class FlvRecorder implements EncodedStreamSink {
  private readonly log: Logger;
  private readonly meter = new BitrateMeter();
  private readonly stateListeners = new Set<(state: OutputState) => void>();
  private stateValue: OutputState = 'idle';
  private stream: WriteStream | null = null;
  private file: string | null = null;
  private lastError: string | null = null;
  private video: VideoConfig | null = null;
  private audio: AudioConfig | null = null;
  private headersWritten = false;
  private sawKeyframe = false;
  private baseMs: number | null = null;
  private lastTimestamp = 0;
  private lastVideoPtsMs: number | null = null;
  private sidecar: SidecarWriter | null = null;
  private sidecarFile: string | null = null;
  private sidecarHeaderWritten = false;
  private timelineEntries = 0;
  /** The latest message of each kind, recorded or not: what is on air. */
  private readonly current = new Map<CommerceMetadataKind, CommerceMetadata>();
  /** Changes not yet in the file (before its first keyframe, or during a header change). */
  private carried = new Map<CommerceMetadataKind, CommerceMetadata>();
  private chaptersStatus: RecordingChaptersStatus = { state: 'idle', progress: 0, chapterCount: 0, error: null };
  private chaptersFile: string | null = null;
  private finishing: Promise<FinalizeRecordingResult | null> = Promise.resolve(null);
  /** Which finish the stats describe: the latest one. */
  private finishCount = 0;
  private readonly disposed = new AbortController();

  constructor(private readonly options: FlvRecorderOptions) {
    this.log = options.logger.child(`recorder ${options.name}`);
  }

  get state(): OutputState {
    return this.stateValue;
  }

  onState(cb: (state: OutputState) => void): () => void {
    this.stateListeners.add(cb);
    return () => this.stateListeners.delete(cb);
  }

  stats(): FlvRecorderStats {
    return {
      state: this.stateValue,
      bitrateKbps: this.meter.kbps(),
      droppedFrames: 0,
      reconnects: 0,
      lastError: this.lastError,
      bytesSent: this.meter.totalBytes,
      queuedBytes: this.stream?.writableLength ?? 0,
      file: this.file,
      sidecarFile: this.sidecarFile,
      timelineEntries: this.timelineEntries,
      chaptersFile: this.chaptersFile,
      chapters: this.chaptersStatus,
    };
  }

  /** Resolves when the last stopped recording's chapters are done (null if none was started). */
  whenFinished(): Promise<FinalizeRecordingResult | null> {
    return this.finishing;
  }

  /** Creates the folder and a new file; never throws (a failure is state 'error'). */
  start(): void {
    if (this.stream) return;
    this.headersWritten = false;
    this.sawKeyframe = false;
    this.baseMs = null;
    this.lastTimestamp = 0;
    this.lastVideoPtsMs = null;
    this.lastError = null;
    this.sidecarFile = null;
    this.sidecarHeaderWritten = false;
    this.timelineEntries = 0;
    // What is on air now belongs at the start of the new file (an ended explaining does not).
    this.carried = new Map([...this.current].filter(([, m]) => !(m.kind === 'explaining' && m.explaining === 'ended')));
    const prefix = this.options.fileNamePrefix ?? 'cuecast';
    const stamp = `${prefix}-${timestampName(new Date())}`;
    // A restart within the same second gets "-2": the last file may still be read for its MKV.
    let file = path.join(this.options.folder, `${stamp}.flv`);
    for (let n = 2; existsSync(file); n++) file = path.join(this.options.folder, `${stamp}-${n}.flv`);
    this.file = file;
    try {
      mkdirSync(this.options.folder, { recursive: true });
    } catch (err) {
      return this.fail(`cannot create the folder ${this.options.folder} (${describe(err)})`);
    }
    const stream = createWriteStream(file, { flags: 'w' });
    this.stream = stream;
    stream.on('error', (err) => {
      if (this.stream === stream) this.fail(`cannot write ${file} (${describe(err)})`);
    });
    this.sidecarFile = sidecarPathFor(file);
    this.sidecar = new SidecarWriter(this.sidecarFile, (message) => {
      // The picture matters more than its timeline: say so, keep recording.
      this.lastError = `Recorder "${this.options.name}": ${message}`;
      this.log.error(this.lastError);
    });
    this.log.info(`recording to ${file}`);
    this.setState('live');
    if (this.video && this.audio) this.writeHeaders();
  }

  /** Flushes and closes the file; resolves when it is on disk (or failed). */
  async stop(): Promise<void> {
    const stream = this.stream;
    if (!stream) return;
    this.setState('stopping');
    this.stream = null;
    await new Promise<void>((resolve) => {
      if (stream.destroyed) return resolve();
      stream.once('close', () => resolve());
      stream.once('error', () => resolve());
      stream.end();
    });
    await this.closeSidecar();
    if (this.stateValue === 'stopping') this.setState('idle');
    this.log.info(`stopped; ${this.meter.totalBytes} bytes in ${this.file}`);
    if (this.file && this.options.chapters !== false) this.finish(this.file);
  }

  /**
   * Stops recording. A chaptered copy under way gets `graceMs` to finish (a short
   * show's takes about a second), then it is cancelled and redone at the next start.
   */
  async dispose(graceMs = FINISH_ON_QUIT_MS): Promise<void> {
    await this.stop();
    await settlesWithin(this.finishing, graceMs);
    this.disposed.abort();
    await this.finishing;
  }

  onConfig(video: VideoConfig, audio: AudioConfig): void {
    this.video = video;
    this.audio = audio;
    if (this.stream) this.writeHeaders();
  }

  onFrame(frame: EncodedFrame): void {
    const changes = frame.type === 'video' ? (frame.metadata ?? []) : [];
    for (const m of changes) this.current.set(m.kind, m);
    const ts = this.timestampOf(frame);
    if (ts === null) {
      for (const m of changes) this.carried.set(m.kind, m);
      return;
    }
    if (frame.type === 'video') {
      this.writeTimeline(frame, ts, changes);
      // HEVC is written as Enhanced FLV, H.264 as legacy AVC (enhancedFlv.ts).
      this.write(flvTag(FLV_TAG_VIDEO, ts, flvVideoFrameBody(this.video!, frame)));
    } else {
      this.write(flvTag(FLV_TAG_AUDIO, ts, aacAudioBody(AAC_RAW, frame.data)));
    }
  }

  /** The frame's tag timestamp, or null when it is not recorded. */
  private timestampOf(frame: EncodedFrame): number | null {
    if (!this.stream || !this.headersWritten) return null;
    if (!this.sawKeyframe) {
      if (frame.type !== 'video' || !frame.keyframe) return null;
      this.sawKeyframe = true;
    }
    this.baseMs ??= frame.dtsMs;
    const ts = Math.max(0, Math.round(frame.dtsMs - this.baseMs));
    this.lastTimestamp = ts;
    return ts;
  }

  /**
   * Cue points (before the video tag, so a player has them when the picture comes)
   * and sidecar lines for the changes on this access unit. Times: the tag's DTS for
   * the cue tag, which keeps the file's timestamps in order; its PTS, which is what
   * the SEI is shown at, as the cue point's `time` and the sidecar's `ptsMs`.
   */
  private writeTimeline(frame: EncodedVideoFrame, ts: number, changes: readonly CommerceMetadata[]): void {
    // The same rounding as the composition time in flvVideoFrameBody.
    const ptsMs = ts + Math.round(frame.ptsMs - frame.dtsMs);
    this.lastVideoPtsMs = Math.max(this.lastVideoPtsMs ?? 0, ptsMs);
    const wallTimeMs = Date.now();
    if (!this.sidecarHeaderWritten) {
      const { codec, width, height, fps } = this.video!;
      this.sidecar?.writeHeader({ type: 'cuecast-recording', v: 1, file: path.basename(this.file!), startedAtWallMs: wallTimeMs - ptsMs, video: { codec, width, height, fps } });
      this.sidecarHeaderWritten = true;
    }
    if (changes.length === 0 && this.carried.size === 0) return;
    const lines = [...[...this.carried.values()].map((message) => ({ message, carried: true as const })), ...changes.map((message) => ({ message }))];
    this.carried.clear();
    for (const line of lines) {
      if (this.options.cuePoints !== false) this.writeCuePoint(line.message, ts, ptsMs);
      this.sidecar?.append({ ptsMs, frame: frame.frame, wallTimeMs, ...line });
      this.timelineEntries++;
    }
  }

  private writeCuePoint(message: CommerceMetadata, ts: number, ptsMs: number): void {
    try {
      // The same cue point as the RTMP publisher sends, so every carrier reads alike.
      this.write(flvTag(FLV_TAG_SCRIPT, ts, commerceCuePointBody(message, ptsMs / 1000)));
    } catch (err) {
      // Never throw into the stage: the outputs after us would miss the frame.
      this.log.warn(`cue point for frame ${message.frame} left out: ${(err as Error).message}`);
    }
  }

  /** Chapters and the MKV, in the background: stop() has already resolved. */
  private finish(file: string): void {
    const video = this.video;
    const id = ++this.finishCount;
    this.chaptersFile = null;
    this.chaptersStatus = { state: 'writing', progress: 0, chapterCount: 0, error: null };
    const known = video ? { codec: video.codec, endMs: this.lastVideoPtsMs === null ? 0 : this.lastVideoPtsMs + 1000 / video.fps } : undefined;
    const previous = this.finishing;
    this.finishing = previous.then(() =>
      finalizeRecording({
        flvFile: file,
        ffmpegPath: this.options.ffmpegPath,
        logger: this.log,
        timeoutMs: this.options.chaptersTimeoutMs,
        signal: this.disposed.signal,
        known,
        onProgress: (progress) => {
          if (this.finishCount === id) this.chaptersStatus = { ...this.chaptersStatus, progress };
        },
      }).then((result) => {
        if (this.finishCount === id) {
          this.chaptersFile = result.mkvFile ?? result.ffmetadataFile;
          this.chaptersStatus = { state: CHAPTER_STATES[result.mkv], progress: result.mkv === 'written' ? 1 : this.chaptersStatus.progress, chapterCount: result.chapters.length, error: result.reason };
        }
        return result;
      }),
    );
  }

  private async closeSidecar(): Promise<void> {
    const sidecar = this.sidecar;
    this.sidecar = null;
    await sidecar?.close();
  }

  private writeHeaders(): void {
    const video = this.video!;
    const audio = this.audio!;
    const ts = this.lastTimestamp;
    if (!this.headersWritten) this.write(flvFileHeader(true, true));
    this.write(
      flvTag(
        FLV_TAG_SCRIPT,
        ts,
        onMetaDataBody({
          width: video.width,
          height: video.height,
          framerate: video.fps,
          videocodecid: flvVideoCodecId(video),
          videodatarate: video.bitrateKbps,
          audiocodecid: FLV_SOUND_AAC,
          audiodatarate: audio.bitrateKbps,
          audiosamplerate: audio.sampleRate,
          audiosamplesize: 16,
          stereo: audio.channels > 1,
          encoder: 'Cuecast',
        }),
      ),
    );
    this.write(flvTag(FLV_TAG_VIDEO, ts, flvVideoSequenceHeaderBody(video)));
    this.write(flvTag(FLV_TAG_AUDIO, ts, aacAudioBody(AAC_SEQUENCE_HEADER, audio.audioSpecificConfig)));
    this.headersWritten = true;
    // New decoder parameters apply from the next keyframe.
    this.sawKeyframe = false;
  }

  private write(data: Buffer): void {
    this.stream?.write(data, (err) => {
      if (!err) this.meter.add(data.length);
    });
  }

  private fail(message: string): void {
    const text = `Recorder "${this.options.name}": ${message}`;
    this.lastError = text;
    this.log.error(text);
    const stream = this.stream;
    this.stream = null;
    stream?.destroy();
    // What was written stays a leftover for findUnfinishedRecordings() to finish.
    void this.closeSidecar();
    this.setState('error');
  }

  private setState(state: OutputState): void {
    if (state === this.stateValue) return;
    this.stateValue = state;
    for (const cb of this.stateListeners) cb(state);
  }
}

function timestampName(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ? `${e.code}: ${e.message.replace(/^[A-Z]+: /, '')}` : String(err);
}
