// The player's own RTMP chunk parser (RTMP spec 1.0 §5.3; specs/flv-rtmp-sei.md
// "RTMP publish"): written apart from the publisher's chunk code so that the two
// cannot share a misreading. Handles all four header formats, 1–3 byte basic
// headers, extended timestamps (repeated on fmt-3 chunks), interleaved chunk
// streams, and Set Chunk Size / Abort the moment they complete.
import { PlayError } from './playError';

export interface RtmpInMessage {
  readonly chunkStreamId: number;
  readonly typeId: number;
  readonly streamId: number;
  /** Absolute timestamp, ms (mod 2^32). */
  readonly timestamp: number;
  readonly payload: Buffer;
}

interface ChunkStream {
  timestamp: number;
  /** The last timestamp field: the delta a fmt-3 message header repeats. */
  field: number;
  length: number;
  typeId: number;
  streamId: number;
  extended: boolean;
  /** The message being assembled, or null between messages. */
  body: Buffer | null;
  filled: number;
}

// §5.4.1 Set Chunk Size, §5.4.2 Abort Message.
const SET_CHUNK_SIZE = 1;
const ABORT = 2;
const EXTENDED_TIMESTAMP = 0xffffff;
const MESSAGE_HEADER_BYTES = [11, 7, 3, 0];
/** Refuse absurd lengths instead of allocating them (a u24 allows 16 MiB). */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export class RtmpChunkParser {
  private chunkSize = 128; // §5.4.1: until the peer says otherwise
  private input: Buffer = Buffer.alloc(0);
  private readonly streams = new Map<number, ChunkStream>();

  /** Every message that `data` completes, in order. Throws PlayError on a broken stream. */
  push(data: Buffer): RtmpInMessage[] {
    this.input = this.input.length === 0 ? data : Buffer.concat([this.input, data]);
    const done: RtmpInMessage[] = [];
    let pos = 0;
    for (;;) {
      const next = this.chunk(pos, done);
      if (next < 0) break;
      pos = next;
    }
    this.input = this.input.subarray(pos);
    return done;
  }

  /** Reads one chunk at `start`; returns the position after it, or -1 if it is incomplete. */
  private chunk(start: number, done: RtmpInMessage[]): number {
    const b = this.input;
    let p = start;
    if (p >= b.length) return -1;
    const fmt = b[p]! >> 6;
    let csid = b[p]! & 0x3f;
    p++;
    if (csid === 0) {
      if (p + 1 > b.length) return -1;
      csid = b[p]! + 64;
      p += 1;
    } else if (csid === 1) {
      if (p + 2 > b.length) return -1;
      csid = b[p + 1]! * 256 + b[p]! + 64;
      p += 2;
    }
    if (p + MESSAGE_HEADER_BYTES[fmt]! > b.length) return -1;
    const prev = this.streams.get(csid);
    if (!prev && fmt !== 0) throw new PlayError(`RTMP chunk stream ${csid} began with a type ${fmt} header`);
    const s: ChunkStream = prev ?? { timestamp: 0, field: 0, length: 0, typeId: 0, streamId: 0, extended: false, body: null, filled: 0 };
    let field = s.field;
    let length = s.length;
    let typeId = s.typeId;
    let streamId = s.streamId;
    if (fmt < 3) field = b.readUIntBE(p, 3);
    if (fmt < 2) {
      length = b.readUIntBE(p + 3, 3);
      typeId = b[p + 6]!;
    }
    if (fmt === 0) streamId = b.readUInt32LE(p + 7); // the one little-endian field (§5.3.1.2.1)
    p += MESSAGE_HEADER_BYTES[fmt]!;
    const extended = fmt < 3 ? field === EXTENDED_TIMESTAMP : s.extended;
    if (extended) {
      if (p + 4 > b.length) return -1;
      if (fmt < 3) field = b.readUInt32BE(p);
      p += 4;
    }
    const starting = s.body === null || fmt < 3;
    const filled = starting ? 0 : s.filled;
    const take = Math.min(this.chunkSize, length - filled);
    if (p + take > b.length) return -1;

    // The chunk is complete: only now change the stream's state.
    this.streams.set(csid, s);
    if (fmt < 3) s.extended = extended;
    if (starting) {
      if (length > MAX_MESSAGE_BYTES) throw new PlayError(`RTMP message of ${length} bytes on chunk stream ${csid}`);
      // fmt 0 carries an absolute time; 1 and 2 a delta; a fmt-3 message repeats the
      // last delta. After fmt 0 that is the absolute field, as ffmpeg reads it.
      s.timestamp = fmt === 0 ? field : (s.timestamp + field) >>> 0;
      s.field = field;
      s.length = length;
      s.typeId = typeId;
      s.streamId = streamId;
      s.body = Buffer.alloc(length);
      s.filled = 0;
    }
    b.copy(s.body!, s.filled, p, p + take);
    s.filled += take;
    p += take;
    if (s.filled >= s.length) {
      const message: RtmpInMessage = { chunkStreamId: csid, typeId: s.typeId, streamId: s.streamId, timestamp: s.timestamp, payload: s.body! };
      s.body = null;
      s.filled = 0;
      this.control(message);
      done.push(message);
    }
    return p;
  }

  private control(m: RtmpInMessage): void {
    if (m.typeId === SET_CHUNK_SIZE && m.payload.length >= 4) {
      const size = m.payload.readUInt32BE(0) & 0x7fffffff; // top bit reserved (§5.4.1)
      if (size < 1) throw new PlayError(`the server set RTMP chunk size ${size}`);
      this.chunkSize = size;
    } else if (m.typeId === ABORT && m.payload.length >= 4) {
      const s = this.streams.get(m.payload.readUInt32BE(0));
      if (s) {
        s.body = null;
        s.filled = 0;
      }
    }
  }
}
