// Destination URLs as operators paste them: rtmp[s]://host[:port]/app[/more][?query].
// The stream key travels separately (it is a secret; see redact.ts).

export interface RtmpTarget {
  readonly secure: boolean;
  readonly host: string;
  readonly port: number;
  /** Everything after the first slash, query included, as ffmpeg's rtmpproto does. */
  readonly app: string;
  /** The `tcUrl` of the connect command (RTMP spec §7.2.1.1). */
  readonly tcUrl: string;
}

export class RtmpUrlError extends Error {}

// RTMP's registered port; RTMPS ingests (YouTube, Facebook) listen on HTTPS's.
const DEFAULT_PORT = { rtmp: 1935, rtmps: 443 } as const;

export function parseRtmpUrl(text: string): RtmpTarget {
  const trimmed = text.trim();
  if (trimmed === '') throw new RtmpUrlError('the server URL is empty (expected rtmp://host/app)');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)?.[1]?.toLowerCase();
  if (!scheme) throw new RtmpUrlError(`"${trimmed}" is not a URL (expected rtmp://host/app or rtmps://host/app)`);
  if (scheme !== 'rtmp' && scheme !== 'rtmps') {
    throw new RtmpUrlError(`unsupported scheme "${scheme}://" in "${trimmed}" (use rtmp:// or rtmps://)`);
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new RtmpUrlError(`"${trimmed}" is not a valid URL (expected ${scheme}://host[:port]/app)`);
  }
  const host = url.hostname;
  if (!host) throw new RtmpUrlError(`no host in "${trimmed}" (expected ${scheme}://host[:port]/app)`);
  const port = url.port === '' ? DEFAULT_PORT[scheme] : Number(url.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RtmpUrlError(`bad port in "${trimmed}"`);
  const path = url.pathname.replace(/^\/+/, '').replace(/\/+$/, '');
  if (path === '') throw new RtmpUrlError(`no application name in "${trimmed}" (expected ${scheme}://${host}/app, e.g. /live)`);
  const app = path + url.search;
  return { secure: scheme === 'rtmps', host, port, app, tcUrl: `${scheme}://${host}:${port}/${app}` };
}
