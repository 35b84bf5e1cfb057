import { useState } from 'react';
import type { EncoderSettings, StudioSnapshot } from '../../shared/model';
import { useStudio } from '../studioContext';

type Patch = Partial<Pick<EncoderSettings, 'encoder' | 'codec' | 'rateControl' | 'speedQuality' | 'bFrames'>>;

/**
 * The one settings model across encoder families. Main refuses what the chosen
 * encoder cannot honour and says why; the reason shows here, nothing changes.
 */
export function EncoderSettingsForm({ snapshot }: { readonly snapshot: StudioSnapshot }) {
  const { api } = useStudio();
  const [error, setError] = useState<string | null>(null);
  const e = snapshot.encoder;
  const working = (snapshot.encoderProbe?.result?.encoders ?? []).filter((c) => c.state === 'working');
  const locked = snapshot.onAir;
  const set = (patch: Patch): void => {
    setError(null);
    api.encoder.set(patch).catch((err: unknown) => setError((err as Error).message));
  };
  return (
    <div className="encoder-settings" data-testid="encoder-settings">
      <div className="muted" data-testid="encoder-running">
        Encoding with: <strong>{snapshot.health.encoderLabel ?? '—'}</strong>
      </div>
      <label>
        Encoder
        <select data-testid="encoder-choice" value={e.encoder ?? 'auto'} disabled={locked} onChange={(ev) => {
            // An encoder makes one codec: choosing it chooses its codec too.
            const chosen = working.find((c) => c.id === ev.target.value);
            set(chosen ? { encoder: chosen.id, codec: chosen.codec } : { encoder: ev.target.value });
          }}
        >
          <option value="auto">Auto</option>
          {working.map((c) => (
            <option key={c.id} value={c.id}>
              {c.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Codec
        <select data-testid="encoder-codec" value={e.codec ?? 'h264'} disabled={locked} onChange={(ev) => set({ codec: ev.target.value as Patch['codec'] })}>
          <option value="h264">H.264</option>
          <option value="hevc">HEVC (Enhanced RTMP)</option>
          <option value="av1">AV1</option>
        </select>
      </label>
      <label>
        Rate control
        <select data-testid="encoder-rate-control" value={e.rateControl ?? 'cbr'} disabled={locked} onChange={(ev) => set({ rateControl: ev.target.value as Patch['rateControl'] })}>
          <option value="cbr">CBR (streaming)</option>
          <option value="vbr">VBR</option>
        </select>
      </label>
      <label>
        Speed ↔ quality <span className="muted">{e.speedQuality ?? 3}</span>
        <input
          data-testid="encoder-speed-quality"
          type="range"
          min={1}
          max={7}
          value={e.speedQuality ?? 3}
          disabled={locked}
          onChange={(ev) => set({ speedQuality: Number(ev.target.value) as Patch['speedQuality'] })}
        />
      </label>
      <label className="encoder-settings__check">
        <input data-testid="encoder-bframes" type="checkbox" checked={e.bFrames ?? false} disabled={locked} onChange={(ev) => set({ bFrames: ev.target.checked })} />
        B-frames
      </label>
      {error && (
        <div className="output__error" data-testid="encoder-settings-error">
          {error}
        </div>
      )}
    </div>
  );
}
