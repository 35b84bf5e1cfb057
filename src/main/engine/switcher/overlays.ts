// On-air graphics (product card, sales ticker) keyed over the programme. They arrive
// as straight sRGB RGBA and are converted once, when they are put on air, into
// yuv420p planes with alpha; each programme tick then only blends. Per row the
// alpha is cut into runs — transparent (skipped), opaque (copied), the rest blended
// — because a card is mostly opaque and its corners and the ticker's band are not.
import { cbOfRgb, crOfRgb, frameSize, lumaOfRgb, type FrameGeometry } from './frameOps';

/** An overlay as the graphics renderer hands it over (RenderedOverlay): straight sRGB RGBA, width x height x 4 bytes, placed at x, y on the canvas. */
export interface OverlayImage {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly rgba: Buffer;
}

/** One plane's worth of an overlay, in that plane's own pixel grid (luma, or the half-size chroma grid). */
export interface AlphaPlane {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** 0 (transparent) .. 255 (opaque), width x height. */
  readonly alpha: Uint8Array;
  /** Triples [start, end, kind] of columns to draw, row after row; transparent columns have none. */
  readonly runs: Int32Array;
  /** Row r's runs are triples rowStarts[r] .. rowStarts[r + 1] - 1. */
  readonly rowStarts: Int32Array;
}

/** An overlay ready to blend onto yuv420p frames of any size (it is clipped to the frame). */
export interface YuvaOverlay {
  /** The luma rectangle on the canvas. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly luma: AlphaPlane;
  readonly lumaValues: Uint8Array;
  /** Cb and Cr share the chroma grid's alpha: each sample's is the mean over its 2x2 luma block. */
  readonly chroma: AlphaPlane;
  readonly cbValues: Uint8Array;
  readonly crValues: Uint8Array;
}

const COPY = 1;
const BLEND = 2;
/**
 * Shorter transparent or opaque stretches are blended instead: below this a separate
 * run (and a copy call) costs more than the few multiplications it saves.
 */
const MIN_RUN = 8;

export function isYuvaOverlay(o: OverlayImage | YuvaOverlay): o is YuvaOverlay {
  return 'luma' in o;
}

/** Converts an RGBA overlay once (BT.709 limited range, as rgbToYuv). Throws RangeError on a malformed one. */
export function prepareOverlay(image: OverlayImage): YuvaOverlay {
  const { x, y, width: w, height: h, rgba } = image;
  for (const v of [x, y, w, h]) if (!Number.isInteger(v)) throw new RangeError(`overlay position and size must be whole pixels (${x},${y} ${w}x${h})`);
  if (w <= 0 || h <= 0) throw new RangeError(`overlay ${w}x${h} is empty`);
  if (rgba.length !== w * h * 4) throw new RangeError(`overlay ${w}x${h} needs ${w * h * 4} RGBA bytes, got ${rgba.length}`);

  const lumaValues = new Uint8Array(w * h);
  const lumaAlpha = new Uint8Array(w * h);
  // The chroma grid is the canvas's: an overlay at an odd position covers only half of
  // the 2x2 blocks on its edges, which get correspondingly less alpha.
  const cx0 = Math.floor(x / 2);
  const cy0 = Math.floor(y / 2);
  const cw = Math.floor((x + w - 1) / 2) - cx0 + 1;
  const ch = Math.floor((y + h - 1) / 2) - cy0 + 1;
  const alphaSum = new Uint32Array(cw * ch);
  const cbSum = new Float64Array(cw * ch);
  const crSum = new Float64Array(cw * ch);
  for (let row = 0; row < h; row++) {
    const cRow = (Math.floor((y + row) / 2) - cy0) * cw;
    for (let col = 0; col < w; col++) {
      const i = row * w + col;
      const r = rgba[i * 4];
      const g = rgba[i * 4 + 1];
      const b = rgba[i * 4 + 2];
      const a = rgba[i * 4 + 3];
      lumaValues[i] = Math.round(lumaOfRgb(r, g, b));
      lumaAlpha[i] = a;
      if (a === 0) continue;
      // Colour weighted by alpha, so a transparent pixel's (meaningless) colour never
      // tints the edge of a rounded corner.
      const c = cRow + Math.floor((x + col) / 2) - cx0;
      alphaSum[c] += a;
      cbSum[c] += a * cbOfRgb(r, g, b);
      crSum[c] += a * crOfRgb(r, g, b);
    }
  }
  const chromaAlpha = new Uint8Array(cw * ch);
  const cbValues = new Uint8Array(cw * ch).fill(128);
  const crValues = new Uint8Array(cw * ch).fill(128);
  for (let c = 0; c < cw * ch; c++) {
    const s = alphaSum[c];
    if (s === 0) continue;
    chromaAlpha[c] = Math.round(s / 4);
    cbValues[c] = Math.round(cbSum[c] / s);
    crValues[c] = Math.round(crSum[c] / s);
  }
  return {
    x,
    y,
    width: w,
    height: h,
    luma: alphaPlane(x, y, w, h, lumaAlpha),
    lumaValues,
    chroma: alphaPlane(cx0, cy0, cw, ch, chromaAlpha),
    cbValues,
    crValues,
  };
}

