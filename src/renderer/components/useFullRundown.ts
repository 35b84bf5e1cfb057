import { useEffect, useState } from 'react';
import type { StudioApi } from '../../shared/contract';
import type { Rundown } from '../../shared/rundown';
import type { ConnectionState } from '../webSocketStudio';

export interface FullRundown {
  readonly rundown: Rundown | null;
  readonly error: string | null;
}

/**
 * The whole rundown, scripts included. The snapshot carries only a summary and a
 * revision (commerceModel.ts), so this asks rundown:get again whenever the revision
 * moves, and after a reconnect, when edits may have been missed.
 */
export function useFullRundown(api: StudioApi, revision: number | undefined, connection: ConnectionState): FullRundown {
  const [state, setState] = useState<FullRundown>({ rundown: null, error: null });
  useEffect(() => {
    if (revision === undefined || connection !== 'open') return;
    // A slower answer to an older revision must not overwrite a newer one.
    let current = true;
    api.rundown
      .get()
      .then((rundown) => current && setState({ rundown, error: null }))
      .catch((err: unknown) => current && setState((s) => ({ rundown: s.rundown, error: err instanceof Error ? err.message : String(err) })));
    return () => {
      current = false;
    };
  }, [api, revision, connection]);
  return state;
}
