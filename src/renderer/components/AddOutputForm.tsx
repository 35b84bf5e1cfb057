import { useState, type FormEvent } from 'react';
import type { OutputKind } from '../../shared/model';
import { useStudio } from '../studioContext';

/** RTMP destination or recording folder. The stream key goes to main once and is never shown again. */
export function AddOutputForm({ onDone }: { onDone(): void }) {
  const { api } = useStudio();
  const [kind, setKind] = useState<OutputKind>('rtmp');
  const [name, setName] = useState('');
  const [target, setTarget] = useState('');
  const [streamKey, setStreamKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.output.add({
        name: name || (kind === 'rtmp' ? 'RTMP' : 'Recording'),
        kind,
        target,
        streamKey: kind === 'rtmp' && streamKey ? streamKey : undefined,
      });
      // Drop the key from this component's memory as soon as main has it.
      setStreamKey('');
      onDone();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="add-output" data-testid="add-output-form" onSubmit={(e) => void submit(e)}>
      <div className="segmented">
        {(['rtmp', 'record'] as const).map((k) => (
          <button
            type="button"
            key={k}
            className={`segmented__item${kind === k ? ' segmented__item--on' : ''}`}
            data-testid={`output-kind-${k}`}
            onClick={() => setKind(k)}
          >
            {k === 'rtmp' ? 'RTMP' : 'Recording'}
          </button>
        ))}
      </div>
      <input placeholder="Name" value={name} data-testid="output-name" onChange={(e) => setName(e.target.value)} />
      <input
        placeholder={kind === 'rtmp' ? 'rtmp://ingest.example.com/live' : 'Folder, e.g. /home/me/Videos'}
        value={target}
        required
        data-testid="output-target"
        onChange={(e) => setTarget(e.target.value)}
      />
      {kind === 'rtmp' && (
        <input
          type="password"
          placeholder="Stream key"
          autoComplete="off"
          value={streamKey}
          data-testid="output-key"
          onChange={(e) => setStreamKey(e.target.value)}
        />
      )}
      {error && (
        <div className="form-error" data-testid="add-output-error">
          {error}
        </div>
      )}
      <div className="add-output__actions">
        <button type="button" className="btn btn--ghost" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="btn btn--primary" disabled={busy} data-testid="output-save">
          Add output
        </button>
      </div>
    </form>
  );
}
