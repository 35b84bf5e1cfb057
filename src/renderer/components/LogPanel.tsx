import { useEffect, useRef } from 'react';
import { useStudio } from '../studioContext';

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

export function LogPanel() {
  const { view } = useStudio();
  const listRef = useRef<HTMLOListElement>(null);
  const lines = view.log;

  // Keep the newest line in view unless the operator has scrolled up to read.
  useEffect(() => {
    const el = listRef.current;
    if (el && el.scrollHeight - el.scrollTop - el.clientHeight < 40) el.scrollTop = el.scrollHeight;
  }, [lines]);

  return (
    <section className="panel log" data-testid="log-panel">
      <h2 className="panel__title">Log</h2>
      <ol className="log__lines" ref={listRef}>
        {lines.map((entry, i) => (
          <li key={`${entry.at}-${i}`} className={`log__line log__line--${entry.level}`} data-level={entry.level}>
            <time>{timeFormat.format(entry.at)}</time>
            <span>{entry.message}</span>
          </li>
        ))}
        {lines.length === 0 && <li className="log__line log__line--empty">Nothing logged yet.</li>}
      </ol>
    </section>
  );
}
