import type { LogEntry, StudioSnapshot } from '../shared/model';
import type { ConnectionState, StudioConnection } from './webSocketStudio';

export interface StudioView {
  /** Main's latest snapshot; null until the first one arrives. */
  readonly snapshot: StudioSnapshot | null;
  readonly connection: ConnectionState;
  /** Recent operator log lines, oldest first. */
  readonly log: readonly LogEntry[];
}

const maxLogLines = 200;
const logKey = (e: LogEntry): string => `${e.at}|${e.level}|${e.message}`;

/**
 * A cache of main's snapshot for useSyncExternalStore (STYLE.md rule 5): the UI never
 * edits it, it only asks main and waits for the broadcast. Each change replaces the
 * view object so React sees a new reference.
 */
export class StudioStore {
  private view: StudioView;
  private readonly listeners = new Set<() => void>();
  /** Bumped by every studio:state event so an older getState answer cannot overwrite it. */
  private stateEpoch = 0;

  constructor(private readonly connection: StudioConnection) {
    this.view = { snapshot: null, connection: connection.state(), log: [] };
  }

  /** Starts listening; returns the stop function. */
  start(): () => void {
    const { api } = this.connection;
    const stops = [
      api.on('studio:state', (snapshot) => {
        this.stateEpoch++;
        this.applySnapshot(snapshot);
      }),
      // Tally arrives on the exact frame of a cut, ahead of the coalesced snapshot.
      api.on('switcher:tally', ({ switcher }) => {
        const { snapshot } = this.view;
        if (snapshot) this.set({ snapshot: { ...snapshot, switcher } });
      }),
      api.on('studio:log', (entry) => this.set({ log: mergeLog(this.view.log, [entry]) })),
      this.connection.onState((connection) => {
        this.set({ connection });
        if (connection === 'open') this.refresh();
      }),
    ];
    if (this.connection.state() === 'open') this.refresh();
    return () => stops.forEach((stop) => stop());
  }

  readonly subscribe = (cb: () => void): (() => void) => {
    this.listeners.add(cb);
    return () => void this.listeners.delete(cb);
  };

  readonly getView = (): StudioView => this.view;

  private refresh(): void {
    const epoch = this.stateEpoch;
    this.connection.api.studio
      .getState()
      .then((snapshot) => {
        if (epoch === this.stateEpoch) this.applySnapshot(snapshot);
      })
      .catch(() => {
        // The link dropped again; the next 'open' refreshes.
      });
  }

  private applySnapshot(snapshot: StudioSnapshot): void {
    this.set({ snapshot, log: mergeLog(this.view.log, snapshot.log) });
  }

  private set(patch: Partial<StudioView>): void {
    this.view = { ...this.view, ...patch };
    for (const cb of this.listeners) cb();
  }
}

/** Snapshot logs and log events overlap; keep each line once, in time order. */
function mergeLog(current: readonly LogEntry[], incoming: readonly LogEntry[]): readonly LogEntry[] {
  if (incoming.length === 0) return current;
  const seen = new Set(current.map(logKey));
  const added = incoming.filter((e) => !seen.has(logKey(e)));
  if (added.length === 0) return current;
  const merged = [...current, ...added].sort((a, b) => a.at - b.at);
  return merged.slice(-maxLogLines);
}
