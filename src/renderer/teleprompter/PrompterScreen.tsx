import { useEffect, useMemo, useRef, useState } from 'react';
import type { StudioSnapshot } from '../../shared/model';
import { formatElapsed } from '../components/commerceFormat';
import { useFullRundown } from '../components/useFullRundown';
import { useNow } from '../components/useNow';
import { useStudio } from '../studioContext';
import { PrompterControlBar } from './PrompterControlBar';
import { markerOffset, PrompterScript } from './PrompterScript';
import { PrompterSide } from './PrompterSide';
import { PrompterTally } from './PrompterTally';
import { scriptMarkers } from './scriptLines';
import { useAutoScroll } from './useAutoScroll';
import { usePrompterKeys } from './usePrompterKeys';

/** Must match `.prompter__script` line-height in styles.css: speed is in lines per minute. */
const lineHeight = 1.3;

/** The teleprompter: waits for the studio's first snapshot, then shows the show. */
export function PrompterScreen({ error }: { readonly error: string | null }) {
  const { view } = useStudio();
  // A studio without the commerce side (an older host) has nothing to prompt.
  if (!view.snapshot?.commerce) {
    return (
      <div className="prompter prompter--waiting" data-testid="teleprompter">
        <div className="prompter__waiting">{view.snapshot ? 'This studio has no rundown.' : 'Waiting for the studio…'}</div>
      </div>
    );
  }
  return <PrompterLive snapshot={view.snapshot} error={error} />;
}

function PrompterLive({ snapshot, error }: { readonly snapshot: StudioSnapshot; readonly error: string | null }) {
  const { api, view, report } = useStudio();
  const { rundown, teleprompter: settings } = snapshot.commerce;
  const full = useFullRundown(api, rundown.revision, view.connection);
  const now = useNow(250);
  const live = rundown.onAir !== null;
  // Before the first take the host reads ahead in the cued segment's script.
  const segmentId = rundown.onAir?.id ?? rundown.nextId;
  const summary = rundown.segments.find((s) => s.id === segmentId) ?? null;
  const script = full.rundown?.segments.find((s) => s.id === segmentId)?.script ?? '';
  const markers = useMemo(() => scriptMarkers(script), [script]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const linePx = settings.fontSizePx * lineHeight;
  const driver = useAutoScroll(scrollRef, (settings.speed * linePx) / 60, settings.running);
  const [notice, setNotice] = useState<string | null>(null);

  // A take brings the new segment's script in from its top.
  useEffect(() => driver.scrollTo(0), [segmentId, driver]);

  // Jumps come from any client (this one's keys included) through main, numbered so
  // that the same marker twice still jumps; the one already there when the page opened is history.
  const seenJump = useRef(settings.jump?.seq ?? 0);
  useEffect(() => {
    const jump = settings.jump;
    if (!jump || jump.seq === seenJump.current) return;
    seenJump.current = jump.seq;
    const offset = scrollRef.current ? markerOffset(scrollRef.current, jump.marker) : null;
    if (offset === null) setNotice(`No marker “${jump.marker}” in this script`);
    else {
      setNotice(null);
      driver.scrollTo(offset);
    }
  }, [settings.jump, driver]);

  // Relative changes, so that pedal presses quicker than the round trip to main all count.
  const toggleRunning = (): void => void api.teleprompter.set({ toggleRunning: true }).catch(report);
  const faster = (delta: number): void => void api.teleprompter.set({ speedBy: delta }).catch(report);
  const jump = (marker: string): void => void api.teleprompter.jump({ marker }).catch(report);
  usePrompterKeys({
    toggleRunning,
    faster,
    step: (direction, size) => {
      const page = (scrollRef.current?.clientHeight ?? 0) * 0.6;
      driver.scrollBy(direction * (size === 'page' ? page : 2 * linePx));
    },
    toTop: () => driver.scrollTo(0),
    jumpToMarker: (index) => {
      const marker = markers[index];
      if (marker) jump(marker);
    },
  });

  const message = settings.message;
  return (
    <div
      className={`prompter${settings.mirror ? ' prompter--mirror' : ''}`}
      data-testid="teleprompter"
      data-mirror={settings.mirror}
      data-running={settings.running}
      data-segment={segmentId ?? ''}
    >
      {/*
        Everything the host reads: with beam-splitter glass they read its reflection,
        so all of it (script, tally, figures, messages) is flipped together, and the
        side panel lands on the side it has on an unmirrored screen. Only the
        operator's bar below stays unflipped, for whoever looks at the screen directly.
      */}
      <div className="prompter__glass" data-testid="prompter-glass">
        <PrompterTally snapshot={snapshot} segment={live ? summary : null} linked={view.connection === 'open'} />
        {message && (
          <div className="prompter__message" key={message.atMs} role="alert" data-testid="prompter-message">
            {message.text}
            <small>{formatElapsed(now - message.atMs)} ago</small>
          </div>
        )}
        <div className="prompter__body">
          {/* Before the first take the tally says STANDBY and the side UP NEXT: the script itself stays clean. */}
          <PrompterScript scrollRef={scrollRef} script={script} fontSizePx={settings.fontSizePx} segmentId={segmentId} />
          <PrompterSide commerce={snapshot.commerce} segment={summary} live={live} now={now} />
        </div>
      </div>
      <PrompterControlBar
        settings={settings}
        markers={markers}
        connection={view.connection}
        error={error ?? notice ?? full.error}
        set={(patch) => void api.teleprompter.set(patch).catch(report)}
        faster={faster}
        toggleRunning={toggleRunning}
        jump={jump}
      />
    </div>
  );
}
