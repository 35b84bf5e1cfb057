// One camera or feed = one supervised ffmpeg (DESIGN.md §1). The worker reads that
// process's raw frames, PCM and preview JPEGs as fast as they come; its playout keeps
// the few frames the programme may still show and the sound that goes with them
// (sourcePlayout.ts). The programme clock asks
// for a frame on every tick and always gets one at once: the one scheduled for that
// tick, or the NO SIGNAL slate when the source has been silent for noSignalAfterMs. A
// process that stalls is killed by a watchdog; one that ends or fails is restarted
// with backoff, so the source comes back by itself.
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { CanvasSettings, SourceInfo, SourceSpec, SourceState } from '../../../shared/model';
import type { Logger } from '../logger';
import { releaseFrame } from '../media/framePool';
import { FfmpegProcess, type ProcessExit } from '../process/ffmpegProcess';
import { cleanLogLine } from '../process/ffmpegOutput';
import { JpegSplitter } from './jpegSplitter';
import { RestartPolicy } from './restartPolicy';
import { SourcePlayout } from './sourcePlayout';
import { greySlate, renderSlate, type Slate } from './slate';
import { VideoIntake } from './videoIntake';
import { InputAudioChoice } from './inputAudioChoice';
import { DEFAULT_FONT_FILE, buildSourceArgs, frameBytes, pacedByMain, validateSourceSpec } from './sourceArgs';
import { operatorReason } from './sourceReasons';

export interface SourceWorkerOptions {
  readonly id: string;
  readonly spec: SourceSpec;
  readonly canvas: CanvasSettings;
  readonly ffmpegPath: string;
  readonly logger: Logger;
  /** No frame for this long → the slate goes on air and the state is noSignal. */
  readonly noSignalAfterMs?: number;
  /** No frame for this long while the process runs → kill it and reconnect. */
  readonly stallKillMs?: number;
  /** A new process that has not delivered a frame in this long is killed and retried. */
  readonly startTimeoutMs?: number;
  /** Font for burned-in text; default DejaVu Sans Bold when installed, else fontconfig's. */
  readonly fontFile?: string | null;
  readonly restartPolicy?: RestartPolicy;
}

type Listener<T> = (value: T) => void;

const WATCHDOG_INTERVAL_MS = 100;
const MAX_REASON_CHARS = 160;

export class SourceWorker {
  readonly id: string;
  readonly spec: SourceSpec;
  private readonly options: SourceWorkerOptions;
  private readonly canvas: CanvasSettings;
  private readonly log: Logger;
  private readonly noSignalAfterMs: number;
  private readonly stallKillMs: number;
  private readonly startTimeoutMs: number;
  private readonly fontFile: string | null;
  private readonly policy: RestartPolicy;

  private stateValue: SourceState = 'stopped';
  private reasonValue: string | null = null;
  private reconnects = 0;
  private started = false;
  private disposed = false;

  private process: FfmpegProcess | null = null;
  private processStartedAt = 0;
  private framesThisProcess = 0;
  /** Why the watchdog killed the current process, to report instead of ffmpeg's exit. */
  private killReason: string | null = null;
  private recentLog: string[] = [];
  private readonly inputAudio: InputAudioChoice;
  private restartTimer: NodeJS.Timeout | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private lastSlatePreviewAt = 0;

  private readonly video: VideoIntake;
  private readonly jpegs = new JpegSplitter();
  private readonly playout: SourcePlayout;
  private lastFrameAt = -Infinity;
  private latestJpeg: Buffer | null = null;
  private frameTimes: number[] = [];
  private slate: Slate;

  private readonly frameListeners = new Set<(seq: number, receivedAtMs: number) => void>();
  private readonly previewListeners = new Set<Listener<Buffer>>();
  private readonly changeListeners = new Set<Listener<SourceInfo>>();

