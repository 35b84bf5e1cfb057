import type { TickerOrder } from '../../shared/commerceModel';
import { formatClock } from './destinationFormat';

interface Props {
  readonly orders: readonly TickerOrder[];
  readonly limit: number;
  readonly testId: string;
  /** The teleprompter shows fewer, larger lines without times. */
  readonly compact?: boolean;
}

/**
 * The latest orders, newest first: the buyer (already masked by main, "W***g,
 * Hangzhou"), SKU and quantity. An order for a SKU the rundown does not have is
 * still counted and flagged, so the producer can see a listing mistake live.
 */
export function OrderTicker({ orders, limit, testId, compact }: Props) {
  const shown = orders.slice(0, limit);
  return (
    <ol className={`order-ticker${compact ? ' order-ticker--compact' : ''}`} data-testid={testId} data-count={shown.length}>
      {shown.map((o) => (
        <li key={o.orderId} className={`order-ticker__line${o.unknownSku ? ' order-ticker__line--unknown' : ''}`} data-order-id={o.orderId} data-unknown-sku={o.unknownSku}>
          {!compact && <time dateTime={new Date(o.atMs).toISOString()}>{formatClock(o.atMs).slice(0, 8)}</time>}
          <span className="order-ticker__buyer">{o.buyer}</span>
          <span className="order-ticker__item">
            {o.sku} ×{o.quantity}
          </span>
          {o.unknownSku && <span className="tag tag--warn">unknown SKU</span>}
        </li>
      ))}
      {shown.length === 0 && <li className="order-ticker__empty">No orders yet.</li>}
    </ol>
  );
}
