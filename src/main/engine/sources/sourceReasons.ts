// Why a source is not live, in the operator's words. ffmpeg's first error line is
// precise but written for developers ("Server error: No such stream", "Error in the
// pull function."); each phrasing measured against a real server
// (networkFeeds.int.test.ts) gets a sentence that says what to check, with ffmpeg's
// own words kept at the end for support. Stream keys and passwords never show.
import type { SourceSpec } from '../../../shared/model';
import { redactUrls } from '../redact';

interface KnownFailure {
  readonly match: RegExp;
  /** Only for feeds whose URL matches this (by scheme); any source when absent. */
  readonly scheme?: RegExp;
  readonly say: (found: RegExpMatchArray) => string;
}

const KNOWN_FAILURES: readonly KnownFailure[] = [
  // nginx-rtmp, SRS: the application exists but nothing publishes that stream name.
  { match: /^Server error: No such stream/i, say: () => 'nothing is publishing this stream on the server (yet): check the stream name, or start the camera' },
  // nginx-rtmp closes the connection on an unknown application.
  { match: /^Input\/output error$/, scheme: /^rtmps?:/i, say: () => 'the server closed the connection: check the application name in the URL' },
  // libsrt reports a caller that found no listener, or was rejected, as a bare EIO.
  { match: /^Input\/output error$/, scheme: /^srt:/i, say: () => 'SRT connection failed (no listener answered, or it rejected the connection)' },
  // GnuTLS, when the far end does not speak TLS (rtmps:// or https:// to a plain port).
  { match: /^Error in the (pull|push) function\.?$/, say: () => 'the secure (TLS) connection failed: check that this server and port speak rtmps:// or https://' },
  { match: /DESCRIBE failed: 404/, say: () => 'the camera has no stream at this path (RTSP 404): check the path after the address' },
  { match: /(DESCRIBE|SETUP|PLAY) failed: 401/, say: () => 'the camera refused the user name or password (RTSP 401)' },
  { match: /HTTP error 404/, say: () => 'not found on the server (HTTP 404): check the path' },
  { match: /HTTP error 40[13]/, say: () => 'the server refused access (HTTP 401/403): check the token or password in the URL' },
  { match: /^Failed to resolve hostname (\S+?):/, say: (m) => `cannot find the host ${m[1]}: check the address` },
  { match: /^Connection refused$/, say: () => 'nothing answers at this address and port (connection refused)' },
  { match: /^Connection timed out$/, say: () => 'no answer from this address (timed out): check the address, port and firewall' },
];

/**
 * The first error ffmpeg printed, for the operator: the input's own URL or path prefix
 * is dropped, a known failure is explained, and any URL left is cut to scheme://host.
 */
export function operatorReason(reason: string, spec: SourceSpec): string {
  let text = reason.trim();
  const input = spec.kind === 'mediaFile' ? spec.path : spec.kind === 'captureDevice' ? spec.device : null;
  if (input && text.startsWith(`${input}: `)) text = text.slice(input.length + 2);
  // ffmpeg prefixes the URL it opened (with our additions, like mode=caller), with a
  // colon or, for some errors, a bare space.
  text = text.replace(/^[a-z][a-z0-9+.-]*:\/\/\S*?(: | (?=[A-Z]))/i, '');
  // "Connection to tcp://host:port failed: Connection refused" → "Connection refused".
  text = text.replace(/^Connection to \S+ failed: /, '');
  const url = spec.kind === 'networkFeed' ? spec.url : '';
  for (const known of KNOWN_FAILURES) {
    if (known.scheme && !known.scheme.test(url)) continue;
    const found = text.match(known.match);
    if (found) return redactUrls(`${known.say(found)} (ffmpeg: ${text})`);
  }
  return redactUrls(text);
}
