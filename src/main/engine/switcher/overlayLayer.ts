// The graphics layer on top of the programme: named slots, each showing one overlay
// or nothing, changed on an exact programme frame so a take can cut the camera and
// put the product card up on the same frame. It draws into programme buffers of its
// own: the picture under it may be a source's pooled frame (still that source's
// latest, and maybe queued to the encoder) or the cached black or dip frame, none of
// which may be written to.
import { FramePool, releaseFrame } from '../media/framePool';
import { frameSize, type FrameGeometry } from './frameOps';
import { drawOverlay, type YuvaOverlay } from './overlays';

/** The slots, bottom to top: where two overlap, the later one is drawn over the earlier. */
export const OVERLAY_SLOTS = ['productCard', 'salesTicker', 'orderShoutOut'] as const;
export type OverlaySlot = (typeof OVERLAY_SLOTS)[number];

export function isOverlaySlot(value: string): value is OverlaySlot {
  return (OVERLAY_SLOTS as readonly string[]).includes(value);
}

interface PendingChange {
  readonly slot: number;
  readonly overlay: YuvaOverlay | null;
  readonly fromFrame: number;
  /** Ties on the same frame resolve in the order they were asked for. */
  readonly order: number;
}

/**
 * Programme buffers kept free for reuse. The encoder holds each frame until its
 * stdin has taken it (up to half a second of frames when it falls behind); beyond
 * these, extra buffers are allocated and later left to the collector.
 */
const FREE_PROGRAMME_BUFFERS = 6;

export class OverlayLayer {
  private readonly shown: (YuvaOverlay | null)[] = OVERLAY_SLOTS.map(() => null);
  private pending: PendingChange[] = [];
  private nextOrder = 0;
  private readonly pool: FramePool;
  private lastOutput: Buffer | null = null;

  constructor(private readonly geometry: FrameGeometry) {
    this.pool = new FramePool(frameSize(geometry), FREE_PROGRAMME_BUFFERS);
  }

  /** Shows `overlay` in `slot` (null: clears it) from programme frame `fromFrame` on. */
  schedule(slot: OverlaySlot, overlay: YuvaOverlay | null, fromFrame: number): void {
    const change = { slot: OVERLAY_SLOTS.indexOf(slot), overlay, fromFrame, order: this.nextOrder++ };
    this.pending.push(change);
    this.pending.sort((a, b) => a.fromFrame - b.fromFrame || a.order - b.order);
  }

  /** Applies the changes due on or before `frame`; true when any was applied. */
  advance(frame: number): boolean {
    let applied = 0;
    while (applied < this.pending.length && this.pending[applied].fromFrame <= frame) {
      const { slot, overlay } = this.pending[applied++];
      this.shown[slot] = overlay;
    }
    if (applied > 0) this.pending = this.pending.slice(applied);
    return applied > 0;
  }

  /** The slots showing something on `frame`, bottom to top, as far as is known now (pending changes included). */
  visibleOn(frame?: number): OverlaySlot[] {
    const shown = this.shown.slice();
    if (frame !== undefined) {
      for (const change of this.pending) {
        if (change.fromFrame > frame) break;
        shown[change.slot] = change.overlay;
      }
    }
    return OVERLAY_SLOTS.filter((_, i) => shown[i] !== null);
  }

  /** Changes asked for and not yet on air, in the order they will land. */
  pendingChanges(): { slot: OverlaySlot; visible: boolean; fromFrame: number }[] {
    return this.pending.map((c) => ({ slot: OVERLAY_SLOTS[c.slot], visible: c.overlay !== null, fromFrame: c.fromFrame }));
  }

  /**
   * The programme picture with the overlays on it: `base` itself (no copy) when none
   * is shown, else a programme buffer holding a copy with the overlays drawn. That
   * buffer stays the layer's until the render after next; whoever keeps it longer
   * (the encoder, until written) takes a reference with retainFrame.
   */
  compose(base: Buffer): Buffer {
    const previous = this.lastOutput;
    this.lastOutput = null;
    let out = base;
    if (this.shown.some((o) => o !== null)) {
      // Acquired before the previous one goes back, so two frames in a row never
      // share a buffer even when nobody retained the first.
      out = this.pool.acquire();
      base.copy(out);
      for (const overlay of this.shown) if (overlay) drawOverlay(this.geometry, out, overlay);
      this.lastOutput = out;
    }
    if (previous) releaseFrame(previous);
    return out;
  }

  /** Programme buffers referenced now, by this layer or by whoever retained one (for tests and leak checks). */
  get buffersInUse(): number {
    return this.pool.inUse;
  }
}
