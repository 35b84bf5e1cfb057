// Splits RTMP messages into chunks (RTMP spec §5.3). Picks the smallest header the
// previous message on the same chunk stream allows: fmt 0 for the first message, a
// new message stream or a timestamp that went backwards (deltas are unsigned);
// fmt 1 when length or type change; fmt 2 for a new delta; fmt 3 when everything
// repeats, and for every continuation chunk.
import type { RtmpMessage } from './rtmpMessages';

interface LastHeader {
  readonly timestamp: number;
  /** Delta that a fmt-3 new message would imply; NaN right after fmt 0 (see below). */
  readonly delta: number;
  readonly length: number;
  readonly typeId: number;
  readonly streamId: number;
}

// §5.3.1.3: a timestamp or delta at or above this goes in the 4-byte extended field.
const EXTENDED = 0xffffff;

export class ChunkWriter {
  private size = 128; // §5.4.1 default until we send Set Chunk Size.
  private readonly last = new Map<number, LastHeader>();

  get chunkSize(): number {
    return this.size;
  }

  /** Call after the Set Chunk Size message itself has been written. */
  setChunkSize(size: number): void {
    if (!Number.isInteger(size) || size < 1 || size > 0x7fffffff) throw new RangeError(`bad chunk size ${size}`);
    this.size = size;
  }

  write(message: RtmpMessage): Buffer {
    const csid = message.chunkStreamId;
    const length = message.payload.length;
    if (length > 0xffffff) throw new RangeError(`RTMP message too large (${length} bytes)`);
    const timestamp = message.timestamp >>> 0;
    const prev = this.last.get(csid);

    let fmt: number;
    let field: number;
    if (!prev || prev.streamId !== message.streamId || timestamp < prev.timestamp) {
      fmt = 0;
      field = timestamp;
    } else {
      field = timestamp - prev.timestamp;
      if (prev.length !== length || prev.typeId !== message.typeId) fmt = 1;
      else if (field === prev.delta && field < EXTENDED) fmt = 3;
      else fmt = 2;
    }
    const extended = fmt !== 3 && field >= EXTENDED;
    // After fmt 0, servers disagree on what a following fmt-3 message's delta is
    // (the spec says the fmt-0 timestamp, nginx-rtmp uses 0): never rely on it.
    this.last.set(csid, { timestamp, delta: fmt === 0 ? Number.NaN : field, length, typeId: message.typeId, streamId: message.streamId });

    const first = basicHeader(fmt, csid);
    const header = Buffer.alloc(fmt === 0 ? 11 : fmt === 1 ? 7 : fmt === 2 ? 3 : 0);
    if (fmt <= 2) header.writeUIntBE(extended ? EXTENDED : field, 0, 3);
    if (fmt <= 1) {
      header.writeUIntBE(length, 3, 3);
      header[6] = message.typeId;
    }
    // Message stream id is the one little-endian field in RTMP (§5.3.1.2.1).
    if (fmt === 0) header.writeUInt32LE(message.streamId >>> 0, 7);
    const ext = extended ? Buffer.alloc(4) : null;
    ext?.writeUInt32BE(field >>> 0, 0);

    const parts: Buffer[] = [first, header];
    if (ext) parts.push(ext);
    const continuation = basicHeader(3, csid);
    for (let offset = 0; offset < length || (offset === 0 && length === 0); offset += this.size) {
      if (offset > 0) {
        parts.push(continuation);
        // The extended timestamp repeats on fmt-3 continuation chunks (§5.3.1.3;
        // ffmpeg and nginx-rtmp both expect it).
        if (ext) parts.push(ext);
      }
      parts.push(message.payload.subarray(offset, Math.min(length, offset + this.size)));
      if (length === 0) break;
    }
    return Buffer.concat(parts);
  }
}

/** §5.3.1.1: 1, 2 or 3 bytes depending on the chunk stream id. */
export function basicHeader(fmt: number, csid: number): Buffer {
  if (csid < 2 || csid > 65599) throw new RangeError(`bad chunk stream id ${csid}`);
  if (csid <= 63) return Buffer.from([(fmt << 6) | csid]);
  if (csid <= 319) return Buffer.from([fmt << 6, csid - 64]);
  return Buffer.from([(fmt << 6) | 1, (csid - 64) & 0xff, (csid - 64) >> 8]);
}
