// SRT destination URLs as operators paste them: srt://host:port[?option=value&...],
// with options as ffmpeg's libsrt reads them (its `latency` is in microseconds, not
// srt-live-transmit's milliseconds: specs/ingest-facts.md). The passphrase and the
// stream id are secrets (the id often holds the platform's stream key): they are
// never echoed in an error, and every caller redacts them with `secrets`.
import { redactUrls } from '../../redact';

export interface SrtTarget {
  /** As written; an IPv6 address keeps its brackets. */
  readonly host: string;
  readonly port: number;
  /** For logs and the operator: srt://host:port, no options. */
  readonly displayUrl: string;
  /** What ffmpeg is given: mode=caller, a latency and the stream id added when absent. Secret. */
  readonly ffmpegUrl: string;
  readonly latencyUs: number;
  /** The passphrase and stream id, to redact from every message. */
  readonly secrets: readonly string[];
}

export interface SrtUrlOptions {
  /** Sent as the SRT stream id when the URL has none. */
  readonly streamKey?: string;
  /** When the URL sets no latency (default 120 ms, SRT's own default). */
  readonly defaultLatencyMs?: number;
}

export class SrtUrlError extends Error {}

// ffmpeg copies each option into a 256-byte buffer (av_find_info_tag in libsrt.c):
// a longer value would be cut silently.
const MAX_OPTION_LENGTH = 255;
// SRT's PBKDF2 passphrase length (SRTO_PASSPHRASE: 10 to 79 characters).
const PASSPHRASE_MIN = 10;
const PASSPHRASE_MAX = 79;
const LATENCY_OPTIONS = ['latency', 'tsbpddelay', 'rcvlatency', 'peerlatency'];

export function parseSrtUrl(text: string, options: SrtUrlOptions = {}): SrtTarget {
  const trimmed = text.trim();
  const shown = redactUrls(trimmed);
  if (trimmed === '') throw new SrtUrlError('the server URL is empty (expected srt://host:port)');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)?.[1]?.toLowerCase();
  if (!scheme) throw new SrtUrlError(`"${shown}" is not a URL (expected srt://host:port)`);
  if (scheme !== 'srt') throw new SrtUrlError(`unsupported scheme "${scheme}://" in "${shown}" (use srt://host:port)`);
  const match = /^srt:\/\/(\[[0-9a-f:.]+\]|[^/?#:@[\]\s]*)(?::([^/?]*))?(\/?)(?:\?(.*))?$/i.exec(trimmed);
  if (!match) throw new SrtUrlError(`"${shown}" is not an SRT URL (expected srt://host:port, options after "?")`);
  const [, host = '', portText, , query = ''] = match;
  if (host === '') throw new SrtUrlError(`no host in "${shown}" (expected srt://host:port)`);
  if (portText === undefined || portText === '') throw new SrtUrlError(`no port in "${shown}": SRT has no default port (expected srt://${host}:port)`);
  const port = /^\d+$/.test(portText) ? Number(portText) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new SrtUrlError(`bad port "${portText}" in "${shown}" (1 to 65535)`);

  const { params, raw } = parseQuery(query);
  const mode = params.get('mode');
  if (mode !== undefined && mode !== 'caller') {
    throw new SrtUrlError(`mode=${mode} is not supported for a destination: the studio calls the ingest (mode=caller)`);
  }
  for (const key of LATENCY_OPTIONS) {
    const value = params.get(key);
    if (value === undefined) continue;
    if (!/^\d+$/.test(value)) throw new SrtUrlError(`${key}=${value} is not a number of microseconds`);
    // Operators copy milliseconds from srt-live-transmit or a platform's page.
    if (Number(value) > 0 && Number(value) < 1000) {
      throw new SrtUrlError(`${key}=${value} is in microseconds in srt:// URLs, i.e. under 1 ms; for ${value} ms write ${key}=${Number(value) * 1000}`);
    }
  }
  const passphrase = params.get('passphrase');
  if (passphrase !== undefined && (passphrase.length < PASSPHRASE_MIN || passphrase.length > PASSPHRASE_MAX)) {
    throw new SrtUrlError(`the SRT passphrase must be ${PASSPHRASE_MIN} to ${PASSPHRASE_MAX} characters (it has ${passphrase.length})`);
  }
  const pbkeylen = params.get('pbkeylen');
  if (pbkeylen !== undefined && !['16', '24', '32'].includes(pbkeylen)) throw new SrtUrlError(`pbkeylen=${pbkeylen} must be 16, 24 or 32`);

  let streamId = params.get('streamid');
  const key = options.streamKey === undefined || options.streamKey === '' ? undefined : options.streamKey;
  if (key !== undefined) {
    if (streamId !== undefined) throw new SrtUrlError('the URL already has a streamid: give the stream id either in the URL or as the stream key, not both');
    // '&' would end the option and ffmpeg reads '+' as a space.
    if (/[&+\s]/.test(key)) throw new SrtUrlError('the stream key cannot be sent as an SRT stream id: it contains a space, "&" or "+"');
    streamId = key;
  }
  for (const [name, value] of [['streamid', streamId], ['passphrase', passphrase]] as const) {
    if (value !== undefined && value.length > MAX_OPTION_LENGTH) throw new SrtUrlError(`the SRT ${name} is longer than ${MAX_OPTION_LENGTH} characters`);
  }

  const latencyUs = Number(params.get('latency') ?? params.get('tsbpddelay') ?? Math.round((options.defaultLatencyMs ?? 120) * 1000));
  const extra: string[] = [];
  if (mode === undefined) extra.push('mode=caller');
  if (!params.has('latency') && !params.has('tsbpddelay')) extra.push(`latency=${latencyUs}`);
  if (key !== undefined) extra.push(`streamid=${key}`);
  // The operator's options go through as typed: ffmpeg does no %-decoding of them.
  const all = [...extra, ...(query === '' ? [] : [query])].join('&');
  return {
    host,
    port,
    displayUrl: `srt://${host}:${port}`,
    ffmpegUrl: `srt://${host}:${port}?${all}`,
    latencyUs,
    // As ffmpeg reads them and as typed (they differ by '+'), for redaction.
    secrets: [...new Set([passphrase, streamId, ...raw])].filter((s): s is string => s !== undefined && s !== ''),
  };
}

/**
 * key=value pairs as libsrt reads them (av_find_info_tag): split on '&', names
 * case-sensitive, the first occurrence wins, '+' reads as a space, no %-decoding.
 */
function parseQuery(query: string): { params: Map<string, string>; raw: string[] } {
  const params = new Map<string, string>();
  const raw: string[] = [];
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? '' : pair.slice(eq + 1);
    if (params.has(key)) continue;
    params.set(key, value.replace(/\+/g, ' '));
    if (key === 'passphrase' || key === 'streamid') raw.push(value);
  }
  return { params, raw };
}