  constructor(options: SourceWorkerOptions) {
    this.id = options.id;
    this.spec = options.spec;
    this.canvas = options.canvas;
    this.options = options;
    this.log = options.logger.child(`source ${options.spec.name}`);
    this.noSignalAfterMs = options.noSignalAfterMs ?? 1000;
    this.stallKillMs = options.stallKillMs ?? 5000;
    this.startTimeoutMs = options.startTimeoutMs ?? 10_000;
    this.fontFile = options.fontFile !== undefined ? options.fontFile : existsSync(DEFAULT_FONT_FILE) ? DEFAULT_FONT_FILE : null;
    this.policy = options.restartPolicy ?? new RestartPolicy();
    this.inputAudio = new InputAudioChoice(options.spec);
    const periodMs = 1000 / options.canvas.fps;
    this.video = new VideoIntake(frameBytes(options.canvas), pacedByMain(options.spec) ? periodMs : null);
    this.playout = new SourcePlayout(options.spec, options.canvas, (message) => this.log.warn(message));
    this.slate = greySlate(options.canvas);
  }

  get state(): SourceState {
    return this.stateValue;
  }

  /** The current ffmpeg's pid, for CPU accounting; undefined between processes. */
  get pid(): number | undefined {
    return this.process?.pid;
  }

  start(): void {
    if (this.started || this.disposed) return;
    this.started = true;
    // Even a refused source is on the multiview: it shows its own labelled slate.
    void renderSlate({ ffmpegPath: this.options.ffmpegPath, name: this.spec.name, canvas: this.canvas, fontFile: this.fontFile }).then((slate) => {
      if (!this.disposed) this.slate = slate;
    });
    const invalid = validateSourceSpec(this.spec);
    if (invalid) {
      this.log.warn(`not started: ${invalid}`);
      this.setState('error', invalid);
      return;
    }
    this.startWatchdog();
    this.setState('starting', null);
    this.launch();
  }

  /** Operator's restart: a fresh process now, backoff forgotten; re-validates an errored spec. */
  restart(): void {
    if (this.disposed) return;
    if (!this.started) return this.start();
    this.clearRestartTimer();
    this.policy.reset();
    const invalid = validateSourceSpec(this.spec);
    if (invalid) {
      void this.stopProcess();
      this.setState('error', invalid);
      return;
    }
    this.startWatchdog();
    this.inputAudio.reset();
    this.setState('starting', null);
    // Wait for the old process to let go: a capture device is busy until it exits.
    void this.stopProcess().then(() => {
      if (!this.disposed && !this.process && !this.restartTimer) this.launch();
    });
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.clearRestartTimer();
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
    await this.stopProcess();
    this.video.detach();
    this.playout.dispose();
    this.setState('stopped', null);
    this.frameListeners.clear();
    this.previewListeners.clear();
    this.changeListeners.clear();
  }

  /**
   * Never blocks. For the programme tick due at `dueAt` (performance.now() clock): the
   * frame the synchroniser schedules for it (frameSync.ts); without a tick, the newest
   * frame. The slate when the source has been silent too long.
   */
  frameForTick(dueAt?: number): Buffer {
    if (!this.hasSignal(performance.now())) return this.slate.frame;
    return this.playout.frameFor(dueAt) ?? this.slate.frame;
  }

  /**
   * One tick's sound. A remote feed's or a media file's is the sound of the frame
   * frameForTick(dueAt) shows (lipSync.ts); other sources' is what came next.
   */
  takeAudio(samplesPerChannel: number, dueAt?: number): { pcm: Buffer; peakDb: number } {
    return this.playout.takeAudio(samplesPerChannel, dueAt, this.hasSignal(performance.now()));
  }

  latestPreview(): Buffer | null {
    if (this.latestJpeg && this.hasSignal(performance.now())) return this.latestJpeg;
    return this.slate.jpeg;
  }

  onPreview(cb: (jpeg: Buffer) => void): () => void {
    return subscribe(this.previewListeners, cb);
  }

