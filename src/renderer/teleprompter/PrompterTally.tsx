import type { RundownSegmentSummary } from '../../shared/commerceModel';
import type { StudioSnapshot } from '../../shared/model';
import { listInputs, tallyOf } from '../inputs';

export type PrompterTallyState = 'program' | 'off' | 'standby' | 'noLink';

/**
 * What the host must know at a glance: whether the camera (or layout) of the segment
 * they are presenting is the one on programme. Red "ON AIR: FACTORY" when it is; amber
 * with what is on programme instead when the director has cut elsewhere; grey before
 * the first take. A source inside a layout on programme counts as on air (main's tally).
 * Without a link to the studio it says so rather than show a tally that may be stale.
 */
export function PrompterTally({ snapshot, segment, linked }: { readonly snapshot: StudioSnapshot; readonly segment: RundownSegmentSummary | null; readonly linked: boolean }) {
  const inputs = listInputs(snapshot);
  const nameOf = (id: string | null): string => (id ? (inputs.find((i) => i.id === id)?.name ?? id) : '—');
  const onProgram = segment !== null && tallyOf(snapshot.switcher, segment.input) === 'program';
  const state: PrompterTallyState = !linked ? 'noLink' : segment === null ? 'standby' : onProgram ? 'program' : 'off';
  const programName = nameOf(snapshot.switcher.program);
  return (
    <div className={`prompter-tally prompter-tally--${state}`} data-testid="prompter-tally" data-tally={state} role="status">
      {state === 'program' && segment && <span className="prompter-tally__main">ON AIR: {segment.inputName ?? nameOf(segment.input)}</span>}
      {state === 'off' && segment && (
        <>
          <span className="prompter-tally__main">OFF AIR: {segment.inputName ?? nameOf(segment.input)}</span>
          <span className="prompter-tally__sub">programme: {programName}</span>
        </>
      )}
      {state === 'standby' && (
        <>
          <span className="prompter-tally__main">STANDBY</span>
          <span className="prompter-tally__sub">programme: {programName}</span>
        </>
      )}
      {state === 'noLink' && <span className="prompter-tally__main">NO LINK TO THE STUDIO</span>}
      <span className={`prompter-tally__stream${snapshot.onAir ? ' prompter-tally__stream--live' : ''}`} data-testid="prompter-stream">
        {snapshot.onAir ? '● STREAMING' : 'not streaming'}
      </span>
    </div>
  );
}
