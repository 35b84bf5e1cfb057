// The NO SIGNAL slate a source shows while it has no frames (DESIGN.md §1: "a source
// silent for ~1 s shows a labelled NO SIGNAL slate"). Rendered once per source name
// and canvas by a one-shot ffmpeg, as one raw yuv420p canvas frame plus one preview
// JPEG. Never throws: if ffmpeg cannot render it, a plain grey frame built here
// stands in, because the programme must always have a picture.
import { spawn } from 'node:child_process';
import type { CanvasSettings } from '../../../shared/model';
import { DEFAULT_FONT_FILE, esc, frameBytes, previewSize } from './sourceArgs';

export interface Slate {
  /** One raw yuv420p frame, exactly canvas-sized. */
  readonly frame: Buffer;
  readonly jpeg: Buffer;
  /** False when this is the grey stand-in (ffmpeg could not render the slate). */
  readonly rendered: boolean;
}

export interface SlateRequest {
  readonly ffmpegPath: string;
  readonly name: string;
  readonly canvas: CanvasSettings;
  readonly reason?: string;
  readonly fontFile?: string | null;
  readonly timeoutMs?: number;
}

// A 16x16 grey (0x202020) JPEG made by ffmpeg's mjpeg encoder: the preview stand-in.
const GREY_JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAgAAAQABAAD//gAQTGF2YzU5LjM3LjEwMAD/2wBDAAgQEBMQExYWFhYWFhoYGhsbGxoaGhobGxsdHR0iIiIdHR0bGx0dICAiIiUmJSMjIiMmJigoKDAwLi44ODpFRVP/xABLAAEBAAAAAAAAAAAAAAAAAAAABwEBAAAAAAAAAAAAAAAAAAAAABABAAAAAAAAAAAAAAAAAAAAABEBAAAAAAAAAAAAAAAAAAAAAP/AABEIABAAEAMBIgACEQADEQD/2gAMAwEAAhEDEQA/AI8AD//Z',
  'base64',
);

const cache = new Map<string, Promise<Slate>>();

/** The slate for a source; the same promise for the same (name, size, reason). */
export function renderSlate(request: SlateRequest): Promise<Slate> {
  const { width, height } = request.canvas;
  const key = JSON.stringify([request.name, width, height, request.reason ?? '']);
  let slate = cache.get(key);
  if (!slate) {
    slate = runFfmpeg(request).catch(() => greySlate(request.canvas));
    cache.set(key, slate);
    // A stand-in is not worth keeping: the next request tries ffmpeg again.
    void slate.then((s) => {
      if (!s.rendered) cache.delete(key);
    });
  }
  return slate;
}

/** A mid-dark grey canvas frame (Y=0x20, neutral chroma), built without ffmpeg. */
export function greyFrame(canvas: CanvasSettings): Buffer {
  const frame = Buffer.alloc(frameBytes(canvas), 128);
  frame.fill(0x20, 0, canvas.width * canvas.height);
  return frame;
}

export function greySlate(canvas: CanvasSettings): Slate {
  return { frame: greyFrame(canvas), jpeg: GREY_JPEG, rendered: false };
}

function slateArgs(request: SlateRequest): string[] {
  const { width: W, height: H } = request.canvas;
  const preview = previewSize(request.canvas);
  const fontFile = request.fontFile === undefined ? DEFAULT_FONT_FILE : request.fontFile;
  const font = fontFile ? `fontfile=${esc(fontFile)}:` : '';
  const big = Math.max(16, Math.round(H / 7));
  const mid = Math.max(12, Math.round(H / 14));
  const small = Math.max(10, Math.round(H / 24));
  const text = (value: string, size: number, y: string, color: string): string =>
    `drawtext=${font}expansion=none:text=${esc(value.replace(/\p{Cc}/gu, ' '))}:fontsize=${size}:fontcolor=${color}:x=(w-text_w)/2:y=${y}`;
  const chain = [
    `color=c=0x202020:s=${W}x${H}:r=1`,
    text('NO SIGNAL', big, `(h/2)-${big}`, 'white'),
    text(request.name, mid, `(h/2)+${Math.round(mid / 2)}`, '0xcccccc'),
    ...(request.reason ? [text(request.reason.slice(0, 80), small, `(h/2)+${mid * 2}`, '0x999999')] : []),
    'format=yuv420p',
    'split=2[raw][p]',
  ].join(',');
  return [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    '-filter_complex', `${chain};[p]scale=${preview.width}:${preview.height}[prev]`,
    '-map', '[raw]', '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1',
    '-map', '[prev]', '-frames:v', '1', '-f', 'image2pipe', '-c:v', 'mjpeg', '-q:v', '5', 'pipe:3',
  ];
}

function runFfmpeg(request: SlateRequest): Promise<Slate> {
  const expected = frameBytes(request.canvas);
  return new Promise((resolve, reject) => {
    const child = spawn(request.ffmpegPath, slateArgs(request), { stdio: ['ignore', 'pipe', 'pipe', 'pipe'], windowsHide: true });
    const raw: Buffer[] = [];
    const jpeg: Buffer[] = [];
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), request.timeoutMs ?? 10_000);
    for (const stream of child.stdio) stream?.on('error', () => undefined);
    child.stdout?.on('data', (c: Buffer) => raw.push(c));
    child.stdio[3]?.on('data', (c: Buffer) => jpeg.push(c));
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      const frame = Buffer.concat(raw);
      const image = Buffer.concat(jpeg);
      if (code === 0 && frame.length === expected && image.length > 0) resolve({ frame, jpeg: image, rendered: true });
      else reject(new Error(`slate: ffmpeg exited ${code} with ${frame.length}/${expected} bytes: ${stderr.trim().split('\n')[0] ?? ''}`));
    });
  });
}
