import { useState } from 'react';
import { useStudio } from '../studioContext';
import { AddOutputForm } from './AddOutputForm';
import { OutputRow } from './OutputRow';

export function GoLivePanel() {
  const { api, view, report } = useStudio();
  const [adding, setAdding] = useState(false);
  const snapshot = view.snapshot;
  if (!snapshot) return null;
  const { outputs, onAir } = snapshot;
  return (
    <section className="panel golive" data-testid="go-live-panel">
      <h2 className="panel__title">
        Outputs
        {!adding && (
          <button className="btn btn--tiny btn--ghost" data-testid="add-output-button" onClick={() => setAdding(true)}>
            + Output
          </button>
        )}
      </h2>
      <button
        className={`btn golive__button${onAir ? ' golive__button--end' : ''}`}
        data-testid="go-live-button"
        data-on-air={onAir}
        disabled={outputs.length === 0}
        onClick={() => (onAir ? api.output.stopAll() : api.output.startAll()).catch(report)}
      >
        {onAir ? 'END BROADCAST' : 'GO LIVE'}
      </button>
      {adding && <AddOutputForm onDone={() => setAdding(false)} />}
      <ul className="outputs">
        {outputs.map((o) => (
          <OutputRow key={o.id} output={o} />
        ))}
        {outputs.length === 0 && <li className="outputs__empty">No outputs. Add an RTMP destination or a recording.</li>}
      </ul>
    </section>
  );
}
