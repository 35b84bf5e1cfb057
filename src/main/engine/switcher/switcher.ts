// Preview and programme buses, CUT, AUTO (mix / dip) and layouts, evaluated once per
// programme tick. State changes apply to the next tick the clock emits, so a cut
// requested between frames N-1 and N is on air from frame N exactly. On-air graphics
// are keyed over everything (layouts and transitions included), in named slots whose
// changes land on the frame asked for, so a take changes camera and card together.
// Fade to black comes last, over everything.
import type { AudioSettings, LayoutKind, Tally, TransitionSettings } from '../../../shared/model';
import { mixPcm } from './audioOps';
import { FadeToBlack } from './fadeToBlack';
import { blend, frameSize, pictureInPicture, sideBySide, solidFrame, type FrameGeometry } from './frameOps';
import { isOverlaySlot, OverlayLayer, type OverlaySlot } from './overlayLayer';
import { isYuvaOverlay, prepareOverlay, type OverlayImage, type YuvaOverlay } from './overlays';

/** What the switcher needs of a source (SourceWorker provides it). */
export interface FrameSource {
  /** The frame for the tick due at `dueAt` (performance.now() clock), asked once or more per tick. */
  frameForTick(dueAt?: number): Buffer;
  /** One tick's sound; `dueAt` as for frameForTick, so a source can give the sound of the frame it shows. */
  takeAudio(samplesPerChannel: number, dueAt?: number): { pcm: Buffer; peakDb: number };
}

export interface SceneDefinition {
  readonly layout: LayoutKind;
  readonly sources: readonly [string, string];
}

export interface ActiveTransition {
  readonly from: string | null;
  readonly to: string;
  readonly kind: TransitionSettings['kind'];
  readonly dipColor: string;
  readonly startFrame: number;
  readonly endFrame: number;
}

export interface ProgramOutput {
  /**
   * yuv420p. With graphics on air, a programme buffer valid until the render after
   * next (retainFrame to keep it longer); otherwise possibly a source's own frame.
   * Never to be written to.
   */
  readonly video: Buffer;
  /** s16le stereo PCM for exactly one frame interval. */
  readonly audio: Buffer;
  readonly programPeakDb: number;
}

export class SwitcherError extends Error {}

export class Switcher {
  private readonly sources = new Map<string, FrameSource>();
  private readonly scenes = new Map<string, SceneDefinition>();
  private programId: string | null = null;
  private previewId: string | null = null;
  private active: ActiveTransition | null = null;
  private transitionSettings: TransitionSettings = { kind: 'mix', durationMs: 500, dipColor: '#000000' };
  private audioSettings: AudioSettings = { mode: 'follow', fixedSourceId: null };
  private readonly black: Buffer;
  private readonly dipFrames = new Map<string, Buffer>();
  private readonly levels = new Map<string, number>();
  private programPeak = -120;
  private readonly overlays: OverlayLayer;
  private readonly ftb = new FadeToBlack();
  private readonly overlayListeners = new Set<(frame: number, visible: readonly OverlaySlot[]) => void>();

  constructor(
    private readonly geometry: FrameGeometry,
    private readonly samplesPerFrame: number,
    /** Called when tally or bus state changes take effect, with the frame they land on. */
    private readonly onBusChange: (frame: number) => void = () => undefined,
  ) {
    this.black = solidFrame(geometry, '#000000');
    this.overlays = new OverlayLayer(geometry);
  }

  get program(): string | null {
    return this.programId;
  }
  get preview(): string | null {
    return this.previewId;
  }
  get transition(): TransitionSettings {
    return this.transitionSettings;
  }
  get audio(): AudioSettings {
    return this.audioSettings;
  }
  get activeTransition(): ActiveTransition | null {
    return this.active;
  }

  addSource(id: string, source: FrameSource): void {
    this.sources.set(id, source);
  }

  removeSource(id: string): void {
    this.sources.delete(id);
    this.levels.delete(id);
    if (this.programId === id) this.programId = null;
    if (this.previewId === id) this.previewId = null;
    if (this.audioSettings.fixedSourceId === id) this.audioSettings = { mode: 'follow', fixedSourceId: null };
    if (this.active && (this.active.from === id || this.active.to === id)) this.active = null;
  }

  addScene(id: string, scene: SceneDefinition): void {
    for (const s of scene.sources) if (!this.sources.has(s)) throw new SwitcherError(`no source ${s} for the layout`);
    this.scenes.set(id, scene);
  }

  removeScene(id: string): void {
    this.scenes.delete(id);
    if (this.programId === id) this.programId = null;
    if (this.previewId === id) this.previewId = null;
  }

  hasInput(id: string): boolean {
    return this.sources.has(id) || this.scenes.has(id);
  }

