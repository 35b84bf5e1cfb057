import type { RundownSegmentSummary, SkuSales } from '../../shared/commerceModel';
import { formatCount, stockLevel } from './commerceFormat';

interface Props {
  readonly perSku: readonly SkuSales[];
  readonly segments: readonly RundownSegmentSummary[];
  readonly currency: string;
}

/** The currency is in the column's header, so cells stay narrow enough for the sidebar. */
function formatAmount(amount: number): string {
  return amount.toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** Units, revenue and stock left per SKU, best sellers first; the bar is stock left of the stock at the start. */
export function OrdersSkuTable({ perSku, segments, currency }: Props) {
  const startStock = new Map(segments.map((s) => [s.sku.toLowerCase(), s.stock]));
  const rows = [...perSku].sort((a, b) => b.units - a.units || a.sku.localeCompare(b.sku));
  return (
    <table className="sku-table" data-testid="orders-sku-table">
      <thead>
        <tr>
          <th>SKU</th>
          <th className="num">units</th>
          <th className="num">revenue {currency}</th>
          <th>stock left</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const atStart = startStock.get(r.sku.toLowerCase());
          const stock = r.stockLeft !== null && atStart !== undefined ? stockLevel(r.stockLeft, atStart) : null;
          return (
            <tr key={r.sku} data-testid={`orders-sku-${r.sku}`} data-units={r.units} data-stock-left={r.stockLeft ?? ''}>
              <td title={r.title ?? 'not in the rundown'}>
                {r.sku}
                {r.stockLeft === null && <span className="tag tag--warn">unknown</span>}
              </td>
              <td className="num">{formatCount(r.units)}</td>
              <td className="num">{formatAmount(r.revenue)}</td>
              <td>
                {stock ? (
                  <span className={`sku-table__stock stock--${stock.level}`}>
                    <span className="stock-bar">
                      <span style={{ width: `${(stock.fraction * 100).toFixed(1)}%` }} />
                    </span>
                    {stock.left}
                  </span>
                ) : (
                  '—'
                )}
              </td>
            </tr>
          );
        })}
        {rows.length === 0 && (
          <tr>
            <td colSpan={4} className="muted">
              Nothing sold yet.
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}