function alphaPlane(x: number, y: number, width: number, height: number, alpha: Uint8Array): AlphaPlane {
  const runs: number[] = [];
  const rowStarts = new Int32Array(height + 1);
  for (let row = 0; row < height; row++) {
    rowStarts[row] = runs.length / 3;
    const base = row * width;
    let col = 0;
    while (col < width) {
      const kind = kindOf(alpha[base + col]);
      let end = col + 1;
      while (end < width && kindOf(alpha[base + end]) === kind) end++;
      const long = end - col >= MIN_RUN;
      if (kind === 0 && long) {
        col = end;
        continue;
      }
      const drawAs = kind === COPY && long ? COPY : BLEND;
      const last = runs.length - 3;
      if (drawAs === BLEND && last >= rowStarts[row] * 3 && runs[last + 2] === BLEND && runs[last + 1] === col) runs[last + 1] = end;
      else runs.push(col, end, drawAs);
      col = end;
    }
  }
  rowStarts[height] = runs.length / 3;
  return { x, y, width, height, alpha, runs: Int32Array.from(runs), rowStarts };
}

function kindOf(a: number): number {
  return a === 0 ? 0 : a === 255 ? COPY : BLEND;
}

/**
 * Blends `overlay` into the yuv420p `frame` in place: out = src * (1 - a) + ovl * a,
 * rounded, with a in 1/255 steps. Parts outside the frame are left out.
 */
export function drawOverlay(g: FrameGeometry, frame: Buffer, overlay: YuvaOverlay): void {
  if (frame.length !== frameSize(g)) throw new RangeError(`frame is ${frame.length} bytes, ${g.width}x${g.height} yuv420p needs ${frameSize(g)}`);
  const lumaBytes = g.width * g.height;
  const cw = g.width / 2;
  const ch = g.height / 2;
  drawPlane(frame, 0, g.width, g.height, overlay.luma, overlay.lumaValues);
  drawPlane(frame, lumaBytes, cw, ch, overlay.chroma, overlay.cbValues);
  drawPlane(frame, lumaBytes + cw * ch, cw, ch, overlay.chroma, overlay.crValues);
}

function drawPlane(frame: Buffer, offset: number, planeWidth: number, planeHeight: number, layer: AlphaPlane, values: Uint8Array): void {
  const { alpha, runs, rowStarts } = layer;
  const firstRow = Math.max(0, -layer.y);
  const endRow = Math.min(layer.height, planeHeight - layer.y);
  const minCol = Math.max(0, -layer.x);
  const maxCol = Math.min(layer.width, planeWidth - layer.x);
  if (minCol >= maxCol) return;
  for (let row = firstRow; row < endRow; row++) {
    const src = row * layer.width;
    const dst = offset + (layer.y + row) * planeWidth + layer.x;
    for (let r = rowStarts[row] * 3, end = rowStarts[row + 1] * 3; r < end; r += 3) {
      const from = Math.max(runs[r], minCol);
      const to = Math.min(runs[r + 1], maxCol);
      if (from >= to) continue;
      if (runs[r + 2] === COPY) {
        frame.set(values.subarray(src + from, src + to), dst + from);
        continue;
      }
      for (let i = from; i < to; i++) {
        const a = alpha[src + i];
        // x / 255 rounded, exactly, for x in 0 .. 255 * 255 (no division per pixel).
        const v = frame[dst + i] * (255 - a) + values[src + i] * a + 128;
        frame[dst + i] = (v + (v >> 8)) >> 8;
      }
    }
  }
}

export interface OverlayCostCase {
  readonly label: string;
  readonly canvas: FrameGeometry;
  readonly overlays: readonly OverlayImage[];
}

