// Commerce metadata into an Amazon IVS channel's stream with the PutMetadata API
// (IVS Low-Latency API reference, "PutMetadata"): POST /PutMetadata with
// {channelArn, metadata}, signed with SigV4 for service "ivs"; 204 on success. At
// most 5 calls per second per channel, 1 KB of metadata each — the sender's defaults.
// Players receive the string as timed metadata (TextMetadataCue) at the moment IVS
// inserted it; the payload carries programTimeMs so a player can line it up.
import type { CommerceMetadata } from '../../../../shared/commerceMetadata';
import { signV4, type AwsCredentials } from './sigV4';
import { defaultClassify, type ClassifyError } from './httpAttempt';
import { MetadataSender, type MetadataSenderOptions, type RequestBuilder } from './metadataSender';

export interface IvsMetadataSenderOptions extends MetadataSenderOptions {
  /** arn:aws:ivs:<region>:<account>:channel/<id>; the region is taken from it. */
  readonly channelArn: string;
  readonly credentials: AwsCredentials;
  /** Replaces https://ivs.<region>.amazonaws.com (tests, a proxy). */
  readonly endpoint?: string;
  /** The signing clock (tests); Date.now otherwise. */
  readonly now?: () => Date;
}

/** The `metadata` string of each PutMetadata call (≤ maxBytes UTF-8 bytes). */
export interface IvsMetadataPayload {
  readonly v: 1;
  /** As in the webhook body; the message itself holds wallTimeMs and frame. */
  readonly programTimeMs: number;
  readonly message: CommerceMetadata;
}

export class IvsConfigError extends Error {
  override readonly name = 'IvsConfigError';
}

// Pattern and length from the PutMetadata reference ("channelArn").
const CHANNEL_ARN = /^arn:aws:ivs:([a-z0-9-]+):[0-9]+:channel\/[a-zA-Z0-9-]+$/;

/** Checks a channel ARN and returns its region; throws IvsConfigError saying what is wrong. */
export function parseIvsChannelArn(arn: string): { readonly region: string } {
  const match = arn.length <= 128 ? CHANNEL_ARN.exec(arn.trim()) : null;
  if (!match) throw new IvsConfigError('the channel ARN should look like arn:aws:ivs:us-west-2:123456789012:channel/AbCdEf12');
  return { region: match[1]! };
}

/**
 * ChannelNotBroadcasting (404) is worth retrying: IVS says it while our RTMP push is
 * still connecting or reconnecting. Other 4xx (AccessDenied, ResourceNotFound,
 * Validation) will not change by trying again.
 */
const classifyIvs: ClassifyError = (status, headers, body) => {
  // REST-JSON errors: the type in x-amzn-ErrorType ("Name:namespace"), text in the body.
  const type = (headers.get('x-amzn-errortype') ?? '').split(':')[0] ?? '';
  let text = '';
  try {
    const parsed = JSON.parse(body) as { exceptionMessage?: unknown; message?: unknown };
    text = String(parsed.exceptionMessage ?? parsed.message ?? '');
  } catch {
    text = defaultClassify(status, headers, body).detail;
  }
  const detail = [type, text].filter(Boolean).join(': ').slice(0, 200);
  return { retry: status === 429 || status >= 500 || type === 'ChannelNotBroadcasting', detail };
};

function ivsBuilder(options: IvsMetadataSenderOptions): RequestBuilder {
  const { region } = parseIvsChannelArn(options.channelArn);
  const { accessKeyId, secretAccessKey, sessionToken } = options.credentials;
  if (!accessKeyId || /\s/.test(accessKeyId)) throw new IvsConfigError('the AWS access key id is missing or malformed');
  if (!secretAccessKey) throw new IvsConfigError('the AWS secret access key is missing');
  let base: URL;
  try {
    base = new URL(options.endpoint ?? `https://ivs.${region}.amazonaws.com`);
  } catch {
    throw new IvsConfigError('the endpoint override is not a URL');
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new IvsConfigError('the endpoint override must be http:// or https://');
  const url = new URL('/PutMetadata', base).toString();
  const channelArn = options.channelArn.trim();
  const now = options.now ?? (() => new Date());
  return {
    target: `${base.protocol}//${base.host}`,
    secrets: [secretAccessKey, sessionToken ?? ''].filter((s) => s.length > 0),
    payload: (envelope) => JSON.stringify({ v: 1, programTimeMs: envelope.programTimeMs, message: envelope.message }),
    request: (payload) => {
      const body = JSON.stringify({ channelArn, metadata: payload });
      const signed = signV4({ method: 'POST', url, headers: { 'content-type': 'application/json' }, body, region, service: 'ivs', credentials: options.credentials, now: now() });
      // fetch derives Host from the URL, the same value that was signed.
      const { host: _host, ...headers } = signed.headers;
      return { url, headers, body };
    },
    classify: classifyIvs,
  };
}

/** One IVS channel: an EncodedStreamSink to attach after the MetadataStage. */
export class IvsMetadataSender extends MetadataSender {
  constructor(options: IvsMetadataSenderOptions) {
    let builder: RequestBuilder | { error: string };
    try {
      builder = ivsBuilder(options);
    } catch (err) {
      if (!(err instanceof IvsConfigError)) throw err;
      builder = { error: err.message };
    }
    super('IVS', options, builder);
  }
}
