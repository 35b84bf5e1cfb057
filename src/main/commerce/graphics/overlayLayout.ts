// Where the on-air graphics sit on the canvas. Landscape: the product card in the
// lower-left third, the sales ticker along the bottom, order shout-outs at the top
// right. Portrait (phone-first platforms): all three stacked above the lower third,
// which the platforms' own comment and shopping UI covers. Sizes are designed at 1080 px on the short side and scale.

export interface CanvasSize {
  readonly width: number;
  readonly height: number;
}

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** An overlay ready to composite: straight (not premultiplied) sRGB RGBA, width x height x 4 bytes. */
export interface RenderedOverlay extends Rect {
  readonly rgba: Buffer;
}

export type Orientation = 'landscape' | 'portrait';

export interface OverlayLayout {
  readonly orientation: Orientation;
  /** Short side / 1080: multiply design sizes by this. */
  readonly scale: number;
  readonly card: Rect;
  readonly ticker: Rect;
  readonly shoutOut: Rect;
}

/** Design sizes at scale 1 (a 1080 px short side). */
const DESIGN = {
  landscape: { margin: 48, cardWidth: 640, cardHeight: 300, tickerHeight: 60, tickerBottom: 36, gap: 20, shoutOutWidth: 560, shoutOutHeight: 96 },
  portrait: { margin: 40, cardHeight: 300, tickerHeight: 60, aboveLowerThird: 24, gap: 16, shoutOutHeight: 96 },
} as const;

/**
 * Rounds to an even number: the programme is yuv420p, where a 2x2 block shares
 * its chroma, so even positions and sizes keep an overlay's edge on a chroma sample.
 */
function even(v: number): number {
  return Math.max(2, Math.round(v / 2) * 2);
}

function rect(x: number, y: number, width: number, height: number): Rect {
  return { x: even(x), y: even(y), width: even(width), height: even(height) };
}

export function overlayLayout(canvas: CanvasSize): OverlayLayout {
  if (!(canvas.width >= 320 && canvas.height >= 320)) {
    throw new RangeError(`canvas ${canvas.width}x${canvas.height} is too small for on-air graphics (320 px at least each way)`);
  }
  const scale = Math.min(canvas.width, canvas.height) / 1080;
  const s = (v: number) => v * scale;
  if (canvas.width >= canvas.height) {
    const d = DESIGN.landscape;
    const ticker = rect(s(d.margin), canvas.height - s(d.tickerBottom + d.tickerHeight), canvas.width - s(2 * d.margin), s(d.tickerHeight));
    const card = rect(s(d.margin), ticker.y - s(d.gap + d.cardHeight), s(d.cardWidth), s(d.cardHeight));
    const shoutOut = rect(canvas.width - s(d.margin + d.shoutOutWidth), s(d.margin), s(d.shoutOutWidth), s(d.shoutOutHeight));
    return { orientation: 'landscape', scale, card, ticker, shoutOut };
  }
  const d = DESIGN.portrait;
  const lowerThird = (canvas.height * 2) / 3;
  const card = rect(s(d.margin), lowerThird - s(d.aboveLowerThird + d.cardHeight), canvas.width - s(2 * d.margin), s(d.cardHeight));
  const ticker = rect(card.x, card.y - s(d.gap + d.tickerHeight), card.width, s(d.tickerHeight));
  const shoutOut = rect(card.x, ticker.y - s(d.gap + d.shoutOutHeight), card.width, s(d.shoutOutHeight));
  return { orientation: 'portrait', scale, card, ticker, shoutOut };
}
