// The product card as SVG: image box, title, price (the promo price large with
// the old price struck through), a countdown while a timed promo runs, and a stock
// bar. Text is measured and ellipsized here, because librsvg draws what it is given.
import { formatCountdown, formatPrice, isPromoActive, type RundownSegment } from '../../../shared/rundown';
import type { FontMetrics } from './fontMetrics';
import type { Rect } from './overlayLayout';
import { n, svgDocument, svgRect, svgText } from './svg';

export interface ProductCardContent {
  readonly title: string;
  readonly price: number;
  readonly promoPrice?: number;
  /** End of the promo, ms since the epoch (promoEndForTake); none: no countdown. */
  readonly promoEndsAt?: number;
  readonly currency: string;
  readonly stockLeft: number;
  /** The stock bar's 100 %: the segment's stock when it started. */
  readonly stockInitial: number;
  /** On-air image file (PreparedProductImage.onAirPath); none: an empty image box. */
  readonly imagePath?: string;
  /** The instant the card shows (countdown, promo expiry). */
  readonly nowMs: number;
  /** Number and currency format, e.g. "en", "de-DE"; "en" by default. */
  readonly locale?: string;
}

/** The card's content for a segment and its live state. */
export function productCardContent(
  segment: RundownSegment,
  live: { readonly stockLeft?: number; readonly promoEndsAt?: number; readonly imagePath?: string; readonly nowMs: number; readonly locale?: string },
): ProductCardContent {
  return {
    title: segment.title,
    price: segment.price,
    promoPrice: segment.promoPrice,
    promoEndsAt: live.promoEndsAt ?? segment.promoEndsAt,
    currency: segment.currency,
    stockLeft: live.stockLeft ?? segment.stock,
    stockInitial: segment.stock,
    imagePath: live.imagePath,
    nowMs: live.nowMs,
    locale: live.locale,
  };
}

const COLORS = {
  panelTop: '#1d2029',
  panelBottom: '#101217',
  imageBacking: '#f3efe6',
  title: '#ffffff',
  price: '#ffffff',
  promo: '#ffd43b',
  oldPrice: '#adb5bd',
  countdown: '#e03131',
  discountText: '#1b1b1b',
  track: '#343a40',
  stockLabel: '#dee2e6',
  plenty: '#51cf66',
  low: '#fcc419',
  critical: '#ff6b6b',
} as const;

/** An SVG drawn at (x, y) of the card, in whole pixels. */
export interface PlacedSvg {
  readonly x: number;
  readonly y: number;
  readonly svg: string;
}

export interface CardParts {
  /**
   * The card without its live parts: panel, image box, title, prices. It changes
   * only when the product or the promo's state does, so it is rendered once and
   * kept (text is most of the ~7 ms a whole card costs at 1080p).
   */
  readonly base: string;
  /** The parts that change while the card is on air: the countdown pill and the stock bar. */
  readonly live: readonly PlacedSvg[];
  /** Where the product image goes, in card coordinates (a square). */
  readonly imageBox: Rect;
  readonly imageRadius: number;
}

