// The programme encoder stage: supervised ffmpeg processes (video, audio) that take
// the switcher's raw frames and PCM and give back coded access units to every
// attached output, plus programme thumbnails. Any ffmpeg video encoder fits: H.264
// leaves ffmpeg as FLV, HEVC as MPEG-TS (ffmpeg 5.1 cannot put HEVC in FLV), AV1 as
// IVF (nor AV1 in FLV or a TS it reads back).
import type { CanvasSettings, EncoderSettings } from '../../../shared/model';
import type { Logger } from '../logger';
import type { AudioConfig, EncodedFrame, EncodedStreamSink, VideoCodec, VideoConfig } from '../media/packets';
import { releaseFrame, retainFrame } from '../media/framePool';
import { FfmpegProcess, type ProcessExit } from '../process/ffmpegProcess';
import { ProgressRate } from '../process/progressRate';
import { JpegSplitter } from '../sources/jpegSplitter';
import { flvAacParser, flvH264Parser, ivfAv1Parser, tsHevcParser, type ChunkParser, type UnnumberedVideoFrame, type VideoOutput, type VideoStreamInfo } from './codedOutputParsers';
import { EncodedStreamAssembler } from './encodedStreamAssembler';
import { AAC_PRIMING_MS, aacEncoderArgs, videoEncoderArgs, x264VideoCodecArgs, type VideoContainer } from './x264Args';

/** How each codec leaves ffmpeg, and the parser that reads it back. */
const VIDEO_PATHS: Readonly<Record<VideoCodec, { container: VideoContainer; parser: (info: VideoStreamInfo, out: VideoOutput) => ChunkParser }>> = {
  h264: { container: 'flv', parser: flvH264Parser },
  hevc: { container: 'mpegts', parser: tsHevcParser },
  av1: { container: 'ivf', parser: ivfAv1Parser },
};

/**
 * An encoder fed frames that gives none back for this long is hung (a GPU driver that
 * stopped answering, a wedged process): it is failed, so the studio moves to the next
 * encoder, as when one exits. Before its first frame it gets longer (hardware set-up).
 */
const HUNG_AFTER_MS = 4000;
const HUNG_BEFORE_FIRST_FRAME_MS = 15_000;

/** How many written frames we remember the programme number of (~30 s at 30 fps). */
const FRAME_MAP_SIZE = 1024;

export interface EncoderStats {
  readonly state: 'idle' | 'running' | 'failed' | 'stopped';
  readonly fps: number | null;
  readonly speed: number | null;
  /** Programme frames not given to the encoder because it was behind. */
  readonly droppedFrames: number;
  readonly lastError: string | null;
}

export interface ProgramEncoder {
  start(): void;
  /** One programme frame and its audio. Returns false when the frame was dropped. */
  write(frame: number, video: Buffer, audio: Buffer): boolean;
  addSink(sink: EncodedStreamSink): () => void;
  latestPreview(): Buffer | null;
  onFailure(cb: (reason: string) => void): () => void;
  stats(): EncoderStats;
  readonly pid: number | undefined;
  /** Every process of the stage, for CPU accounting. */
  readonly pids: number[];
  dispose(): Promise<void>;
}

/** Which ffmpeg video encoder, with its arguments (from the encoder settings model). */
export interface VideoEncoderChoice {
  readonly codec: VideoCodec;
  /** "-c:v libx264 -preset …" and the rest of the coding options. */
  readonly codecArgs: readonly string[];
  /** For the operator: "x264 veryfast", "NVENC HEVC". */
  readonly label: string;
  /** Arguments that must come before the input (VA-API's device). */
  readonly inputArgs?: readonly string[];
}

export interface ProgramEncoderOptions {
  readonly canvas: CanvasSettings;
  readonly settings: EncoderSettings;
  readonly ffmpegPath: string;
  readonly logger: Logger;
  /** libx264 with the settings when absent. */
  readonly video?: VideoEncoderChoice;
}

