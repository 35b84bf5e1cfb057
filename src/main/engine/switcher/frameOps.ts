// Pixel operations on planar yuv420p canvas frames (Y plane W*H, then U and V at
// W/2*H/2 each). They run in main on every programme tick, so they avoid per-pixel
// allocation and work row by row with Buffer.copy where they can.

export interface FrameGeometry {
  readonly width: number;
  readonly height: number;
}

export function frameSize(g: FrameGeometry): number {
  return (g.width * g.height * 3) / 2;
}

interface Plane {
  readonly offset: number;
  readonly width: number;
  readonly height: number;
}

function planes(g: FrameGeometry): readonly [Plane, Plane, Plane] {
  const y = g.width * g.height;
  const cw = g.width / 2;
  const ch = g.height / 2;
  return [
    { offset: 0, width: g.width, height: g.height },
    { offset: y, width: cw, height: ch },
    { offset: y + cw * ch, width: cw, height: ch },
  ];
}

/** BT.709 limited range, the colourimetry our sources and encoder use. */
export function rgbToYuv(hex: string): [number, number, number] {
  const v = Number.parseInt(hex.replace('#', ''), 16);
  const r = (v >> 16) & 0xff;
  const g = (v >> 8) & 0xff;
  const b = v & 0xff;
  const y = 16 + 0.1826 * r + 0.6142 * g + 0.062 * b;
  const u = 128 - 0.1006 * r - 0.3386 * g + 0.4392 * b;
  const w = 128 + 0.4392 * r - 0.3989 * g - 0.0403 * b;
  return [Math.round(y), Math.round(u), Math.round(w)];
}

/**
 * rgbToYuv's BT.709 limited-range conversion for one pixel, before rounding: whole
 * images (the on-air graphics) are converted with these, so their colours land on
 * exactly the values rgbToYuv gives a solid frame (a test holds the two in step).
 */
export function lumaOfRgb(r: number, g: number, b: number): number {
  return 16 + 0.1826 * r + 0.6142 * g + 0.062 * b;
}

export function cbOfRgb(r: number, g: number, b: number): number {
  return 128 - 0.1006 * r - 0.3386 * g + 0.4392 * b;
}

export function crOfRgb(r: number, g: number, b: number): number {
  return 128 + 0.4392 * r - 0.3989 * g - 0.0403 * b;
}

export function solidFrame(g: FrameGeometry, hex: string): Buffer {
  const out = Buffer.allocUnsafe(frameSize(g));
  const [y, u, v] = rgbToYuv(hex);
  const [py, pu, pv] = planes(g);
  out.fill(y, py.offset, py.offset + py.width * py.height);
  out.fill(u, pu.offset, pu.offset + pu.width * pu.height);
  out.fill(v, pv.offset, pv.offset + pv.width * pv.height);
  return out;
}

/** out = a + (b - a) * t, for t in [0, 1]. Fixed-point: t is taken in 1/256 steps. */
export function blend(a: Buffer, b: Buffer, t: number, out: Buffer = Buffer.allocUnsafe(a.length)): Buffer {
  const w = Math.max(0, Math.min(256, Math.round(t * 256)));
  if (w === 0) return a;
  if (w === 256) return b;
  const iw = 256 - w;
  const n = a.length;
  for (let i = 0; i < n; i++) out[i] = (a[i] * iw + b[i] * w) >> 8;
  return out;
}

/**
 * Side by side: the centre half of `left` in the left half of the canvas, the centre
 * half of `right` in the right half. Cropping (not squeezing) keeps people in shape,
 * as a seller's host + farm split expects.
 */
export function sideBySide(g: FrameGeometry, left: Buffer, right: Buffer, out: Buffer = Buffer.allocUnsafe(frameSize(g))): Buffer {
  for (const p of planes(g)) {
    const half = p.width >> 1;
    const crop = p.width >> 2;
    for (let row = 0; row < p.height; row++) {
      const base = p.offset + row * p.width;
      left.copy(out, base, base + crop, base + crop + half);
      right.copy(out, base + half, base + crop, base + crop + (p.width - half));
    }
  }
  return out;
}

export interface InsetBox {
  /** Top-left in luma pixels, even. */
  readonly x: number;
  readonly y: number;
  /** Downscale factor of the inset (3 → a third of the canvas each way). */
  readonly factor: number;
}

/** Where the picture-in-picture inset goes: bottom right, a third of the canvas. */
export function defaultInset(g: FrameGeometry): InsetBox {
  const factor = 3;
  const margin = even(Math.round(Math.min(g.width, g.height) / 24));
  const w = even(Math.floor(g.width / factor));
  const h = even(Math.floor(g.height / factor));
  return { factor, x: even(g.width - w - margin), y: even(g.height - h - margin) };
}

/**
 * Picture in picture: `background` full frame with `inset` box-averaged down by an
 * integer factor (a close-up of the ring over the host), with a thin light border.
 */
export function pictureInPicture(
  g: FrameGeometry,
  background: Buffer,
  inset: Buffer,
  box: InsetBox = defaultInset(g),
  out: Buffer = Buffer.allocUnsafe(frameSize(g)),
): Buffer {
  background.copy(out);
  const f = box.factor;
  const area = f * f;
  const ps = planes(g);
  ps.forEach((p, index) => {
    const sub = index === 0 ? 1 : 2;
    const ox = box.x / sub;
    const oy = box.y / sub;
    const w = Math.floor(p.width / f) & ~(index === 0 ? 1 : 0);
    const h = Math.floor(p.height / f) & ~(index === 0 ? 1 : 0);
    for (let row = 0; row < h; row++) {
      const dst = p.offset + (oy + row) * p.width + ox;
      const srcRow = p.offset + row * f * p.width;
      for (let col = 0; col < w; col++) {
        let sum = 0;
        const s = srcRow + col * f;
        for (let dy = 0; dy < f; dy++) {
          const r = s + dy * p.width;
          for (let dx = 0; dx < f; dx++) sum += inset[r + dx];
        }
        out[dst + col] = (sum / area) | 0;
      }
    }
    if (index === 0) drawBorder(out, p, ox, oy, w, h, 2, 235);
  });
  return out;
}

function drawBorder(out: Buffer, p: Plane, x: number, y: number, w: number, h: number, t: number, value: number): void {
  for (let i = 0; i < t; i++) {
    const top = p.offset + (y + i) * p.width + x;
    const bottom = p.offset + (y + h - 1 - i) * p.width + x;
    out.fill(value, top, top + w);
    out.fill(value, bottom, bottom + w);
  }
  for (let row = y; row < y + h; row++) {
    const base = p.offset + row * p.width;
    out.fill(value, base + x, base + x + t);
    out.fill(value, base + x + w - t, base + x + w);
  }
}

function even(n: number): number {
  return n & ~1;
}

/** Mean of a luma/chroma box: lets tests and the health view tell what is on air. */
export function sampleYuv(g: FrameGeometry, frame: Buffer, cx: number, cy: number, radius = 4): [number, number, number] {
  const [py, pu, pv] = planes(g);
  let y = 0;
  let u = 0;
  let v = 0;
  let n = 0;
  for (let dy = -radius; dy < radius; dy += 2) {
    for (let dx = -radius; dx < radius; dx += 2) {
      const lx = cx + dx;
      const ly = cy + dy;
      y += frame[py.offset + ly * py.width + lx];
      const ci = (ly >> 1) * pu.width + (lx >> 1);
      u += frame[pu.offset + ci];
      v += frame[pv.offset + ci];
      n++;
    }
  }
  return [y / n, u / n, v / n];
}
