import { useEffect, useRef } from 'react';
import type { StudioApi } from '../shared/contract';
import type { TransitionSettings } from '../shared/model';
import type { Input } from './inputs';

interface Options {
  readonly api: StudioApi;
  readonly inputs: readonly Input[];
  readonly transition: TransitionSettings | null;
  /** Off while a dialog is open: its fields own the keyboard. */
  readonly enabled: boolean;
  report(error: unknown): void;
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT';
}

/**
 * The switcher keyboard: 1–9 preview, Shift+1–9 cut, Space/Enter CUT, A AUTO, B fade
 * to black (and back), F1/F2 mix/dip, Esc leaves a field. `event.code` (Digit1…) because Shift+1 is "!" in `key`.
 */
export function useHotkeys(options: Options): void {
  // The listener is installed once; it reads the latest inputs through the ref.
  const latest = useRef(options);
  latest.current = options;

  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent): void => {
      const { api, inputs, transition, enabled, report } = latest.current;
      if (e.key === 'Escape') {
        if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
        return;
      }
      // Any open dialog (the segment editor, an import) owns Space and Enter.
      if (!enabled || e.ctrlKey || e.metaKey || e.altKey || e.repeat || isTyping(e.target) || document.querySelector('[aria-modal="true"]')) return;

      const digit = /^(?:Digit|Numpad)([1-9])$/.exec(e.code);
      let action: (() => Promise<unknown>) | null = null;
      if (digit) {
        const input = inputs[Number(digit[1]) - 1];
        if (input) action = e.shiftKey ? () => api.switcher.cut({ input: input.id }) : () => api.switcher.preview({ input: input.id });
      } else if (e.code === 'Space' || e.key === 'Enter') {
        action = () => api.switcher.cut({});
      } else if (e.key === 'a' || e.key === 'A') {
        action = () => api.switcher.auto({});
      } else if (e.key === 'b' || e.key === 'B') {
        action = () => api.switcher.fadeToBlack({});
      } else if ((e.key === 'F1' || e.key === 'F2') && transition) {
        const kind = e.key === 'F1' ? 'mix' : 'dip';
        action = () => api.switcher.setTransition({ ...transition, kind });
      }
      if (!action) return;
      // A focused button would also "click" on Space/Enter: one press, one action.
      e.preventDefault();
      if (e.target instanceof HTMLButtonElement) e.target.blur();
      action().catch(report);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
