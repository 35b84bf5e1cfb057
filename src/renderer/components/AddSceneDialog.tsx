import { useState, type FormEvent } from 'react';
import type { LayoutKind, SourceInfo } from '../../shared/model';
import { useStudio } from '../studioContext';
import { Dialog } from './Dialog';

export function AddSceneDialog({ onClose }: { onClose(): void }) {
  const { api, view } = useStudio();
  const sources = view.snapshot?.sources ?? [];
  const [name, setName] = useState('');
  const [layout, setLayout] = useState<LayoutKind>('pip');
  const [first, setFirst] = useState(sources[0]?.id ?? '');
  const [second, setSecond] = useState(sources[1]?.id ?? sources[0]?.id ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.scene.add({ name: name.trim() || (layout === 'pip' ? 'Picture in picture' : 'Side by side'), layout, sources: [first, second] });
      onClose();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const labels = layout === 'pip' ? ['Background', 'Inset'] : ['Left', 'Right'];
  return (
    <Dialog title="Add scene" testId="add-scene-dialog" onClose={onClose}>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <label className="field">
          <span>Name</span>
          <input autoFocus value={name} placeholder="e.g. Host + product" data-testid="scene-name" onChange={(e) => setName(e.target.value)} />
        </label>
        <div className="segmented segmented--wide">
          {(['pip', 'sideBySide'] as const).map((l) => (
            <button
              type="button"
              key={l}
              className={`segmented__item${layout === l ? ' segmented__item--on' : ''}`}
              data-testid={`scene-layout-${l}`}
              onClick={() => setLayout(l)}
            >
              {l === 'pip' ? 'Picture in picture' : 'Side by side'}
            </button>
          ))}
        </div>
        <div className="grid2">
          <SourceSelect label={labels[0]} value={first} sources={sources} testId="scene-source-0" onChange={setFirst} />
          <SourceSelect label={labels[1]} value={second} sources={sources} testId="scene-source-1" onChange={setSecond} />
        </div>
        {error && (
          <div className="form-error" role="alert" data-testid="add-scene-error">
            {error}
          </div>
        )}
        <footer className="form__actions">
          <button type="button" className="btn btn--ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn--primary" disabled={busy || sources.length === 0} data-testid="add-scene-submit">
            Add scene
          </button>
        </footer>
      </form>
    </Dialog>
  );
}

interface SourceSelectProps {
  readonly label: string;
  readonly value: string;
  readonly sources: readonly SourceInfo[];
  readonly testId: string;
  onChange(id: string): void;
}

function SourceSelect({ label, value, sources, testId, onChange }: SourceSelectProps) {
  return (
    <label className="field">
      <span>{label}</span>
      <select value={value} data-testid={testId} onChange={(e) => onChange(e.target.value)}>
        {sources.map((s) => (
          <option key={s.id} value={s.id}>
            {s.spec.name}
          </option>
        ))}
      </select>
    </label>
  );
}
