import { useEffect, useState, type FormEvent } from 'react';
import type { RequestParams } from '../../shared/contract';
import type { DeviceList, SourceKind } from '../../shared/model';
import { useStudio } from '../studioContext';
import { Dialog } from './Dialog';

type SourceSpecInput = RequestParams<'source:add'>['spec'];

const kinds: readonly { kind: SourceKind; label: string }[] = [
  { kind: 'testPattern', label: 'Test pattern' },
  { kind: 'mediaFile', label: 'Media file' },
  { kind: 'networkFeed', label: 'Network feed' },
  { kind: 'captureDevice', label: 'Capture device' },
];

/** Adds a source; main validates it and its refusal is shown here, in the operator's words. */
export function AddSourceDialog({ onClose }: { onClose(): void }) {
  const { api } = useStudio();
  const [kind, setKind] = useState<SourceKind>('testPattern');
  const [name, setName] = useState('');
  const [color, setColor] = useState('#2e86de');
  const [toneHz, setToneHz] = useState('440');
  const [path, setPath] = useState('');
  const [url, setUrl] = useState('');
  const [deviceKey, setDeviceKey] = useState('');
  const [devices, setDevices] = useState<DeviceList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (kind !== 'captureDevice' || devices) return;
    api.devices
      .list()
      .then((list) => {
        setDevices(list);
        const first = list.devices[0];
        if (first) setDeviceKey(`${first.backend}|${first.device}`);
      })
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, [api, kind, devices]);

  const buildSpec = (): SourceSpecInput | null => {
    const n = name.trim() || kinds.find((k) => k.kind === kind)?.label || 'Source';
    switch (kind) {
      case 'testPattern':
        return { kind, name: n, color, toneHz: Number(toneHz) };
      case 'mediaFile':
        return { kind, name: n, path };
      case 'networkFeed':
        return { kind, name: n, url };
      case 'captureDevice': {
        const d = devices?.devices.find((x) => `${x.backend}|${x.device}` === deviceKey);
        if (!d) return null;
        return { kind, name: name.trim() || d.label, backend: d.backend, device: d.device };
      }
    }
  };

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const spec = buildSpec();
    if (!spec) {
      setError('Choose a capture device.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.source.add({ spec });
      onClose();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title="Add source" testId="add-source-dialog" onClose={onClose}>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <div className="segmented segmented--wide">
          {kinds.map((k) => (
            <button
              type="button"
              key={k.kind}
              className={`segmented__item${kind === k.kind ? ' segmented__item--on' : ''}`}
              data-testid={`source-kind-${k.kind}`}
              onClick={() => {
                setKind(k.kind);
                setError(null);
              }}
            >
              {k.label}
            </button>
          ))}
        </div>
        <label className="field">
          <span>Name</span>
          <input autoFocus value={name} placeholder="e.g. Showroom wide" data-testid="source-name" onChange={(e) => setName(e.target.value)} />
        </label>
        {kind === 'testPattern' && (
          <div className="grid2">
            <label className="field">
              <span>Colour</span>
              <input type="color" value={color} data-testid="source-color" onChange={(e) => setColor(e.target.value)} />
            </label>
            <label className="field">
              <span>Tone (Hz, 0 = silent)</span>
              <input type="number" min={0} max={20000} value={toneHz} data-testid="source-tone" onChange={(e) => setToneHz(e.target.value)} />
            </label>
          </div>
        )}
        {kind === 'mediaFile' && (
          <label className="field">
            <span>File path</span>
            <input value={path} placeholder="/home/me/Videos/loop.mp4" data-testid="source-path" onChange={(e) => setPath(e.target.value)} />
          </label>
        )}
        {kind === 'networkFeed' && (
          <label className="field">
            <span>URL (rtmp, srt, rtsp, http/HLS)</span>
            <input value={url} placeholder="srt://farm-cam.example:9000" data-testid="source-url" onChange={(e) => setUrl(e.target.value)} />
          </label>
        )}
        {kind === 'captureDevice' && (
          <div className="field">
            <span>Device</span>
            {!devices && <div className="muted">Looking for devices…</div>}
            {devices && devices.devices.length > 0 && (
              <select value={deviceKey} data-testid="source-device" onChange={(e) => setDeviceKey(e.target.value)}>
                {devices.devices.map((d) => (
                  <option key={`${d.backend}|${d.device}`} value={`${d.backend}|${d.device}`}>
                    {d.label} ({d.backend}{d.hasAudio ? ', audio' : ''})
                  </option>
                ))}
              </select>
            )}
            {devices && devices.devices.length === 0 && <div className="muted">No capture devices found.</div>}
            {devices && devices.notes.length > 0 && (
              <ul className="notes" data-testid="device-notes">
                {devices.notes.map((n) => (
                  <li key={n}>{n}</li>
                ))}
              </ul>
            )}
          </div>
        )}
        {error && (
          <div className="form-error" role="alert" data-testid="add-source-error">
            {error}
          </div>
        )}
        <footer className="form__actions">
          <button type="button" className="btn btn--ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn--primary" disabled={busy} data-testid="add-source-submit">
            Add source
          </button>
        </footer>
      </form>
    </Dialog>
  );
}
