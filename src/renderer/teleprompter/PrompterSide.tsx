import type { CommerceInfo, RundownSegmentSummary } from '../../shared/commerceModel';
import { formatPrice } from '../../shared/rundown';
import { formatCount, formatDuration, formatElapsed, formatRate, formatRemaining, priceNow, salesOf, segmentTiming, stockLevel } from '../components/commerceFormat';
import { OrderTicker } from '../components/OrderTicker';

interface Props {
  readonly commerce: CommerceInfo;
  /** The segment the script belongs to: on air, or cued next before the first take. */
  readonly segment: RundownSegmentSummary | null;
  readonly live: boolean;
  readonly now: number;
}

/**
 * Beside the script, what the host sells with: the price buyers pay now and how long
 * the promo runs, stock left, what has sold, the segment's clock, the latest orders
 * to name on air, and what comes next. Large and few, read from two metres.
 */
export function PrompterSide({ commerce, segment, live, now }: Props) {
  const { rundown, orders } = commerce;
  const onAir = live ? rundown.onAir : null;
  // Before the first take the cued segment is the one shown: "next" is then the one after it.
  const shownAt = rundown.segments.findIndex((s) => s.id === segment?.id);
  const cued = rundown.segments.find((s) => s.id === rundown.nextId);
  const next = cued && cued.id !== segment?.id ? cued : (rundown.segments[shownAt + 1] ?? null);
  if (!segment) {
    return (
      <aside className="prompter-side" data-testid="prompter-side">
        <p className="prompter-side__empty">No segment on air or cued.</p>
      </aside>
    );
  }
  const price = priceNow(segment, onAir?.promoEndsAtMs ?? null, now);
  const sales = salesOf(orders, segment.sku);
  const stock = stockLevel(sales?.stockLeft ?? segment.stock, segment.stock);
  const segmentSales = onAir ? orders.perSegment.find((p) => p.segmentId === onAir.id) : undefined;
  const timing = onAir ? segmentTiming(onAir, segment.targetDurationSec, now) : null;
  return (
    <aside className="prompter-side" data-testid="prompter-side">
      <div className="prompter-side__product">
        <span className="prompter-side__label">{live ? 'NOW' : 'UP NEXT'}</span>
        <span className="prompter-side__title">{segment.title}</span>
        <span className="prompter-side__sku">{segment.sku}</span>
      </div>
      <div className="prompter-side__price" data-testid="prompter-price">
        <b>{formatPrice(price.price, segment.currency)}</b>
        {price.was !== null && <s>{formatPrice(price.was, segment.currency)}</s>}
        {price.countdown && (
          <span className="prompter-side__countdown" data-testid="prompter-countdown">
            ENDS IN {price.countdown}
          </span>
        )}
      </div>
      <div className={`prompter-side__stock stock--${stock.level}`} data-testid="prompter-stock" data-left={stock.left}>
        <span>
          <b>{stock.level === 'soldOut' ? 'SOLD OUT' : stock.left}</b> {stock.level === 'soldOut' ? '' : `of ${segment.stock} left`}
        </span>
        <span className="stock-bar stock-bar--big">
          <span style={{ width: `${(stock.fraction * 100).toFixed(1)}%` }} />
        </span>
      </div>
      <div className="prompter-side__figures">
        <Figure label="sold" value={formatCount(sales?.units ?? 0)} testId="prompter-units" />
        <Figure label="this segment" value={formatCount(segmentSales?.units ?? 0)} testId="prompter-segment-units" />
        <Figure label="orders/min" value={formatRate(sales?.perMinute ?? 0)} testId="prompter-per-minute" />
      </div>
      {timing && (
        <div className={`prompter-side__clock${timing.over ? ' prompter-side__clock--over' : ''}`} data-testid="prompter-clock">
          <span>
            <b>{formatElapsed(timing.elapsedMs)}</b> / {formatDuration(segment.targetDurationSec)}
          </span>
          <span className="prompter-side__remaining">{formatRemaining(timing)}</span>
        </div>
      )}
      <OrderTicker orders={orders.latest} limit={4} testId="prompter-orders" compact />
      <div className="prompter-side__next" data-testid="prompter-next">
        <span className="prompter-side__label">NEXT</span>
        {next ? (
          <span>
            {next.title} <small>· {next.inputName ?? next.input}</small>
          </span>
        ) : (
          <span className="muted">end of the rundown</span>
        )}
      </div>
    </aside>
  );
}

function Figure({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="prompter-side__figure" data-testid={testId}>
      <b>{value}</b>
      <span>{label}</span>
    </div>
  );
}
