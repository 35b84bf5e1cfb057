import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { FontMetrics, OVERLAY_FONT_FAMILY } from './fontMetrics';
import { escapeXml } from './svg';

const fonts = new FontMetrics();

/** Width of the ink librsvg draws for `text`, in px. */
async function renderedWidth(text: string, size: number, bold: boolean): Promise<number> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="2000" height="${size * 2}"><rect width="2000" height="${size * 2}" fill="#000"/><text x="10" y="${size * 1.3}" font-family="${OVERLAY_FONT_FAMILY}" font-size="${size}" ${bold ? 'font-weight="bold"' : ''} fill="#fff" xml:space="preserve">${escapeXml(text)}</text></svg>`;
  const { info } = await sharp(Buffer.from(svg)).trim({ background: '#000', threshold: 10 }).toBuffer({ resolveWithObject: true });
  return info.width;
}

describe('FontMetrics', () => {
  it('reads DejaVu Sans from the system (fonts-dejavu-core)', () => {
    expect(fonts.exact).toBe(true);
  });

  it.each([
    ['Solitaire Diamond Ring 0.50 ct, 18k White Gold', 26, true],
    ['€1,590.00', 44, true],
    ['W***g, Hangzhou ×2   ·   J***r, München ×3', 22, false],
    ['Only 12 left', 18, true],
  ] as const)('measures %j within 4%% of what librsvg draws', async (text, size, bold) => {
    const measured = fonts.width(text, size, bold);
    const drawn = await renderedWidth(text, size, bold);
    // Ink is a little narrower than the advance (side bearings): within 4 % plus 2 px.
    expect(Math.abs(measured - drawn)).toBeLessThanOrEqual(drawn * 0.04 + 2);
  });

  it('ellipsizes to fit and leaves fitting text alone', () => {
    expect(fonts.fit('Short', 200, 20)).toBe('Short');
    const cut = fonts.fit('A very long product title that cannot fit in the space', 200, 20, true);
    expect(cut.endsWith('…')).toBe(true);
    expect(fonts.width(cut, 20, true)).toBeLessThanOrEqual(200);
    expect(fonts.width(fonts.fit(cut.slice(0, -1) + 'xx', 200, 20, true), 20, true)).toBeLessThanOrEqual(200);
  });

  it('wraps at spaces into at most n lines, ellipsizing the last', () => {
    const lines = fonts.wrap('Solitaire Diamond Ring 0.50 ct, 18k White Gold with a long tail', 316, 26, true, 2);
    expect(lines).toEqual(['Solitaire Diamond', 'Ring 0.50 ct, 18k W…']);
    for (const l of lines) expect(fonts.width(l, 26, true)).toBeLessThanOrEqual(316);
    expect(fonts.wrap('Two words', 316, 26, true, 2)).toEqual(['Two words']);
    // A single word wider than the line is cut inside the word.
    const long = fonts.wrap('Supercalifragilisticexpialidocious-and-more', 200, 26, true, 2);
    expect(long).toHaveLength(2);
    for (const l of long) expect(fonts.width(l, 26, true)).toBeLessThanOrEqual(200);
  });

  it('estimates when the font files are missing', () => {
    const guess = new FontMetrics({ fontDir: '/nonexistent' });
    expect(guess.exact).toBe(false);
    expect(guess.width('abcd', 10)).toBeCloseTo(24);
    expect(guess.width('王小明', 10)).toBeCloseTo(30);
  });
});
