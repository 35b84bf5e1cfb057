// The Studio: one object in main that wires engine and outputs and implements the
// contract. Every request is parsed with its schema, answered to its caller, and the
// resulting state is broadcast to everyone (STYLE.md rules 4 and 5).
import { requestSchemas, StudioError, type EventName, type EventPayloads, type RequestName } from '../../shared/contract';
import type { EncoderProbeSnapshot, LogEntry, SceneInfo, SourceSpec, StudioSnapshot, SwitcherState } from '../../shared/model';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RundownState } from '../commerce/rundown/rundownState';
import type { Logger } from '../engine/logger';
import { RehearsalIngest, REHEARSAL_KEY } from '../engine/outputs/rehearsalIngest';
import { ProgramPipeline } from '../engine/programPipeline';
import { settlesWithin } from '../engine/settlesWithin';
import { SwitcherError } from '../engine/switcher/switcher';
import { MetadataStage } from '../engine/mux/metadataStage';
import { CpuMonitor } from './cpuMonitor';
import { pickLiveEncoder, type LiveEncoderPick } from './encoderSelection';
import { FfmpegProgramEncoder } from '../engine/encoder/programEncoder';
import { MetadataTimeline } from './metadataTimeline';
import { OutputManager } from './outputManager';
import { StudioCommerce } from './studioCommerce';
import { StudioEncoderProbe } from './studioEncoderProbe';
import type { SecretBox } from './secretBox';
import type { ShowConfig, ShowStore } from './showStore';
import { createRequestHandlers, type RequestHandlers } from './studioRequests';

export type StudioEventListener = <E extends EventName>(name: E, data: EventPayloads[E]) => void;

export interface StudioOptions {
  readonly ffmpegPath: string;
  readonly logger: Logger;
  readonly store: ShowStore;
  readonly secrets: SecretBox;
  readonly show: ShowConfig;
  readonly rehearsal: RehearsalIngest | null;
  /** Where the encoder probe caches its results (dataDir/encoderProbe.json). */
  readonly dataDir?: string;
  /** Probe encoders in the background at start (default true): ~10 s of CPU on a first run, then cached. */
  readonly probeEncodersAtStart?: boolean;
  /** The show's rundown (createStudio loads it, or the demo's); empty when absent. */
  readonly rundown?: RundownState;
}

const MAX_LOG = 200;
const STATE_MIN_INTERVAL_MS = 50;

export class Studio {
  pipeline: ProgramPipeline;
  readonly outputs: OutputManager;
  readonly rehearsal: RehearsalIngest | null;
  private show: ShowConfig;
  private readonly listeners = new Set<StudioEventListener>();
  private readonly logEntries: LogEntry[] = [];
  private readonly cpu = new CpuMonitor();
  private readonly handlers: RequestHandlers;
  private statePending: NodeJS.Timeout | null = null;
  private healthTimer: NodeJS.Timeout | null = null;
  private cpuPercent = 0;
  private disposed = false;
  previewUrlTemplate: string | null = null;
  /** Commerce metadata into the programme's access units, between encoder and outputs. */
  readonly metadata = new MetadataStage();
  /** What was sent into the stream and when, for the timeline panel. */
  readonly metadataTimeline: MetadataTimeline;
  /** Rundown, teleprompter and orders. */
  readonly commerce: StudioCommerce;
  /** The encoder the live path runs now. */
  private liveEncoder: LiveEncoderPick | null = null;
  /** The pipeline's dropped-frame count when the current session's first output started. */
  private dropsBeforeSession = 0;
  private readonly encoderProbes: StudioEncoderProbe;

