import { useState, type FormEvent } from 'react';
import type { RequestParams } from '../../shared/contract';
import { useStudio } from '../studioContext';

type SendParams = RequestParams<'metadata:send'>;

/**
 * A compact way to put commerce metadata on air without a rundown (testing, rehearsal):
 * a product, and explaining started / ended. Main binds it to the next programme frame
 * and answers with that frame number.
 */
export function MetadataSendForm() {
  const { api } = useStudio();
  const [id, setId] = useState('p-1');
  const [sku, setSku] = useState('SKU-1');
  const [title, setTitle] = useState('Gold ring');
  const [price, setPrice] = useState('19.99');
  const [currency, setCurrency] = useState('EUR');
  const [result, setResult] = useState<{ frame: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const send = async (params: SendParams): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      setResult(await api.metadata.send(params));
    } catch (err) {
      setResult(null);
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const sendProduct = (e: FormEvent): void => {
    e.preventDefault();
    void send({ kind: 'product', product: { id: id.trim(), sku: sku.trim(), title: title.trim(), price: Number(price), currency: currency.trim() } });
  };

  return (
    <form className="meta-send" data-testid="metadata-send-form" onSubmit={sendProduct}>
      <div className="meta-send__product">
        <input aria-label="Product id" title="Product id" value={id} data-testid="metadata-product-id" onChange={(e) => setId(e.target.value)} />
        <input aria-label="SKU" title="SKU" value={sku} data-testid="metadata-product-sku" onChange={(e) => setSku(e.target.value)} />
        <input
          aria-label="Title"
          title="Title"
          className="meta-send__title"
          value={title}
          data-testid="metadata-product-title"
          onChange={(e) => setTitle(e.target.value)}
        />
        <input
          aria-label="Price"
          title="Price"
          type="number"
          min={0}
          step={0.01}
          value={price}
          data-testid="metadata-product-price"
          onChange={(e) => setPrice(e.target.value)}
        />
        <input
          aria-label="Currency"
          title="Currency (ISO 4217)"
          maxLength={3}
          value={currency}
          data-testid="metadata-product-currency"
          onChange={(e) => setCurrency(e.target.value.toUpperCase())}
        />
      </div>
      <div className="meta-send__actions">
        <button type="submit" className="btn btn--tiny btn--primary" disabled={busy} data-testid="metadata-send-product">
          Send product
        </button>
        {result && (
          <span className="muted" data-testid="metadata-send-result" data-frame={result.frame}>
            → frame {result.frame}
          </span>
        )}
      </div>
      <div className="meta-send__actions">
        <span className="muted">Explaining</span>
        <button
          type="button"
          className="btn btn--tiny"
          disabled={busy}
          data-testid="metadata-explaining-started"
          onClick={() => void send({ kind: 'explaining', explaining: 'started' })}
        >
          started
        </button>
        <button
          type="button"
          className="btn btn--tiny"
          disabled={busy}
          data-testid="metadata-explaining-ended"
          onClick={() => void send({ kind: 'explaining', explaining: 'ended' })}
        >
          ended
        </button>
      </div>
      {error && (
        <div className="form-error" role="alert" data-testid="metadata-send-error">
          {error}
        </div>
      )}
    </form>
  );
}
