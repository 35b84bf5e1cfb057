import { useMemo, useState, type FormEvent, type ReactNode } from 'react';
import type { RundownSegment } from '../../shared/rundown';
import { listInputs } from '../inputs';
import { useStudio } from '../studioContext';
import { Dialog } from './Dialog';
import { draftFromSegment, emptyDraft, segmentFromDraft, type SegmentDraft } from './segmentDraft';

interface Props {
  /** The segment to edit, or null to add a new one at the end. */
  readonly segment: RundownSegment | null;
  /** For a new segment: an id not yet used, and defaults from the show. */
  readonly newId: string;
  readonly currency: string;
  /** Whether it is on air now: its card and metadata change on the next frame. */
  readonly onAir: boolean;
  onClose(): void;
}

/**
 * Edits one segment while live. Main validates it whole (the rundown schema, known
 * inputs, images) and its refusal shows here, word for word; nothing changes on error.
 */
export function SegmentEditor({ segment, newId, currency, onAir, onClose }: Props) {
  const { api, view } = useStudio();
  const inputs = useMemo(() => (view.snapshot ? listInputs(view.snapshot) : []), [view.snapshot]);
  const [draft, setDraft] = useState<SegmentDraft>(() =>
    segment ? draftFromSegment(segment) : emptyDraft(newId, inputs[0]?.id ?? '', currency),
  );
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const adding = segment === null;

  const set = (field: keyof SegmentDraft) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [field]: e.target.value }));

  const run = async (action: () => Promise<unknown>): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await action();
      onClose();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const built = segmentFromDraft(draft);
    if (typeof built === 'string') {
      setError(built);
      return;
    }
    void run(() => (adding ? api.rundown.addSegment({ segment: built }) : api.rundown.updateSegment({ segment: built })));
  };

  // The segment's input stays selectable even when the show no longer has it, so main can say so.
  const inputKnown = inputs.some((i) => i.id === draft.input);
  return (
    <Dialog title={adding ? 'Add segment' : `Edit ${segment.title}`} testId="segment-editor" onClose={onClose}>
      <form className="form segment-form" onSubmit={submit} noValidate>
        {onAir && <p className="segment-form__live">On air: the card and metadata change on the next frame after saving.</p>}
        <div className="segment-form__grid">
          <Field label="id" wide={false}>
            <input value={draft.id} onChange={set('id')} readOnly={!adding} data-testid="segment-id" />
          </Field>
          <Field label="SKU">
            <input value={draft.sku} onChange={set('sku')} data-testid="segment-sku" />
          </Field>
          <Field label="Product id (platform, optional)">
            <input value={draft.productId} onChange={set('productId')} data-testid="segment-product-id" />
          </Field>
          <Field label="Title" wide>
            <input value={draft.title} onChange={set('title')} data-testid="segment-title" />
          </Field>
          <Field label="Price">
            <input value={draft.price} onChange={set('price')} inputMode="decimal" data-testid="segment-price" />
          </Field>
          <Field label="Promo price">
            <input value={draft.promoPrice} onChange={set('promoPrice')} inputMode="decimal" data-testid="segment-promo-price" />
          </Field>
          <Field label="Currency">
            <input value={draft.currency} onChange={set('currency')} maxLength={3} data-testid="segment-currency" />
          </Field>
          <Field label="Promo ends (ISO with zone)">
            <input value={draft.promoEndsAt} onChange={set('promoEndsAt')} placeholder="2025-11-28T20:00:00Z" data-testid="segment-promo-ends" />
          </Field>
          <Field label="Flash sale from take (s)">
            <input value={draft.flashSaleSec} onChange={set('flashSaleSec')} inputMode="numeric" data-testid="segment-flash-sale" />
          </Field>
          <Field label="Stock at start">
            <input value={draft.stock} onChange={set('stock')} inputMode="numeric" data-testid="segment-stock" />
          </Field>
          <Field label="Shown on">
            <select value={draft.input} onChange={set('input')} data-testid="segment-input">
              {!inputKnown && <option value={draft.input}>{draft.input || '—'} (not in this show)</option>}
              {inputs.map((i) => (
                <option key={i.id} value={i.id}>
                  {i.number} · {i.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Target duration (s)">
            <input value={draft.targetDurationSec} onChange={set('targetDurationSec')} inputMode="numeric" data-testid="segment-duration" />
          </Field>
          <Field label="Images (one per line)" wide>
            <textarea rows={2} value={draft.images} onChange={set('images')} data-testid="segment-images" />
          </Field>
          <Field label="Selling points (one per line)" wide>
            <textarea rows={3} value={draft.sellingPoints} onChange={set('sellingPoints')} data-testid="segment-selling-points" />
          </Field>
          <Field label="Script — [[marker]] marks a place the teleprompter jumps to" wide>
            <textarea rows={7} value={draft.script} onChange={set('script')} data-testid="segment-script" />
          </Field>
        </div>
        {error && (
          <div className="form-error form-error--multiline" role="alert" data-testid="segment-editor-error">
            {error}
          </div>
        )}
        <div className="form__actions">
          {!adding && !confirmRemove && (
            <button type="button" className="btn btn--ghost segment-form__remove" disabled={onAir} title={onAir ? 'End or take another segment first' : undefined} onClick={() => setConfirmRemove(true)} data-testid="segment-remove">
              Remove…
            </button>
          )}
          {!adding && confirmRemove && (
            <button type="button" className="btn btn--danger segment-form__remove" disabled={busy} onClick={() => void run(() => api.rundown.removeSegment({ id: segment.id }))} data-testid="segment-remove-confirm">
              Remove “{segment.sku}” from the rundown
            </button>
          )}
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn--primary" disabled={busy} data-testid="segment-save">
            {adding ? 'Add' : 'Save'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function Field({ label, wide, children }: { label: string; wide?: boolean; children: ReactNode }) {
  return (
    <label className={wide ? 'field segment-form__wide' : 'field'}>
      <span>{label}</span>
      {children}
    </label>
  );
}