  setPreview(id: string): void {
    this.requireInput(id);
    this.previewId = id;
  }

  /** Cut `id` (or preview) to programme on `frame`; the old programme goes to preview. */
  cut(frame: number, id?: string): void {
    const target = id ?? this.previewId;
    if (!target) throw new SwitcherError('nothing on preview to cut to');
    this.requireInput(target);
    const old = this.programId;
    const fromPreview = target === this.previewId;
    this.active = null;
    this.programId = target;
    // Cutting the preview swaps the buses, as on a hardware switcher; a direct cut
    // (Shift+digit) leaves preview alone.
    if (fromPreview) this.previewId = old;
    this.onBusChange(frame);
  }

  /** Start an AUTO transition from programme to preview at `frame`. */
  auto(frame: number, fps: number): ActiveTransition {
    const to = this.previewId;
    if (!to) throw new SwitcherError('nothing on preview for AUTO');
    const frames = Math.max(1, Math.round((this.transitionSettings.durationMs * fps) / 1000));
    this.active = {
      from: this.programId,
      to,
      kind: this.transitionSettings.kind,
      dipColor: this.transitionSettings.dipColor,
      startFrame: frame,
      endFrame: frame + frames,
    };
    this.onBusChange(frame);
    return this.active;
  }

  /**
   * Fade to black from `frame`, or back up from it, over the transition's duration;
   * pressed during a fade, it turns round. Calls onBusChange as it starts and ends.
   */
  fadeToBlack(frame: number, fps: number): { toBlack: boolean; startFrame: number; endFrame: number } {
    const frames = Math.max(1, Math.round((this.transitionSettings.durationMs * fps) / 1000));
    const fade = this.ftb.toggle(frame, frames);
    this.onBusChange(frame);
    return fade;
  }

  /** Whether programme is at or fading to black on `frame`, and the fade's progress. */
  fadeToBlackState(frame: number): { black: boolean; progress: number | null } {
    return { black: this.ftb.towardBlack, progress: this.ftb.progress(frame) };
  }

  setTransition(settings: TransitionSettings): void {
    this.transitionSettings = settings;
  }

  setAudio(settings: AudioSettings): void {
    if (settings.mode === 'fixed' && (!settings.fixedSourceId || !this.sources.has(settings.fixedSourceId))) {
      throw new SwitcherError('fixed audio needs an existing source');
    }
    this.audioSettings = settings;
  }

  /**
   * Shows `overlay` in `slot` from programme frame `fromFrame` on (null takes the slot
   * off air). A frame already rendered means the next one, as for cut(). An RGBA
   * overlay is converted here, once; prepareOverlay() does it ahead for a caller that
   * would rather not spend that time in the command.
   */
  setOverlay(slot: OverlaySlot, overlay: OverlayImage | YuvaOverlay | null, fromFrame: number): void {
    if (!isOverlaySlot(slot)) throw new SwitcherError(`no overlay slot ${String(slot)}`);
    if (!Number.isInteger(fromFrame)) throw new SwitcherError(`overlay frame must be a whole frame number, got ${fromFrame}`);
    let prepared: YuvaOverlay | null = null;
    if (overlay) {
      try {
        prepared = isYuvaOverlay(overlay) ? overlay : prepareOverlay(overlay);
      } catch (err) {
        throw new SwitcherError(`overlay for ${slot} refused: ${(err as Error).message}`);
      }
    }
    this.overlays.schedule(slot, prepared, fromFrame);
  }

  /**
   * The slots showing graphics on programme frame `frame`, bottom to top, counting
   * changes already scheduled for it; without `frame`, on the last frame rendered.
   */
  overlaysOnFrame(frame?: number): OverlaySlot[] {
    return this.overlays.visibleOn(frame);
  }

  /** Overlay changes scheduled for frames not rendered yet. */
  pendingOverlays(): { slot: OverlaySlot; visible: boolean; fromFrame: number }[] {
    return this.overlays.pendingChanges();
  }

  /** Called from render() on the frame where an overlay change lands, with the slots then visible. */
  onOverlayChange(cb: (frame: number, visible: readonly OverlaySlot[]) => void): () => void {
    this.overlayListeners.add(cb);
    return () => this.overlayListeners.delete(cb);
  }

  /** 0..1 during AUTO, else null. */
  transitionProgress(frame: number): number | null {
    if (!this.active) return null;
    return Math.min(1, Math.max(0, (frame - this.active.startFrame) / (this.active.endFrame - this.active.startFrame)));
  }

  tally(): Record<string, Tally> {
    const program = new Set<string>();
    const preview = new Set<string>();
    for (const id of [this.programId, this.active?.from ?? null]) this.expand(id, program);
    this.expand(this.previewId, preview);
    const result: Record<string, Tally> = {};
    for (const id of this.sources.keys()) result[id] = { program: program.has(id), preview: preview.has(id) };
    return result;
  }