export class FfmpegProgramEncoder implements ProgramEncoder {
  readonly video: VideoEncoderChoice;
  /** Video: raw frames in, coded video and thumbnails out. */
  private readonly process: FfmpegProcess;
  /** Audio: PCM in, AAC FLV out (see aacEncoderArgs for why it is separate). */
  private readonly audioProcess: FfmpegProcess;
  private readonly sinks = new Set<EncodedStreamSink>();
  private readonly failureListeners = new Set<(reason: string) => void>();
  private config: { video: VideoConfig; audio: AudioConfig } | null = null;
  private preview: Buffer | null = null;
  private state: EncoderStats['state'] = 'idle';
  /** Encoding rate over the last seconds: ffmpeg's own figures average since start. */
  private readonly rate = new ProgressRate();
  private dropped = 0;
  private lastError: string | null = null;
  /** Encoder-relative frame index → programme frame number (drops make them differ). */
  private readonly frameMap: number[] = [];
  private written = 0;
  private videoOriginMs: number | null = null;
  /** Programme frame number of the first frame given to this encoder. */
  private firstProgramFrame: number | null = null;
  private readonly maxBacklogBytes: number;
  private startedAt = 0;
  /** When the encoders last gave back a coded picture and sound, and when they were last fed. */
  private lastVideoOutAt: number | null = null;
  private lastAudioOutAt: number | null = null;
  private lastOfferedAt = 0;
  private hungCheck: NodeJS.Timeout | null = null;