  onFrame(cb: (seq: number, receivedAtMs: number) => void): () => void {
    this.frameListeners.add(cb);
    return () => this.frameListeners.delete(cb);
  }

  onChange(cb: (info: SourceInfo) => void): () => void {
    return subscribe(this.changeListeners, cb);
  }

  info(): SourceInfo {
    const now = performance.now();
    const fps = this.frameTimes.filter((t) => now - t <= 1000).length;
    return {
      id: this.id,
      spec: this.spec,
      state: this.stateValue,
      reason: this.reasonValue,
      fps,
      reconnects: this.reconnects,
      audioLevelDb: this.playout.level(now, this.hasSignal(now)),
      hasAudio: this.inputAudio.hasAudio,
    };
  }

  private hasSignal(now: number): boolean {
    return now - this.lastFrameAt <= this.noSignalAfterMs;
  }

  private launch(): void {
    this.restartTimer = null;
    if (this.disposed) return;
    // A device can vanish between attempts (unplugged): keep trying, it may come back.
    const invalid = validateSourceSpec(this.spec);
    if (invalid) return this.scheduleRestart(invalid);

    const videoSocketPath = this.video.nextSocketPath() ?? undefined;
    const args = buildSourceArgs(this.spec, this.canvas, { fontFile: this.fontFile, audio: this.inputAudio.mode, videoSocketPath });
    const proc = new FfmpegProcess({
      role: `source ${this.spec.name}`,
      ffmpegPath: this.options.ffmpegPath,
      args,
      logger: this.options.logger,
      extraPipes: 2,
    });
    this.process = proc;
    this.processStartedAt = performance.now();
    this.framesThisProcess = 0;
    this.killReason = null;
    this.recentLog = [];
    this.jpegs.reset();
    this.playout.newStream(this.inputAudio.mode === 'input');
    this.inputAudio.processStarting(() => {
      if (proc !== this.process || this.framesThisProcess > 0) return;
      this.log.info('the feed says it carries no audio; not waiting for ffmpeg to find that out');
      proc.kill();
    });
    proc.onLog((line) => {
      this.inputAudio.noteLog(line.text);
      // Warnings ("deprecated pixel format") are chatter, never the reason it stopped.
      if (line.level === 'warning') return;
      this.recentLog.push(cleanLogLine(line.text));
      if (this.recentLog.length > 20) this.recentLog.shift();
    });
    proc.onExit((exit) => this.onProcessExit(proc, exit));
    try {
      proc.start();
    } catch (err) {
      this.process = null;
      return this.scheduleRestart(`cannot start ffmpeg: ${(err as Error).message}`);
    }
    // Flowing mode on every pipe: a pipe nobody reads would stall ffmpeg.
    this.video.attach(proc, (frame, dueAt) => this.onVideo(proc, frame, dueAt));
    proc.pipe(3).on('data', (chunk: Buffer) => this.onAudio(proc, chunk));
    proc.pipe(4).on('data', (chunk: Buffer) => this.onPreviewChunk(proc, chunk));
  }

  /** `dueAt`: a paced source's frame's time, a little ahead (mediaPacer.ts). */
  private onVideo(proc: FfmpegProcess, frame: Buffer, dueAt?: number): void {
    if (proc !== this.process || this.disposed) {
      releaseFrame(frame);
      return;
    }
    const now = performance.now();
    const receivedAtMs = performance.timeOrigin + now;
    this.playout.video(frame, dueAt ?? now);
    this.lastFrameAt = now;
    const seq = this.framesThisProcess++;
    this.frameTimes.push(now);
    for (const cb of this.frameListeners) cb(seq, receivedAtMs);
    while (this.frameTimes.length && now - this.frameTimes[0] > 1000) this.frameTimes.shift();
    if (this.stateValue !== 'live') {
      this.policy.noteLive(now);
      this.setState('live', null);
    }
  }

  private onAudio(proc: FfmpegProcess, chunk: Buffer): void {
    if (proc !== this.process) return;
    this.playout.sound(chunk, performance.now());
  }

