// The commerce side of the Studio (issue 5): the rundown and its show runner, the
// teleprompter's shared settings and the order desk, wired to the live path (cuts,
// overlays, metadata) and reported in every snapshot.
import type { CommerceInfo, OrdersInfo } from '../../shared/commerceModel';
import type { CommerceMetadata } from '../../shared/commerceMetadata';
import type { Rundown } from '../../shared/rundown';
import { OnAirGraphics } from '../commerce/graphics/onAirGraphics';
import type { ShoutOutOrder } from '../commerce/graphics/orderShoutOut';
import type { SalesTickerContent } from '../commerce/graphics/salesTicker';
import type { RundownState } from '../commerce/rundown/rundownState';
import { ShowRunner } from './showRunner';
import type { Studio } from './studio';

/** Sales counters go into the stream at most this often (the stage repeats them on keyframes). */
const SALES_METADATA_INTERVAL_MS = 1000;

export const EMPTY_ORDERS: OrdersInfo = {
  currency: 'EUR',
  orders: 0,
  units: 0,
  gmv: 0,
  perMinute: 0,
  perSku: [],
  perSegment: [],
  latest: [],
  rejected: { badSignature: 0, badRequest: 0, tooLarge: 0 },
  duplicates: 0,
  unknownSku: 0,
  receiverUrl: null,
  adapters: [],
  simulating: false,
};

/** The order side as the runner and the snapshot need it; OrderDesk provides it. */
export interface OrdersView {
  info(): OrdersInfo;
  stockLeft(sku: string): number | undefined;
  ticker(): SalesTickerContent | null;
  /** The order count and the latest orders, for the on-air shout-outs. */
  recentOrders?(): { readonly count: number; readonly latest: readonly ShoutOutOrder[] };
  /** Sales counters for the stream, or null before the first order. */
  salesMessage(): Omit<CommerceMetadata, 'frame' | 'wallTimeMs'> | null;
  setSegment(segmentId: string | null): void;
  /** The rehearsal simulator on or off. */
  simulate?(running: boolean, ratePerSec?: number): Promise<void>;
  /** The rundown changed: SKUs, titles and starting stock. */
  setRundown?(rundown: Rundown): void;
  addWebhook?(config: { id: string; kind: 'shopify' | 'woocommerce' | 'hmac'; secret: string; signatureHeader?: string; encoding?: 'hex' | 'base64' }): Promise<string>;
  removeAdapter?(id: string): Promise<void>;
  /** Processes the order side runs (counted in the studio's CPU). */
  processIds?(): number[];
  dispose(): Promise<void>;
}

export class StudioCommerce {
  readonly runner: ShowRunner;
  orders: OrdersView | null = null;
  /** Where thumbnails are served (the headless host sets it): `{id}` is a segment id. */
  thumbnailUrlTemplate: string | null = null;
  private lastSalesAt = 0;
  /** A send held back by the once-a-second limit: the latest counters must still go out. */
  private salesTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly studio: Studio,
    rundown: RundownState,
    imageCacheDir: string,
  ) {
    const pipeline = () => studio.pipeline;
    this.runner = new ShowRunner(rundown, new OnAirGraphics(), imageCacheDir, {
      upcomingFrame: () => pipeline().clock.upcomingFrame,
      canvas: () => studio.config.canvas,
      hasInput: (id) => pipeline().switcher.hasInput(id),
      inputName: (id) => studio.config.sources.find((s) => s.id === id)?.spec.name ?? studio.config.scenes.find((s) => s.id === id)?.name ?? null,
      cut: (frame, input) => pipeline().switcher.cut(frame, input),
      setOverlay: (slot, overlay, frame) => pipeline().switcher.setOverlay(slot, overlay, frame),
      overlayShown: (slot) => {
        const sw = pipeline().switcher;
        const pending = sw.pendingOverlays().filter((p) => p.slot === slot).at(-1);
        return pending ? pending.visible : sw.overlaysOnFrame().includes(slot);
      },
      send: (message, frame) => {
        studio.metadata.schedule(message, frame);
        studio.metadataTimeline.requested(message);
      },
      stockLeft: (sku) => this.orders?.stockLeft(sku),
      salesTicker: () => this.orders?.ticker() ?? null,
      recentOrders: () => this.orders?.recentOrders?.() ?? null,
      onChange: () => studio.changed(),
      log: (level, message) => studio.log(level, message),
    });
  }

  /**
   * New orders (≤ 10 Hz): clients update, and the counters go into the stream at most
   * once a second — the last change of a burst is sent when the second is up, never dropped.
   */
  ordersUpdated(): void {
    this.studio.changed();
    if (this.salesTimer) return;
    const wait = this.lastSalesAt + SALES_METADATA_INTERVAL_MS - Date.now();
    if (wait > 0) {
      this.salesTimer = setTimeout(() => {
        this.salesTimer = null;
        this.sendSales();
      }, wait);
      this.salesTimer.unref?.();
      return;
    }
    this.sendSales();
  }

  private sendSales(): void {
    const sales = this.orders?.salesMessage();
    if (!sales) return;
    const now = Date.now();
    this.lastSalesAt = now;
    const frame = this.studio.pipeline.clock.upcomingFrame;
    const message = { ...sales, segment: this.runner.state.onAir?.segment.id, wallTimeMs: now, frame };
    try {
      this.studio.metadata.schedule(message, frame);
      this.studio.metadataTimeline.requested(message);
    } catch (err) {
      this.studio.log('warn', `Sales counters not sent: ${(err as Error).message}`);
    }
  }

  rundownChanged(): void {
    this.orders?.setRundown?.(this.runner.state.rundown);
  }

  info(): CommerceInfo {
    const template = this.thumbnailUrlTemplate;
    return {
      rundown: this.runner.info((id) => (template ? template.replace('{id}', encodeURIComponent(id)) : '')),
      teleprompter: this.runner.teleprompter,
      orders: this.orders?.info() ?? EMPTY_ORDERS,
    };
  }

  async dispose(): Promise<void> {
    if (this.salesTimer) clearTimeout(this.salesTimer);
    this.salesTimer = null;
    this.runner.dispose();
    await this.orders?.dispose();
  }
}
