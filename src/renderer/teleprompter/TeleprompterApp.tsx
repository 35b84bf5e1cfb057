import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { StudioApi } from '../../shared/contract';
import { StudioContext, type StudioContextValue } from '../studioContext';
import type { StudioStore } from '../studioStore';
import { PrompterScreen } from './PrompterScreen';

const errorMs = 6_000;

/**
 * The teleprompter page: the same bundle and connection as the control room (the
 * preload in Electron, the host's WebSocket with the page's token in a browser or on
 * a tablet), reached with `?view=teleprompter`.
 */
export function TeleprompterApp({ api, store }: { readonly api: StudioApi; readonly store: StudioStore }) {
  const [error, setError] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const report = useCallback((err: unknown) => {
    setError(err instanceof Error ? err.message : String(err));
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setError(null), errorMs);
  }, []);
  useEffect(() => {
    document.title = 'Cuecast — Teleprompter';
    return () => clearTimeout(timer.current);
  }, []);
  const ctx = useMemo<StudioContextValue>(() => ({ api, store, report }), [api, store, report]);
  return (
    <StudioContext.Provider value={ctx}>
      <PrompterScreen error={error} />
    </StudioContext.Provider>
  );
}
