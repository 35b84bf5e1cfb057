import { useEffect, useRef } from 'react';

interface Actions {
  onTake(): void;
  onTakePrevious(): void;
}

/** Keys belong to a field being typed in, or to an open dialog, before they belong to the show. */
function keyIsTaken(e: KeyboardEvent): boolean {
  if (e.ctrlKey || e.metaKey || e.altKey || e.repeat) return true;
  if (document.querySelector('[aria-modal="true"]')) return true;
  const target = e.target;
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/**
 * T takes the cued segment, Shift+T the one before the segment on air. T is free in
 * the switcher keyboard (useHotkeys.ts: digits, Space/Enter, A, F1/F2, Esc). By
 * `key`, as A is there, so the letter printed on the keycap is the one that works.
 */
export function useRundownHotkeys(actions: Actions): void {
  const latest = useRef(actions);
  latest.current = actions;
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent): void => {
      if (e.key.toLowerCase() !== 't' || keyIsTaken(e)) return;
      e.preventDefault();
      if (e.shiftKey) latest.current.onTakePrevious();
      else latest.current.onTake();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