  private onPreviewChunk(proc: FfmpegProcess, chunk: Buffer): void {
    if (proc !== this.process) return;
    const images = this.jpegs.push(chunk);
    if (!images.length) return;
    this.latestJpeg = images[images.length - 1];
    for (const cb of this.previewListeners) cb(this.latestJpeg);
  }

  private startWatchdog(): void {
    if (!this.watchdog) this.watchdog = setInterval(() => this.checkWatchdog(), WATCHDOG_INTERVAL_MS);
  }

  private checkWatchdog(): void {
    const now = performance.now();
    const proc = this.process;
    if (!this.hasSignal(now) && now - this.lastSlatePreviewAt >= 1000) {
      // The multiview keeps showing the slate while the source is away.
      this.lastSlatePreviewAt = now;
      for (const cb of this.previewListeners) cb(this.slate.jpeg);
    }
    if (!proc || proc.state !== 'running' || this.killReason) return;
    if (this.framesThisProcess === 0) {
      if (now - this.processStartedAt > this.startTimeoutMs) {
        this.killStalled(`stalled: no frames within ${Math.round(this.startTimeoutMs / 1000)} s of connecting`);
      }
      return;
    }
    const silentFor = now - this.lastFrameAt;
    if (this.stateValue === 'live' && silentFor > this.noSignalAfterMs) {
      this.setState('noSignal', `no frames for ${formatSeconds(this.noSignalAfterMs)}`);
    }
    if (silentFor > this.stallKillMs) this.killStalled(`stalled: no frames for ${formatSeconds(this.stallKillMs)}`);
  }

  private killStalled(reason: string): void {
    this.killReason = reason;
    this.log.warn(`${reason}; killing ffmpeg to reconnect`);
    this.process?.kill();
  }

  private onProcessExit(proc: FfmpegProcess, exit: ProcessExit): void {
    if (proc !== this.process) return;
    this.process = null;
    this.video.detach();
    const retryWithSilence = this.inputAudio.processEnded(this.framesThisProcess);
    if (this.disposed) return;
    const printed = [exit.reason, ...this.recentLog].filter((l): l is string => !!l);
    if (retryWithSilence) {
      this.log.info('input has no audio; using silence');
      this.launch();
      return;
    }
    let reason = this.killReason;
    if (!reason) {
      if (exit.code === 0 && !exit.signal) reason = this.spec.kind === 'networkFeed' || this.spec.kind === 'captureDevice' ? 'feed ended' : 'ended';
      else if (printed.length) reason = operatorReason(printed[0], this.spec);
      else reason = `ffmpeg exited (${exit.signal ?? `code ${exit.code}`})`;
    }
    this.reconnects++;
    this.scheduleRestart(reason);
  }

  private scheduleRestart(reason: string): void {
    const delay = this.policy.nextDelayMs(performance.now());
    const text = reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS - 1)}…` : reason;
    this.log.info(`reconnecting in ${delay} ms: ${text}`);
    this.setState('reconnecting', text);
    this.clearRestartTimer();
    this.restartTimer = setTimeout(() => this.launch(), delay);
  }

  private async stopProcess(): Promise<void> {
    const proc = this.process;
    this.process = null;
    this.inputAudio.stopPeek();
    if (proc) await proc.stop({ graceMs: 1000 });
  }

  private clearRestartTimer(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
  }

  private setState(state: SourceState, reason: string | null): void {
    if (state === this.stateValue && reason === this.reasonValue) return;
    if (state !== this.stateValue) this.log.info(reason ? `${state}: ${reason}` : state);
    this.stateValue = state;
    this.reasonValue = reason;
    const info = this.info();
    for (const cb of this.changeListeners) cb(info);
  }
}

function subscribe<T>(set: Set<Listener<T>>, cb: Listener<T>): () => void {
  set.add(cb);
  return () => set.delete(cb);
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}
