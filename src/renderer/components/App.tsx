import { useCallback, useMemo, useState } from 'react';
import { listInputs } from '../inputs';
import { StudioContext, useStudio, type StudioContextValue } from '../studioContext';
import type { StudioStore } from '../studioStore';
import type { StudioApi } from '../../shared/contract';
import { useHotkeys } from '../useHotkeys';
import { AddSceneDialog } from './AddSceneDialog';
import { AddSourceDialog } from './AddSourceDialog';
import { AudioPanel } from './AudioPanel';
import { CanvasPanel } from './CanvasPanel';
import { ConnectionBanner } from './ConnectionBanner';
import { DestinationsPanel } from './DestinationsPanel';
import { EncoderPanel } from './EncoderPanel';
import { HealthStrip } from './HealthStrip';
import { HotkeyLegend } from './HotkeyLegend';
import { InputBus } from './InputBus';
import { LogPanel } from './LogPanel';
import { MetadataTimelinePanel } from './MetadataTimelinePanel';
import { Monitors } from './Monitors';
import { Multiview } from './Multiview';
import { OrdersPanel } from './OrdersPanel';
import { RundownPanel } from './RundownPanel';
import { Toasts, type Toast } from './Toasts';

const toastMs = 6_000;
let toastSeq = 0;

export function App({ api, store }: { readonly api: StudioApi; readonly store: StudioStore }) {
  const [toasts, setToasts] = useState<readonly Toast[]>([]);
  const report = useCallback((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    const id = ++toastSeq;
    setToasts((t) => [...t.slice(-3), { id, message }]);
    setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), toastMs);
  }, []);
  const ctx = useMemo<StudioContextValue>(() => ({ api, store, report }), [api, store, report]);
  return (
    <StudioContext.Provider value={ctx}>
      <ControlRoom />
      <Toasts toasts={toasts} />
    </StudioContext.Provider>
  );
}

type DialogKind = 'source' | 'scene' | null;

function ControlRoom() {
  const { api, view, report } = useStudio();
  const [dialog, setDialog] = useState<DialogKind>(null);
  const snapshot = view.snapshot;
  const inputs = useMemo(() => (snapshot ? listInputs(snapshot) : []), [snapshot]);
  useHotkeys({ api, inputs, transition: snapshot?.switcher.transition ?? null, enabled: dialog === null, report });
  const close = useCallback(() => setDialog(null), []);

  return (
    <div className="app">
      <ConnectionBanner />
      <header className="topbar">
        <div className="brand">
          <span className="brand__mark">◉</span> CUECAST
        </div>
        <HealthStrip />
      </header>
      {snapshot ? (
        <>
          <main className="stage">
            <Monitors inputs={inputs} />
            <InputBus inputs={inputs} onAddSource={() => setDialog('source')} onAddScene={() => setDialog('scene')} />
            {/* The rundown sits under the monitors, beside the multiview: it runs the show. */}
            <div className={snapshot.commerce ? 'stage__show' : 'stage__show stage__show--plain'}>
              {snapshot.commerce && <RundownPanel commerce={snapshot.commerce} />}
              <Multiview inputs={inputs} />
            </div>
          </main>
          <aside className="sidebar">
            <DestinationsPanel />
            {snapshot.commerce && <OrdersPanel commerce={snapshot.commerce} />}
            <MetadataTimelinePanel />
            <AudioPanel />
            <CanvasPanel />
            <EncoderPanel />
            <HotkeyLegend />
            <LogPanel />
          </aside>
        </>
      ) : (
        <div className="loading">Waiting for the studio…</div>
      )}
      {dialog === 'source' && <AddSourceDialog onClose={close} />}
      {dialog === 'scene' && <AddSceneDialog onClose={close} />}
    </div>
  );
}
