import { useState, type FormEvent } from 'react';
import type { RequestParams } from '../../shared/contract';
import { INGEST_PRESETS, ingestPreset, type IngestPreset } from '../../shared/ingestPresets';
import { useStudio } from '../studioContext';
import { Dialog } from './Dialog';
import { splitPlaceholders, urlPlaceholders } from './destinationFormat';
import { emptySender, MetadataSenderFields, senderParams, type SenderDraft } from './MetadataSenderFields';
import { PresetPicker } from './PresetPicker';

type AddParams = RequestParams<'output:add'>;
type FormKind = 'ingest' | 'record';

const defaultPreset = INGEST_PRESETS[0]!;

/**
 * Adds a destination from an ingest preset, or a recording. Main validates it and its
 * refusal shows here; nothing is added on error. Stream keys and sender secrets go to
 * main once and are dropped from this form as soon as main has them.
 */
export function DestinationForm({ onClose }: { onClose(): void }) {
  const { api, view } = useStudio();
  const [kind, setKind] = useState<FormKind>('ingest');
  const [preset, setPreset] = useState<IngestPreset>(defaultPreset);
  const [name, setName] = useState('');
  const [url, setUrl] = useState(defaultPreset.urlTemplate);
  const [folder, setFolder] = useState(() => view.snapshot?.outputs.find((o) => o.kind === 'record')?.target ?? '');
  const [streamKey, setStreamKey] = useState('');
  const [cuePoints, setCuePoints] = useState(false);
  const [sender, setSender] = useState<SenderDraft>(emptySender);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const choosePreset = (id: string): void => {
    const next = ingestPreset(id) ?? defaultPreset;
    setPreset(next);
    setUrl(next.urlTemplate);
    setCuePoints(false);
    if (sender.kind === 'ivs' && next.metadataApi !== 'ivs') setSender({ ...sender, kind: 'none' });
    setError(null);
  };

  /** The request, or the reason it cannot be sent yet (said before asking main). */
  const build = (): AddParams | string => {
    if (kind === 'record') {
      if (!folder.trim()) return 'Choose the folder recordings go to.';
      return { name: name.trim() || 'Recording', kind: 'record', target: folder.trim() };
    }
    const left = urlPlaceholders(url);
    if (left.length > 0) return `Replace ${left.join(', ')} in the URL with your account's values.`;
    if (preset.needsKey && streamKey.trim() === '') return `${preset.name} needs a stream key.`;
    return {
      name: name.trim() || preset.name,
      kind: preset.protocol,
      target: url.trim(),
      streamKey: preset.needsKey ? streamKey.trim() : undefined,
      preset: preset.id,
      cuePoints: preset.protocol === 'rtmp' ? cuePoints : undefined,
      metadataSender: senderParams(sender),
    };
  };

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const params = build();
    if (typeof params === 'string') {
      setError(params);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.output.add(params);
      // Main has the secrets now; this form forgets them before it closes.
      setStreamKey('');
      setSender(emptySender);
      onClose();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title="Add destination" testId="destination-form" onClose={onClose}>
      <form className="form dest-form" onSubmit={(e) => void submit(e)}>
        <div className="segmented segmented--wide" role="radiogroup" aria-label="Destination kind">
          {(['ingest', 'record'] as const).map((k) => (
            <button
              type="button"
              key={k}
              role="radio"
              aria-checked={kind === k}
              className={`segmented__item${kind === k ? ' segmented__item--on' : ''}`}
              data-testid={`destination-kind-${k}`}
              onClick={() => {
                setKind(k);
                setError(null);
              }}
            >
              {k === 'ingest' ? 'Live ingest (preset)' : 'Recording'}
            </button>
          ))}
        </div>
        {kind === 'ingest' ? (
          <>
            <PresetPicker preset={preset} onChange={choosePreset} />
            <label className="field">
              <span>Name</span>
              <input value={name} placeholder={preset.name} maxLength={80} data-testid="destination-name" onChange={(e) => setName(e.target.value)} />
            </label>
            <label className="field">
              <span>{preset.protocol === 'srt' ? 'SRT URL' : 'Server URL (without the stream key)'}</span>
              <input value={url} spellCheck={false} data-testid="destination-url" onChange={(e) => setUrl(e.target.value)} />
            </label>
            <UrlPlaceholderHint url={url} />
            {preset.needsKey && (
              <label className="field">
                <span>Stream key (stored encrypted, never shown again)</span>
                <input
                  type="password"
                  autoComplete="off"
                  value={streamKey}
                  data-testid="destination-key"
                  onChange={(e) => setStreamKey(e.target.value)}
                />
              </label>
            )}
            {preset.protocol === 'rtmp' && <CuePointsField preset={preset} checked={cuePoints} onChange={setCuePoints} />}
            <MetadataSenderFields draft={sender} ivsAvailable={preset.metadataApi === 'ivs'} onChange={setSender} />
          </>
        ) : (
          <>
            <label className="field">
              <span>Name</span>
              <input value={name} placeholder="Recording" maxLength={80} data-testid="destination-name" onChange={(e) => setName(e.target.value)} />
            </label>
            <label className="field">
              <span>Folder (FLV, with a metadata sidecar and a chaptered copy)</span>
              <input value={folder} placeholder="/home/me/Videos" data-testid="destination-folder" onChange={(e) => setFolder(e.target.value)} />
            </label>
          </>
        )}
        {error && (
          <div className="form-error" role="alert" data-testid="destination-form-error">
            {error}
          </div>
        )}
        <div className="form__actions">
          <button type="button" className="btn btn--ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn--primary" disabled={busy} data-testid="destination-save">
            Add destination
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** An input cannot colour part of its text, so the URL is echoed with its placeholders marked. */
function UrlPlaceholderHint({ url }: { url: string }) {
  const left = urlPlaceholders(url);
  if (left.length === 0) return null;
  return (
    <div className="dest-form__url-hint" data-testid="destination-url-placeholders" data-count={left.length}>
      <span className="muted">Replace the marked parts: </span>
      <code>
        {splitPlaceholders(url).map((part, i) => (part.placeholder ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>))}
      </code>
    </div>
  );
}

function CuePointsField({ preset, checked, onChange }: { preset: IngestPreset; checked: boolean; onChange(v: boolean): void }) {
  const dropped = preset.carriers.cuePoints === 'dropped';
  return (
    <div className="dest-form__cue">
      <label className="dest-form__check">
        <input type="checkbox" checked={checked} data-testid="destination-cue-points" onChange={(e) => onChange(e.target.checked)} />
        Also send metadata as RTMP cue points (onCuePoint)
      </label>
      {dropped && (
        <div className={checked ? 'panel__hint' : 'muted'} data-testid="cue-points-warning">
          ⚠ {preset.name} drops cue points at its ingest: viewers will not get them. SEI in the video still carries the metadata.
        </div>
      )}
      {preset.carriers.cuePoints === 'unknown' && checked && (
        <div className="muted">Not measured for this ingest: check its playback with npm run probe.</div>
      )}
    </div>
  );
}
