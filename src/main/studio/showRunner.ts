// Runs the show from its rundown (issue 5 "Take"): one take cuts to the segment's
// camera or layout, puts its product card on air, ends the previous "explaining" and
// starts this one, and moves the teleprompter — all bound to one programme frame.
// The card is rendered before the frame is chosen (sharp is asynchronous), then
// everything is applied synchronously, so nothing can slip to another frame.
import { encodeMetadata, type CommerceMetadata } from '../../shared/commerceMetadata';
import { teleprompterMaxSpeed, teleprompterStartSpeed, type RundownInfo, type TeleprompterSettings } from '../../shared/commerceModel';
import type { ParsedParams } from '../../shared/contract';
import { promoEndForTake, segmentToMetadataProduct, type Rundown, type RundownSegment } from '../../shared/rundown';
import type { OnAirGraphics } from '../commerce/graphics/onAirGraphics';
import { ShoutOutPacer, type ShoutOutOrder } from '../commerce/graphics/orderShoutOut';
import { prepareOverlay, type YuvaOverlay } from '../engine/switcher/overlays';
import { productCardContent } from '../commerce/graphics/productCard';
import type { SalesTickerContent } from '../commerce/graphics/salesTicker';
import { prepareRundownImages, type PreparedProductImage } from '../commerce/rundown/productImages';
import { RundownError, RundownState } from '../commerce/rundown/rundownState';

export type OverlaySlot = 'productCard' | 'salesTicker' | 'orderShoutOut';
type GraphicsChange = Partial<Record<OverlaySlot, boolean>>;

/** What the runner needs of the live path; the Studio provides it. */
export interface ShowRunnerDeps {
  upcomingFrame(): number;
  canvas(): { width: number; height: number };
  hasInput(id: string): boolean;
  inputName(id: string): string | null;
  cut(frame: number, input: string): void;
  setOverlay(slot: OverlaySlot, overlay: YuvaOverlay | null, frame: number): void;
  /** Whether the programme shows (or is about to show) something in `slot`. */
  overlayShown(slot: OverlaySlot): boolean;
  /** Metadata into the stream on `frame` (the mux stage and the timeline). */
  send(message: CommerceMetadata, frame: number): void;
  /** Live sales of a SKU, when orders are known. */
  stockLeft(sku: string): number | undefined;
  salesTicker(): SalesTickerContent | null;
  /** The desk's order count and its latest orders, newest first (null before the desk runs). */
  recentOrders(): { readonly count: number; readonly latest: readonly ShoutOutOrder[] } | null;
  onChange(): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

const COUNTDOWN_TICK_MS = 1000;

export class ShowRunner {
  private readonly images = new Map<string, PreparedProductImage>();
  private readonly graphicsOn = { productCard: true, salesTicker: false, orderShoutOut: true };
  /** New orders on air at most every few seconds; the counters are never paced. */
  private readonly shoutOuts = new ShoutOutPacer();
  private teleprompterValue: TeleprompterSettings = { mirror: false, speed: 60, running: false, fontSizePx: 72, jump: null, message: null };
  private queue: Promise<unknown> = Promise.resolve();
  private ticker: NodeJS.Timeout | null = null;
  /** The promo end the last product message announced (so its expiry is sent once). */
  private promoAnnounced: number | null = null;
  private disposed = false;
  /** cardKey() of the card on the programme, if any. */
  private cardOnAir: string | null = null;

  constructor(
    readonly state: RundownState,
    private readonly graphics: OnAirGraphics,
    private readonly imageCacheDir: string,
    private readonly deps: ShowRunnerDeps,
  ) {
    void this.prepareImages();
    this.ticker = setInterval(() => void this.tick(), COUNTDOWN_TICK_MS);
  }

  get teleprompter(): TeleprompterSettings {
    return this.teleprompterValue;
  }

