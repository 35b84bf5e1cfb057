import type { DragEvent } from 'react';
import type { OnAirSegment, RundownSegmentSummary } from '../../shared/commerceModel';
import { formatPrice } from '../../shared/rundown';
import { formatDuration, formatElapsed, formatRemaining, priceNow, segmentTiming, stockLevel } from './commerceFormat';

export type RowState = 'onAir' | 'next' | 'none';

interface Props {
  readonly segment: RundownSegmentSummary;
  readonly index: number;
  readonly count: number;
  readonly state: RowState;
  readonly onAir: OnAirSegment | null;
  /** Stock left from the order aggregates; the segment's stock when none sold. */
  readonly stockLeft: number;
  readonly now: number;
  onCue(): void;
  onEdit(): void;
  onMove(toIndex: number): void;
  /** HTML drag and drop: the row dragged is carried by id. */
  onDropOn(draggedId: string): void;
}

const dragType = 'application/x-cuecast-segment';

/**
 * One segment: thumbnail, SKU and title, price, stock, the input it is shown on and
 * its target duration. Red while on air (with elapsed and target), green when cued
 * next, as the tally colours read everywhere in the control room. A click cues it.
 */
export function RundownRow({ segment: s, index, count, state, onAir, stockLeft, now, onCue, onEdit, onMove, onDropOn }: Props) {
  const live = state === 'onAir' && onAir ? onAir : null;
  // On air: the price buyers pay now. Otherwise the planned promo, which starts with the take.
  const price = live ? priceNow(s, live.promoEndsAtMs, now) : { price: s.promoPrice ?? s.price, was: s.promoPrice === null ? null : s.price, countdown: null };
  const stock = stockLevel(stockLeft, s.stock);
  const timing = live ? segmentTiming(live, s.targetDurationSec, now) : null;

  const onDragStart = (e: DragEvent): void => {
    e.dataTransfer.setData(dragType, s.id);
    e.dataTransfer.effectAllowed = 'move';
  };
  const onDragOver = (e: DragEvent): void => {
    if (e.dataTransfer.types.includes(dragType)) e.preventDefault();
  };
  const onDrop = (e: DragEvent): void => {
    const dragged = e.dataTransfer.getData(dragType);
    if (dragged && dragged !== s.id) onDropOn(dragged);
  };

  return (
    <li
      className={`rundown-row rundown-row--${state}`}
      data-testid={`rundown-row-${s.id}`}
      data-state={state}
      data-index={index}
      draggable
      onDragStart={onDragStart}
      onDragOver={onDragOver}
      onDrop={onDrop}
      onClick={onCue}
      title="Click to cue it as next"
    >
      <span className="rundown-row__number">{index + 1}</span>
      <span className="rundown-row__thumb">{s.thumbnailUrl ? <img src={s.thumbnailUrl} alt="" draggable={false} /> : <span>no image</span>}</span>
      <span className="rundown-row__what">
        <span className="rundown-row__sku">{s.sku}</span>
        <span className="rundown-row__title" title={s.title}>
          {s.title}
        </span>
      </span>
      <span className="rundown-row__price" data-testid={`rundown-price-${s.id}`}>
        <b>{formatPrice(price.price, s.currency)}</b>
        {price.was !== null && <s>{formatPrice(price.was, s.currency)}</s>}
        {price.countdown && <span className="rundown-row__countdown">ends {price.countdown}</span>}
        {!live && s.flashSaleSec !== null && <span className="rundown-row__flash">flash {formatDuration(s.flashSaleSec)}</span>}
      </span>
      <span className={`rundown-row__stock stock--${stock.level}`} title={`${stock.left} of ${s.stock} left`}>
        {stock.left}/{s.stock}
        <span className="stock-bar">
          <span style={{ width: `${(stock.fraction * 100).toFixed(1)}%` }} />
        </span>
      </span>
      <span className="rundown-row__input" title={s.input}>
        {s.inputName ?? s.input}
      </span>
      <span className={`rundown-row__time${timing?.over ? ' rundown-row__time--over' : ''}`} data-testid={`rundown-time-${s.id}`}>
        {timing ? (
          <>
            <span className="rundown-row__elapsed">
              <b>{formatElapsed(timing.elapsedMs)}</b> / {formatDuration(s.targetDurationSec)}
            </span>
            <small>{formatRemaining(timing)}</small>
          </>
        ) : (
          formatDuration(s.targetDurationSec)
        )}
      </span>
      {state !== 'none' && <span className={`rundown-row__tag rundown-row__tag--${state}`}>{state === 'onAir' ? 'ON AIR' : 'NEXT'}</span>}
      <span className="rundown-row__actions" onClick={(e) => e.stopPropagation()}>
        <button className="btn btn--tiny btn--ghost" aria-label="Move up" disabled={index === 0} onClick={() => onMove(index - 1)} data-testid={`rundown-up-${s.id}`}>
          ▲
        </button>
        <button className="btn btn--tiny btn--ghost" aria-label="Move down" disabled={index === count - 1} onClick={() => onMove(index + 1)} data-testid={`rundown-down-${s.id}`}>
          ▼
        </button>
        <button className="btn btn--tiny" onClick={onEdit} data-testid={`rundown-edit-${s.id}`}>
          Edit
        </button>
      </span>
    </li>
  );
}
