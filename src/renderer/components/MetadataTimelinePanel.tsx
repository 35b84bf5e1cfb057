import type { MetadataInfo, MetadataTimelineEntry } from '../../shared/model';
import { useStudio } from '../studioContext';
import { formatClock, formatPts } from './destinationFormat';
import { MetadataSendForm } from './MetadataSendForm';

const stateText: Readonly<Record<MetadataTimelineEntry['state'], string>> = {
  pending: 'pending',
  sent: 'sent',
  late: 'late',
  noSei: 'no SEI',
};

/**
 * What commerce metadata went into the programme and when: the frame each change was
 * bound to, whether its access unit carried it on that frame, and how many
 * destinations, cue points and webhooks it reached. Newest first.
 */
export function MetadataTimelinePanel() {
  const { view } = useStudio();
  const metadata: MetadataInfo | undefined = view.snapshot?.metadata;
  if (!metadata) return null;
  const entries = [...metadata.timeline].reverse();
  return (
    <section className="panel timeline" data-testid="metadata-timeline">
      <h2 className="panel__title">Metadata timeline</h2>
      <div className="timeline__counters" data-testid="metadata-counters" title="SEI written by the mux stage">
        <Counter label="on time" value={metadata.onTime} testId="metadata-on-time" />
        <Counter label="late" value={metadata.late} testId="metadata-late" warn={metadata.late > 0} />
        <Counter label="keyframe repeats" value={metadata.repeats} testId="metadata-repeats" />
        <Counter label="dropped" value={metadata.dropped} testId="metadata-dropped" warn={metadata.dropped > 0} />
      </div>
      <MetadataSendForm />
      <ol className="timeline__entries">
        {entries.map((e) => (
          <TimelineEntry key={e.seq} entry={e} />
        ))}
        {entries.length === 0 && <li className="log__line--empty">Nothing sent yet.</li>}
      </ol>
    </section>
  );
}

function TimelineEntry({ entry: e }: { entry: MetadataTimelineEntry }) {
  return (
    <li
      className={`timeline__entry timeline__entry--${e.state}`}
      data-testid={`metadata-entry-${e.seq}`}
      data-state={e.state}
      data-frame={e.frame}
      data-kind={e.kind}
    >
      <div className="timeline__line">
        <time dateTime={new Date(e.requestedAtMs).toISOString()}>{formatClock(e.requestedAtMs)}</time>
        <span className="timeline__frame" title="Programme frame">
          #{e.frame}
        </span>
        <span className="timeline__kind">{e.kind}</span>
        <span className={`tag timeline__state timeline__state--${e.state}`} data-testid={`metadata-entry-state-${e.seq}`}>
          {stateText[e.state]}
        </span>
      </div>
      <div className="timeline__summary" title={e.summary}>
        {e.summary}
      </div>
      <div className="timeline__reach">
        <span title="Presentation time of the carrying access unit">pts {formatPts(e.ptsMs)}</span>
        <span>
          {e.destinations} dest · {e.cuePoints} cue · {e.webhooks} hook
        </span>
      </div>
    </li>
  );
}

function Counter({ label, value, testId, warn }: { label: string; value: number; testId: string; warn?: boolean }) {
  return (
    <span className={warn ? 'timeline__counter timeline__counter--warn' : 'timeline__counter'} data-testid={testId} data-value={value}>
      {label} <b>{value}</b>
    </span>
  );
}