  thumbnailFile(segmentId: string): string | null {
    const first = this.state.rundown.segments.find((s) => s.id === segmentId)?.images[0];
    return (first && this.images.get(first)?.thumbnailPath) ?? null;
  }

  info(thumbnailUrl: (segmentId: string) => string): RundownInfo {
    const onAir = this.state.onAir;
    return {
      revision: this.state.revision,
      title: this.state.rundown.title ?? 'Rundown',
      segments: this.state.rundown.segments.map((s) => ({
        id: s.id,
        sku: s.sku,
        title: s.title,
        price: s.price,
        promoPrice: s.promoPrice ?? null,
        currency: s.currency,
        stock: s.stock,
        input: s.input,
        inputName: this.deps.inputName(s.input),
        targetDurationSec: s.targetDurationSec,
        thumbnailUrl: this.thumbnailFile(s.id) ? thumbnailUrl(s.id) : null,
        flashSaleSec: s.flashSaleSec ?? null,
      })),
      onAir: onAir && { id: onAir.segment.id, takenOnFrame: onAir.takenOnFrame, takenAtMs: onAir.takenAtMs, promoEndsAtMs: onAir.promoEndsAtMs },
      nextId: this.state.nextId,
      graphics: { ...this.graphicsOn },
    };
  }

  /** Takes a segment (the cued one without an id); resolves with the frame it is on air from. */
  take(id?: string): Promise<{ frame: number; segmentId: string }> {
    return this.serial(() => this.takeNow(this.state.resolveTake(id)));
  }

  takePrevious(): Promise<{ frame: number; segmentId: string }> {
    return this.serial(() => this.takeNow(this.state.previousOfOnAir()));
  }

  /** Ends explaining: card off and "explaining ended" on the next frame. */
  end(): Promise<{ frame: number }> {
    return this.serial(async () => {
      const onAir = this.state.onAir;
      if (!onAir) throw new RundownError('Nothing is on air');
      const message = this.message('explaining', onAir.segment, { explaining: 'ended' });
      encodeMetadata(message);
      const frame = this.deps.upcomingFrame();
      this.deps.setOverlay('productCard', null, frame);
      this.state.ended();
      this.deps.send({ ...message, frame }, frame);
      this.deps.onChange();
      return { frame };
    });
  }

  /** A segment edited while on air: the card and the product metadata follow on the next frame. */
  async refreshOnAir(): Promise<void> {
    await this.serial(async () => {
      const onAir = this.state.onAir;
      if (!onAir) return;
      const now = Date.now();
      const card = await this.renderCard(onAir.segment, onAir.promoEndsAtMs, now);
      const frame = this.deps.upcomingFrame();
      if (this.graphicsOn.productCard) {
        this.deps.setOverlay('productCard', card, frame);
        this.cardOnAir = this.cardKey(onAir.segment, onAir.promoEndsAtMs, now);
      }
      this.sendProduct(onAir.segment, onAir.promoEndsAtMs, frame);
    });
  }

  async flashSale(seconds: number): Promise<{ endsAtMs: number }> {
    const endsAtMs = Date.now() + seconds * 1000;
    this.state.setPromoEnd(endsAtMs);
    await this.refreshOnAir();
    this.deps.onChange();
    return { endsAtMs };
  }

