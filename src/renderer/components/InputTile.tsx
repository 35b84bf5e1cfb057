import { useState } from 'react';
import type { SourceState } from '../../shared/model';
import { type Input, type layoutPreview, type TallyState } from '../inputs';
import { LevelBar } from './LevelBar';
import { PolledPreview } from './PolledPreview';

interface Props {
  readonly input: Input;
  readonly tally: TallyState;
  readonly url: string | null;
  readonly layout: ReturnType<typeof layoutPreview>;
  readonly sceneSourceNames?: readonly string[];
  onPreview(): void;
  onCut(): void;
  onRemove(): void;
  onRestart(): void;
}

/** The multiview is for recognising shots, not judging motion: 6 fps per tile keeps the host light. */
const tileFps = 6;

const badgeText: Record<SourceState, string> = {
  starting: 'STARTING',
  live: 'LIVE',
  noSignal: 'NO SIGNAL',
  reconnecting: 'RECONNECTING',
  error: 'ERROR',
  stopped: 'STOPPED',
};

/** One multiview box: click for preview, double-click to cut, as on vMix and ATEM multiviews. */
export function InputTile({ input, tally, url, layout, sceneSourceNames, onPreview, onCut, onRemove, onRestart }: Props) {
  const [confirming, setConfirming] = useState(false);
  const source = input.kind === 'source' ? input.source : null;
  const state = source?.state;
  return (
    <div
      className={`tile tile--${tally}`}
      data-testid={`tile-${input.id}`}
      data-tally={tally}
      data-state={state ?? 'scene'}
      onClick={onPreview}
      onDoubleClick={onCut}
      role="button"
      tabIndex={-1}
    >
      <div className="tile__picture">
        <span className="no-picture">No preview</span>
        <PolledPreview url={url} layout={layout} label={input.name} fps={tileFps} />
        {source && state !== 'live' && (
          <div className={`tile__slate tile__slate--${state}`}>
            <span>{badgeText[source.state]}</span>
            {source.reason && (
              <small data-testid={`tile-reason-${input.id}`} title={source.reason}>
                {source.reason}
              </small>
            )}
            {(state === 'error' || state === 'reconnecting') && (
              <button
                className="btn btn--tiny"
                data-testid={`restart-${input.id}`}
                onClick={(e) => {
                  e.stopPropagation();
                  onRestart();
                }}
                onDoubleClick={(e) => e.stopPropagation()}
              >
                Retry now
              </button>
            )}
          </div>
        )}
        {source && (
          <span className={`badge badge--${source.state}`} data-testid={`tile-state-${input.id}`}>
            {badgeText[source.state]}
          </span>
        )}
        {source && <LevelBar db={source.audioLevelDb} testId={`tile-level-${input.id}`} />}
        {source && !source.hasAudio && (
          <span className="tile__no-audio" data-testid={`tile-no-audio-${input.id}`} title="This source has no sound of its own: it plays silence">
            no audio
          </span>
        )}
      </div>
      <div className="tile__caption">
        <span className="tile__number">{input.number}</span>
        <span className="tile__name" title={input.name}>
          {input.name}
        </span>
        <span className="tile__meta">
          {source ? kindLabel(source.spec.kind) : `${input.kind === 'scene' && input.scene.layout === 'pip' ? 'PiP' : 'Side by side'}: ${sceneSourceNames?.join(' + ') ?? ''}`}
        </span>
        {confirming ? (
          <span className="tile__confirm" onClick={(e) => e.stopPropagation()} onDoubleClick={(e) => e.stopPropagation()}>
            <button className="btn btn--danger btn--tiny" data-testid={`remove-confirm-${input.id}`} onClick={onRemove}>
              Remove
            </button>
            <button className="btn btn--tiny" onClick={() => setConfirming(false)}>
              Keep
            </button>
          </span>
        ) : (
          <button
            className="tile__remove"
            title={`Remove ${input.name}`}
            data-testid={`remove-${input.id}`}
            onClick={(e) => {
              e.stopPropagation();
              setConfirming(true);
            }}
            onDoubleClick={(e) => e.stopPropagation()}
          >
            ×
          </button>
        )}
      </div>
    </div>
  );
}

function kindLabel(kind: string): string {
  switch (kind) {
    case 'testPattern':
      return 'Test pattern';
    case 'mediaFile':
      return 'Media file';
    case 'networkFeed':
      return 'Network feed';
    default:
      return 'Capture';
  }
}