  constructor(private readonly options: StudioOptions) {
    this.show = options.show;
    this.rehearsal = options.rehearsal;
    this.outputs = new OutputManager({
      logger: options.logger,
      secrets: options.secrets,
      ffmpegPath: options.ffmpegPath,
      programStream: this.metadata,
      onChange: () => this.changed(),
      onSessionStart: () => (this.dropsBeforeSession = this.pipeline.droppedFrames),
      onLog: (level, message) => this.log(level, message),
    });
    this.metadataTimeline = new MetadataTimeline(
      () => this.outputs.carrierCounts(),
      () => this.changed(),
    );
    this.metadata.addSink(this.metadataTimeline);
    for (const output of this.show.outputs) {
      this.outputs.add(output.builtIn && this.rehearsal ? { ...output, target: this.rehearsal.url, sealedKey: options.secrets.encrypt(REHEARSAL_KEY) } : output);
    }
    this.encoderProbes = new StudioEncoderProbe({
      ffmpegPath: options.ffmpegPath,
      dataDir: options.dataDir ?? null,
      outputs: this.outputs,
      currentShow: () => this.show,
      isDisposed: () => this.disposed,
      log: (level, message) => this.log(level, message),
      changed: () => this.changed(),
      onProbed: () => this.followEncoderChoice(),
    });
    this.pipeline = this.buildPipeline(this.show);
    const dataDir = options.dataDir ?? tmpdir();
    this.commerce = new StudioCommerce(this, options.rundown ?? new RundownState({ version: 1, title: 'Rundown', segments: [] }, dataDir, null), join(dataDir, 'product-images'));
    this.handlers = createRequestHandlers(this);
  }

  /** Start the live path: sources, clock, encoder, and the 1 Hz health refresh. */
  start(): void {
    this.outputs.finishLeftoverRecordings();
    this.pipeline.start();
    this.healthTimer = setInterval(() => {
      this.cpuPercent = this.cpu.sample(this.allChildPids());
      this.changed();
    }, 1000);
    this.log('info', `Studio ready: ${this.show.canvas.width}x${this.show.canvas.height}@${this.show.canvas.fps}`);
    if (this.options.probeEncodersAtStart ?? true) this.probeEncoders(false);
  }

  /** Starts an encoder probe in the background unless one runs; answers with its state. */
  probeEncoders(force: boolean): EncoderProbeSnapshot {
    return this.encoderProbes.start(force);
  }

  /** The last encoder probe with Auto's choice for the show as it is now. */
  encoderProbeNow(): EncoderProbeSnapshot | null {
    return this.encoderProbes.forNow();
  }

  /** The last encoder probe, as taken (null before the first). */
  get encoderProbe(): EncoderProbeSnapshot | null {
    return this.encoderProbes.last;
  }

  get ffmpegPath(): string {
    return this.options.ffmpegPath;
  }

  get secrets(): SecretBox {
    return this.options.secrets;
  }

  get config(): ShowConfig {
    return this.show;
  }

  /** Validates and runs one request; throws StudioError with a clear message. */
  async request(name: string, params: unknown): Promise<unknown> {
    if (this.disposed) throw new StudioError('unavailable', 'The studio is shutting down');
    if (!Object.hasOwn(requestSchemas, name)) throw new StudioError('unknownRequest', `Unknown request "${name}"`);
    const request = name as RequestName;
    const parsed = requestSchemas[request].safeParse(params ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new StudioError('badRequest', `${request}: ${issue?.path.join('.') || 'params'}: ${issue?.message ?? 'invalid'}`);
    }
    try {
      return await (this.handlers[request] as (p: unknown) => Promise<unknown> | unknown)(parsed.data);
    } catch (err) {
      if (err instanceof StudioError) throw err;
      if (err instanceof SwitcherError) throw new StudioError('conflict', err.message);
      this.options.logger.error(`${request} failed: ${(err as Error).stack ?? err}`);
      throw new StudioError('internal', `${request} failed: ${(err as Error).message}`);
    }
  }

  onEvent(cb: StudioEventListener): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  snapshot(): StudioSnapshot {
    const p = this.pipeline;
    const sw = p.switcher;
    const enc = p.encoder.stats();
    const scenes: SceneInfo[] = this.show.scenes.map((s) => ({ ...s }));
    return {
      canvas: this.show.canvas,
      encoder: this.show.encoder,
      sources: this.show.sources.map(({ id }) => {
        const info = p.sources.get(id)!.info();
        return { ...info, audioLevelDb: Math.max(-120, Math.round(sw.levelOf(id))) };
      }),
      scenes,
      switcher: this.switcherState(),
      outputs: this.outputs.info(),
      health: {
        programFps: p.programFps,
        programFrame: p.clock.upcomingFrame,
        cpuPercent: this.cpuPercent,
        encoderSpeed: enc.speed,
        encoderFps: enc.fps,
        droppedFrames: p.droppedFrames - this.dropsBeforeSession,
        encoderLabel: this.liveEncoder?.label ?? null,
      },
      onAir: this.outputs.info().some((o) => o.kind !== 'record' && o.state !== 'idle' && o.state !== 'error'),
      log: this.logEntries.slice(-50),
      previewUrlTemplate: this.previewUrlTemplate,
      // Auto follows the outputs and bitrate as they change, between probes.
      metadata: { timeline: this.metadataTimeline.entriesSnapshot(), ...this.metadata.stats() },
      commerce: this.commerce.info(),
      encoderProbe: this.encoderProbes.forNow(),
    };
  }

