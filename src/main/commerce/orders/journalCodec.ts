// One journal record per line: the CRC-32 of the JSON (8 hex digits), a space, the
// order as JSON, a newline. JSON keeps the journal readable with `less` and `jq`
// (`cut -c10- orders.journal | jq`); the checksum tells a record that was written
// whole from one cut short by a crash (a torn write) or damaged on disk.
import { crc32 } from 'node:zlib';
import type { Order } from './order';

export const JOURNAL_VERSION = 1;

const SPACE = 0x20;
const CRC_DIGITS = 8;

const VERSION_PREFIX = `{"v":${JOURNAL_VERSION},`;

export function encodeRecord(order: Order): Buffer {
  // The version goes first; splicing it into the text saves copying the order.
  const json = VERSION_PREFIX + JSON.stringify(order).slice(1);
  const length = Buffer.byteLength(json, 'utf8');
  const line = Buffer.allocUnsafe(CRC_DIGITS + 1 + length + 1);
  line.write(json, CRC_DIGITS + 1, 'utf8');
  line.write(crc32(line.subarray(CRC_DIGITS + 1, CRC_DIGITS + 1 + length)).toString(16).padStart(CRC_DIGITS, '0'), 0, 'latin1');
  line[CRC_DIGITS] = SPACE;
  line[line.length - 1] = 0x0a;
  return line;
}

/**
 * Decodes one line (without its newline) of `buf` between `start` and `end`.
 * Returns null when the checksum or the shape is wrong.
 */
export function decodeRecord(buf: Buffer, start: number, end: number): Order | null {
  if (end - start < CRC_DIGITS + 3 || buf[start + CRC_DIGITS] !== SPACE) return null;
  const expected = Number.parseInt(buf.toString('latin1', start, start + CRC_DIGITS), 16);
  if (!Number.isFinite(expected) || crc32(buf.subarray(start + CRC_DIGITS + 1, end)) !== expected) return null;
  let value: unknown;
  try {
    value = JSON.parse(buf.toString('utf8', start + CRC_DIGITS + 1, end));
  } catch {
    return null;
  }
  const version = (value as { v?: unknown } | null)?.v;
  if (typeof version === 'number' && version > JOURNAL_VERSION) {
    throw new NewerJournalError(`the order journal has records of format ${version}, written by a newer Cuecast; this one reads format ${JOURNAL_VERSION}`);
  }
  return isOrderRecord(value) ? stripVersion(value) : null;
}

/** Refuses to read (and so to cut) a journal that a newer version wrote. */
export class NewerJournalError extends Error {
  override readonly name = 'NewerJournalError';
}

function stripVersion(value: Order & { v?: number }): Order {
  delete value.v;
  return value;
}

// The checksum already vouches for the bytes; this guards against records written
// by another version of the studio, whose shape we would misread.
function isOrderRecord(v: unknown): v is Order & { v: number } {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    r.v === JOURNAL_VERSION &&
    typeof r.orderId === 'string' &&
    typeof r.store === 'string' &&
    typeof r.currency === 'string' &&
    typeof r.at === 'number' &&
    typeof r.show === 'string' &&
    typeof r.source === 'string' &&
    (r.segment === null || typeof r.segment === 'string') &&
    typeof r.buyer === 'object' && r.buyer !== null &&
    Array.isArray(r.flags) &&
    Array.isArray(r.unknownSkus) &&
    Array.isArray(r.lines) &&
    r.lines.every((l: { sku?: unknown; quantity?: unknown; unitPrice?: unknown }) => typeof l?.sku === 'string' && typeof l.quantity === 'number' && typeof l.unitPrice === 'number')
  );
}
