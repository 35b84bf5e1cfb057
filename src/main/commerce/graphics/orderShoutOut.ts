// The on-air shout-out for a new order ("W***g, Hangzhou just bought 2 × Gold
// ring"), and the pacer that keeps it from flooding the picture: a shout-out stays
// up a few seconds, the next one waits its turn, and the orders that arrived in
// between are summed up as "+12 more" on the next one. The counters (ticker, stream
// metadata, teleprompter) are never paced: only the picture is.
import type { FontMetrics } from './fontMetrics';
import { maskBuyerName } from './salesTicker';
import { n, svgDocument, svgRect, svgText } from './svg';

export interface ShoutOutContent {
  /** The buyer as the desk lists them ("W***g, Hangzhou"); masked again here, so no full name can reach the picture. */
  readonly buyer: string;
  readonly quantity: number;
  /** The product's title, or its SKU when it is not in the rundown. */
  readonly product: string;
  /** Orders that came since the last shout-out besides this one. */
  readonly moreOrders: number;
}

/** "W***g, Hangzhou": the name masked (idempotent), the city kept. */
function maskedBuyer(buyer: string): string {
  const [name = '', ...city] = buyer.split(', ');
  return [maskBuyerName(name), ...city].join(', ');
}

/** Draws the shout-out at `width` x `height` for `scale` (1 at 1080p). */
export function orderShoutOutSvg(c: ShoutOutContent, width: number, height: number, scale: number, fonts: FontMetrics): string {
  const s = (v: number) => v * scale;
  const pad = s(20);
  const parts: string[] = [svgRect(0, 0, width, height, s(16), '#1b1e24', 'fill-opacity="0.92"')];
  // A green bag: an order came in.
  const bag = s(40);
  const bagY = (height - bag) / 2;
  parts.push(svgRect(pad, bagY + s(8), bag, bag - s(8), s(6), '#37b24d'));
  parts.push(`<path d="M${n(pad + s(12))} ${n(bagY + s(12))} v${n(-s(4))} a${n(s(8))} ${n(s(8))} 0 0 1 ${n(s(16))} 0 v${n(s(4))}" stroke="#37b24d" stroke-width="${n(s(3))}" fill="none"/>`);
  const textX = pad + bag + s(18);
  let right = width - pad;
  if (c.moreOrders > 0) {
    const moreSize = s(20);
    const more = `+${new Intl.NumberFormat('en').format(c.moreOrders)} more`;
    const pill = fonts.width(more, moreSize, true) + s(24);
    parts.push(svgRect(right - pill, (height - s(36)) / 2, pill, s(36), s(18), '#ffd43b'));
    parts.push(svgText(right - pill / 2, height / 2 + moreSize * 0.36, more, { size: moreSize, bold: true, fill: '#1b1e24', anchor: 'middle' }));
    right -= pill + s(14);
  }
  const room = Math.max(0, right - textX);
  const nameSize = s(24);
  const lineSize = s(21);
  parts.push(svgText(textX, height / 2 - s(6), fonts.fit(maskedBuyer(c.buyer), room, nameSize, true), { size: nameSize, bold: true, fill: '#ffffff' }));
  const bought = `just bought ${c.quantity > 1 ? `${c.quantity} × ` : ''}${c.product}`;
  parts.push(svgText(textX, height / 2 + s(24), fonts.fit(bought, room, lineSize), { size: lineSize, fill: '#b2f2bb' }));
  return svgDocument(width, height, parts.join(''));
}

/** An order as the desk lists it (newest first). */
export interface ShoutOutOrder {
  readonly orderId: string;
  readonly buyer: string;
  readonly quantity: number;
  readonly product: string;
}

export interface ShoutOutPacerOptions {
  /** How long one shout-out stays on air. */
  readonly showMs?: number;
  /** From the start of one shout-out to the start of the next, at least. */
  readonly minGapMs?: number;
}

export type ShoutOutStep = { readonly show: ShoutOutContent } | { readonly hide: true } | null;

export class ShoutOutPacer {
  private readonly showMs: number;
  private readonly minGapMs: number;
  /** The desk's order count when the last shout-out started (or when the pacer first looked). */
  private countAtLast: number | null = null;
  private lastShownId: string | null = null;
  private startedAt = -Infinity;
  private showing = false;

  constructor(options: ShoutOutPacerOptions = {}) {
    this.showMs = options.showMs ?? 4000;
    this.minGapMs = Math.max(options.minGapMs ?? 6000, this.showMs);
  }

  /**
   * What the picture should do now, given the desk's order count and its latest
   * orders (newest first). Orders from before the first call (a restart, the
   * shout-outs switched on mid-show) are never shouted out.
   */
  step(nowMs: number, orderCount: number, latest: readonly ShoutOutOrder[]): ShoutOutStep {
    if (this.countAtLast === null) {
      this.countAtLast = orderCount;
      this.lastShownId = latest[0]?.orderId ?? null;
      return null;
    }
    if (this.showing) {
      if (nowMs - this.startedAt < this.showMs) return null;
      this.showing = false;
      return { hide: true };
    }
    const newest = latest[0];
    if (nowMs - this.startedAt < this.minGapMs || !newest || orderCount <= this.countAtLast || newest.orderId === this.lastShownId) return null;
    const content: ShoutOutContent = { buyer: newest.buyer, quantity: newest.quantity, product: newest.product, moreOrders: Math.max(0, orderCount - this.countAtLast - 1) };
    this.countAtLast = orderCount;
    this.lastShownId = newest.orderId;
    this.startedAt = nowMs;
    this.showing = true;
    return { show: content };
  }

  /** Forgets what was shown: the next call starts afresh (the shout-outs were switched off). */
  reset(): void {
    this.countAtLast = null;
    this.lastShownId = null;
    this.startedAt = -Infinity;
    this.showing = false;
  }
}