export interface OverlayCostFigure {
  readonly label: string;
  readonly canvas: string;
  readonly overlays: string;
  /** Blending every overlay into an existing frame, µs per programme frame. */
  readonly blendUs: number;
  /** What the switcher adds per frame while graphics are on air: copying the programme into its own buffer, then blending. */
  readonly copyAndBlendUs: number;
  /** Converting the overlays from RGBA once (when they change), ms. */
  readonly prepareMs: number;
}

/**
 * The per-frame cost of the graphics layer, for the bench (a figure, not a timed
 * test). Without `cases` it uses synthetic graphics shaped like ours: a translucent
 * card with rounded corners and an opaque image, a translucent ticker band with text,
 * at the sizes overlayLayout gives at 1920x1080 and 1080x1920. Pass the renderer's
 * real overlays to measure those instead.
 */
export function measureOverlayCost(options: { cases?: readonly OverlayCostCase[]; frames?: number } = {}): OverlayCostFigure[] {
  const frames = options.frames ?? 300;
  const cases = options.cases ?? defaultCostCases();
  return cases.map(({ label, canvas, overlays }) => {
    let t = performance.now();
    const prepared = overlays.map(prepareOverlay);
    const prepareMs = performance.now() - t;
    const base = Buffer.alloc(frameSize(canvas), 90);
    const out = Buffer.allocUnsafe(base.length);
    const run = (copy: boolean, n: number) => {
      for (let i = 0; i < n; i++) {
        if (copy) base.copy(out);
        for (const o of prepared) drawOverlay(canvas, out, o);
      }
    };
    run(true, Math.min(30, frames)); // warm the JIT before timing
    t = performance.now();
    run(false, frames);
    const blendUs = ((performance.now() - t) * 1000) / frames;
    t = performance.now();
    run(true, frames);
    const copyAndBlendUs = ((performance.now() - t) * 1000) / frames;
    return {
      label,
      canvas: `${canvas.width}x${canvas.height}`,
      overlays: overlays.map((o) => `${o.width}x${o.height}`).join(' + '),
      blendUs: round1(blendUs),
      copyAndBlendUs: round1(copyAndBlendUs),
      prepareMs: round1(prepareMs),
    };
  });
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}

function defaultCostCases(): OverlayCostCase[] {
  return [
    {
      label: 'landscape',
      canvas: { width: 1920, height: 1080 },
      overlays: [syntheticCard(48, 664, 640, 300), syntheticTicker(48, 984, 1824, 60)],
    },
    {
      label: 'portrait',
      canvas: { width: 1080, height: 1920 },
      overlays: [syntheticCard(40, 956, 1000, 300), syntheticTicker(40, 880, 1000, 60)],
    },
  ];
}

/**
 * A panel at 94 % opacity (as productCard.ts draws it, so most of a real card is
 * blended, not copied) with 24 px rounded, anti-aliased corners and an opaque image square.
 */
export function syntheticCard(x: number, y: number, width: number, height: number): OverlayImage {
  const rgba = Buffer.alloc(width * height * 4);
  const radius = 24;
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const dx = Math.max(0, radius - col - 0.5, col + 0.5 - (width - radius));
      const dy = Math.max(0, radius - row - 0.5, row + 0.5 - (height - radius));
      const coverage = Math.max(0, Math.min(1, radius + 0.5 - Math.hypot(dx, dy)));
      const inImage = col >= 20 && col < height - 20 && row >= 20 && row < height - 20;
      const i = (row * width + col) * 4;
      rgba[i] = inImage ? (col * 7) & 0xff : 250;
      rgba[i + 1] = inImage ? (row * 5) & 0xff : 246;
      rgba[i + 2] = inImage ? 120 : 240;
      rgba[i + 3] = Math.round(coverage * (inImage ? 255 : 240));
    }
  }
  return { x, y, width, height, rgba };
}

/** A 60 % black band with white "glyphs": opaque runs in the middle rows. */
export function syntheticTicker(x: number, y: number, width: number, height: number): OverlayImage {
  const rgba = Buffer.alloc(width * height * 4);
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const glyph = row > height / 4 && row < (height * 3) / 4 && (col >> 3) % 3 !== 0 && (col + row) % 5 !== 0;
      const i = (row * width + col) * 4;
      rgba.fill(glyph ? 255 : 0, i, i + 3);
      rgba[i + 3] = glyph ? 255 : 153;
    }
  }
  return { x, y, width, height, rgba };
}