  async setGraphics(change: GraphicsChange): Promise<void> {
    Object.assign(this.graphicsOn, Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)));
    const frame = this.deps.upcomingFrame();
    if (!this.graphicsOn.productCard) this.deps.setOverlay('productCard', null, frame);
    if (!this.graphicsOn.salesTicker) this.deps.setOverlay('salesTicker', null, frame);
    if (!this.graphicsOn.orderShoutOut) {
      this.deps.setOverlay('orderShoutOut', null, frame);
      this.shoutOuts.reset();
    }
    this.deps.onChange();
    await this.tick();
  }

  /** Absolute values first, then the relative changes on top of main's current value. */
  setTeleprompter(change: ParsedParams<'teleprompter:set'>): void {
    const { speedBy, toggleRunning, ...absolute } = change;
    const defined = Object.fromEntries(Object.entries(absolute).filter(([, v]) => v !== undefined));
    let next: TeleprompterSettings = { ...this.teleprompterValue, ...defined };
    if (speedBy !== undefined) next = { ...next, speed: Math.min(teleprompterMaxSpeed, Math.max(0, next.speed + speedBy)) };
    if (toggleRunning) next = next.running ? { ...next, running: false } : { ...next, running: true, speed: next.speed === 0 ? teleprompterStartSpeed : next.speed };
    this.teleprompterValue = next;
    this.deps.onChange();
  }

  jump(marker: string): void {
    this.teleprompterValue = { ...this.teleprompterValue, jump: { seq: (this.teleprompterValue.jump?.seq ?? 0) + 1, marker } };
    this.deps.onChange();
  }

  directorMessage(text: string): void {
    this.teleprompterValue = { ...this.teleprompterValue, message: text.trim() ? { text: text.trim(), atMs: Date.now() } : null };
    this.deps.onChange();
  }

  /** After an import or an edit that changes images. */
  async prepareImages(): Promise<void> {
    const result = await prepareRundownImages(this.state.rundown, { baseDir: this.state.baseDir, cacheDir: this.imageCacheDir }).catch((err: unknown) => {
      this.deps.log('warn', `Product images could not be prepared: ${(err as Error).message}`);
      return null;
    });
    if (!result) return;
    if (!result.ok) {
      for (const e of result.errors.slice(0, 3)) this.deps.log('warn', `Product image: ${e.message}`);
      return;
    }
    for (const [ref, image] of result.images) this.images.set(ref, image);
    this.deps.onChange();
  }

  dispose(): void {
    this.disposed = true;
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }

  private async takeNow(segment: RundownSegment): Promise<{ frame: number; segmentId: string }> {
    if (!this.deps.hasInput(segment.input)) {
      throw new RundownError(`"${segment.title}" is shown on input "${segment.input}", which is not in the show: edit the segment`);
    }
    const now = Date.now();
    const promoEnd = promoEndForTake(segment, now) ?? null;
    const previous = this.state.onAir;
    const ended = previous && previous.segment.id !== segment.id ? this.message('explaining', previous.segment, { explaining: 'ended' }) : null;
    const started = this.message('explaining', segment, { explaining: 'started' }, promoEnd);
    const product = this.message('product', segment, {}, promoEnd);
    const onAirState = { ...this.message('state', segment, {}, promoEnd), product: undefined, program: { source: segment.input } };
    // Everything is checked (and the card drawn) before the frame is chosen: a refusal changes nothing.
    for (const m of [ended, started, product, onAirState]) if (m) encodeMetadata(m);
    const card = this.graphicsOn.productCard ? await this.renderCard(segment, promoEnd, now) : null;

    const frame = this.deps.upcomingFrame();
    this.deps.cut(frame, segment.input);
    if (card) this.deps.setOverlay('productCard', card, frame);
    this.state.took(segment, frame, now, promoEnd);
    this.cardOnAir = card ? this.cardKey(segment, promoEnd, now) : null;
    for (const m of [ended, product, started, onAirState]) if (m) this.deps.send({ ...m, frame }, frame);
    this.promoAnnounced = promoEnd;
    this.deps.onChange();
    return { frame, segmentId: segment.id };
  }

  private message(kind: CommerceMetadata['kind'], segment: RundownSegment, extra: Partial<CommerceMetadata>, promoEnd: number | null = null): CommerceMetadata {
    const product = segmentToMetadataProduct(segment, { stockLeft: this.deps.stockLeft(segment.sku), promoEndsAt: promoEnd ?? undefined });
    return { v: 1, kind, show: showId(this.state.rundown), segment: segment.id, product, wallTimeMs: Date.now(), frame: 0, ...extra };
  }

  private sendProduct(segment: RundownSegment, promoEnd: number | null, frame: number): void {
    const message = this.message('product', segment, {}, promoEnd);
    this.deps.send({ ...message, frame }, frame);
  }

  /** The card rendered and converted for the programme, ready to show on any frame. */
  private async renderCard(segment: RundownSegment, promoEnd: number | null, nowMs: number): Promise<YuvaOverlay> {
    const image = segment.images[0] ? this.images.get(segment.images[0]) : undefined;
    const content = productCardContent(segment, { stockLeft: this.deps.stockLeft(segment.sku), promoEndsAt: promoEnd ?? undefined, imagePath: image?.onAirPath, nowMs });
    return prepareOverlay(await this.graphics.renderProductCard(content, this.deps.canvas()));
  }

  /** Once a second: the countdown and stock on the card, the ticker, and the promo's expiry. */
  private async tick(): Promise<void> {
    if (this.disposed) return;
    await this.serial(async () => {
      const onAir = this.state.onAir;
      // Redrawn only when what it shows changed (the countdown's second, the stock, an
      // edit) or the programme lost it (a rebuilt pipeline): a redraw costs 5–40 ms.
      const now = Date.now();
      const key = onAir ? this.cardKey(onAir.segment, onAir.promoEndsAtMs, now) : null;
      if (onAir && this.graphicsOn.productCard && (key !== this.cardOnAir || !this.deps.overlayShown('productCard'))) {
        const card = await this.renderCard(onAir.segment, onAir.promoEndsAtMs, now);
        this.deps.setOverlay('productCard', card, this.deps.upcomingFrame());
        this.cardOnAir = key;
      }
      if (onAir && this.promoAnnounced !== null && Date.now() >= this.promoAnnounced) {
        // The promo is over: platforms must stop showing its price.
        this.promoAnnounced = null;
        this.sendProduct(onAir.segment, onAir.promoEndsAtMs, this.deps.upcomingFrame());
      }
      const ticker = this.graphicsOn.salesTicker ? this.deps.salesTicker() : null;
      if (ticker) this.deps.setOverlay('salesTicker', prepareOverlay(await this.graphics.renderSalesTicker(ticker, this.deps.canvas())), this.deps.upcomingFrame());
      await this.shoutOutTick(now);
    }).catch((err: unknown) => this.deps.log('warn', `On-air graphics: ${(err as Error).message}`));
  }

  /** Puts up or takes down a new order's shout-out, as the pacer allows. */
  private async shoutOutTick(nowMs: number): Promise<void> {
    const orders = this.graphicsOn.orderShoutOut ? this.deps.recentOrders() : null;
    if (!orders) return;
    const step = this.shoutOuts.step(nowMs, orders.count, orders.latest);
    if (!step) return;
    const overlay = 'show' in step ? prepareOverlay(await this.graphics.renderOrderShoutOut(step.show, this.deps.canvas())) : null;
    this.deps.setOverlay('orderShoutOut', overlay, this.deps.upcomingFrame());
  }

  /** What the card shows, as text: equal keys draw the same card. */
  private cardKey(segment: RundownSegment, promoEnd: number | null, nowMs: number): string {
    const secondsLeft = promoEnd !== null && nowMs < promoEnd ? Math.ceil((promoEnd - nowMs) / 1000) : -1;
    const { width, height } = this.deps.canvas();
    return `${this.state.revision}|${segment.id}|${this.deps.stockLeft(segment.sku) ?? ''}|${secondsLeft}|${width}x${height}`;
  }

  private serial<T>(job: () => Promise<T>): Promise<T> {
    const run = this.queue.then(job, job);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** The show id in metadata: the rundown's title, made id-safe. */
function showId(rundown: Rundown): string {
  return (rundown.title ?? '').slice(0, 64) || 'show';
}

export { RundownError };
