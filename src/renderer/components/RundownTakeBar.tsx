import { useState } from 'react';
import type { RundownInfo } from '../../shared/commerceModel';
import { RUNDOWN_LIMITS } from '../../shared/rundown';
import { useStudio } from '../studioContext';

/** What the last take, take-previous or end answered: the programme frame it landed on. */
export interface TakeAnswer {
  readonly action: 'take' | 'previous' | 'end';
  readonly segmentId: string | null;
  readonly frame: number;
}

interface Props {
  readonly rundown: RundownInfo;
  readonly lastAnswer: TakeAnswer | null;
  onTake(): void;
  onTakePrevious(): void;
  onEnd(): void;
}

/** The on-air graphics the take bar switches, in the order of its buttons. */
const GRAPHICS_TOGGLES: readonly { key: keyof RundownInfo['graphics']; label: string; testId: string; title?: string }[] = [
  { key: 'productCard', label: 'Card', testId: 'graphics-card' },
  { key: 'salesTicker', label: 'Ticker', testId: 'graphics-ticker' },
  { key: 'orderShoutOut', label: 'Shout-outs', testId: 'graphics-shoutouts', title: "New orders on air ('W***g just bought…'), at most one every 6 s; the counters are never held back" },
];

/**
 * TAKE and its neighbours, then the live extras: a timed flash sale on the on-air
 * product and the on-air graphics. TAKE is the show's one big button: camera,
 * card, "explaining" metadata and teleprompter move on one programme frame.
 */
export function RundownTakeBar({ rundown, lastAnswer, onTake, onTakePrevious, onEnd }: Props) {
  const { api, report } = useStudio();
  const [flashSeconds, setFlashSeconds] = useState('300');
  const { segments, onAir, nextId, graphics } = rundown;
  const next = segments.find((s) => s.id === nextId);
  const onAirIndex = onAir ? segments.findIndex((s) => s.id === onAir.id) : -1;
  const flash = Math.round(Number(flashSeconds));
  const flashValid = Number.isFinite(flash) && flash >= RUNDOWN_LIMITS.minFlashSaleSec && flash <= 6 * 3600;

  return (
    <div className="take-bar">
      <div className="take-bar__main">
        <button className="btn take-bar__take" disabled={!next} onClick={onTake} data-testid="rundown-take" title="Take the cued segment (T)">
          <span>
            TAKE <kbd>T</kbd>
          </span>
          <small>{next ? next.title : 'nothing cued'}</small>
        </button>
        <div className="take-bar__side">
          <button className="btn" disabled={onAirIndex <= 0} onClick={onTakePrevious} data-testid="rundown-take-previous" title="Take the segment before the one on air (Shift+T)">
            ◂ Previous <kbd>⇧T</kbd>
          </button>
          <button className="btn btn--danger" disabled={!onAir} onClick={onEnd} data-testid="rundown-end" title="End explaining: card off, the show's end">
            End
          </button>
        </div>
      </div>
      <div className="take-bar__status" data-testid="rundown-last-take" data-frame={lastAnswer?.frame ?? ''} data-segment={lastAnswer?.segmentId ?? ''}>
        {lastAnswer ? (
          <>
            {lastAnswer.action === 'end' ? 'Ended' : `Took ${lastAnswer.segmentId ?? ''}`} on programme frame <b>#{lastAnswer.frame}</b>
          </>
        ) : onAir ? (
          <>
            On air since frame <b>#{onAir.takenOnFrame}</b>
          </>
        ) : (
          'Nothing on air yet: TAKE starts the show.'
        )}
      </div>
      <div className="take-bar__extras">
        <label className="take-bar__flash">
          <input
            type="number"
            min={RUNDOWN_LIMITS.minFlashSaleSec}
            max={6 * 3600}
            step={30}
            value={flashSeconds}
            onChange={(e) => setFlashSeconds(e.target.value)}
            data-testid="flash-sale-seconds"
          />
          <span>s</span>
          <button
            className="btn btn--tiny take-bar__flash-button"
            disabled={!onAir || !flashValid}
            title={onAir ? 'Start a flash sale on the product on air, with a countdown on its card' : 'Take a segment first'}
            onClick={() => api.rundown.flashSale({ seconds: flash }).catch(report)}
            data-testid="flash-sale-start"
          >
            ⚡ Flash sale
          </button>
        </label>
        <div className="segmented take-bar__graphics" role="group" aria-label="On-air graphics">
          {GRAPHICS_TOGGLES.map(({ key, label, testId, title }) => (
            <button
              key={key}
              className={`segmented__item${graphics[key] ? ' segmented__item--on' : ''}`}
              aria-pressed={graphics[key]}
              onClick={() => api.rundown.graphics({ [key]: !graphics[key] }).catch(report)}
              data-testid={testId}
              title={title}
            >
              {label}
            </button>
          ))}
        </div>
      </div>
    </div>
  );
}
