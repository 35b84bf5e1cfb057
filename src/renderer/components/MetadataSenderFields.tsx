import type { RequestParams } from '../../shared/contract';

type SenderParams = NonNullable<RequestParams<'output:add'>['metadataSender']>;

/** What the operator has typed for an out-of-band sender; secrets live here only until saved. */
export interface SenderDraft {
  readonly kind: 'none' | 'webhook' | 'ivs';
  readonly url: string;
  readonly secret: string;
  readonly channelArn: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** As typed; empty means main's default rate. */
  readonly maxPerSecond: string;
}

export const emptySender: SenderDraft = {
  kind: 'none',
  url: '',
  secret: '',
  channelArn: '',
  accessKeyId: '',
  secretAccessKey: '',
  maxPerSecond: '',
};

/** The contract's metadataSender from the draft; main validates the rest and says why. */
export function senderParams(draft: SenderDraft): SenderParams | undefined {
  const rate = draft.maxPerSecond.trim() === '' ? undefined : Number(draft.maxPerSecond);
  if (draft.kind === 'webhook') {
    return { kind: 'webhook', url: draft.url.trim(), secret: draft.secret === '' ? undefined : draft.secret, maxPerSecond: rate };
  }
  if (draft.kind === 'ivs') {
    return {
      kind: 'ivs',
      channelArn: draft.channelArn.trim(),
      accessKeyId: draft.accessKeyId.trim(),
      secretAccessKey: draft.secretAccessKey,
      maxPerSecond: rate,
    };
  }
  return undefined;
}

interface Props {
  readonly draft: SenderDraft;
  /** IVS PutMetadata is offered only for presets whose platform has it. */
  readonly ivsAvailable: boolean;
  onChange(draft: SenderDraft): void;
}

/** Optional out-of-band metadata for a destination: a signed webhook, or Amazon IVS timed metadata. */
export function MetadataSenderFields({ draft, ivsAvailable, onChange }: Props) {
  const set = (patch: Partial<SenderDraft>): void => onChange({ ...draft, ...patch });
  const kinds = ivsAvailable ? (['none', 'webhook', 'ivs'] as const) : (['none', 'webhook'] as const);
  const labels = { none: 'None', webhook: 'Webhook', ivs: 'IVS PutMetadata' } as const;
  return (
    <fieldset className="dest-form__sender" data-testid="sender-fields">
      <legend>Out-of-band metadata</legend>
      <div className="segmented" role="radiogroup" aria-label="Metadata sender">
        {kinds.map((k) => (
          <button
            type="button"
            key={k}
            role="radio"
            aria-checked={draft.kind === k}
            className={`segmented__item${draft.kind === k ? ' segmented__item--on' : ''}`}
            data-testid={`sender-kind-${k}`}
            onClick={() => set({ kind: k })}
          >
            {labels[k]}
          </button>
        ))}
      </div>
      {draft.kind === 'webhook' && (
        <div className="grid2">
          <label className="field dest-form__wide">
            <span>Webhook URL (http:// or https://)</span>
            <input value={draft.url} placeholder="https://shop.example.com/live-hook" data-testid="sender-url" onChange={(e) => set({ url: e.target.value })} />
          </label>
          <label className="field">
            <span>Signing secret (HMAC-SHA256, optional)</span>
            <input type="password" autoComplete="off" value={draft.secret} data-testid="sender-secret" onChange={(e) => set({ secret: e.target.value })} />
          </label>
          <RateField value={draft.maxPerSecond} max={100} onChange={(maxPerSecond) => set({ maxPerSecond })} />
        </div>
      )}
      {draft.kind === 'ivs' && (
        <div className="grid2">
          <label className="field dest-form__wide">
            <span>Channel ARN</span>
            <input
              value={draft.channelArn}
              placeholder="arn:aws:ivs:us-west-2:123456789012:channel/AbCdEf"
              data-testid="sender-arn"
              onChange={(e) => set({ channelArn: e.target.value })}
            />
          </label>
          <label className="field">
            <span>Access key id</span>
            <input autoComplete="off" value={draft.accessKeyId} data-testid="sender-access-key" onChange={(e) => set({ accessKeyId: e.target.value })} />
          </label>
          <label className="field">
            <span>Secret access key</span>
            <input
              type="password"
              autoComplete="off"
              value={draft.secretAccessKey}
              data-testid="sender-secret-key"
              onChange={(e) => set({ secretAccessKey: e.target.value })}
            />
          </label>
          <RateField value={draft.maxPerSecond} max={5} onChange={(maxPerSecond) => set({ maxPerSecond })} />
        </div>
      )}
    </fieldset>
  );
}

function RateField({ value, max, onChange }: { value: string; max: number; onChange(value: string): void }) {
  return (
    <label className="field">
      <span>Max calls per second (up to {max})</span>
      <input type="number" min={0.1} max={max} step={0.1} value={value} placeholder="default" data-testid="sender-rate" onChange={(e) => onChange(e.target.value)} />
    </label>
  );
}
