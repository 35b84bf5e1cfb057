import { useState } from 'react';
import { ingestPreset } from '../../shared/ingestPresets';
import type { MetadataSenderInfo, OutputInfo } from '../../shared/model';
import { previewUrl } from '../inputs';
import { useStudio } from '../studioContext';
import { formatBytes, isRunning, outputStateText, protocolLabel } from './destinationFormat';
import { PolledPreview } from './PolledPreview';

/**
 * One destination: its live state in the control room's colours, the figures that say
 * whether it keeps up (bitrate, queue, drops, reconnects), its metadata carriers and
 * their counters. Everything here is main's snapshot; buttons only ask.
 */
export function DestinationRow({ output }: { readonly output: OutputInfo }) {
  const { api, report, view } = useStudio();
  const [confirming, setConfirming] = useState(false);
  const running = isRunning(output.state);
  const presetName = output.rehearsal ? 'Built-in rehearsal ingest' : output.kind === 'record' ? 'Local recording' : (ingestPreset(output.presetId)?.name ?? output.presetId);
  const id = output.id;

  const goLive = (): void => {
    // An output that failed may still be held by main: stop it first so the start is real.
    const start = output.state === 'error' ? api.output.stop({ id }).then(() => api.output.start({ id })) : api.output.start({ id });
    start.catch(report);
  };

  return (
    <li
      className={`output output--${output.state}`}
      data-testid={`destination-row-${id}`}
      data-state={output.state}
      data-kind={output.kind}
      data-bitrate={Math.round(output.bitrateKbps)}
      data-queued-bytes={output.queuedBytes}
    >
      <div className="output__head">
        <span className={`pill pill--${output.state}`} data-testid={`destination-state-${id}`}>
          {outputStateText[output.state]}
        </span>
        <span className="output__name" title={output.name}>
          {output.name}
        </span>
        <span className="output__kind" data-testid={`destination-protocol-${id}`}>
          {protocolLabel(output)}
        </span>
        {running ? (
          <button className="btn btn--tiny btn--danger" data-testid={`destination-stop-${id}`} onClick={() => api.output.stop({ id }).catch(report)}>
            Stop
          </button>
        ) : (
          <button className="btn btn--tiny btn--golive" data-testid={`destination-go-live-${id}`} onClick={goLive}>
            {output.state === 'error' ? 'Retry' : 'Go live'}
          </button>
        )}
        {confirming ? (
          <span className="tile__confirm">
            <button
              className="btn btn--danger btn--tiny"
              data-testid={`destination-remove-confirm-${id}`}
              disabled={running}
              onClick={() => {
                setConfirming(false);
                api.output.remove({ id }).catch(report);
              }}
            >
              Remove
            </button>
            <button className="btn btn--tiny" onClick={() => setConfirming(false)}>
              Keep
            </button>
          </span>
        ) : (
          <button
            className="btn btn--tiny btn--ghost"
            title={running ? 'Stop it before removing' : `Remove ${output.name}`}
            aria-label={`Remove ${output.name}`}
            data-testid={`destination-remove-${id}`}
            disabled={running}
            onClick={() => setConfirming(true)}
          >
            ×
          </button>
        )}
      </div>
      <div className="output__target" title={output.target}>
        <span className="dest__preset">{presetName}</span> · {output.target}
      </div>
      <div className="dest__badges">
        {output.kind !== 'record' && !output.rehearsal && (
          <span className={`tag${output.hasKey ? ' tag--kept' : ''}`} data-testid={`destination-key-${id}`} data-has-key={output.hasKey}>
            {output.hasKey ? 'key stored' : 'no key'}
          </span>
        )}
        {output.cuePoints && (
          <span className="tag tag--proto" data-testid={`destination-cue-${id}`}>
            cue points
          </span>
        )}
        {output.metadataSender && <SenderBadge id={id} sender={output.metadataSender} />}
      </div>
      <div className="output__stats" data-testid={`destination-stats-${id}`}>
        <span title="Bitrate sent">{output.bitrateKbps.toFixed(0)} kb/s</span>
        <span title="Bytes waiting to go out" data-testid={`destination-queue-${id}`}>
          queue {formatBytes(output.queuedBytes)}
        </span>
        <span title="Frames dropped for this destination">drop {output.droppedFrames}</span>
        <span title="Reconnects">reconn {output.reconnects}</span>
      </div>
      {output.rehearsal && output.state === 'live' && (
        <figure className="output__received" data-testid="rehearsal-received">
          {/* Decoded by the rehearsal ingest itself: what a platform would receive. */}
          <PolledPreview url={previewUrl(view.snapshot?.previewUrlTemplate ?? null, 'rehearsal')} label="Received by the rehearsal ingest" fps={5} />
          <figcaption>What the ingest receives</figcaption>
        </figure>
      )}
      {output.kind === 'record' && <RecordingFiles output={output} />}
      {output.lastError && (
        <div className="output__error" data-testid={`destination-error-${id}`}>
          {output.lastError}
        </div>
      )}
    </li>
  );
}

const senderStateClass: Readonly<Record<MetadataSenderInfo['state'], string>> = {
  idle: '',
  ok: ' tag--kept',
  retrying: ' tag--warn',
  failing: ' tag--error',
};

function SenderBadge({ id, sender }: { id: string; sender: MetadataSenderInfo }) {
  const title = `${sender.target}\nretries ${sender.retries} · refused (over 1 KB) ${sender.refusedOversize} · queued ${sender.queueDepth}`;
  return (
    <span className="dest__sender" data-testid={`destination-sender-${id}`} data-sender-state={sender.state} title={title}>
      <span className={`tag${senderStateClass[sender.state]}`}>
        {sender.kind === 'ivs' ? 'IVS' : 'webhook'} · {sender.state}
      </span>
      <span className="dest__counters">
        {sender.sent} sent · {sender.failed} failed · {sender.coalesced} coalesced
      </span>
      {sender.lastError && <span className="output__error dest__sender-error">{sender.lastError}</span>}
    </span>
  );
}

function RecordingFiles({ output }: { output: OutputInfo }) {
  const files: [string, string | null][] = [
    ['file', output.file],
    ['sidecar', output.sidecarFile],
    ['chapters', output.chaptersFile],
  ];
  const present = files.filter((f): f is [string, string] => f[1] !== null);
  if (present.length === 0) return null;
  return (
    <ul className="dest__files" data-testid={`destination-files-${output.id}`}>
      {present.map(([label, path]) => (
        <li key={label} className={label === 'file' ? 'output__file' : 'output__target'} title={path}>
          {label === 'file' ? '● ' : `${label}: `}
          {path}
        </li>
      ))}
    </ul>
  );
}
