import { INGEST_PRESETS, type CarrierSupport, type IngestPreset } from '../../shared/ingestPresets';

const carrierText: Readonly<Record<CarrierSupport, string>> = { kept: 'kept', dropped: 'dropped', unknown: 'not measured' };

function optionLabel(p: IngestPreset): string {
  return `${p.name} · ${p.protocol.toUpperCase()} · ${p.orientation}`;
}

interface Props {
  readonly preset: IngestPreset;
  onChange(id: string): void;
}

/**
 * The ingest presets with what each one promises: protocol, the picture it expects,
 * and which metadata carriers survive its ingest (measured, or "not measured").
 */
export function PresetPicker({ preset, onChange }: Props) {
  return (
    <div className="dest-preset">
      <label className="field">
        <span>Platform or server</span>
        <select value={preset.id} data-testid="preset-select" onChange={(e) => onChange(e.target.value)}>
          {INGEST_PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {optionLabel(p)}
            </option>
          ))}
        </select>
      </label>
      <div className="dest-preset__card" data-testid="preset-card" data-preset={preset.id}>
        <div className="dest-preset__tags">
          <span className="tag tag--proto">{preset.protocol.toUpperCase()}</span>
          <span className="tag">{preset.orientation === 'either' ? 'landscape or portrait' : preset.orientation}</span>
          <span className={`tag tag--${preset.carriers.sei}`} data-testid="preset-carrier-sei" data-support={preset.carriers.sei}>
            SEI {carrierText[preset.carriers.sei]}
          </span>
          <span className={`tag tag--${preset.carriers.cuePoints}`} data-testid="preset-carrier-cue" data-support={preset.carriers.cuePoints}>
            cue points {carrierText[preset.carriers.cuePoints]}
          </span>
          {preset.metadataApi === 'ivs' && <span className="tag tag--kept">IVS PutMetadata</span>}
        </div>
        <div className="muted">{preset.whereToFind}</div>
      </div>
    </div>
  );
}
