// HMAC-SHA256 over the raw request body, as Shopify, WooCommerce and most shops sign
// their webhooks. The check runs on the bytes received, never on re-serialised JSON,
// and compares in constant time.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureEncoding = 'hex' | 'base64';

const DIGEST_BYTES = 32;

function decodeSignature(text: string, encoding: SignatureEncoding): Buffer | null {
  const s = text.trim();
  if (encoding === 'hex') return /^[0-9a-fA-F]{64}$/.test(s) ? Buffer.from(s, 'hex') : null;
  // Node's base64 decoder skips junk silently; insist on the one exact shape.
  if (!/^[A-Za-z0-9+/]{43}=$/.test(s)) return null;
  const bytes = Buffer.from(s, 'base64');
  return bytes.length === DIGEST_BYTES ? bytes : null;
}

export function signHmacSha256(secret: Buffer | string, body: Buffer | string, encoding: SignatureEncoding): string {
  return createHmac('sha256', secret).update(body).digest(encoding);
}

/**
 * True when `header` carries the HMAC-SHA256 of `body` under `secret`. `prefix` is
 * a scheme marker some senders put first ("sha256="), matched case-insensitively.
 */
export function verifyHmacSha256(
  secret: Buffer,
  body: Buffer,
  header: string | string[] | undefined,
  encoding: SignatureEncoding,
  prefix = '',
): boolean {
  if (typeof header !== 'string') return false;
  let value = header.trim();
  if (prefix) {
    if (value.slice(0, prefix.length).toLowerCase() !== prefix.toLowerCase()) return false;
    value = value.slice(prefix.length);
  }
  const given = decodeSignature(value, encoding);
  if (!given) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(given, expected);
}
