import type { OutputInfo, OutputState } from '../../shared/model';
import { previewUrl } from '../inputs';
import { useStudio } from '../studioContext';
import { PolledPreview } from './PolledPreview';

const stateText: Record<OutputState, string> = {
  idle: 'IDLE',
  connecting: 'CONNECTING',
  live: 'LIVE',
  reconnecting: 'RECONNECTING',
  error: 'ERROR',
  stopping: 'STOPPING',
};

export function OutputRow({ output }: { readonly output: OutputInfo }) {
  const { api, report, view } = useStudio();
  const running = output.state !== 'idle' && output.state !== 'error';
  return (
    <li
      className={`output output--${output.state}`}
      data-testid={`output-${output.id}`}
      data-state={output.state}
      data-bitrate={Math.round(output.bitrateKbps)}
    >
      <div className="output__head">
        <span className={`pill pill--${output.state}`} data-testid={`output-state-${output.id}`}>
          {stateText[output.state]}
        </span>
        <span className="output__name">{output.name}</span>
        <span className="output__kind">{output.kind === 'rtmp' ? 'RTMP' : 'REC'}</span>
        <button
          className={`btn btn--tiny${running ? ' btn--danger' : ''}`}
          data-testid={`output-toggle-${output.id}`}
          onClick={() => (running ? api.output.stop({ id: output.id }) : api.output.start({ id: output.id })).catch(report)}
        >
          {running ? 'Stop' : 'Start'}
        </button>
        {!running && (
          <button
            className="btn btn--tiny btn--ghost"
            title="Remove output"
            data-testid={`output-remove-${output.id}`}
            onClick={() => api.output.remove({ id: output.id }).catch(report)}
          >
            ×
          </button>
        )}
      </div>
      <div className="output__target" title={output.target}>
        {output.target}
        {output.kind === 'rtmp' && <span className="output__key">{output.hasKey ? ' · key saved' : ' · no key'}</span>}
      </div>
      <div className="output__stats">
        <span>{output.bitrateKbps.toFixed(0)} kb/s</span>
        <span>drop {output.droppedFrames}</span>
        <span>reconn {output.reconnects}</span>
      </div>
      {output.rehearsal && output.state === 'live' && (
        <figure className="output__received" data-testid="rehearsal-received">
          {/* Decoded by the rehearsal ingest itself: what a platform would receive. */}
          <PolledPreview url={previewUrl(view.snapshot?.previewUrlTemplate ?? null, 'rehearsal')} label="Received by the rehearsal ingest" fps={5} />
          <figcaption>What the ingest receives</figcaption>
        </figure>
      )}
      {output.file && (
        <div className="output__file" title={output.file}>
          ● {output.file}
        </div>
      )}
      {output.lastError && (
        <div className="output__error" data-testid={`output-error-${output.id}`}>
          {output.lastError}
        </div>
      )}
    </li>
  );
}
