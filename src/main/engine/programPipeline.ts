// The live path, end to end inside main: source workers → programme clock →
// switcher → encoder. The clock never waits for anything: each tick takes whatever
// each source has (latest frame or slate), renders the programme frame and hands it
// to the encoder, which drops rather than queues when it cannot keep up.
import type { CanvasSettings, EncoderSettings, SourceSpec } from '../../shared/model';
import type { ProgramEncoder } from './encoder/programEncoder';
import { FfmpegProgramEncoder } from './encoder/programEncoder';
import { samplesPerFrame } from './encoder/x264Args';
import type { Logger } from './logger';
import { SourceWorker } from './sources/sourceWorker';
import { ProgramClock, type ClockTick } from './switcher/programClock';
import { Switcher } from './switcher/switcher';

export interface ProgramPipelineOptions {
  readonly canvas: CanvasSettings;
  readonly encoder: EncoderSettings;
  readonly ffmpegPath: string;
  readonly logger: Logger;
  /** Bus/tally change taking effect on `frame`. */
  readonly onBusChange?: (frame: number) => void;
  /** Encoder died and is being restarted. */
  readonly onEncoderFailure?: (reason: string) => void;
  /**
   * Builds the encoder. `failures` counts encoders that failed in this pipeline, so a
   * caller with a fallback chain can move to the next one.
   */
  readonly createEncoder?: (canvas: CanvasSettings, settings: EncoderSettings, failures: number) => ProgramEncoder;
}

export type ProgramFrameListener = (tick: ClockTick, accepted: boolean) => void;

const ENCODER_RESTART_DELAY_MS = 50;

export class ProgramPipeline {
  readonly switcher: Switcher;
  readonly clock: ProgramClock;
  private readonly workers = new Map<string, SourceWorker>();
  private encoderValue: ProgramEncoder;
  private readonly frameListeners = new Set<ProgramFrameListener>();
  private readonly encoderChangeListeners = new Set<(encoder: ProgramEncoder) => void>();
  private programFrames = 0;
  private disposed = false;
  private fpsWindow: number[] = [];
  private encoderFailures = 0;
  /** Frames refused by encoders this pipeline has replaced (failover, a new choice). */
  private retiredEncoderDrops = 0;

  constructor(private readonly options: ProgramPipelineOptions) {
    const { canvas } = options;
    this.switcher = new Switcher(canvas, samplesPerFrame(canvas.fps), (frame) => options.onBusChange?.(frame));
    this.clock = new ProgramClock(
      canvas.fps,
      (tick) => this.onTick(tick),
      (skipped) => options.logger.warn(`programme clock re-anchored after the process stalled for ${skipped} frames`),
    );
    this.encoderValue = this.makeEncoder();
  }

  get canvas(): CanvasSettings {
    return this.options.canvas;
  }

  get encoder(): ProgramEncoder {
    return this.encoderValue;
  }

  get frameCount(): number {
    return this.programFrames;
  }

  /** Programme frames the encoders could not take (overload), all of them since start. */
  get droppedFrames(): number {
    return this.retiredEncoderDrops + this.encoderValue.stats().droppedFrames;
  }

  /** Frames rendered over the last second. */
  get programFps(): number {
    const now = performance.now();
    this.fpsWindow = this.fpsWindow.filter((t) => now - t <= 1000);
    return this.fpsWindow.length;
  }

  get sources(): ReadonlyMap<string, SourceWorker> {
    return this.workers;
  }

  start(): void {
    this.encoderValue.start();
    this.clock.start();
  }

  addSource(id: string, spec: SourceSpec): SourceWorker {
    const worker = new SourceWorker({
      id,
      spec,
      canvas: this.options.canvas,
      ffmpegPath: this.options.ffmpegPath,
      logger: this.options.logger,
    });
    this.workers.set(id, worker);
    this.switcher.addSource(id, worker);
    worker.start();
    return worker;
  }

  async removeSource(id: string): Promise<void> {
    const worker = this.workers.get(id);
    if (!worker) return;
    this.switcher.removeSource(id);
    this.workers.delete(id);
    await worker.dispose();
  }

  onProgramFrame(cb: ProgramFrameListener): () => void {
    this.frameListeners.add(cb);
    return () => this.frameListeners.delete(cb);
  }

  /** Outputs re-attach here when the encoder is replaced after a failure. */
  onEncoderChange(cb: (encoder: ProgramEncoder) => void): () => void {
    this.encoderChangeListeners.add(cb);
    return () => this.encoderChangeListeners.delete(cb);
  }

  /** Pids of every ffmpeg this pipeline runs, for CPU accounting. */
  childPids(): number[] {
    const pids = [...this.encoderValue.pids, ...[...this.workers.values()].map((w) => w.pid)];
    return pids.filter((p): p is number => typeof p === 'number');
  }

  /** Ordered shutdown: clock first (no more frames), then encoder, then sources. */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.clock.stop();
    await this.encoderValue.dispose();
    await Promise.all([...this.workers.values()].map((w) => w.dispose()));
    this.workers.clear();
  }

  private onTick(tick: ClockTick): void {
    const out = this.switcher.render(tick.frame, tick.dueAt);
    const accepted = this.encoderValue.write(tick.frame, out.video, out.audio);
    this.programFrames++;
    this.fpsWindow.push(performance.now());
    if (this.fpsWindow.length > 240) this.fpsWindow.splice(0, this.fpsWindow.length - 240);
    for (const cb of this.frameListeners) cb(tick, accepted);
  }

  private makeEncoder(): ProgramEncoder {
    const { canvas, encoder, ffmpegPath, logger } = this.options;
    const created = this.options.createEncoder
      ? this.options.createEncoder(canvas, encoder, this.encoderFailures)
      : new FfmpegProgramEncoder({ canvas, settings: encoder, ffmpegPath, logger });
    created.onFailure((reason) => this.onEncoderFailure(created, reason));
    return created;
  }

  private onEncoderFailure(failed: ProgramEncoder, reason: string): void {
    if (this.disposed || failed !== this.encoderValue) return;
    this.encoderFailures++;
    this.options.onEncoderFailure?.(reason);
    setTimeout(() => {
      if (this.disposed || failed !== this.encoderValue) return;
      this.replaceEncoder();
    }, ENCODER_RESTART_DELAY_MS);
  }

  /**
   * Start a new encoder in place of the current one, without touching sources or the
   * clock: outputs follow it and the timeline continues (used after a failure, and
   * when the encoder choice changes off air).
   */
  replaceEncoder(): void {
    if (this.disposed) return;
    const old = this.encoderValue;
    this.retiredEncoderDrops += old.stats().droppedFrames;
    this.encoderValue = this.makeEncoder();
    this.encoderValue.start();
    void old.dispose();
    for (const cb of this.encoderChangeListeners) cb(this.encoderValue);
  }
}
