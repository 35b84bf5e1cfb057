import { describe, expect, it } from 'vitest';
import { cbOfRgb, crOfRgb, frameSize, lumaOfRgb, rgbToYuv, solidFrame, type FrameGeometry } from './frameOps';
import { drawOverlay, measureOverlayCost, prepareOverlay, syntheticCard, type OverlayImage } from './overlays';

const g: FrameGeometry = { width: 32, height: 20 };
const CB = g.width * g.height;
const CR = CB + (g.width / 2) * (g.height / 2);

function solidOverlay(x: number, y: number, width: number, height: number, hex: string, alpha: number): OverlayImage {
  const v = Number.parseInt(hex.slice(1), 16);
  const rgba = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) rgba.set([(v >> 16) & 255, (v >> 8) & 255, v & 255, alpha], i * 4);
  return { x, y, width, height, rgba };
}

const lumaAt = (f: Buffer, x: number, y: number) => f[y * g.width + x];
const cbAt = (f: Buffer, x: number, y: number) => f[CB + (y >> 1) * (g.width / 2) + (x >> 1)];
const crAt = (f: Buffer, x: number, y: number) => f[CR + (y >> 1) * (g.width / 2) + (x >> 1)];
const mix = (src: number, ovl: number, a: number) => Math.round((src * (255 - a) + ovl * a) / 255);

/**
 * The definition, pixel by pixel and without runs or clipping arithmetic: luma from
 * each pixel; each chroma sample from its 2x2 block, alpha the block's mean (pixels
 * outside the overlay count as transparent), colour the alpha-weighted mean.
 */
function referenceDraw(frame: Buffer, o: OverlayImage): Buffer {
  const out = Buffer.from(frame);
  const px = (x: number, y: number) => {
    const col = x - o.x;
    const row = y - o.y;
    if (col < 0 || row < 0 || col >= o.width || row >= o.height) return null;
    const i = (row * o.width + col) * 4;
    return [o.rgba[i], o.rgba[i + 1], o.rgba[i + 2], o.rgba[i + 3]] as const;
  };
  for (let y = 0; y < g.height; y++) {
    for (let x = 0; x < g.width; x++) {
      const p = px(x, y);
      if (p) out[y * g.width + x] = mix(frame[y * g.width + x], Math.round(lumaOfRgb(p[0], p[1], p[2])), p[3]);
    }
  }
  for (let cy = 0; cy < g.height / 2; cy++) {
    for (let cx = 0; cx < g.width / 2; cx++) {
      let sa = 0;
      let sb = 0;
      let sr = 0;
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
        const p = px(cx * 2 + dx, cy * 2 + dy);
        if (!p) continue;
        sa += p[3];
        sb += p[3] * cbOfRgb(p[0], p[1], p[2]);
        sr += p[3] * crOfRgb(p[0], p[1], p[2]);
      }
      if (sa === 0) continue;
      const a = Math.round(sa / 4);
      const i = cy * (g.width / 2) + cx;
      out[CB + i] = mix(frame[CB + i], Math.round(sb / sa), a);
      out[CR + i] = mix(frame[CR + i], Math.round(sr / sa), a);
    }
  }
  return out;
}

function drawn(o: OverlayImage, under = '#000000'): Buffer {
  const frame = solidFrame(g, under);
  drawOverlay(g, frame, prepareOverlay(o));
  return frame;
}

