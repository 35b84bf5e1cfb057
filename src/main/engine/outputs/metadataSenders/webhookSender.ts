// Commerce metadata to an HTTP(S) endpoint the seller runs (a shop backend, a CRM,
// a clipping service). What a receiver gets and how it verifies it: docs/webhooks.md.
//
// Signature scheme (documented for receivers, keep the two in step):
//   X-Cuecast-Timestamp: <sentAtMs>            ms since the Unix epoch, per attempt
//   X-Cuecast-Signature: sha256=<hex>          HMAC-SHA256(secret, timestamp + "." + raw body)
//   X-Cuecast-Delivery:  <uuid>                the same for every retry of one message
// The timestamp is inside the signed text so a captured request cannot be replayed
// later with a fresh timestamp; receivers reject old timestamps and seen delivery ids.
// No secret configured: no signature header at all (an unsigned hook is plainly so).
import { createHmac } from 'node:crypto';
import { MetadataSender, type MetadataEnvelope, type MetadataSenderOptions, type RequestBuilder } from './metadataSender';

export interface WebhookSenderOptions extends MetadataSenderOptions {
  /** http:// or https:// URL. user:password in it is sent as HTTP Basic authentication. */
  readonly url: string;
  /** Shared secret for X-Cuecast-Signature; empty: requests go unsigned. */
  readonly secret: string;
}

/** The JSON body of every webhook call. */
export interface WebhookBody extends MetadataEnvelope {
  /** Wall-clock time of this attempt (equals X-Cuecast-Timestamp). */
  readonly sentAtMs: number;
}

export class WebhookUrlError extends Error {
  override readonly name = 'WebhookUrlError';
}

export interface WebhookTarget {
  /** The URL to call, without credentials or fragment. */
  readonly url: string;
  /** scheme://host[:port]: all of the URL that errors and logs may show (paths often hold tokens). */
  readonly display: string;
  readonly basicAuth: string | null;
  /** Parts of the URL that are secret. */
  readonly secrets: readonly string[];
}

/** Checks a webhook URL; throws WebhookUrlError saying what is wrong (without echoing it). */
export function parseWebhookUrl(text: string): WebhookTarget {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new WebhookUrlError('not a URL: expected something like https://shop.example/hooks/cuecast');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new WebhookUrlError(`unsupported scheme "${url.protocol.slice(0, -1).slice(0, 16)}": a webhook URL starts with https:// (or http://)`);
  }
  if (!url.hostname) throw new WebhookUrlError('the URL has no host');
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  const basicAuth = user || password ? `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` : null;
  const secrets = [password, url.password, url.search.slice(1), basicAuth ?? ''].filter((s) => s.length > 0);
  url.username = '';
  url.password = '';
  url.hash = '';
  return { url: url.toString(), display: `${url.protocol}//${url.host}`, basicAuth, secrets };
}

/** `sha256=` + hex HMAC-SHA256 of `${timestamp}.${body}` with `secret`. */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

function webhookBuilder(target: WebhookTarget, secret: string): RequestBuilder {
  return {
    target: target.display,
    secrets: [secret, ...target.secrets].filter((s) => s.length > 0),
    payload: (envelope, sentAtMs) => {
      const body: WebhookBody = { ...envelope, sentAtMs };
      // Fixed key order, so the documented example and real bodies look alike.
      const { v, destination, programTimeMs, frame, wallTimeMs, message } = body;
      return JSON.stringify({ v, destination, programTimeMs, frame, wallTimeMs, sentAtMs, message });
    },
    request: (payload, delivery) => {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': 'Cuecast',
        'x-cuecast-timestamp': String(delivery.sentAtMs),
        'x-cuecast-delivery': delivery.id,
      };
      if (secret) headers['x-cuecast-signature'] = webhookSignature(secret, delivery.sentAtMs, payload);
      if (target.basicAuth) headers.authorization = target.basicAuth;
      return { url: target.url, headers, body: payload };
    },
  };
}

/** One webhook destination: an EncodedStreamSink to attach after the MetadataStage. */
export class WebhookSender extends MetadataSender {
  constructor(options: WebhookSenderOptions) {
    let builder: RequestBuilder | { error: string };
    try {
      builder = webhookBuilder(parseWebhookUrl(options.url), options.secret);
    } catch (err) {
      if (!(err instanceof WebhookUrlError)) throw err;
      builder = { error: `bad URL: ${err.message}` };
    }
    super('Webhook', options, builder);
  }
}
