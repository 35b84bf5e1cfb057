import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { FontMetrics } from './fontMetrics';
import { OnAirGraphics } from './onAirGraphics';
import { orderShoutOutSvg, ShoutOutPacer, type ShoutOutOrder } from './orderShoutOut';
import { overlayLayout } from './overlayLayout';
import { svgDocument, svgText } from './svg';

const order = (id: number, over: Partial<ShoutOutOrder> = {}): ShoutOutOrder => ({ orderId: String(id), buyer: 'W***g, Hangzhou', quantity: 1, product: 'Gold ring', ...over });
const overlaps = (a: { x: number; y: number; width: number; height: number }, b: typeof a) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('order shout-out', () => {
  it.each([
    { width: 1920, height: 1080 },
    { width: 1280, height: 720 },
    { width: 1080, height: 1080 },
    { width: 1080, height: 1920 },
    { width: 720, height: 1280 },
  ])('sits apart from the card and the ticker at $width x $height, inside the canvas', (canvas) => {
    const l = overlayLayout(canvas);
    expect(overlaps(l.shoutOut, l.card)).toBe(false);
    expect(overlaps(l.shoutOut, l.ticker)).toBe(false);
    expect(l.shoutOut.x).toBeGreaterThanOrEqual(0);
    expect(l.shoutOut.x + l.shoutOut.width).toBeLessThanOrEqual(canvas.width);
    expect(l.shoutOut.y + l.shoutOut.height).toBeLessThanOrEqual(canvas.height);
    for (const v of Object.values(l.shoutOut)) expect(v % 2).toBe(0);
  });

  it('never puts a full name on air, and says how many more orders came', () => {
    const fonts = new FontMetrics();
    const svg = orderShoutOutSvg({ buyer: 'Wang Hong, Hangzhou', quantity: 2, product: 'Gold <ring> & chain', moreOrders: 0 }, 560, 96, 1, fonts);
    expect(svg).toContain('W***g, Hangzhou');
    expect(svg).not.toContain('Wang Hong');
    expect(svg).toContain('just bought 2 × Gold &lt;ring&gt; &amp; chain');
    const busy = orderShoutOutSvg({ buyer: 'Wang Hong, Hangzhou', quantity: 2, product: 'Gold ring', moreOrders: 1234 }, 560, 96, 1, fonts);
    expect(busy).toContain('+1,234 more');
    expect(busy).not.toContain('Wang Hong');
    expect(orderShoutOutSvg({ buyer: 'L*, Milan', quantity: 1, product: 'Ring', moreOrders: 0 }, 560, 96, 1, fonts)).not.toContain('more');
  });

  it('draws Chinese names and titles with real glyphs, not missing-glyph boxes', async () => {
    // "一" (one) is a single flat stroke: drawn from a real font its ink is far wider
    // than tall, where a missing-glyph box (with the code point in it) is taller than wide.
    const svg = svgDocument(200, 200, svgText(20, 140, '一', { size: 120, fill: '#fff' }));
    const { data, info } = await sharp(Buffer.from(svg)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    let [top, bottom, left, right] = [info.height, -1, info.width, -1];
    for (let y = 0; y < info.height; y++) {
      for (let x = 0; x < info.width; x++) {
        if (data[(y * info.width + x) * 4 + 3]! < 128) continue;
        [top, bottom, left, right] = [Math.min(top, y), Math.max(bottom, y), Math.min(left, x), Math.max(right, x)];
      }
    }
    expect(right - left).toBeGreaterThan(60);
    expect((bottom - top + 1) / (right - left + 1)).toBeLessThan(0.3);
  });

  it('renders opaque inside its box and transparent at the corners', async () => {
    const g = new OnAirGraphics();
    const canvas = { width: 1920, height: 1080 };
    const o = await g.renderOrderShoutOut({ buyer: 'W***g, Hangzhou', quantity: 2, product: 'Gold ring', moreOrders: 3 }, canvas);
    expect({ x: o.x, y: o.y, width: o.width, height: o.height }).toEqual(overlayLayout(canvas).shoutOut);
    expect(o.rgba.length).toBe(o.width * o.height * 4);
    expect(o.rgba[((o.height >> 1) * o.width + (o.width >> 1)) * 4 + 3]).toBeGreaterThan(200);
    expect(o.rgba[3]).toBe(0);
    g.dispose();
  });
});

describe('ShoutOutPacer', () => {
  it('never shouts out orders from before it first looked', () => {
    const p = new ShoutOutPacer();
    expect(p.step(0, 500, [order(500), order(499)])).toBeNull();
    expect(p.step(10_000, 500, [order(500), order(499)])).toBeNull();
    expect(p.step(11_000, 501, [order(501)])).toEqual({ show: { buyer: 'W***g, Hangzhou', quantity: 1, product: 'Gold ring', moreOrders: 0 } });
  });

  it('keeps one on air for showMs, waits minGapMs between starts, and sums up what came meanwhile', () => {
    const p = new ShoutOutPacer({ showMs: 4000, minGapMs: 6000 });
    p.step(0, 0, []);
    const shown: { at: number; more: number; id: string }[] = [];
    let hides = 0;
    // 100 orders a second for 60 s, stepped once a second as the runner does.
    for (let t = 1000; t <= 60_000; t += 1000) {
      const count = t / 10;
      const step = p.step(t, count, [order(count, { buyer: `B${count}`, quantity: 3 })]);
      if (step && 'show' in step) shown.push({ at: t, more: step.show.moreOrders, id: step.show.buyer });
      if (step && 'hide' in step) hides += 1;
    }
    expect(shown.length).toBe(10);
    for (let i = 1; i < shown.length; i++) expect(shown[i]!.at - shown[i - 1]!.at).toBeGreaterThanOrEqual(6000);
    // Every order is either shouted out or counted in a "+N more": none vanishes, none twice.
    expect(shown.reduce((sum, s) => sum + 1 + s.more, 0)).toBe(shown.at(-1)!.at / 10);
    expect(hides).toBe(shown.length - (60_000 - shown.at(-1)!.at >= 4000 ? 0 : 1));
  });

  it('shows nothing when no order came, and starts afresh after a reset', () => {
    const p = new ShoutOutPacer();
    p.step(0, 3, [order(3)]);
    expect(p.step(20_000, 3, [order(3)])).toBeNull();
    p.reset();
    expect(p.step(21_000, 4, [order(4)])).toBeNull();
    expect(p.step(30_000, 5, [order(5)])).toMatchObject({ show: { moreOrders: 0 } });
  });
});