  levelOf(id: string): number {
    return this.levels.get(id) ?? -120;
  }

  get programPeakDb(): number {
    return this.programPeak;
  }

  /**
   * Render programme frame `frame`, due at `dueAt` (performance.now() clock; sources
   * pick the frame scheduled for that moment). Called by the clock, once per frame, in order.
   */
  render(frame: number, dueAt?: number): ProgramOutput {
    this.finishTransitionIfDue(frame);
    if (this.ftb.finishIfDue(frame)) this.onBusChange(frame);
    if (this.overlays.advance(frame)) {
      const visible = this.overlays.visibleOn();
      for (const cb of this.overlayListeners) cb(frame, visible);
    }
    const audioBySource = new Map<string, Buffer>();
    for (const [id, source] of this.sources) {
      const { pcm, peakDb } = source.takeAudio(this.samplesPerFrame, dueAt);
      audioBySource.set(id, pcm);
      this.levels.set(id, peakDb);
    }
    let video: Buffer;
    let audio: Buffer;
    const t = this.active;
    if (t) {
      const p = (frame - t.startFrame) / (t.endFrame - t.startFrame);
      const from = this.renderInput(t.from, dueAt);
      const to = this.renderInput(t.to, dueAt);
      if (t.kind === 'mix') {
        video = blend(from, to, p);
      } else {
        const colour = this.dipFrame(t.dipColor);
        video = p < 0.5 ? blend(from, colour, p * 2) : blend(colour, to, (p - 0.5) * 2);
      }
      audio = this.audioFor(t.from, t.to, p, audioBySource);
    } else {
      video = this.renderInput(this.programId, dueAt);
      audio = this.audioFor(this.programId, null, 0, audioBySource);
    }
    ({ video, audio } = this.ftb.apply(frame, this.overlays.compose(video), audio, this.black));
    this.programPeak = peakOf(audio);
    return { video, audio, programPeakDb: this.programPeak };
  }

  private finishTransitionIfDue(frame: number): void {
    if (this.active && frame >= this.active.endFrame) {
      const { from, to } = this.active;
      this.active = null;
      this.programId = to;
      this.previewId = from;
      this.onBusChange(frame);
    }
  }

  private renderInput(id: string | null, dueAt: number | undefined): Buffer {
    if (!id) return this.black;
    const source = this.sources.get(id);
    if (source) return source.frameForTick(dueAt);
    const scene = this.scenes.get(id);
    if (!scene) return this.black;
    const [a, b] = scene.sources.map((s) => this.sources.get(s)?.frameForTick(dueAt) ?? this.black);
    return scene.layout === 'pip' ? pictureInPicture(this.geometry, a, b) : sideBySide(this.geometry, a, b);
  }

  private audioFor(from: string | null, to: string | null, p: number, audio: Map<string, Buffer>): Buffer {
    const silence = Buffer.alloc(this.samplesPerFrame * 4);
    if (this.audioSettings.mode === 'fixed' && this.audioSettings.fixedSourceId) {
      return audio.get(this.audioSettings.fixedSourceId) ?? silence;
    }
    const a = this.audioSourceOf(from);
    const aPcm = (a && audio.get(a)) || silence;
    if (!to) return aPcm;
    const b = this.audioSourceOf(to);
    const bPcm = (b && audio.get(b)) || silence;
    return mixPcm(aPcm, bPcm, p);
  }

  /** A scene's audio is its first source's (the host in PiP, the left in side by side). */
  private audioSourceOf(id: string | null): string | null {
    if (!id) return null;
    if (this.sources.has(id)) return id;
    return this.scenes.get(id)?.sources[0] ?? null;
  }

  private expand(id: string | null, into: Set<string>): void {
    if (!id) return;
    if (this.sources.has(id)) into.add(id);
    for (const s of this.scenes.get(id)?.sources ?? []) into.add(s);
  }

  private dipFrame(hex: string): Buffer {
    let f = this.dipFrames.get(hex);
    if (!f) {
      f = solidFrame(this.geometry, hex);
      this.dipFrames.set(hex, f);
    }
    return f;
  }

  private requireInput(id: string): void {
    if (!this.hasInput(id)) throw new SwitcherError(`no source or layout with id ${id}`);
  }

  get frameBytes(): number {
    return frameSize(this.geometry);
  }
}

function peakOf(pcm: Buffer): number {
  let peak = 0;
  for (let i = 0; i + 1 < pcm.length; i += 2) {
    const s = Math.abs(pcm.readInt16LE(i));
    if (s > peak) peak = s;
  }
  return peak === 0 ? -120 : 20 * Math.log10(peak / 32768);
}
