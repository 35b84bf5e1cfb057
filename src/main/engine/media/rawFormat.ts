import type { CanvasSettings } from '../../../shared/model';

// The raw formats that cross process boundaries inside the studio. Source workers
// write them and the encoder stage reads them, so both take them from here.

/** PCM between sources, switcher and encoder: s16le, 48 kHz, stereo. */
export const AUDIO_RATE = 48_000;
export const AUDIO_CHANNELS = 2;

/** Thumbnail size for a canvas: 320 px wide, 180 px for portrait; even height. */
export function previewSize(canvas: CanvasSettings): { readonly width: number; readonly height: number } {
  const width = canvas.height > canvas.width ? 180 : 320;
  return { width, height: Math.max(2, 2 * Math.round((width * canvas.height) / canvas.width / 2)) };
}