  switcherState(): SwitcherState {
    const sw = this.pipeline.switcher;
    const frame = this.pipeline.clock.upcomingFrame;
    const peak = Math.max(-120, Math.round(sw.programPeakDb));
    return {
      program: sw.program,
      preview: sw.preview,
      transition: sw.transition,
      transitionProgress: sw.transitionProgress(frame),
      fadeToBlack: sw.fadeToBlackState(frame),
      tally: sw.tally(),
      audio: sw.audio,
      programLevelDb: [peak, peak],
    };
  }

  /** Latest thumbnail for a source id, `program` or `rehearsal` (what the ingest received). */
  latestPreview(id: string): Buffer | null {
    if (id === 'program') return this.pipeline.encoder.latestPreview();
    if (id === 'rehearsal') return this.rehearsal?.latestPreview() ?? null;
    return this.pipeline.sources.get(id)?.latestPreview() ?? null;
  }

  logEntriesCopy(): LogEntry[] {
    return [...this.logEntries];
  }

  log(level: LogEntry['level'], message: string): void {
    const entry: LogEntry = { at: Date.now(), level, message };
    this.logEntries.push(entry);
    if (this.logEntries.length > MAX_LOG) this.logEntries.shift();
    this.options.logger[level === 'warn' ? 'warn' : level](message);
    this.emit('studio:log', entry);
  }

  /** Persist the show and schedule a coalesced state broadcast. */
  updateShow(change: (show: ShowConfig) => ShowConfig): void {
    this.show = change(this.show);
    this.persist();
    this.changed();
  }

  persist(): void {
    const sw = this.pipeline.switcher;
    this.show = { ...this.show, outputs: this.outputs.stored(), program: sw.program, preview: sw.preview, transition: sw.transition };
    try {
      this.options.store.save(this.show);
    } catch (err) {
      this.log('error', `Could not save settings: ${(err as Error).message}`);
    }
  }

  nextId(prefix: 'src' | 'scn' | 'out'): string {
    const id = `${prefix}-${this.show.nextId}`;
    this.show = { ...this.show, nextId: this.show.nextId + 1 };
    return id;
  }

  addSourceWorker(id: string, spec: SourceSpec): void {
    const worker = this.pipeline.addSource(id, spec);
    let lastState = worker.info().state;
    worker.onChange((info) => {
      if (info.state !== lastState) {
        const name = info.spec.name;
        if (info.state === 'noSignal' || info.state === 'error' || info.state === 'reconnecting') {
          this.log(info.state === 'error' ? 'error' : 'warn', `Source "${name}": ${info.state === 'noSignal' ? 'NO SIGNAL' : info.state}${info.reason ? ` — ${info.reason}` : ''}`);
        } else if (info.state === 'live' && lastState !== 'starting') {
          this.log('info', `Source "${name}" is back`);
        }
        lastState = info.state;
      }
      this.changed();
    });
  }

  /** Replace the whole live path (canvas or encoder change, only while off air). */
  async rebuildPipeline(show: ShowConfig): Promise<void> {
    await this.pipeline.dispose();
    this.show = show;
    this.pipeline = this.buildPipeline(show);
    this.pipeline.start();
    this.persist();
    this.changed();
  }

  /**
   * After a probe, start the encoder it picks if that is not the one running. Only off
   * air: a show on air keeps its encoder until it fails or the operator changes it.
   */
  private followEncoderChoice(): void {
    if (this.outputs.anyRunning || this.disposed) return;
    const pick = pickLiveEncoder(this.show.canvas, this.show.encoder, this.encoderProbe, 0);
    if (pick.id === this.liveEncoder?.id) return;
    this.log('info', `Encoder: ${pick.label}`);
    this.pipeline.replaceEncoder();
  }