describe('overlays', () => {
  it('converts colours exactly as rgbToYuv does', () => {
    for (const hex of ['#000000', '#ffffff', '#ff0000', '#00ff00', '#0000ff', '#d4a017', '#7f7f7f', '#13579b', '#fedcba']) {
      const frame = drawn(solidOverlay(0, 0, g.width, g.height, hex, 255));
      expect([lumaAt(frame, 5, 5), cbAt(frame, 5, 5), crAt(frame, 5, 5)], hex).toEqual(rgbToYuv(hex));
    }
  });

  it('replaces opaque pixels, keeps transparent ones and mixes 50 % to the exact rounded value', () => {
    const [ry, rb, rr] = rgbToYuv('#ff0000');
    const [by, bb, br] = rgbToYuv('#0000ff');
    const opaque = drawn(solidOverlay(4, 4, 8, 8, '#ff0000', 255), '#0000ff');
    expect([lumaAt(opaque, 4, 4), cbAt(opaque, 4, 4), crAt(opaque, 4, 4)]).toEqual([ry, rb, rr]);
    expect([lumaAt(opaque, 12, 4), cbAt(opaque, 12, 4), crAt(opaque, 12, 4)]).toEqual([by, bb, br]);

    const clear = drawn(solidOverlay(4, 4, 8, 8, '#ff0000', 0), '#0000ff');
    expect(clear.equals(solidFrame(g, '#0000ff'))).toBe(true);

    const half = drawn(solidOverlay(4, 4, 8, 8, '#ff0000', 128), '#0000ff');
    expect([lumaAt(half, 7, 7), cbAt(half, 7, 7), crAt(half, 7, 7)]).toEqual([mix(by, ry, 128), mix(bb, rb, 128), mix(br, rr, 128)]);
    // Black to white at a = 128: 16 * 127 / 255 + 235 * 128 / 255 = 125.93.
    expect(lumaAt(drawn(solidOverlay(0, 0, 2, 2, '#ffffff', 128)), 0, 0)).toBe(126);
  });

  it('puts chroma on the canvas grid for an overlay at odd positions', () => {
    // Luma columns 3..6, rows 5..6: every chroma block it touches is half or a quarter covered.
    const frame = drawn(solidOverlay(3, 5, 4, 2, '#ff0000', 255));
    const [ry, rb, rr] = rgbToYuv('#ff0000');
    const [ky, kb, kr] = rgbToYuv('#000000');
    expect(lumaAt(frame, 3, 5)).toBe(ry);
    expect(lumaAt(frame, 6, 6)).toBe(ry);
    expect([lumaAt(frame, 2, 5), lumaAt(frame, 7, 5), lumaAt(frame, 3, 4), lumaAt(frame, 3, 7)]).toEqual([ky, ky, ky, ky]);
    // Block (2..3, 4..5) holds one overlay pixel: a = 255 / 4 -> 64.
    expect([cbAt(frame, 2, 4), crAt(frame, 2, 4)]).toEqual([mix(kb, rb, 64), mix(kr, rr, 64)]);
    // Block (4..5, 4..5) holds two: a = 128.
    expect([cbAt(frame, 4, 4), crAt(frame, 4, 4)]).toEqual([mix(kb, rb, 128), mix(kr, rr, 128)]);
    expect([cbAt(frame, 6, 6), crAt(frame, 6, 6)]).toEqual([mix(kb, rb, 64), mix(kr, rr, 64)]);
    expect([cbAt(frame, 8, 4), crAt(frame, 0, 4), cbAt(frame, 4, 8)]).toEqual([kb, kr, kb]);
    expect(frame.equals(referenceDraw(solidFrame(g, '#000000'), solidOverlay(3, 5, 4, 2, '#ff0000', 255)))).toBe(true);
  });

  it('clips an overlay partly outside the frame and leaves the rest alone', () => {
    const o = solidOverlay(-3, g.height - 3, 9, 6, '#00ff00', 255);
    const frame = drawn(o);
    const [gy] = rgbToYuv('#00ff00');
    expect(lumaAt(frame, 0, g.height - 1)).toBe(gy);
    expect(lumaAt(frame, 5, g.height - 3)).toBe(gy);
    expect(lumaAt(frame, 6, g.height - 3)).toBe(16);
    expect(lumaAt(frame, 0, g.height - 4)).toBe(16);
    expect(frame.equals(referenceDraw(solidFrame(g, '#000000'), o))).toBe(true);
    // Entirely outside: nothing happens, nothing throws.
    expect(drawn(solidOverlay(g.width, 0, 4, 4, '#00ff00', 255)).equals(solidFrame(g, '#000000'))).toBe(true);
    expect(drawn(solidOverlay(-8, -8, 4, 4, '#00ff00', 255)).equals(solidFrame(g, '#000000'))).toBe(true);
  });

  it('matches the pixel-by-pixel definition for random overlays anywhere', () => {
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const under = Buffer.alloc(frameSize(g));
    for (let i = 0; i < under.length; i++) under[i] = 16 + rand(220);
    for (let t = 0; t < 60; t++) {
      const width = 1 + rand(40);
      const height = 1 + rand(26);
      const rgba = Buffer.alloc(width * height * 4);
      // Runs of one alpha (long enough for the copy and skip paths) with noise in the colour.
      let a = 0;
      for (let i = 0; i < width * height; i++) {
        if (rand(12) === 0) a = [0, 255, 128, 1, 254, rand(256)][rand(6)];
        rgba.set([rand(256), rand(256), rand(256), a], i * 4);
      }
      const o = { x: rand(g.width + 20) - 10, y: rand(g.height + 16) - 8, width, height, rgba };
      const frame = Buffer.from(under);
      drawOverlay(g, frame, prepareOverlay(o));
      expect(frame.equals(referenceDraw(under, o)), `overlay ${width}x${height} at ${o.x},${o.y}`).toBe(true);
    }
  });

  it('copies opaque stretches, blends translucent ones and skips what is transparent', () => {
    const card = prepareOverlay(syntheticCard(0, 0, 200, 100));
    const runsOf = (row: number) => Array.from(card.luma.runs.subarray(card.luma.rowStarts[row] * 3, card.luma.rowStarts[row + 1] * 3));
    // A middle row: translucent panel, the opaque image (columns 20..79) copied, panel again.
    expect(runsOf(50)).toEqual([0, 20, 2, 20, 80, 1, 80, 200, 2]);
    // The top row's corners are transparent: its runs start inside the rounded corner.
    expect(runsOf(0)[0]).toBeGreaterThan(0);
    const empty = prepareOverlay(solidOverlay(0, 0, 40, 10, '#ffffff', 0));
    expect(empty.luma.runs.length + empty.chroma.runs.length).toBe(0);
  });

  it('refuses malformed overlays', () => {
    expect(() => prepareOverlay({ x: 0, y: 0, width: 4, height: 4, rgba: Buffer.alloc(10) })).toThrow(/RGBA bytes/);
    expect(() => prepareOverlay({ x: 0.5, y: 0, width: 4, height: 4, rgba: Buffer.alloc(64) })).toThrow(/whole pixels/);
    expect(() => prepareOverlay({ x: 0, y: 0, width: 0, height: 4, rgba: Buffer.alloc(0) })).toThrow(/empty/);
    expect(() => drawOverlay(g, Buffer.alloc(10), prepareOverlay(solidOverlay(0, 0, 2, 2, '#ffffff', 255)))).toThrow(RangeError);
  });

  it('reports a per-frame cost for both canvases', () => {
    const figures = measureOverlayCost({ frames: 3 });
    expect(figures.map((f) => f.canvas)).toEqual(['1920x1080', '1080x1920']);
    expect(figures[0].overlays).toBe('640x300 + 1824x60');
    for (const f of figures) {
      expect(f.blendUs).toBeGreaterThan(0);
      expect(f.copyAndBlendUs).toBeGreaterThan(0);
    }
  });
});
