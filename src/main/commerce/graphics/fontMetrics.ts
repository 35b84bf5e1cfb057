// Text widths for fitting on-air text before it is drawn: the card and ticker are
// SVG rendered by librsvg, which cannot ellipsize, so we measure with the advance
// widths of the very font files it uses (DejaVu Sans, Debian's fonts-dejavu-core).
// Reading `hmtx` and `cmap` of a TrueType file is ~80 lines; kerning is ignored,
// which only ever over-estimates DejaVu's widths slightly (its pairs tighten).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The family every on-air SVG names: DejaVu, WenQuanYi for Chinese (DejaVu has none), then fallbacks for machines without them. */
export const OVERLAY_FONT_FAMILY = "DejaVu Sans, WenQuanYi Micro Hei, Verdana, Arial, sans-serif";

const FONT_DIRS = ['/usr/share/fonts/truetype/dejavu', '/usr/share/fonts/TTF', '/usr/share/fonts/dejavu', '/usr/share/fonts/dejavu-sans-fonts'];

/** Advance widths of one font, in em, by code point. */
class TrueTypeAdvances {
  private readonly cache = new Map<number, number | null>();
  private readonly unitsPerEm: number;
  private readonly advances: number[];
  private readonly lookup: (cp: number) => number;

  constructor(private readonly data: Buffer) {
    const tables = new Map<string, number>();
    const numTables = data.readUInt16BE(4);
    for (let i = 0; i < numTables; i++) {
      const rec = 12 + i * 16;
      tables.set(data.toString('latin1', rec, rec + 4), data.readUInt32BE(rec + 8));
    }
    const table = (tag: string) => {
      const at = tables.get(tag);
      if (at === undefined) throw new Error(`font has no ${tag} table`);
      return at;
    };
    this.unitsPerEm = data.readUInt16BE(table('head') + 18);
    const numberOfHMetrics = data.readUInt16BE(table('hhea') + 34);
    const hmtx = table('hmtx');
    this.advances = Array.from({ length: numberOfHMetrics }, (_, i) => data.readUInt16BE(hmtx + i * 4));
    this.lookup = this.cmapLookup(table('cmap'));
  }

  /** Advance of a code point in em, or null when the font has no glyph for it. */
  advance(cp: number): number | null {
    let a = this.cache.get(cp);
    if (a === undefined) {
      const glyph = this.lookup(cp);
      a = glyph === 0 ? null : this.advances[Math.min(glyph, this.advances.length - 1)]! / this.unitsPerEm;
      this.cache.set(cp, a);
    }
    return a;
  }

  /** A code point → glyph function from the Unicode subtable (format 12 preferred, else 4). */
  private cmapLookup(cmap: number): (cp: number) => number {
    const d = this.data;
    const subtables: { platform: number; encoding: number; offset: number }[] = [];
    for (let i = 0; i < d.readUInt16BE(cmap + 2); i++) {
      const rec = cmap + 4 + i * 8;
      subtables.push({ platform: d.readUInt16BE(rec), encoding: d.readUInt16BE(rec + 2), offset: cmap + d.readUInt32BE(rec + 4) });
    }
    const unicode = subtables.filter((s) => s.platform === 0 || (s.platform === 3 && (s.encoding === 1 || s.encoding === 10)));
    const f12 = unicode.find((s) => d.readUInt16BE(s.offset) === 12);
    if (f12) {
      const groups = d.readUInt32BE(f12.offset + 12);
      return (cp) => {
        for (let g = 0; g < groups; g++) {
          const at = f12.offset + 16 + g * 12;
          const start = d.readUInt32BE(at);
          if (cp >= start && cp <= d.readUInt32BE(at + 4)) return d.readUInt32BE(at + 8) + cp - start;
        }
        return 0;
      };
    }
    const f4 = unicode.find((s) => d.readUInt16BE(s.offset) === 4);
    if (!f4) throw new Error('font has no Unicode cmap');
    const segCount = d.readUInt16BE(f4.offset + 6) / 2;
    const ends = f4.offset + 14;
    const starts = ends + segCount * 2 + 2;
    const deltas = starts + segCount * 2;
    const rangeOffsets = deltas + segCount * 2;
    return (cp) => {
      if (cp > 0xffff) return 0;
      for (let s = 0; s < segCount; s++) {
        if (d.readUInt16BE(ends + s * 2) < cp) continue;
        const start = d.readUInt16BE(starts + s * 2);
        if (start > cp) return 0;
        const delta = d.readUInt16BE(deltas + s * 2);
        const ro = d.readUInt16BE(rangeOffsets + s * 2);
        if (ro === 0) return (cp + delta) & 0xffff;
        const g = d.readUInt16BE(rangeOffsets + s * 2 + ro + (cp - start) * 2);
        return g === 0 ? 0 : (g + delta) & 0xffff;
      }
      return 0;
    };
  }
}

