import { useEffect, useMemo, useState, type RefObject } from 'react';
import { markerKey, splitScript } from './scriptLines';

interface Props {
  readonly scrollRef: RefObject<HTMLDivElement | null>;
  readonly script: string;
  readonly fontSizePx: number;
  /** Which segment the script belongs to; a new one starts at its top. */
  readonly segmentId: string | null;
}

/** Where the host's eyes rest, as a fraction of the script area's height from its top. */
export const readingLine = 0.3;

/**
 * The script in very large type, a line per script line, markers shown as small cues
 * in place. Padding puts the first line on the reading line at the top and lets the
 * last one reach it at the bottom.
 */
export function PrompterScript({ scrollRef, script, fontSizePx, segmentId }: Props) {
  const lines = useMemo(() => splitScript(script), [script]);
  const height = useHeight(scrollRef);
  return (
    <div className="prompter__script-wrap">
      <div
        ref={scrollRef}
        className="prompter__script"
        data-testid="prompter-script"
        data-segment={segmentId ?? ''}
        style={{ fontSize: `${fontSizePx}px` }}
      >
        <div className="prompter__text" style={{ paddingTop: height * readingLine, paddingBottom: height * (1 - readingLine) }}>
          {lines.map((line, i) =>
            line.length === 0 ? (
              <div key={i} className="prompter__gap" />
            ) : (
              <p key={i} className="prompter__line">
                {line.map((piece, j) =>
                  piece.kind === 'marker' ? (
                    <span key={j} className="prompter__marker" data-marker={markerKey(piece.name)}>
                      {piece.name}
                    </span>
                  ) : (
                    <span key={j}>{piece.text}</span>
                  ),
                )}
              </p>
            ),
          )}
          {script.trim() === '' && <p className="prompter__line prompter__line--empty">No script for this segment.</p>}
        </div>
      </div>
      {/* On the middle of the line that sits on the reading line. */}
      <div className="prompter__reading-line" style={{ top: `calc(${readingLine * 100}% + ${(fontSizePx * 0.65).toFixed(1)}px)` }} aria-hidden="true">
        ▶
      </div>
    </div>
  );
}

/** The scroll area's height, kept current as the window or the layout changes. */
function useHeight(ref: RefObject<HTMLElement | null>): number {
  const [height, setHeight] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    setHeight(el.clientHeight);
    return () => observer.disconnect();
  }, [ref]);
  return height;
}

/** Scroll offset that brings a marker onto the reading line, or null when the script has no such marker. */
export function markerOffset(scroller: HTMLElement, marker: string): number | null {
  const el = scroller.querySelector(`[data-marker="${CSS.escape(markerKey(marker))}"]`);
  if (!el) return null;
  const top = el.getBoundingClientRect().top - scroller.getBoundingClientRect().top + scroller.scrollTop;
  return top - scroller.clientHeight * readingLine;
}
