import { useState } from 'react';
import type { CommerceInfo } from '../../shared/commerceModel';
import { formatPrice } from '../../shared/rundown';
import { useStudio } from '../studioContext';
import { formatCount, formatRate } from './commerceFormat';
import { OrdersSkuTable } from './OrdersSkuTable';
import { OrderTicker } from './OrderTicker';

/** Same bounds as the contract's orders:simulate rate. */
const minRate = 0.1;
const maxRate = 5000;
/** Adapters that shops post to (the others pull, replay or simulate). */
const webhookKinds: ReadonlySet<string> = new Set(['hmac', 'shopify', 'woocommerce']);

/**
 * The orders as they come in: exact counters, the latest orders, sales per SKU with
 * stock left, and what the receiver turned away (bad signature, bad request, too
 * large) or folded (duplicate deliveries). The rehearsal simulator is switched here.
 */
export function OrdersPanel({ commerce }: { readonly commerce: CommerceInfo }) {
  const { api, report } = useStudio();
  const { orders, rundown } = commerce;
  const [rate, setRate] = useState('5');
  const rateValue = Number(rate);
  const rateValid = Number.isFinite(rateValue) && rateValue >= minRate && rateValue <= maxRate;
  const rejected = orders.rejected.badSignature + orders.rejected.badRequest + orders.rejected.tooLarge;

  const toggleSimulator = (): void => {
    const running = !orders.simulating;
    api.orders.simulate(running ? { running, ratePerSec: rateValue } : { running }).catch(report);
  };

  return (
    <section className="panel orders" data-testid="orders-panel" data-simulating={orders.simulating}>
      <h2 className="panel__title">
        Orders
        <span className="orders__sim">
          <input
            type="number"
            min={minRate}
            max={maxRate}
            step="any"
            value={rate}
            disabled={orders.simulating}
            onChange={(e) => setRate(e.target.value)}
            aria-label="Simulated orders per second"
            data-testid="orders-sim-rate"
          />
          /s
          <button
            className={`btn btn--tiny${orders.simulating ? ' btn--running' : ''}`}
            disabled={!orders.simulating && !rateValid}
            onClick={toggleSimulator}
            title="Rehearsal orders with realistic bursts and duplicate deliveries"
            data-testid="orders-simulate"
          >
            {orders.simulating ? '■ Stop simulator' : '▶ Simulate'}
          </button>
        </span>
      </h2>
      <div className="orders__counters">
        <Counter label={`GMV ${orders.currency}`} value={formatPrice(orders.gmv, orders.currency)} raw={orders.gmv} testId="orders-gmv" wide />
        <Counter label="orders" value={formatCount(orders.orders)} raw={orders.orders} testId="orders-count" />
        <Counter label="units" value={formatCount(orders.units)} raw={orders.units} testId="orders-units" />
        <Counter label="orders/min" value={formatRate(orders.perMinute)} raw={orders.perMinute} testId="orders-per-minute" />
      </div>
      <OrderTicker orders={orders.latest} limit={8} testId="orders-ticker" />
      <OrdersSkuTable perSku={orders.perSku} segments={rundown.segments} currency={orders.currency} />
      <div className="orders__quality" data-testid="orders-quality">
        <span data-testid="orders-rejected" data-value={rejected} className={rejected > 0 ? 'orders__warn' : undefined}>
          rejected <b>{rejected}</b>
          <small>
            {' '}
            (signature {orders.rejected.badSignature} · request {orders.rejected.badRequest} · too large {orders.rejected.tooLarge})
          </small>
        </span>
        <span data-testid="orders-duplicates" data-value={orders.duplicates}>
          duplicates <b>{orders.duplicates}</b>
        </span>
        <span data-testid="orders-unknown-sku" data-value={orders.unknownSku} className={orders.unknownSku > 0 ? 'orders__warn' : undefined}>
          unknown SKU <b>{orders.unknownSku}</b>
        </span>
      </div>
      <div className="orders__receiver" data-testid="orders-receiver">
        {orders.receiverUrl ? (
          <>
            Webhook <code title="Where order webhooks are received: one path per adapter">{orders.receiverUrl}</code>
          </>
        ) : (
          <span className="muted">Webhook receiver off</span>
        )}
      </div>
      {orders.adapters.length > 0 && (
        <ul className="orders__adapters">
          {orders.adapters.map((a) => (
            <li key={a.id} data-testid={`orders-adapter-${a.id}`} data-state={a.state}>
              <span className="tag">{a.kind}</span> {a.id} <span className="muted">{a.state}</span>
              {webhookKinds.has(a.kind) && orders.receiverUrl?.includes('{adapter}') && (
                <code className="orders__adapter-url">{orders.receiverUrl.replace('{adapter}', encodeURIComponent(a.id))}</code>
              )}
              {a.lastError && <div className="output__error">{a.lastError}</div>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Counter({ label, value, raw, testId, wide }: { label: string; value: string; raw: number; testId: string; wide?: boolean }) {
  return (
    <div className={wide ? 'orders__counter orders__counter--wide' : 'orders__counter'} data-testid={testId} data-value={raw}>
      <b>{value}</b>
      <span>{label}</span>
    </div>
  );
}
