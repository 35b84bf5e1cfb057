// The sales ticker band: units sold, the order rate, and the latest orders as one
// line of masked buyer names. Names are masked here, at the last step before the
// picture, so no caller can put a buyer's full name on air by mistake.
import type { FontMetrics } from './fontMetrics';
import { n, svgDocument, svgRect, svgText } from './svg';

export interface TickerOrder {
  /** The buyer's name as the feed gave it (masked on air), or already masked. */
  readonly buyer: string;
  readonly city?: string;
  readonly quantity: number;
}

export interface SalesTickerContent {
  readonly unitsSold: number;
  readonly ordersPerMinute: number;
  /** Newest first; as many as fit are shown. */
  readonly latestOrders: readonly TickerOrder[];
  readonly locale?: string;
}

/**
 * "Wang Ming" → "W***g", "Li" → "L*", "王小明" → "王***明": the first and last
 * letters only. Idempotent (a masked name masks to itself), so a feed that already
 * masks is safe.
 */
export function maskBuyerName(name: string): string {
  const letters = Array.from(name.trim());
  if (letters.length === 0) return '***';
  if (letters.length === 1) return '*';
  if (letters.length === 2) return `${letters[0]}*`;
  return `${letters[0]}***${letters[letters.length - 1]}`;
}

/** "W***g, Hangzhou ×2" */
export function tickerOrderText(order: TickerOrder): string {
  const city = order.city?.trim();
  return `${maskBuyerName(order.buyer)}${city ? `, ${city}` : ''}${order.quantity > 1 ? ` ×${order.quantity}` : ''}`;
}

const SEPARATOR = '   ·   ';

/** Draws the band at `width` x `height` for `scale` (1 at 1080p). */
export function salesTickerSvg(c: SalesTickerContent, width: number, height: number, scale: number, fonts: FontMetrics): string {
  const s = (v: number) => v * scale;
  const locale = c.locale ?? 'en';
  const count = (v: number) => new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(v);
  const pad = s(20);
  const mid = height / 2;
  const parts: string[] = [svgRect(0, 0, width, height, s(12), '#111318', 'fill-opacity="0.9"')];

  // A red "live" dot, then the two counters.
  parts.push(`<circle cx="${n(pad + s(7))}" cy="${n(mid)}" r="${n(s(7))}" fill="#ff4d4f"/>`);
  let x = pad + s(24);
  const soldSize = s(26);
  const sold = `${count(c.unitsSold)} sold`;
  parts.push(svgText(x, mid + soldSize * 0.36, sold, { size: soldSize, bold: true, fill: '#ffffff' }));
  x += fonts.width(sold, soldSize, true) + s(18);
  const rateSize = s(20);
  const rate = `${count(c.ordersPerMinute)} orders/min`;
  parts.push(svgText(x, mid + rateSize * 0.36, rate, { size: rateSize, fill: '#a5d8ff' }));
  x += fonts.width(rate, rateSize) + s(20);

  parts.push(`<rect x="${n(x)}" y="${n(s(14))}" width="${n(s(2))}" height="${n(height - s(28))}" fill="#ffffff" fill-opacity="0.25"/>`);
  x += s(22);
  const room = width - pad - x;
  const lineSize = s(22);
  if (room > lineSize * 2) {
    const line = c.latestOrders.length > 0 ? c.latestOrders.slice(0, 20).map(tickerOrderText).join(SEPARATOR) : 'Waiting for the first order…';
    parts.push(svgText(x, mid + lineSize * 0.36, fonts.fit(line, room, lineSize), { size: lineSize, fill: c.latestOrders.length > 0 ? '#f1f3f5' : '#868e96' }));
  }
  return svgDocument(width, height, parts.join(''));
}
