import { useCallback, useState } from 'react';
import type { CommerceInfo } from '../../shared/commerceModel';
import type { RundownSegment } from '../../shared/rundown';
import { useStudio } from '../studioContext';
import { salesOf } from './commerceFormat';
import { PrompterControls } from './PrompterControls';
import { RundownImport } from './RundownImport';
import { RundownRow, type RowState } from './RundownRow';
import { RundownTakeBar, type TakeAnswer } from './RundownTakeBar';
import { SegmentEditor } from './SegmentEditor';
import { useFullRundown } from './useFullRundown';
import { useNow } from './useNow';
import { useRundownHotkeys } from './useRundownHotkeys';

type Editing = { readonly kind: 'edit'; readonly segment: RundownSegment } | { readonly kind: 'add' } | { readonly kind: 'import' } | null;

/** Saves the exported text as a file, the browser's way (no file system access from the page). */
function download(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function unusedId(taken: readonly { readonly id: string }[]): string {
  const ids = new Set(taken.map((s) => s.id));
  let n = taken.length + 1;
  while (ids.has(`segment-${n}`)) n++;
  return `segment-${n}`;
}

/**
 * The show's running order, the host's main tool: what is on air (red) and cued next
 * (green), TAKE, reorder and edit while live, import and export, flash sales and
 * the on-air graphics, and the director's teleprompter controls.
 */
export function RundownPanel({ commerce }: { readonly commerce: CommerceInfo }) {
  const { api, view, report } = useStudio();
  const { rundown, teleprompter, orders } = commerce;
  const full = useFullRundown(api, rundown.revision, view.connection);
  const now = useNow(250);
  const [editing, setEditing] = useState<Editing>(null);
  const [lastAnswer, setLastAnswer] = useState<TakeAnswer | null>(null);
  const close = useCallback(() => setEditing(null), []);

  const take = useCallback(() => {
    api.rundown
      .take({})
      .then(({ frame, segmentId }) => setLastAnswer({ action: 'take', frame, segmentId }))
      .catch(report);
  }, [api, report]);
  const takePrevious = useCallback(() => {
    api.rundown
      .takePrevious()
      .then(({ frame, segmentId }) => setLastAnswer({ action: 'previous', frame, segmentId }))
      .catch(report);
  }, [api, report]);
  const end = (): void => {
    api.rundown
      .end()
      .then(({ frame }) => setLastAnswer({ action: 'end', frame, segmentId: null }))
      .catch(report);
  };
  useRundownHotkeys({ onTake: take, onTakePrevious: takePrevious });

  const exportAs = (format: 'json' | 'csv'): void => {
    api.rundown
      .export({ format })
      .then(({ text }) => download(text, `rundown.${format}`, format === 'csv' ? 'text/csv' : 'application/json'))
      .catch(report);
  };
  const edit = (id: string): void => {
    const segment = full.rundown?.segments.find((s) => s.id === id);
    if (segment) setEditing({ kind: 'edit', segment });
    else report(new Error(full.error ?? 'The rundown is still loading; try again in a moment.'));
  };

  const { segments, onAir, nextId } = rundown;
  const stateOf = (id: string): RowState => (onAir?.id === id ? 'onAir' : nextId === id ? 'next' : 'none');
  return (
    <section className="panel rundown" data-testid="rundown-panel" data-revision={rundown.revision} data-on-air={onAir?.id ?? ''} data-next={nextId ?? ''}>
      <h2 className="panel__title">
        <span>
          Rundown <span className="rundown__show">{rundown.title}</span>
        </span>
        <span className="rundown__count" data-testid="rundown-count">
          {segments.length} segments
        </span>
        <span className="rundown__tools">
          <button className="btn btn--tiny btn--ghost" onClick={() => setEditing({ kind: 'import' })} data-testid="rundown-import-open">
            Import…
          </button>
          <button className="btn btn--tiny btn--ghost" onClick={() => exportAs('json')} data-testid="rundown-export-json">
            Export JSON
          </button>
          <button className="btn btn--tiny btn--ghost" onClick={() => exportAs('csv')} data-testid="rundown-export-csv">
            CSV
          </button>
          <button className="btn btn--tiny btn--ghost" onClick={() => setEditing({ kind: 'add' })} data-testid="rundown-add">
            + Add
          </button>
        </span>
      </h2>
      <RundownTakeBar rundown={rundown} lastAnswer={lastAnswer} onTake={take} onTakePrevious={takePrevious} onEnd={end} />
      <ol className="rundown__rows" data-testid="rundown-rows">
        {segments.map((s, i) => (
          <RundownRow
            key={s.id}
            segment={s}
            index={i}
            count={segments.length}
            state={stateOf(s.id)}
            onAir={onAir}
            stockLeft={salesOf(orders, s.sku)?.stockLeft ?? s.stock}
            now={now}
            onCue={() => api.rundown.cue({ id: s.id }).catch(report)}
            onEdit={() => edit(s.id)}
            onMove={(toIndex) => api.rundown.moveSegment({ id: s.id, toIndex }).catch(report)}
            onDropOn={(dragged) => api.rundown.moveSegment({ id: dragged, toIndex: i }).catch(report)}
          />
        ))}
        {segments.length === 0 && <li className="rundown__empty">No segments. Import a rundown (CSV or JSON) or add one.</li>}
      </ol>
      <PrompterControls settings={teleprompter} />
      {editing?.kind === 'import' && <RundownImport onAir={onAir !== null} onClose={close} />}
      {(editing?.kind === 'edit' || editing?.kind === 'add') && (
        <SegmentEditor
          segment={editing.kind === 'edit' ? editing.segment : null}
          newId={unusedId(segments)}
          currency={segments[0]?.currency ?? 'EUR'}
          onAir={editing.kind === 'edit' && onAir?.id === editing.segment.id}
          onClose={close}
        />
      )}
    </section>
  );
}
