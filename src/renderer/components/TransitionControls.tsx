import { useEffect, useState } from 'react';
import type { TransitionKind } from '../../shared/model';
import { useStudio } from '../studioContext';

/** CUT, AUTO, the transition they use and fade to black; sits between the two monitors. */
export function TransitionControls() {
  const { api, view, report } = useStudio();
  const transition = view.snapshot?.switcher.transition;
  const progress = view.snapshot?.switcher.transitionProgress ?? null;
  const ftb = view.snapshot?.switcher.fadeToBlack ?? { black: false, progress: null };
  const durationMs = transition?.durationMs;
  const [duration, setDuration] = useState(String(durationMs ?? 1000));

  // Another operator may change the duration: follow main's value.
  useEffect(() => {
    if (durationMs !== undefined) setDuration(String(durationMs));
  }, [durationMs]);

  if (!transition) return null;
  const setKind = (kind: TransitionKind): void => void api.switcher.setTransition({ ...transition, kind }).catch(report);
  const commitDuration = (): void => {
    const ms = Math.round(Number(duration));
    if (!Number.isFinite(ms) || ms === transition.durationMs) return;
    api.switcher.setTransition({ ...transition, durationMs: ms }).catch((err: unknown) => {
      setDuration(String(transition.durationMs));
      report(err);
    });
  };

  return (
    <div className="transition">
      <button className="btn btn--cut" data-testid="cut-button" onClick={() => api.switcher.cut({}).catch(report)}>
        CUT
      </button>
      <button
        className={`btn btn--auto${progress !== null ? ' btn--running' : ''}`}
        data-testid="auto-button"
        onClick={() => api.switcher.auto({}).catch(report)}
      >
        AUTO
      </button>
      <div className="transition__progress" data-testid="auto-progress" data-running={progress !== null}>
        <div className="transition__progress-fill" style={{ width: `${((progress ?? 0) * 100).toFixed(1)}%` }} />
      </div>
      <div className="segmented" role="radiogroup" aria-label="Transition">
        {(['mix', 'dip'] as const).map((kind) => (
          <button
            key={kind}
            role="radio"
            aria-checked={transition.kind === kind}
            className={`segmented__item${transition.kind === kind ? ' segmented__item--on' : ''}`}
            data-testid={`transition-${kind}`}
            onClick={() => setKind(kind)}
          >
            {kind === 'mix' ? 'MIX' : 'DIP'}
          </button>
        ))}
      </div>
      <label className="transition__duration">
        <input
          type="number"
          min={0}
          max={10000}
          step={100}
          value={duration}
          data-testid="transition-duration"
          onChange={(e) => setDuration(e.target.value)}
          onBlur={commitDuration}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commitDuration();
          }}
        />
        <span>ms</span>
      </label>
      <button
        className={`btn btn--ftb${ftb.progress !== null ? ' btn--running' : ftb.black ? ' btn--ftb-on' : ''}`}
        data-testid="ftb-button"
        data-black={ftb.black}
        data-fading={ftb.progress !== null}
        aria-pressed={ftb.black}
        title={ftb.black ? 'Programme is black: press to fade back up (B)' : 'Fade programme to black, sound too (B)'}
        onClick={() => api.switcher.fadeToBlack({}).catch(report)}
      >
        FTB
      </button>
    </div>
  );
}
