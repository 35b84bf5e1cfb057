// Records the programme to an .flv file. FLV needs no index (Adobe FLV spec §E:
// a header, then self-delimiting tags), so a file cut short by a crash or a power
// loss still plays up to its last whole tag: crash-safe by construction.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logger';
import type { AudioConfig, EncodedFrame, EncodedStreamSink, VideoConfig } from '../media/packets';
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
import type { OutputState, OutputStats } from './outputStats';

export interface FlvRecorderOptions {
  /** The recorder's name as the operator sees it ("Programme recording"). */
  readonly name: string;
  readonly folder: string;
  readonly logger: Logger;
  /** File names are `${prefix}-YYYYMMDD-HHMMSS.flv` (default "cuecast"). */
  readonly fileNamePrefix?: string;
}

export interface FlvRecorderStats extends OutputStats {
  /** Full path of the current (or last) recording. */
  readonly file: string | null;
}

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
    };
  }

  /** Creates the folder and a new file; never throws (a failure is state 'error'). */
  start(): void {
    if (this.stream) return;
    this.headersWritten = false;
    this.sawKeyframe = false;
    this.baseMs = null;
    this.lastTimestamp = 0;
    this.lastError = null;
    const prefix = this.options.fileNamePrefix ?? 'cuecast';
    const file = path.join(this.options.folder, `${prefix}-${timestampName(new Date())}.flv`);
    this.file = file;
    try {
      mkdirSync(this.options.folder, { recursive: true });
    } catch (err) {
      return this.fail(`cannot create the folder ${this.options.folder} (${describe(err)})`);
    }
    // 'w' replaces a file of the same second: only a restart within one second does that.
    const stream = createWriteStream(file, { flags: 'w' });
    this.stream = stream;
    stream.on('error', (err) => {
      if (this.stream === stream) this.fail(`cannot write ${file} (${describe(err)})`);
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
    if (this.stateValue === 'stopping') this.setState('idle');
    this.log.info(`stopped; ${this.meter.totalBytes} bytes in ${this.file}`);
  }

  onConfig(video: VideoConfig, audio: AudioConfig): void {
    this.video = video;
    this.audio = audio;
    if (this.stream) this.writeHeaders();
  }

  onFrame(frame: EncodedFrame): void {
    if (!this.stream || !this.headersWritten) return;
    if (!this.sawKeyframe) {
      if (frame.type !== 'video' || !frame.keyframe) return;
      this.sawKeyframe = true;
    }
    this.baseMs ??= frame.dtsMs;
    const ts = Math.max(0, Math.round(frame.dtsMs - this.baseMs));
    this.lastTimestamp = ts;
    if (frame.type === 'video') {
      // HEVC is written as Enhanced FLV, H.264 as legacy AVC (enhancedFlv.ts).
      this.write(flvTag(FLV_TAG_VIDEO, ts, flvVideoFrameBody(this.video!, frame)));
    } else {
      this.write(flvTag(FLV_TAG_AUDIO, ts, aacAudioBody(AAC_RAW, frame.data)));
    }
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