/** East Asian wide characters, drawn by a fallback font about 1 em wide. */
function isWide(cp: number): boolean {
  return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0x20000 && cp <= 0x3fffd);
}

export interface FontMetricsOptions {
  /** Folder holding DejaVuSans.ttf and DejaVuSans-Bold.ttf; the usual Linux folders otherwise. */
  readonly fontDir?: string;
}

/** Widths of text in DejaVu Sans (regular and bold), in px at a given size. */
export class FontMetrics {
  private readonly regular: TrueTypeAdvances | undefined;
  private readonly bold: TrueTypeAdvances | undefined;

  constructor(options: FontMetricsOptions = {}) {
    this.regular = FontMetrics.load('DejaVuSans.ttf', options.fontDir);
    this.bold = FontMetrics.load('DejaVuSans-Bold.ttf', options.fontDir);
  }

  /** Whether widths come from the font files (false: estimates, the font was not found). */
  get exact(): boolean {
    return this.regular !== undefined && this.bold !== undefined;
  }

  private static load(file: string, fontDir: string | undefined): TrueTypeAdvances | undefined {
    for (const dir of fontDir !== undefined ? [fontDir] : FONT_DIRS) {
      try {
        return new TrueTypeAdvances(readFileSync(join(dir, file)));
      } catch {
        // Not here (or not a font we can read): try the next folder, else estimate.
      }
    }
    return undefined;
  }

  /** Width of `text` drawn at `sizePx`. */
  width(text: string, sizePx: number, bold = false): number {
    const font = bold ? this.bold : this.regular;
    let em = 0;
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      const a = font?.advance(cp);
      // Estimates: DejaVu's average Latin advance is ~0.6 em (bold ~0.68).
      em += a ?? (isWide(cp) ? 1 : bold ? 0.68 : 0.6);
    }
    return em * sizePx;
  }

  /** `text` if it fits in `maxWidth`, else its longest start that fits followed by "…". */
  fit(text: string, maxWidth: number, sizePx: number, bold = false): string {
    if (this.width(text, sizePx, bold) <= maxWidth) return text;
    const chars = Array.from(text);
    let lo = 0;
    let hi = chars.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (this.width(chars.slice(0, mid).join('').trimEnd() + '…', sizePx, bold) <= maxWidth) lo = mid;
      else hi = mid - 1;
    }
    return lo === 0 ? '…' : chars.slice(0, lo).join('').trimEnd() + '…';
  }

  /**
   * Breaks `text` into at most `maxLines` lines no wider than `maxWidth`, at spaces
   * (inside a word only when the word alone is too wide); the last line is
   * ellipsized when text remains.
   */
  wrap(text: string, maxWidth: number, sizePx: number, bold: boolean, maxLines: number): string[] {
    const words = text.split(/\s+/).filter((w) => w !== '');
    const lines: string[] = [];
    let current = '';
    let i = 0;
    while (i < words.length && lines.length < maxLines) {
      const word = words[i]!;
      const candidate = current === '' ? word : `${current} ${word}`;
      if (this.width(candidate, sizePx, bold) <= maxWidth) {
        current = candidate;
        i++;
      } else if (current === '') {
        // A word wider than the line: cut it where it stops fitting.
        const head = this.fit(word, maxWidth, sizePx, bold).replace(/…$/, '');
        const cut = Math.max(1, Array.from(head).length);
        lines.push(Array.from(word).slice(0, cut).join(''));
        words[i] = Array.from(word).slice(cut).join('');
      } else {
        lines.push(current);
        current = '';
      }
    }
    if (current !== '' && lines.length < maxLines) lines.push(current);
    const rest = words.slice(i).join(' ');
    if (rest !== '' && lines.length > 0) lines[lines.length - 1] = this.fit(`${lines[lines.length - 1]} ${rest}`, maxWidth, sizePx, bold);
    return lines;
  }
}
