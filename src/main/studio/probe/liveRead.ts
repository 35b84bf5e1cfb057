// The limits of reading a live stream with the probe's own readers (RTMP, HTTP-FLV):
// `seconds` of stream time, a wall-clock `timeoutMs`, and the caller's signal. Each
// ends the read with what arrived; only a timeout with no video at all is an error.
import { ProbeError } from './probeTypes';

export interface LiveReadLimits {
  /** Stop after this much stream time (from the first picture's timestamp). */
  readonly seconds?: number;
  /** Wall clock; default seconds + 20 s when `seconds` is given, otherwise none. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** The input as it may be shown (stream name masked). */
  readonly shown: string;
}

export interface LiveReadControl {
  /** Ends the read when aborted. */
  readonly signal: AbortSignal;
  /** Call with each picture's timestamp (ms) for the `seconds` limit. */
  noteTime(ms: number): void;
}

/** Runs `read` under the limits; `videoFrames` says whether anything arrived. */
export async function readLive(limits: LiveReadLimits, videoFrames: () => number, read: (control: LiveReadControl) => Promise<void>): Promise<void> {
  const stop = new AbortController();
  const onCallerAbort = (): void => stop.abort();
  if (limits.signal?.aborted) stop.abort();
  limits.signal?.addEventListener('abort', onCallerAbort, { once: true });
  const timeoutMs = limits.timeoutMs ?? (limits.seconds !== undefined ? limits.seconds * 1000 + 20_000 : undefined);
  let timedOut = false;
  const timer =
    timeoutMs !== undefined
      ? setTimeout(() => {
          timedOut = true;
          stop.abort();
        }, timeoutMs)
      : null;
  let first: number | null = null;
  const limitMs = limits.seconds !== undefined ? limits.seconds * 1000 : null;
  const noteTime = (ms: number): void => {
    first ??= ms;
    if (limitMs !== null && ms - first >= limitMs) stop.abort();
  };
  try {
    await read({ signal: stop.signal, noteTime });
  } finally {
    if (timer) clearTimeout(timer);
    limits.signal?.removeEventListener('abort', onCallerAbort);
  }
  if (timedOut && videoFrames() === 0) throw new ProbeError(`cannot read ${limits.shown}: no video within ${timeoutMs} ms`);
}
