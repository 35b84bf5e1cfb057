// One HTTP POST of one message, bounded in time, that never throws: the answer is
// an outcome the sender acts on (delivered, try again later, give up). Uses Node's
// global fetch; the abort signal covers connecting, waiting and reading the answer.

export interface SenderRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** How a non-2xx answer is treated, and the detail worth showing the operator. */
export interface ErrorVerdict {
  readonly retry: boolean;
  /** Short, printable; may come from the peer's answer. */
  readonly detail: string;
}

export type ClassifyError = (status: number, headers: Headers, body: string) => ErrorVerdict;

export type AttemptOutcome =
  | { readonly delivered: true; readonly status: number }
  | {
      readonly delivered: false;
      readonly retry: boolean;
      readonly reason: string;
      /** From a 429's Retry-After, when the peer said how long to wait. */
      readonly retryAfterMs?: number;
      /** The attempt was cut short by stop(), not by the peer. */
      readonly stopped?: boolean;
    };

/** Bytes of an error answer kept for the message (a peer may send a whole HTML page). */
const ERROR_BODY_LIMIT = 2048;
/** A Retry-After longer than this is capped: one message must not hold the queue for an hour. */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * 2xx delivered; 429 and 5xx worth another try (the peer is busy or broken for
 * now); any other 4xx will not get better by sending the same request again.
 */
export const defaultClassify: ClassifyError = (status, _headers, body) => ({
  retry: status === 429 || status >= 500,
  detail: printable(body),
});

export async function postOnce(
  request: SenderRequest,
  options: { readonly timeoutMs: number; readonly stopSignal: AbortSignal; readonly classify: ClassifyError },
): Promise<AttemptOutcome> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  const onStop = (): void => controller.abort();
  options.stopSignal.addEventListener('abort', onStop, { once: true });
  try {
    if (options.stopSignal.aborted) return { delivered: false, retry: false, reason: 'stopped', stopped: true };
    // redirect "manual": a webhook that moved must be reconfigured, not silently followed
    // (a signed body should reach the host the operator named, and only it).
    const res = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body, signal: controller.signal, redirect: 'manual' });
    const text = await readSome(res, res.ok ? 0 : ERROR_BODY_LIMIT);
    if (res.status >= 200 && res.status < 300) return { delivered: true, status: res.status };
    if (res.status >= 300 && res.status < 400) {
      return { delivered: false, retry: false, reason: `answered HTTP ${res.status} (a redirect): set the final URL, redirects are not followed` };
    }
    const verdict = options.classify(res.status, res.headers, text);
    const detail = verdict.detail ? `: ${verdict.detail}` : '';
    const retryAfterMs = res.status === 429 ? parseRetryAfter(res.headers.get('retry-after'), Date.now()) : undefined;
    return { delivered: false, retry: verdict.retry, reason: `answered HTTP ${res.status}${detail}`, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  } catch (err) {
    if (options.stopSignal.aborted) return { delivered: false, retry: false, reason: 'stopped', stopped: true };
    if (timedOut) return { delivered: false, retry: true, reason: `no answer within ${options.timeoutMs} ms` };
    return { delivered: false, retry: true, reason: networkReason(err) };
  } finally {
    clearTimeout(timer);
    options.stopSignal.removeEventListener('abort', onStop);
  }
}

/** Reads at most `limit` bytes of the answer and releases the connection. */
async function readSome(res: Response, limit: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

/** Retry-After is delta-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  // An HTTP-date always names its day ("Wed, 21 Oct 2015 07:28:00 GMT"); Date.parse alone takes "-5" for a year.
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : /^[A-Za-z]{3},/.test(trimmed) ? Date.parse(trimmed) - now : NaN;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms));
}

/** fetch reports "fetch failed" and hides the useful part (ECONNREFUSED, ENOTFOUND...) in `cause`. */
function networkReason(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  const code = (cause as { code?: unknown } | null)?.code;
  const message = cause instanceof Error ? cause.message : String(cause);
  return `could not reach it (${typeof code === 'string' && !message.includes(code) ? `${code}: ` : ''}${message})`;
}

/** One line, no control characters, at most 200 characters. */
export function printable(text: string): string {
  // Control characters (a peer's answer could hold terminal escapes) become spaces.
  const visible = [...text].map((c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? ' ' : c)).join('');
  const line = visible.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