  constructor(private readonly options: ProgramEncoderOptions) {
    this.video = options.video ?? {
      codec: 'h264',
      codecArgs: x264VideoCodecArgs(options.canvas, options.settings),
      label: 'x264',
    };
    this.process = new FfmpegProcess({
      role: `encoder ${this.video.label}`,
      ffmpegPath: options.ffmpegPath,
      args: videoEncoderArgs(options.canvas, this.video.codecArgs, VIDEO_PATHS[this.video.codec].container, this.video.inputArgs),
      logger: options.logger,
      extraPipes: 1,
      stdinIsMedia: true,
    });
    this.audioProcess = new FfmpegProcess({
      role: 'audio encoder',
      ffmpegPath: options.ffmpegPath,
      args: aacEncoderArgs(options.settings),
      logger: options.logger,
      stdinIsMedia: true,
    });
    const frameBytes = (options.canvas.width * options.canvas.height * 3) / 2;
    // About a quarter second of raw frames may queue in front of the encoder; past
    // that it is not keeping up and we drop instead of growing latency. A dropped
    // frame's audio is dropped with it, so both streams' count-based timestamps stay
    // in step.
    this.maxBacklogBytes = Math.max(2, Math.round(options.canvas.fps / 4)) * frameBytes;
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  get pids(): number[] {
    return [this.process.pid, this.audioProcess.pid].filter((p): p is number => p !== undefined);
  }

  start(): void {
    this.startedAt = Date.now();
    this.hungCheck = setInterval(() => this.checkHung(), 500);
    this.hungCheck.unref();
    this.process.start();
    this.audioProcess.start();
    this.state = 'running';
    const { canvas, settings } = this.options;
    const assembler = new EncodedStreamAssembler({ onConfig: (v, a) => this.onConfig(v, a), onFrame: (f) => this.onFrame(f) });
    const info = { width: canvas.width, height: canvas.height, fps: canvas.fps, bitrateKbps: settings.videoBitrateKbps };
    const videoOut = { onConfig: (c: VideoConfig) => assembler.setVideo(c), onFrame: (f: UnnumberedVideoFrame) => assembler.frame({ ...f, frame: -1 }) };
    const videoParser = VIDEO_PATHS[this.video.codec].parser(info, videoOut);
    const audioParser = flvAacParser(settings.audioBitrateKbps, { onConfig: (c) => assembler.setAudio(c), onFrame: (f) => assembler.frame(f) });
    const read = (parser: { push(chunk: Buffer): void }) => (chunk: Buffer) => {
      try {
        parser.push(chunk);
      } catch (err) {
        this.fail(`encoder output unreadable: ${(err as Error).message}`);
      }
    };
    this.process.stdout.on('data', read(videoParser));
    this.audioProcess.stdout.on('data', read(audioParser));
    const jpegs = new JpegSplitter();
    this.process.pipe(3).on('data', (chunk: Buffer) => {
      for (const jpeg of jpegs.push(chunk)) this.preview = jpeg;
    });
    this.process.onProgress((p) => this.rate.push(p));
    this.process.onExit((exit) => this.onExit(exit));
    this.audioProcess.onExit((exit) => this.onExit(exit));
  }

  write(frame: number, video: Buffer, audio: Buffer): boolean {
    if (this.state !== 'running') return false;
    this.lastOfferedAt = Date.now();
    const stdin = this.process.stdin;
    if (stdin.writableLength > this.maxBacklogBytes) {
      // Frames refused while ffmpeg is still starting up are not an overload.
      if (this.config) this.dropped++;
      return false;
    }
    this.firstProgramFrame ??= frame;
    this.frameMap[this.written % FRAME_MAP_SIZE] = frame;
    this.written++;
    // The frame may be a pooled source buffer: keep it from reuse until written.
    retainFrame(video);
    stdin.write(video, () => releaseFrame(video));
    this.audioProcess.stdin.write(audio);
    return true;
  }

  addSink(sink: EncodedStreamSink): () => void {
    this.sinks.add(sink);
    if (this.config) sink.onConfig(this.config.video, this.config.audio);
    return () => this.sinks.delete(sink);
  }

  latestPreview(): Buffer | null {
    return this.preview;
  }

  onFailure(cb: (reason: string) => void): () => void {
    this.failureListeners.add(cb);
    return () => this.failureListeners.delete(cb);
  }

  stats(): EncoderStats {
    const now = this.state === 'running' ? this.rate.current() : null;
    return { state: this.state, fps: now?.fps ?? null, speed: now?.speed ?? null, droppedFrames: this.dropped, lastError: this.lastError };
  }

  async dispose(): Promise<void> {
    if (this.state === 'running') this.state = 'stopped';
    if (this.hungCheck) clearInterval(this.hungCheck);
    await Promise.all([this.process.stop({ graceMs: 1500 }), this.audioProcess.stop({ graceMs: 1500 })]);
    this.sinks.clear();
  }

  private onConfig(video: VideoConfig, audio: AudioConfig): void {
    this.config = { video, audio };
    for (const sink of this.sinks) sink.onConfig(video, audio);
  }

  private onFrame(frame: EncodedFrame): void {
    // Times leave this stage on the programme timeline: encoder time 0 is the programme
    // time of the first frame this encoder was given. A replacement encoder (after a
    // failure) so continues the same timeline, and the publisher keeps its connection.
    const offset = this.timelineOffsetMs();
    if (frame.type !== 'video') {
      this.lastAudioOutAt = Date.now();
      // The audio output was shifted so AAC's priming starts at 0; undo it so audio
      // sits where it was sampled, against video that starts at 0.
      const audio = { ...frame, dtsMs: Math.round(frame.dtsMs - AAC_PRIMING_MS + offset) };
      for (const sink of this.sinks) sink.onFrame(audio);
      return;
    }
    this.lastVideoOutAt = Date.now();
    // Frame 0 is the first picture's time (0 today; robust to a muxer offset).
    this.videoOriginMs ??= frame.ptsMs;
    const index = Math.round(((frame.ptsMs - this.videoOriginMs) * this.options.canvas.fps) / 1000);
    const known = index < this.written && index >= this.written - FRAME_MAP_SIZE;
    const mapped = {
      ...frame,
      dtsMs: Math.round(frame.dtsMs + offset),
      ptsMs: Math.round(frame.ptsMs + offset),
      frame: known ? this.frameMap[index % FRAME_MAP_SIZE] : index,
    };
    for (const sink of this.sinks) sink.onFrame(mapped);
  }

  private timelineOffsetMs(): number {
    return this.firstProgramFrame === null ? 0 : (this.firstProgramFrame * 1000) / this.options.canvas.fps;
  }

  private onExit(exit: ProcessExit): void {
    if (exit.requested || this.state === 'stopped') return;
    this.fail(`encoder stopped unexpectedly: ${exit.reason ?? (exit.signal ? `killed (${exit.signal})` : `exit code ${exit.code}`)}`);
  }

  /** Fails the stage when one of its encoders is being fed but has given nothing back for too long. */
  private checkHung(): void {
    if (this.state !== 'running') return;
    const now = Date.now();
    // Not fed lately (the programme clock stopped): silence is not a hang.
    if (now - this.lastOfferedAt > 1000) return;
    const outputs = [
      { who: `encoder ${this.video.label}`, what: 'picture', lastAt: this.lastVideoOutAt },
      { who: 'audio encoder', what: 'sound', lastAt: this.lastAudioOutAt },
    ];
    for (const { who, what, lastAt } of outputs) {
      const since = lastAt ?? this.startedAt;
      const limit = lastAt === null ? HUNG_BEFORE_FIRST_FRAME_MS : HUNG_AFTER_MS;
      if (now - since < limit) continue;
      const seconds = Math.round((now - since) / 1000);
      const when = lastAt === null ? `in its first ${seconds} s` : `for ${seconds} s`;
      return this.fail(`${who} hung: no ${what} ${when} while fed frames`);
    }
  }

  private fail(reason: string): void {
    if (this.hungCheck) clearInterval(this.hungCheck);
    if (this.state === 'failed') return;
    this.state = 'failed';
    this.lastError = reason;
    this.options.logger.error(reason);
    for (const cb of this.failureListeners) cb(reason);
  }
}
