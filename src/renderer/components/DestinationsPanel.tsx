import { useState } from 'react';
import { useStudio } from '../studioContext';
import { DestinationForm } from './DestinationForm';
import { DestinationRow } from './DestinationRow';
import { destinationCounts, isRunning } from './destinationFormat';

/** Every place the programme goes: ingests and recordings, each with its own state, all at once or one by one. */
export function DestinationsPanel() {
  const { api, view, report } = useStudio();
  const [adding, setAdding] = useState(false);
  const snapshot = view.snapshot;
  if (!snapshot) return null;
  const { outputs, onAir } = snapshot;
  const running = outputs.filter((o) => isRunning(o.state)).length;
  const live = outputs.filter((o) => o.state === 'live').length;
  return (
    <section className="panel golive" data-testid="destinations-panel" data-live={live} data-running={running}>
      <h2 className="panel__title">
        Destinations
        <span className="dest__count" data-testid="destinations-count">
          {destinationCounts(outputs)}
        </span>
        <button className="btn btn--tiny btn--ghost" data-testid="destination-add" onClick={() => setAdding(true)}>
          + Add
        </button>
      </h2>
      <div className="dest__all">
        <button
          className={`btn golive__button${onAir ? ' golive__button--on' : ''}`}
          data-testid="go-live-button"
          data-on-air={onAir}
          disabled={running === outputs.length}
          title="Start every destination that is not running"
          onClick={() => api.output.startAll().catch(report)}
        >
          GO LIVE ALL
        </button>
        <button
          className="btn golive__button golive__button--end"
          data-testid="stop-all-button"
          disabled={running === 0}
          onClick={() => api.output.stopAll().catch(report)}
        >
          STOP ALL
        </button>
      </div>
      <ul className="outputs">
        {outputs.map((o) => (
          <DestinationRow key={o.id} output={o} />
        ))}
        {outputs.length === 0 && <li className="outputs__empty">No destinations. Add an ingest from a preset, or a recording.</li>}
      </ul>
      {adding && <DestinationForm onClose={() => setAdding(false)} />}
    </section>
  );
}
