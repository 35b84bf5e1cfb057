// How the destinations and metadata panels put main's numbers into words. Pure
// functions, so they are unit-tested without a page.
import type { OutputInfo, OutputState } from '../../shared/model';

/** States in which main holds a connection or file open for the destination. */
const runningStates: ReadonlySet<OutputState> = new Set(['connecting', 'live', 'reconnecting', 'stopping']);

export function isRunning(state: OutputState): boolean {
  return runningStates.has(state);
}

/** A queue depth as the operator reads it: bytes up to 1 KB, then KB, then MB (1024-based). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1024) return `${Math.max(0, Math.round(bytes || 0))} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

const two = (n: number): string => String(n).padStart(2, '0');

/** Local wall-clock time with milliseconds, HH:MM:SS.mmm, as a studio log shows it. */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** Presentation time on the encoder's timeline, in seconds with milliseconds. */
export function formatPts(ptsMs: number | null): string {
  return ptsMs === null ? '—' : `${(ptsMs / 1000).toFixed(3)} s`;
}

/** The `{placeholders}` of a preset's URL template still left in what the operator typed. */
export function urlPlaceholders(url: string): string[] {
  return url.match(/\{[^{}]*\}/g) ?? [];
}

/** Splits a URL into plain text and placeholder parts, for highlighting. */
export function splitPlaceholders(url: string): { readonly text: string; readonly placeholder: boolean }[] {
  return url
    .split(/(\{[^{}]*\})/)
    .filter((part) => part !== '')
    .map((text) => ({ text, placeholder: /^\{[^{}]*\}$/.test(text) }));
}

/** The badge beside a destination's name: the protocol on the wire, or REC for a recording. */
export function protocolLabel(output: Pick<OutputInfo, 'kind' | 'target'>): string {
  if (output.kind === 'record') return 'REC';
  if (output.kind === 'srt') return 'SRT';
  return /^rtmps:/i.test(output.target) ? 'RTMPS' : 'RTMP';
}

export const outputStateText: Readonly<Record<OutputState, string>> = {
  idle: 'IDLE',
  connecting: 'CONNECTING',
  live: 'LIVE',
  reconnecting: 'RECONNECTING',
  error: 'ERROR',
  stopping: 'STOPPING',
};

/** "3 destinations, 2 live". */
export function destinationCounts(outputs: readonly Pick<OutputInfo, 'state'>[]): string {
  const live = outputs.filter((o) => o.state === 'live').length;
  const noun = outputs.length === 1 ? 'destination' : 'destinations';
  return `${outputs.length} ${noun}, ${live} live`;
}
