import {
  StudioError,
  type EventName,
  type EventPayloads,
  type RequestName,
  type StudioApi,
  type StudioErrorCode,
} from '../shared/contract';
import { buildStudioApi } from './buildStudioApi';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting';

/** A StudioApi plus the health of the link that carries it. */
export interface StudioConnection {
  readonly api: StudioApi;
  state(): ConnectionState;
  onState(cb: (state: ConnectionState) => void): () => void;
}

interface Pending {
  resolve(result: unknown): void;
  reject(error: StudioError): void;
}

const firstRetryMs = 500;
const maxRetryMs = 5_000;

/**
 * The contract over the headless host's WebSocket: requests carry ids and answer the
 * caller; events reach every client. A dropped link rejects what is in flight (the
 * operator must know a CUT did not happen) and reconnects with backoff.
 */
export function connectWebSocketStudio(url: string): StudioConnection {
  let socket: WebSocket | null = null;
  let nextId = 1;
  let state: ConnectionState = 'connecting';
  let retryMs = firstRetryMs;
  const pending = new Map<number, Pending>();
  const listeners = new Map<EventName, Set<(data: unknown) => void>>();
  const stateListeners = new Set<(state: ConnectionState) => void>();

  const setState = (next: ConnectionState): void => {
    if (next === state) return;
    state = next;
    for (const cb of stateListeners) cb(next);
  };

  const failPending = (): void => {
    for (const p of pending.values()) p.reject(new StudioError('unavailable', 'disconnected from the studio'));
    pending.clear();
  };

  const handleMessage = (raw: unknown): void => {
    if (typeof raw !== 'string') return;
    let msg: unknown;
    try {
      msg = JSON.parse(raw);
    } catch {
      return;
    }
    if (typeof msg !== 'object' || msg === null) return;
    if ('event' in msg && typeof msg.event === 'string') {
      const data = 'data' in msg ? msg.data : undefined;
      for (const cb of listeners.get(msg.event as EventName) ?? []) cb(data);
      return;
    }
    if (!('id' in msg) || typeof msg.id !== 'number') return;
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if ('ok' in msg && msg.ok === true) {
      p.resolve('result' in msg ? msg.result : undefined);
    } else {
      const err = 'error' in msg && typeof msg.error === 'object' && msg.error !== null ? msg.error : {};
      const code = 'code' in err && typeof err.code === 'string' ? (err.code as StudioErrorCode) : 'internal';
      const message = 'message' in err && typeof err.message === 'string' ? err.message : 'request failed';
      p.reject(new StudioError(code, message));
    }
  };

  const open = (): void => {
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      retryMs = firstRetryMs;
      setState('open');
    };
    ws.onmessage = (ev) => handleMessage(ev.data);
    // An error is always followed by close; reconnecting happens there, once.
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      failPending();
      setState('reconnecting');
      setTimeout(open, retryMs);
      retryMs = Math.min(retryMs * 2, maxRetryMs);
    };
  };

  const invoke = (request: RequestName, params: unknown): Promise<unknown> =>
    new Promise((resolve, reject) => {
      if (!socket || socket.readyState !== WebSocket.OPEN) {
        reject(new StudioError('unavailable', 'not connected to the studio'));
        return;
      }
      const id = nextId++;
      pending.set(id, { resolve, reject });
      socket.send(JSON.stringify({ id, request, params }));
    });

  const on = <E extends EventName>(event: E, cb: (data: EventPayloads[E]) => void): (() => void) => {
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set);
    // The server is the contract's other half: its payloads are typed by the event name.
    const wrapped = (data: unknown): void => cb(data as EventPayloads[E]);
    set.add(wrapped);
    return () => void set.delete(wrapped);
  };

  open();
  return {
    api: buildStudioApi(invoke, on),
    state: () => state,
    onState: (cb) => {
      stateListeners.add(cb);
      return () => void stateListeners.delete(cb);
    },
  };
}
