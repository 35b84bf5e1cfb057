// Renders the on-air graphics to RGBA for the compositor: SVG drawn by librsvg
// through sharp, the product image composited in. Each call returns the overlay
// and where it goes on the canvas. Product images are decoded, resized and
// rounded once per size and kept, so a countdown re-render costs only the SVG.
import sharp, { type OverlayOptions } from 'sharp';
import { FontMetrics, type FontMetricsOptions } from './fontMetrics';
import { overlayLayout, type CanvasSize, type RenderedOverlay } from './overlayLayout';
import { productCardParts, type CardParts, type ProductCardContent } from './productCard';
import { orderShoutOutSvg, type ShoutOutContent } from './orderShoutOut';
import { salesTickerSvg, type SalesTickerContent } from './salesTicker';
import { n } from './svg';

/** Decoded images kept: a rundown's current and next products at two canvas sizes, with room. */
const IMAGE_CACHE_ENTRIES = 24;
/** Card bases kept: the card on air, the next one, and a promo that just ended, per canvas. */
const BASE_CACHE_ENTRIES = 8;

/** Inserts as most recently used, dropping the least recently used beyond `max` (Map keeps insertion order). */
function remember<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) map.delete(map.keys().next().value!);
}

export interface OnAirGraphicsOptions extends FontMetricsOptions {
  /** Where a product image that cannot be loaded is reported (the card is drawn without it). */
  readonly log?: { warn(message: string): void };
}

export class OnAirGraphics {
  private readonly fonts: FontMetrics;
  private readonly images = new Map<string, Promise<Buffer>>();
  private readonly bases = new Map<string, Promise<Buffer>>();
  private disposed = false;

  constructor(private readonly options: OnAirGraphicsOptions = {}) {
    this.fonts = new FontMetrics(options);
  }

  /** Whether text is fitted with the real DejaVu widths (false: estimated; the fonts are missing). */
  get exactTextFit(): boolean {
    return this.fonts.exact;
  }

  /** The product card for `canvas`, placed by overlayLayout. */
  async renderProductCard(content: ProductCardContent, canvas: CanvasSize): Promise<RenderedOverlay> {
    this.assertLive();
    const layout = overlayLayout(canvas);
    const { x, y, width, height } = layout.card;
    const card = productCardParts(content, width, height, layout.scale, this.fonts);
    const base = await this.cardBase(card, content.imagePath, width, height);
    const rgba = await sharp(base, { raw: { width, height, channels: 4 } })
      .composite(card.live.map((p) => ({ input: Buffer.from(p.svg), left: p.x, top: p.y })))
      .raw()
      .toBuffer();
    return { x, y, width, height, rgba };
  }

  /** The sales ticker band for `canvas`, placed by overlayLayout. */
  async renderSalesTicker(content: SalesTickerContent, canvas: CanvasSize): Promise<RenderedOverlay> {
    this.assertLive();
    const { ticker, scale } = overlayLayout(canvas);
    return rasterise(salesTickerSvg(content, ticker.width, ticker.height, scale, this.fonts), ticker);
  }

  /** A new order's shout-out for `canvas`, placed by overlayLayout. */
  async renderOrderShoutOut(content: ShoutOutContent, canvas: CanvasSize): Promise<RenderedOverlay> {
    this.assertLive();
    const { shoutOut, scale } = overlayLayout(canvas);
    return rasterise(orderShoutOutSvg(content, shoutOut.width, shoutOut.height, scale, this.fonts), shoutOut);
  }

  /** Forgets the decoded images and card bases; the object cannot render afterwards. */
  dispose(): void {
    this.disposed = true;
    this.images.clear();
    this.bases.clear();
  }

  private assertLive(): void {
    if (this.disposed) throw new Error('OnAirGraphics is disposed');
  }

  /** The card's base layer (with the product image) as RGBA, from the cache when its SVG and image are unchanged. */
  private cardBase(card: CardParts, imagePath: string | undefined, width: number, height: number): Promise<Buffer> {
    const key = `${imagePath ?? ''}\n${card.base}`;
    const hit = this.bases.get(key);
    if (hit) {
      remember(this.bases, key, hit, BASE_CACHE_ENTRIES);
      return hit;
    }
    const render = (async () => {
      const overlays: OverlayOptions[] = [];
      if (imagePath !== undefined) {
        const box = card.imageBox;
        const image = await this.productImage(imagePath, box.width, card.imageRadius);
        if (image) overlays.push({ input: image, raw: { width: box.width, height: box.width, channels: 4 }, left: box.x, top: box.y });
      }
      const rgba = await sharp(Buffer.from(card.base)).composite(overlays).ensureAlpha().raw().toBuffer();
      if (rgba.length !== width * height * 4) throw new Error(`card base rendered at the wrong size (${rgba.length} bytes for ${width}x${height})`);
      return rgba;
    })();
    remember(this.bases, key, render, BASE_CACHE_ENTRIES);
    render.catch(() => this.bases.delete(key));
    return render;
  }

  /** The image as size x size RGBA with rounded corners, or undefined (reported) when it cannot be loaded. */
  private async productImage(path: string, size: number, radius: number): Promise<Buffer | undefined> {
    const key = `${size}|${path}`;
    let pending = this.images.get(key);
    if (!pending) {
      const mask = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}"><rect width="${size}" height="${size}" rx="${n(radius)}" fill="#fff"/></svg>`);
      pending = sharp(path)
        .resize(size, size, { fit: 'cover' })
        .ensureAlpha()
        .composite([{ input: mask, blend: 'dest-in' }])
        .raw()
        .toBuffer();
    }
    remember(this.images, key, pending, IMAGE_CACHE_ENTRIES);
    try {
      return await pending;
    } catch (err) {
      this.images.delete(key);
      this.options.log?.warn(`product image ${path} cannot be shown on the card: ${(err as Error).message}`);
      return undefined;
    }
  }
}

/** An SVG drawn at its layout rectangle as straight RGBA. */
async function rasterise(svg: string, rect: Omit<RenderedOverlay, 'rgba'>): Promise<RenderedOverlay> {
  const rgba = await sharp(Buffer.from(svg)).ensureAlpha().raw().toBuffer();
  return { ...rect, rgba };
}
