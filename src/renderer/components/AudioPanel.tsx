import { useStudio } from '../studioContext';
import { LevelBar } from './LevelBar';

/** Programme audio: audio-follow-video or one fixed source (the presenter's microphone). */
export function AudioPanel() {
  const { api, view, report } = useStudio();
  const snapshot = view.snapshot;
  if (!snapshot) return null;
  const { audio, programLevelDb } = snapshot.switcher;
  const [left, right] = programLevelDb;
  const value = audio.mode === 'follow' ? 'follow' : (audio.fixedSourceId ?? 'follow');
  return (
    <section className="panel audio" data-testid="audio-panel">
      <h2 className="panel__title">Audio</h2>
      <div className="audio__body">
        <div className="audio__meters" data-testid="program-meters">
          <LevelBar db={left} testId="program-level-left" />
          <LevelBar db={right} testId="program-level-right" />
          <div className="audio__scale">
            <span>0</span>
            <span>-18</span>
            <span>-40</span>
            <span>-60</span>
          </div>
        </div>
        <div className="audio__settings">
          <label className="field">
            <span>Programme audio</span>
            <select
              value={value}
              data-testid="audio-mode"
              onChange={(e) => {
                const v = e.target.value;
                const req = v === 'follow' ? api.audio.setMode({ mode: 'follow' }) : api.audio.setMode({ mode: 'fixed', sourceId: v });
                req.catch(report);
              }}
            >
              <option value="follow">Follow programme</option>
              {snapshot.sources.map((s) => (
                <option key={s.id} value={s.id}>
                  Fixed: {s.spec.name}
                </option>
              ))}
            </select>
          </label>
          <div className="audio__readout">
            L {fmtDb(left)} · R {fmtDb(right)} dBFS
          </div>
        </div>
      </div>
    </section>
  );
}

function fmtDb(db: number): string {
  return db <= -120 || !Number.isFinite(db) ? '-∞' : db.toFixed(1);
}
