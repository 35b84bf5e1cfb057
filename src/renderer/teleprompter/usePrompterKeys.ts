import { useEffect, useRef } from 'react';

export interface PrompterKeyActions {
  toggleRunning(): void;
  /** +1 forward, -1 back: a couple of lines (arrows) or most of a screen (pages). */
  step(direction: 1 | -1, size: 'lines' | 'page'): void;
  toTop(): void;
  faster(delta: number): void;
  jumpToMarker(index: number): void;
}

/**
 * The host's keyboard and foot pedal. Pedals for teleprompters and page turners send
 * ordinary keys (Space, PageDown/PageUp, the arrows), so these are the whole pedal
 * support: Space starts and stops, PageDown/PageUp and ↓/↑ step, ←/→ (or -/+)
 * change the speed, Home goes to the top and 1–9 jump to the script's markers.
 */
export function usePrompterKeys(actions: PrompterKeyActions): void {
  const latest = useRef(actions);
  latest.current = actions;
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent): void => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const target = e.target;
      if (target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return;
      const a = latest.current;
      const digit = /^(?:Digit|Numpad)([1-9])$/.exec(e.code);
      let handled = true;
      if (e.code === 'Space') {
        if (!e.repeat) a.toggleRunning();
      } else if (e.key === 'PageDown') a.step(1, 'page');
      else if (e.key === 'PageUp') a.step(-1, 'page');
      else if (e.key === 'ArrowDown') a.step(1, 'lines');
      else if (e.key === 'ArrowUp') a.step(-1, 'lines');
      else if (e.key === 'ArrowRight' || e.key === '+' || e.key === '=') a.faster(2);
      else if (e.key === 'ArrowLeft' || e.key === '-') a.faster(-2);
      else if (e.key === 'Home') a.toTop();
      else if (digit && !e.repeat) a.jumpToMarker(Number(digit[1]) - 1);
      else handled = false;
      // The page must not also scroll natively, or press a focused button.
      if (handled) {
        e.preventDefault();
        if (target instanceof HTMLButtonElement) target.blur();
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
