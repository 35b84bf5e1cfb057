import { createContext, useContext, useSyncExternalStore } from 'react';
import type { StudioApi } from '../shared/contract';
import type { StudioStore, StudioView } from './studioStore';

export interface StudioContextValue {
  readonly api: StudioApi;
  readonly store: StudioStore;
  /** Shows a failed request to the operator (toast); dialogs show theirs inline instead. */
  readonly report: (error: unknown) => void;
}

export const StudioContext = createContext<StudioContextValue | null>(null);

export function useStudio(): StudioContextValue & { view: StudioView } {
  const ctx = useContext(StudioContext);
  if (!ctx) throw new Error('useStudio outside <StudioContext>');
  const view = useSyncExternalStore(ctx.store.subscribe, ctx.store.getView);
  return { ...ctx, view };
}
