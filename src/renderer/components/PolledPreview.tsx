import { useEffect, useRef } from 'react';
import type { LayoutKind } from '../../shared/model';

interface Props {
  /** The source's MJPEG URL from previewUrlTemplate; its single-frame twin (.jpg) is polled. */
  readonly url: string | null;
  readonly label: string;
  readonly fps: number;
  /**
   * A layout's picture, composed here from its two sources' thumbnails the way the
   * switcher composes the programme (inset a third of the size bottom right; centre
   * halves side by side): main has no JPEG encoder to spare for it.
   */
  readonly layout?: { readonly kind: LayoutKind; readonly urls: readonly [string, string] } | null;
}

function drawLayout(ctx: CanvasRenderingContext2D, kind: LayoutKind, a: HTMLImageElement, b: HTMLImageElement): void {
  const w = ctx.canvas.width;
  const h = ctx.canvas.height;
  if (kind === 'pip') {
    ctx.drawImage(a, 0, 0, w, h);
    const margin = Math.round(Math.min(w, h) / 24);
    const iw = Math.round(w / 3);
    const ih = Math.round(h / 3);
    ctx.drawImage(b, w - iw - margin, h - ih - margin, iw, ih);
    ctx.strokeStyle = '#ebebeb';
    ctx.lineWidth = 1;
    ctx.strokeRect(w - iw - margin + 0.5, h - ih - margin + 0.5, iw - 1, ih - 1);
  } else {
    ctx.drawImage(a, a.naturalWidth / 4, 0, a.naturalWidth / 2, a.naturalHeight, 0, 0, w / 2, h);
    ctx.drawImage(b, b.naturalWidth / 4, 0, b.naturalWidth / 2, b.naturalHeight, w / 2, 0, w / 2, h);
  }
}

/**
 * A multiview picture that polls single JPEG frames instead of holding an MJPEG stream.
 * Chromium allows 6 HTTP/1.1 connections per host and an MJPEG stream holds one for
 * good: with 6 tiles open, the 7th tile (and every later request) waited forever
 * (measured against the host with 7 sources). Short polls share the keep-alive pool,
 * leaving room for the monitors' streams. Drawn on a canvas so a frame replaces the
 * previous one only once decoded, without flicker; no CORS is needed for that.
 */
export function PolledPreview({ url, label, fps, layout = null }: Props) {
  const canvasRef = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const canvas = canvasRef.current;
    if ((!url && !layout) || !canvas) return;
    const frameUrls = (layout ? [...layout.urls] : [url!]).map((u) => u.replace(/\.mjpg(?=\?|$)/, '.jpg'));
    const ctx = canvas.getContext('2d');
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let seq = 0;
    let drawn = 0;

    const next = (delayMs: number): void => {
      if (!stopped) timer = setTimeout(() => void poll(), delayMs);
    };
    const poll = async (): Promise<void> => {
      // A hidden window needs no pictures; check again shortly.
      if (document.hidden) return next(500);
      const started = performance.now();
      seq++;
      const images = frameUrls.map((frameUrl) => {
        const img = new Image();
        img.src = `${frameUrl}${frameUrl.includes('?') ? '&' : '?'}f=${seq}`;
        return img;
      });
      try {
        await Promise.all(images.map((img) => img.decode()));
      } catch {
        return next(1_000); // no frame yet (404) or the host is away
      }
      if (stopped || !ctx) return;
      const [img] = images;
      if (canvas.width !== img.naturalWidth || canvas.height !== img.naturalHeight) {
        canvas.width = img.naturalWidth;
        canvas.height = img.naturalHeight;
      }
      if (layout) drawLayout(ctx, layout.kind, images[0], images[1]);
      else ctx.drawImage(img, 0, 0);
      canvas.dataset.frames = String(++drawn);
      next(Math.max(0, 1000 / fps - (performance.now() - started)));
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
    // The layout object is rebuilt on every render; its content is what matters.
  }, [url, fps, layout?.kind, layout?.urls[0], layout?.urls[1]]);

  if (!url && !layout) return <div className="preview-image preview-image--empty" />;
  return <canvas ref={canvasRef} className="preview-image" role="img" aria-label={label} data-frames="0" />;
}