/** Draws the card at `width` x `height` (the layout's card rect) for `scale` (1 at 1080p). */
export function productCardParts(c: ProductCardContent, width: number, height: number, scale: number, fonts: FontMetrics): CardParts {
  const s = (v: number) => v * scale;
  const pad = Math.round(s(20));
  const radius = s(20);
  const img = height - 2 * pad;
  const imageBox: Rect = { x: pad, y: pad, width: img, height: img };
  const imageRadius = s(14);
  const x0 = pad + img + Math.round(s(24));
  const textWidth = width - x0 - pad;
  const locale = c.locale ?? 'en';
  const parts: string[] = [];
  const live: PlacedSvg[] = [];

  parts.push(
    '<defs><linearGradient id="panel" x1="0" y1="0" x2="0" y2="1">' +
      `<stop offset="0" stop-color="${COLORS.panelTop}" stop-opacity="0.94"/><stop offset="1" stop-color="${COLORS.panelBottom}" stop-opacity="0.94"/>` +
      '</linearGradient></defs>',
  );
  const edge = s(1.5);
  parts.push(svgRect(edge / 2, edge / 2, width - edge, height - edge, radius, 'url(#panel)', `stroke="#ffffff" stroke-opacity="0.14" stroke-width="${n(edge)}"`));
  parts.push(svgRect(imageBox.x, imageBox.y, imageBox.width, imageBox.height, imageRadius, COLORS.imageBacking));

  let y = pad;
  const promo = isPromoActive(c, c.nowMs, c.promoEndsAt);
  if (promo && c.promoEndsAt !== undefined) {
    const size = s(18);
    const pillHeight = Math.round(s(34));
    const label = `ENDS IN ${formatCountdown(c.promoEndsAt - c.nowMs)}`;
    const pillWidth = Math.min(textWidth, fonts.width(label, size, true) + s(24));
    const pill = svgRect(0, 0, pillWidth, pillHeight, pillHeight / 2, COLORS.countdown) + svgText(s(12), s(24), fonts.fit(label, pillWidth - s(24), size, true), { size, bold: true, fill: '#ffffff' });
    live.push({ x: x0, y, svg: svgDocument(textWidth, pillHeight, pill) });
    y += pillHeight + s(10);
  }

  const titleSize = s(26);
  for (const line of fonts.wrap(c.title, textWidth, titleSize, true, 2)) {
    y += s(32);
    parts.push(svgText(x0, y - s(7), line, { size: titleSize, bold: true, fill: COLORS.title }));
  }

  // The price shrinks before it is cut: "€12,490.00" must stay readable whole.
  const shown = promo ? c.promoPrice! : c.price;
  const priceText = formatPrice(shown, c.currency, locale);
  let priceSize = s(44);
  while (priceSize > s(28) && fonts.width(priceText, priceSize, true) > textWidth) priceSize -= s(2);
  y += s(8) + priceSize;
  parts.push(svgText(x0, y - priceSize * 0.12, fonts.fit(priceText, textWidth, priceSize, true), { size: priceSize, bold: true, fill: promo ? COLORS.promo : COLORS.price }));

  if (promo) {
    const oldSize = s(22);
    const oldText = formatPrice(c.price, c.currency, locale);
    const oldWidth = Math.min(fonts.width(oldText, oldSize), textWidth);
    const base = y + s(6) + oldSize;
    parts.push(svgText(x0, base, fonts.fit(oldText, textWidth, oldSize), { size: oldSize, fill: COLORS.oldPrice }));
    const strikeY = base - oldSize * 0.33;
    parts.push(`<line x1="${n(x0 - s(2))}" y1="${n(strikeY)}" x2="${n(x0 + oldWidth + s(2))}" y2="${n(strikeY)}" stroke="${COLORS.oldPrice}" stroke-width="${n(s(2.5))}"/>`);
    const off = Math.round((1 - c.promoPrice! / c.price) * 100);
    const discount = `−${off}%`;
    const dSize = s(18);
    const dWidth = fonts.width(discount, dSize, true) + s(16);
    if (off > 0 && x0 + oldWidth + s(14) + dWidth <= x0 + textWidth) {
      const dx = x0 + oldWidth + s(14);
      parts.push(svgRect(dx, base - oldSize + s(1), dWidth, s(26), s(6), COLORS.promo));
      parts.push(svgText(dx + s(8), base - s(1), discount, { size: dSize, bold: true, fill: COLORS.discountText }));
    }
  }

  const stockHeight = Math.round(s(44));
  live.push({ x: x0, y: height - pad - stockHeight, svg: stockBarSvg(c, textWidth, stockHeight, scale, fonts, locale) });
  return { base: svgDocument(width, height, parts.join('')), live, imageBox, imageRadius };
}

/** The stock line and bar, as a `width` x `height` SVG with the bar at its bottom. */
function stockBarSvg(c: ProductCardContent, width: number, height: number, scale: number, fonts: FontMetrics, locale: string): string {
  const s = (v: number) => v * scale;
  const left = Math.max(0, Math.floor(c.stockLeft));
  const initial = Math.max(left, Math.floor(c.stockInitial));
  const fraction = initial > 0 ? left / initial : 0;
  const count = (v: number) => new Intl.NumberFormat(locale).format(v);
  const color = left === 0 || fraction <= 0.1 ? COLORS.critical : fraction <= 0.3 || left <= 5 ? COLORS.low : COLORS.plenty;
  const label = left === 0 ? 'Sold out' : fraction <= 0.3 || left <= 5 ? `Only ${count(left)} left` : `${count(left)} left`;
  const size = s(18);
  const barHeight = s(12);
  const barY = height - barHeight;
  const parts = [
    svgText(0, barY - s(8), fonts.fit(label, width * 0.6, size, true), { size, bold: true, fill: left === 0 ? COLORS.critical : COLORS.stockLabel }),
    svgText(width, barY - s(8), fonts.fit(`of ${count(initial)}`, width * 0.38, size), { size, fill: COLORS.oldPrice, anchor: 'end' }),
    svgRect(0, barY, width, barHeight, barHeight / 2, COLORS.track),
  ];
  if (left > 0) parts.push(svgRect(0, barY, Math.max(barHeight, width * fraction), barHeight, barHeight / 2, color));
  return svgDocument(width, height, parts.join(''));
}
