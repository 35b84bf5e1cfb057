import { useCallback, useEffect, useMemo, useRef, type RefObject } from 'react';

export interface ScrollDriver {
  /** Where the script is now, px from its top (follows a hand or touch scroll too). */
  position(): number;
  scrollTo(px: number): void;
  scrollBy(px: number): void;
}

/**
 * Speed is by the clock, so a slow frame (a busy machine painting at 5 fps) moves as
 * far as the time it took. A longer freeze is not made up for: the host could not read
 * during it, and a jump ahead would skip lines they never saw.
 */
const maxFrameMs = 250;

/**
 * Moves the script at `pxPerSec` while `running`, one step per animation frame. The
 * position is kept as a float: at slow speeds a frame moves a fraction of a pixel,
 * which `scrollTop` alone would round away and the script would never move.
 */
export function useAutoScroll(ref: RefObject<HTMLElement | null>, pxPerSec: number, running: boolean): ScrollDriver {
  const pos = useRef(0);
  const lastSet = useRef(0);

  const position = useCallback((): number => {
    const el = ref.current;
    if (!el) return 0;
    // Moved by someone else (a wheel, a finger, the browser keeping a line in view): start from there.
    if (Math.abs(el.scrollTop - lastSet.current) > 1) pos.current = el.scrollTop;
    return pos.current;
  }, [ref]);

  const scrollTo = useCallback(
    (px: number): void => {
      const el = ref.current;
      if (!el) return;
      const max = Math.max(0, el.scrollHeight - el.clientHeight);
      pos.current = Math.min(max, Math.max(0, px));
      el.scrollTop = pos.current;
      lastSet.current = el.scrollTop;
    },
    [ref],
  );

  const scrollBy = useCallback((px: number): void => scrollTo(position() + px), [scrollTo, position]);

  useEffect(() => {
    if (!running || pxPerSec <= 0) return;
    let frame = 0;
    let last = performance.now();
    const tick = (t: number): void => {
      const dt = Math.min(maxFrameMs, Math.max(0, t - last));
      last = t;
      scrollTo(position() + (pxPerSec * dt) / 1000);
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [running, pxPerSec, scrollTo, position]);

  // One object for the component's lifetime, so effects can depend on it.
  return useMemo(() => ({ position, scrollTo, scrollBy }), [position, scrollTo, scrollBy]);
}