  /** New encoder settings, off air: only the encoder restarts, cameras keep running. */
  applyEncoderSettings(encoder: ShowConfig['encoder']): void {
    this.updateShow((show) => ({ ...show, encoder }));
    this.pipeline.replaceEncoder();
    this.log('info', `Encoder settings changed: now ${this.liveEncoder?.label ?? 'x264'}`);
  }

  allChildPids(): number[] {
    const pids = this.pipeline.childPids();
    if (this.rehearsal?.pid) pids.push(this.rehearsal.pid);
    pids.push(...(this.commerce.orders?.processIds?.() ?? []));
    return pids;
  }

  emitTally(frame: number): void {
    this.emit('switcher:tally', { frame, switcher: this.switcherState() });
    this.changed();
  }

  changed(): void {
    if (this.statePending || this.disposed) return;
    this.statePending = setTimeout(() => {
      this.statePending = null;
      if (!this.disposed) this.broadcastState();
    }, STATE_MIN_INTERVAL_MS);
  }

  /**
   * Broadcasts the snapshot now, not within the coalescing interval: for state that
   * lasts less than it (a metadata change is pending for about one frame).
   */
  changedNow(): void {
    if (this.disposed) return;
    if (this.statePending) clearTimeout(this.statePending);
    this.statePending = null;
    this.broadcastState();
  }

  /**
   * Reporting state must never end the show: it runs in timers, where a throw would
   * take the whole process (and the programme) down. A failure is logged and the next
   * change reports again.
   */
  private broadcastState(): void {
    try {
      this.emit('studio:state', this.snapshot());
    } catch (err) {
      this.log('error', `Could not report the studio's state: ${(err as Error).message}`);
    }
  }

  /** Ordered, time-limited shutdown: outputs, encoder and switcher, sources, ingest. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    if (this.healthTimer) clearInterval(this.healthTimer);
    if (this.statePending) clearTimeout(this.statePending);
    this.encoderProbes.dispose();
    await settlesWithin(this.commerce.dispose(), 2000);
    await settlesWithin(this.outputs.dispose(), 3000);
    await settlesWithin(this.pipeline.dispose(), 5000);
    await settlesWithin(this.rehearsal?.dispose() ?? Promise.resolve(), 2000);
    this.listeners.clear();
  }

  private emit<E extends EventName>(name: E, data: EventPayloads[E]): void {
    for (const cb of this.listeners) cb(name, data);
  }

  private buildPipeline(show: ShowConfig): ProgramPipeline {
    const pipeline = new ProgramPipeline({
      canvas: show.canvas,
      encoder: show.encoder,
      ffmpegPath: this.options.ffmpegPath,
      logger: this.options.logger,
      onBusChange: (frame) => this.emitTally(frame),
      onEncoderFailure: (reason) => this.log('error', `${reason}; moving to the next encoder`),
      // The show's encoder settings as they are now: encoder:set replaces only the encoder.
      createEncoder: (canvas, _settingsAtBuild, failures) => {
        const settings = this.show.encoder;
        const pick = pickLiveEncoder(canvas, settings, this.encoderProbe, failures);
        if (failures > 0) this.log('warn', `Encoder failover: now ${pick.label} (failure ${failures} in this show)`);
        this.liveEncoder = pick;
        return new FfmpegProgramEncoder({ canvas, settings, ffmpegPath: this.options.ffmpegPath, logger: this.options.logger, video: pick.video });
      },
    });
    this.pipeline = pipeline;
    this.dropsBeforeSession = 0;
    // Encoder → metadata stage (SEI on the exact frame) → outputs. Outputs stay attached
    // to the stage; a replacement encoder is attached in place of the old one.
    let detachStage = pipeline.encoder.addSink(this.metadata);
    pipeline.onEncoderChange((encoder) => {
      detachStage();
      detachStage = encoder.addSink(this.metadata);
    });
    pipeline.switcher.setTransition(show.transition);
    for (const { id, spec } of show.sources) this.addSourceWorker(id, spec);
    for (const scene of show.scenes) pipeline.switcher.addScene(scene.id, { layout: scene.layout, sources: scene.sources });
    if (show.program && pipeline.switcher.hasInput(show.program)) pipeline.switcher.cut(0, show.program);
    if (show.preview && pipeline.switcher.hasInput(show.preview)) pipeline.switcher.setPreview(show.preview);
    return pipeline;
  }
}

