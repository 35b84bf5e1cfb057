// AWS Signature Version 4 (header form), enough for JSON API calls such as IVS
// PutMetadata. Written on node:crypto instead of pulling in an SDK for one request;
// sigV4.test.ts checks it against vectors of AWS's published SigV4 test suite.
// Steps and names follow the AWS "Create a signed AWS API request" guide.
import { createHash, createHmac } from 'node:crypto';

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Temporary (STS) credentials also carry a session token, which is signed and sent. */
  readonly sessionToken?: string;
}

export interface SigV4Request {
  readonly method: string;
  readonly url: string | URL;
  /** Extra headers to sign and send (content-type, ...); host and x-amz-date are added. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: string;
  readonly region: string;
  readonly service: string;
  readonly credentials: AwsCredentials;
  readonly now: Date;
}

export interface SigV4Result {
  /** Every header to send, names in lower case, authorization included. */
  readonly headers: Record<string, string>;
  /** Intermediate values, for tests and for debugging a rejected signature. */
  readonly canonicalRequest: string;
  readonly stringToSign: string;
  readonly signature: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';

/** Signs `request`: returns the headers that make it an authenticated AWS call. */
export function signV4(request: SigV4Request): SigV4Result {
  const url = typeof request.url === 'string' ? new URL(request.url) : request.url;
  const amzDate = request.now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
  headers.host = url.host;
  headers['x-amz-date'] = amzDate;
  if (request.credentials.sessionToken) headers['x-amz-security-token'] = request.credentials.sessionToken;

  const names = Object.keys(headers).sort();
  // Values are trimmed and inner runs of spaces folded to one (SigV4 "canonical headers").
  const canonicalHeaders = names.map((n) => `${n}:${headers[n]!.trim().replace(/\s+/g, ' ')}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    request.method.toUpperCase(),
    canonicalPath(url.pathname),
    canonicalQuery(url.searchParams),
    canonicalHeaders,
    signedHeaders,
    sha256Hex(request.body),
  ].join('\n');

  const scope = `${day}/${request.region}/${request.service}/aws4_request`;
  const stringToSign = [ALGORITHM, amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const signature = createHmac('sha256', signingKey(request.credentials.secretAccessKey, day, request.region, request.service))
    .update(stringToSign, 'utf8')
    .digest('hex');
  headers.authorization =
    `${ALGORITHM} Credential=${request.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { headers, canonicalRequest, stringToSign, signature };
}

/** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, day), region), service), "aws4_request"). */
function signingKey(secret: string, day: string, region: string, service: string): Buffer {
  let key: Buffer = Buffer.from(`AWS4${secret}`, 'utf8');
  for (const part of [day, region, service, 'aws4_request']) key = createHmac('sha256', key).update(part, 'utf8').digest();
  return key;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** RFC 3986 encoding: everything but the unreserved set A-Z a-z 0-9 - . _ ~ is %XX (upper case). */
export function awsUriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalPath(pathname: string): string {
  // URL has already removed dot segments; each segment is encoded once, as the
  // services other than S3 expect for paths without reserved characters.
  return pathname.split('/').map((segment) => awsUriEncode(decodeURIComponent(segment))).join('/') || '/';
}

function canonicalQuery(params: URLSearchParams): string {
  const pairs = [...params].map(([k, v]) => [awsUriEncode(k), awsUriEncode(v)] as const);
  // Sorted by encoded name, then value, in code-unit (byte) order: "Value1" before "value2".
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}
