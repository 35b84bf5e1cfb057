import { tallyOf, type Input } from '../inputs';
import { useStudio } from '../studioContext';

interface Props {
  readonly inputs: readonly Input[];
  onAddSource(): void;
  onAddScene(): void;
}

/** The numbered input buttons (1..9 match the hotkeys); Shift-click cuts straight to programme. */
export function InputBus({ inputs, onAddSource, onAddScene }: Props) {
  const { api, view, report } = useStudio();
  const switcher = view.snapshot?.switcher;
  if (!switcher) return null;
  return (
    <nav className="bus" aria-label="Inputs">
      <div className="bus__inputs">
        {inputs.slice(0, 9).map((input) => (
          <button
            key={input.id}
            className={`bus__button bus__button--${tallyOf(switcher, input.id)}`}
            data-testid={`bus-${input.number}`}
            title={`${input.number}: preview · Shift+${input.number}: cut`}
            onClick={(e) =>
              (e.shiftKey ? api.switcher.cut({ input: input.id }) : api.switcher.preview({ input: input.id })).catch(report)
            }
          >
            <span className="bus__number">{input.number}</span>
            <span className="bus__name">{input.name}</span>
          </button>
        ))}
      </div>
      <div className="bus__actions">
        <button className="btn" data-testid="add-source-button" onClick={onAddSource}>
          + Source
        </button>
        <button className="btn" data-testid="add-scene-button" onClick={onAddScene}>
          + Scene
        </button>
      </div>
    </nav>
  );
}
