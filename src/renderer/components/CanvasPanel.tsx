import { useEffect, useState } from 'react';
import type { CanvasSettings, EncoderSettings } from '../../shared/model';
import { useStudio } from '../studioContext';

const sizes = [
  { label: '1280×720 (720p)', width: 1280, height: 720 },
  { label: '1920×1080 (1080p)', width: 1920, height: 1080 },
  { label: '3840×2160 (4K UHD)', width: 3840, height: 2160 },
  { label: '1080×1920 (portrait)', width: 1080, height: 1920 },
  { label: '2160×3840 (portrait 4K)', width: 2160, height: 3840 },
] as const;
const rates: readonly CanvasSettings['fps'][] = [25, 30, 50, 60];
const presets: readonly EncoderSettings['x264Preset'][] = ['auto', 'ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium'];

/** Canvas and encoder. The canvas is locked on air: changing it restarts the encoder and drops the stream. */
export function CanvasPanel() {
  const { api, view, report } = useStudio();
  const snapshot = view.snapshot;
  const bitrate = snapshot?.encoder.videoBitrateKbps;
  const [kbps, setKbps] = useState(String(bitrate ?? ''));
  useEffect(() => {
    if (bitrate !== undefined) setKbps(String(bitrate));
  }, [bitrate]);
  if (!snapshot) return null;
  const { canvas, encoder, onAir } = snapshot;
  const sizeKey = `${canvas.width}x${canvas.height}`;
  const known = sizes.some((s) => `${s.width}x${s.height}` === sizeKey);

  const setCanvas = (next: CanvasSettings): void => void api.canvas.set(next).catch(report);
  const commitBitrate = (): void => {
    const v = Math.round(Number(kbps));
    if (!Number.isFinite(v) || v === encoder.videoBitrateKbps) return;
    api.encoder.set({ videoBitrateKbps: v }).catch((err: unknown) => {
      setKbps(String(encoder.videoBitrateKbps));
      report(err);
    });
  };

  return (
    <section className="panel canvas-panel" data-testid="canvas-panel">
      <h2 className="panel__title">Canvas &amp; encoder {onAir && <span className="panel__hint">locked on air</span>}</h2>
      <div className="grid2">
        <label className="field">
          <span>Size</span>
          <select
            value={sizeKey}
            disabled={onAir}
            data-testid="canvas-size"
            onChange={(e) => {
              const s = sizes.find((x) => `${x.width}x${x.height}` === e.target.value);
              if (s) setCanvas({ width: s.width, height: s.height, fps: canvas.fps });
            }}
          >
            {!known && <option value={sizeKey}>{`${canvas.width}×${canvas.height}`}</option>}
            {sizes.map((s) => (
              <option key={s.label} value={`${s.width}x${s.height}`}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Frame rate</span>
          <select
            value={canvas.fps}
            disabled={onAir}
            data-testid="canvas-fps"
            onChange={(e) => {
              const fps = rates.find((r) => r === Number(e.target.value));
              if (fps) setCanvas({ ...canvas, fps });
            }}
          >
            {rates.map((r) => (
              <option key={r} value={r}>
                {r} fps
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Video kb/s</span>
          <input
            type="number"
            min={300}
            max={60000}
            step={500}
            value={kbps}
            data-testid="encoder-bitrate"
            onChange={(e) => setKbps(e.target.value)}
            onBlur={commitBitrate}
            onKeyDown={(e) => {
              if (e.key === 'Enter') commitBitrate();
            }}
          />
        </label>
        <label className="field">
          <span>x264 preset</span>
          <select
            value={encoder.x264Preset}
            disabled={onAir}
            data-testid="encoder-preset"
            onChange={(e) => {
              const p = presets.find((x) => x === e.target.value);
              if (p) api.encoder.set({ x264Preset: p }).catch(report);
            }}
          >
            {presets.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
      </div>
    </section>
  );
}
