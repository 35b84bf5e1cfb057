import { useState, type ChangeEvent } from 'react';
import { useStudio } from '../studioContext';
import { Dialog } from './Dialog';

/** Same cap as the contract's rundown:import text (8 MiB), said before reading the file. */
const maxBytes = 8 * 1024 * 1024;

type Format = 'csv' | 'json';

function formatOf(fileName: string): Format | null {
  const ext = /\.([^.]+)$/.exec(fileName)?.[1]?.toLowerCase();
  return ext === 'csv' || ext === 'json' ? ext : null;
}

interface Chosen {
  readonly name: string;
  readonly format: Format;
  readonly text: string;
}

/**
 * Replaces the rundown from a CSV or JSON file (docs/rundown.md). Main checks the
 * whole file and either takes all of it or refuses all of it with every reason,
 * line by line: the dialog shows that list in full, since the operator fixes the
 * file from it.
 */
export function RundownImport({ onAir, onClose }: { readonly onAir: boolean; onClose(): void }) {
  const { api } = useStudio();
  const [chosen, setChosen] = useState<Chosen | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const choose = async (e: ChangeEvent<HTMLInputElement>): Promise<void> => {
    const file = e.target.files?.[0];
    setChosen(null);
    setError(null);
    if (!file) return;
    const format = formatOf(file.name);
    if (!format) {
      setError(`${file.name}: choose a .csv or .json rundown file`);
      return;
    }
    if (file.size > maxBytes) {
      setError(`${file.name} is ${(file.size / 1024 / 1024).toFixed(1)} MB; a rundown file may be at most 8 MB`);
      return;
    }
    setChosen({ name: file.name, format, text: await file.text() });
  };

  const submit = async (): Promise<void> => {
    if (!chosen) return;
    setBusy(true);
    setError(null);
    try {
      await api.rundown.import({ format: chosen.format, text: chosen.text });
      onClose();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  // Main's refusal is a headline ("Rundown not imported: 5 problems") then one line per problem.
  const [headline = '', ...reasons] = error?.split('\n').filter((l) => l.trim() !== '') ?? [];
  return (
    <Dialog title="Import rundown" testId="rundown-import" onClose={onClose}>
      <div className="form">
        <p className="muted rundown-import__help">
          A <b>.csv</b> (one row per segment, a header row) or <b>.json</b> rundown. It replaces the whole rundown; a file with any bad row
          is refused whole, with every reason by line.
        </p>
        {onAir && <p className="segment-form__live">A segment is on air: it stays on air if the new rundown has its id.</p>}
        <input type="file" accept=".csv,.json,text/csv,application/json" onChange={(e) => void choose(e)} data-testid="rundown-import-file" />
        {chosen && (
          <p className="rundown-import__chosen" data-testid="rundown-import-chosen">
            {chosen.name} · {chosen.format.toUpperCase()} · {chosen.text.split('\n').length} text lines
          </p>
        )}
        {error && (
          <div className="form-error rundown-import__error" role="alert" data-testid="rundown-import-error" data-problems={reasons.length || 1}>
            <b data-testid="rundown-import-error-title">{reasons.length > 0 ? headline : 'Nothing was imported.'}</b>
            <ul>
              {(reasons.length > 0 ? reasons : [headline]).map((line, i) => (
                <li key={i}>{line}</li>
              ))}
            </ul>
          </div>
        )}
        <div className="form__actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn btn--primary" disabled={!chosen || busy} onClick={() => void submit()} data-testid="rundown-import-submit">
            Import
          </button>
        </div>
      </div>
    </Dialog>
  );
}
