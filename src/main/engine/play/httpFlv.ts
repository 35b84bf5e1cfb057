// HTTP-FLV playback (node-media-server, SRS and most CDNs serve it): the FLV bytes
// of a GET response, read byte for byte so cue points survive (an ffmpeg remux
// drops them, spec "AMF0").
import http from 'node:http';
import https from 'node:https';
import { PlayError } from './playError';

export interface HttpFlvOptions {
  readonly url: string;
  /** Until the response headers arrive. */
  readonly connectTimeoutMs: number;
  /** Ends the download (resolving, not rejecting). */
  readonly signal: AbortSignal;
  /** https: check the server's certificate against the system's CAs (default true). */
  readonly verifyCertificate?: boolean;
  readonly onPlaying?: () => void;
  readonly onBytes: (chunk: Buffer) => void;
}

/** http(s)://…/name.flv (a query may follow). */
export function isHttpFlvUrl(input: string): boolean {
  try {
    const url = new URL(input);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.pathname.toLowerCase().endsWith('.flv');
  } catch {
    return false;
  }
}

/** The URL down to scheme://host/path-without-the-stream-name, for messages. */
function shown(url: URL): string {
  const dir = url.pathname.slice(0, url.pathname.lastIndexOf('/') + 1);
  return `${url.protocol}//${url.host}${dir}***`;
}

/** Resolves when the server ends the response or `signal` aborts; rejects with a PlayError. */
export function readHttpFlv(options: HttpFlvOptions): Promise<void> {
  const url = new URL(options.url);
  const where = shown(url);
  return new Promise<void>((resolve, reject) => {
    if (options.signal.aborted) return resolve();
    let done = false;
    const headers = { 'user-agent': 'cuecast' };
    const req =
      url.protocol === 'https:'
        ? https.get(url, { headers, rejectUnauthorized: options.verifyCertificate ?? true })
        : http.get(url, { headers });
    const timer = setTimeout(() => end(new PlayError(`cannot read ${where}: no answer within ${options.connectTimeoutMs} ms`)), options.connectTimeoutMs);
    const onAbort = (): void => end(null);
    options.signal.addEventListener('abort', onAbort, { once: true });
    function end(err: PlayError | null): void {
      if (done) return;
      done = true;
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      req.destroy();
      if (err) reject(err);
      else resolve();
    }
    req.on('error', (err: NodeJS.ErrnoException) => end(new PlayError(`cannot read ${where}: ${err.code === 'ECONNREFUSED' ? 'connection refused' : err.message}`)));
    req.on('response', (res) => {
      clearTimeout(timer);
      if (res.statusCode !== 200) {
        res.resume();
        return end(new PlayError(`cannot read ${where}: HTTP ${res.statusCode}`));
      }
      options.onPlaying?.();
      res.on('data', (chunk: Buffer) => {
        if (done) return;
        try {
          options.onBytes(chunk);
        } catch (err) {
          end(err instanceof PlayError ? err : new PlayError(`cannot read ${where}: ${(err as Error).message}`));
        }
      });
      res.on('end', () => end(null));
      // A response cut off after it began is the end of the stream, as for a player.
      res.on('error', () => end(null));
      res.on('close', () => end(null));
    });
  });
}
