import type { EncoderCapability, EncoderFamilyInfo, EncoderProbeSnapshot } from '../../shared/model';
import { useStudio } from '../studioContext';
import { EncoderSettingsForm } from './EncoderSettingsForm';

type FamilyState = 'working' | 'unavailable' | 'notListed';

function familyState(family: EncoderFamilyInfo, encoders: readonly EncoderCapability[]): FamilyState {
  if (!family.listed) return 'notListed';
  return encoders.some((e) => e.state === 'working') ? 'working' : 'unavailable';
}

const badgeClass: Readonly<Record<FamilyState | 'canvas', string>> = {
  working: 'badge badge--live',
  unavailable: 'badge badge--error',
  notListed: 'badge',
  canvas: 'badge badge--noSignal',
};

/**
 * What this machine can encode, verified by test encodes in main (issue 3): every
 * family with its state and reason, measured speed at the canvas, Auto's choice and why.
 * Probing runs in main's background; this panel only shows the snapshot.
 */
export function EncoderPanel() {
  const { api, view, report } = useStudio();
  const snapshot = view.snapshot;
  if (!snapshot) return null;
  const probe: EncoderProbeSnapshot | null = snapshot.encoderProbe ?? null;
  const probing = probe?.state === 'probing';
  const result = probe?.result ?? null;
  const canvas = snapshot.canvas;
  const reprobe = (): void => void api.encoder.probe({ force: true }).catch(report);

  return (
    <section className="panel encoders" data-testid="encoder-panel" data-probe-state={probe?.state ?? 'none'}>
      <h2 className="panel__title">
        Encoders {probing && <span className="panel__hint">probing…</span>}
      </h2>
      {probe?.auto && (
        <div data-testid="encoder-auto" data-encoder={probe.auto.encoderId ?? ''} data-holds-rate={String(probe.auto.holdsRate)}>
          <div>
            <strong>Auto:</strong> <span data-testid="encoder-auto-reason">{probe.auto.reason}</span>
          </div>
          {probe.auto.profile && (
            <div className="muted" data-testid="encoder-profile">
              {probe.auto.profile}
            </div>
          )}
          {probe.auto.warnings.map((w) => (
            <div key={w} className="panel__hint">
              ⚠ {w}
            </div>
          ))}
        </div>
      )}
      <EncoderSettingsForm snapshot={snapshot} />
      {probe?.error && <div className="panel__hint">Probe failed: {probe.error}</div>}
      {result ? (
        <ul className="log__lines" data-testid="encoder-families">
          {result.families.map((family) => {
            const encoders = result.encoders.filter((e) => e.family === family.family);
            const state = familyState(family, encoders);
            return (
              <li key={family.family} data-testid={`encoder-family-${family.family}`} data-state={state}>
                <div>
                  <strong>{family.label}</strong> <span className={badgeClass[state]}>{state === 'notListed' ? 'not in this ffmpeg' : state}</span>
                  {!family.hardware && <span className="muted"> software</span>}
                </div>
                <ul>
                  {encoders.map((e) => (
                    <EncoderRow key={e.id} encoder={e} />
                  ))}
                </ul>
              </li>
            );
          })}
        </ul>
      ) : (
        <div className="muted">{probing ? 'Test-encoding every encoder this ffmpeg lists…' : 'Not probed yet.'}</div>
      )}
      <div className="muted">
        {result &&
          `${result.fromCache ? 'Cached probe' : 'Probed'} at ${result.canvas.width}x${result.canvas.height}@${result.canvas.fps}: availability ${result.availabilityMs} ms, total ${result.totalMs} ms. `}
        {result && (result.canvas.width !== canvas.width || result.canvas.height !== canvas.height) && 'The canvas changed since. '}
      </div>
      <button className="btn btn--tiny" data-testid="encoder-reprobe" disabled={probing} onClick={reprobe}>
        Re-probe
      </button>
    </section>
  );
}

function EncoderRow({ encoder: e }: { readonly encoder: EncoderCapability }) {
  const state = e.state === 'working' && !e.acceptsCanvas ? 'canvas' : e.state;
  return (
    <li data-testid={`encoder-${e.id}`} data-state={e.state} data-accepts-canvas={String(e.acceptsCanvas)} data-fps={e.fps ?? ''}>
      {e.label} {e.device && <span className="muted">{e.device}</span>}{' '}
      <span className={badgeClass[state]}>{state === 'canvas' ? 'not at this canvas' : e.state}</span>
      {e.fps !== null && <span data-testid="encoder-fps"> {e.fps} fps</span>}
      {e.reason && <span className="muted"> — {e.reason}</span>}
    </li>
  );
}
