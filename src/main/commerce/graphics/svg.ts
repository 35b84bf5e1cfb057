// Small SVG writing helpers for the on-air graphics: every piece of text that
// comes from a rundown or an order feed passes through `escapeXml` here.
import { OVERLAY_FONT_FAMILY } from './fontMetrics';

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** A number for an SVG attribute: two decimals at most, no exponent. */
export function n(v: number): string {
  return String(Math.round(v * 100) / 100);
}

export interface TextStyle {
  readonly size: number;
  readonly bold?: boolean;
  readonly fill: string;
  readonly anchor?: 'start' | 'end' | 'middle';
  readonly opacity?: number;
}

/** One line of text with its baseline at (x, y). */
export function svgText(x: number, y: number, text: string, style: TextStyle): string {
  const attrs = [
    `x="${n(x)}"`,
    `y="${n(y)}"`,
    `font-family="${OVERLAY_FONT_FAMILY}"`,
    `font-size="${n(style.size)}"`,
    style.bold ? 'font-weight="bold"' : '',
    `fill="${style.fill}"`,
    style.anchor && style.anchor !== 'start' ? `text-anchor="${style.anchor}"` : '',
    style.opacity !== undefined ? `fill-opacity="${n(style.opacity)}"` : '',
  ];
  return `<text ${attrs.filter(Boolean).join(' ')} xml:space="preserve">${escapeXml(text)}</text>`;
}

export function svgRect(x: number, y: number, width: number, height: number, radius: number, fill: string, extra = ''): string {
  return `<rect x="${n(x)}" y="${n(y)}" width="${n(Math.max(0, width))}" height="${n(height)}" rx="${n(radius)}" fill="${fill}"${extra ? ' ' + extra : ''}/>`;
}

export function svgDocument(width: number, height: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${body}</svg>`;
}
