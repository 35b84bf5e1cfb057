// Reassembles RTMP messages from chunks (RTMP spec §5.3), whatever the TCP
// segmentation: all four header formats, 1–3 byte basic headers, extended
// timestamps (also on fmt-3 chunks), interleaved chunk streams, and the peer's
// Set Chunk Size / Abort applied the moment they complete (§5.4.1, §5.4.2).
import { MSG_ABORT, MSG_SET_CHUNK_SIZE, RtmpError, type RtmpMessage } from './rtmpMessages';

interface StreamState {
  timestamp: number;
  delta: number;
  length: number;
  typeId: number;
  streamId: number;
  /** Whether the last fmt 0–2 header used the extended field: fmt-3 chunks then carry it too. */
  extended: boolean;
  parts: Buffer[] | null;
  received: number;
}

const EXTENDED = 0xffffff;
const HEADER_SIZE = [11, 7, 3, 0] as const;

export class ChunkReader {
  private size = 128; // §5.4.1 default.
  private buf: Buffer = Buffer.alloc(0);
  private readonly streams = new Map<number, StreamState>();

  get chunkSize(): number {
    return this.size;
  }

  /** Returns every message completed by `data`. Throws RtmpError('protocol') on garbage. */
  push(data: Buffer): RtmpMessage[] {
    this.buf = this.buf.length === 0 ? data : Buffer.concat([this.buf, data]);
    const messages: RtmpMessage[] = [];
    let offset = 0;
    for (;;) {
      const consumed = this.readChunk(offset, messages);
      if (consumed === 0) break;
      offset += consumed;
    }
    this.buf = this.buf.subarray(offset);
    return messages;
  }

  /** Parses one chunk at `offset`; returns its size, or 0 when it is not all here yet. */
  private readChunk(offset: number, out: RtmpMessage[]): number {
    const buf = this.buf;
    const avail = buf.length - offset;
    if (avail < 1) return 0;
    const fmt = buf[offset]! >> 6;
    let csid = buf[offset]! & 0x3f;
    let pos = offset + 1;
    if (csid === 0) {
      if (avail < 2) return 0;
      csid = 64 + buf[pos]!;
      pos += 1;
    } else if (csid === 1) {
      if (avail < 3) return 0;
      csid = 64 + buf[pos]! + buf[pos + 1]! * 256;
      pos += 2;
    }
    let state = this.streams.get(csid);
    if (!state) {
      if (fmt !== 0) throw new RtmpError('protocol', `chunk stream ${csid} started with a fmt-${fmt} header`);
      state = { timestamp: 0, delta: 0, length: 0, typeId: 0, streamId: 0, extended: false, parts: null, received: 0 };
    }
    const headerSize = HEADER_SIZE[fmt as 0 | 1 | 2 | 3];
    if (buf.length < pos + headerSize) return 0;
    let field = 0;
    let length = state.length;
    let typeId = state.typeId;
    let streamId = state.streamId;
    if (fmt <= 2) field = buf.readUIntBE(pos, 3);
    if (fmt <= 1) {
      length = buf.readUIntBE(pos + 3, 3);
      typeId = buf[pos + 6]!;
    }
    if (fmt === 0) streamId = buf.readUInt32LE(pos + 7);
    pos += headerSize;
    const extended = fmt <= 2 ? field === EXTENDED : state.extended;
    if (extended) {
      if (buf.length < pos + 4) return 0;
      if (fmt <= 2) field = buf.readUInt32BE(pos);
      pos += 4;
    }
    // A fmt 0–2 header in the middle of a message means the peer gave up on it.
    const newMessage = state.parts === null || fmt <= 2;
    const received = newMessage ? 0 : state.received;
    const dataSize = Math.min(this.size, length - received);
    if (buf.length < pos + dataSize) return 0;

    // The whole chunk is here: commit the header to the stream state.
    this.streams.set(csid, state);
    if (fmt <= 2) state.extended = extended;
    if (newMessage) {
      if (fmt === 0) {
        state.timestamp = field;
        // §5.3.1.2.4: a fmt-3 message after fmt 0 repeats the fmt-0 timestamp as delta.
        state.delta = field;
      } else if (fmt === 1 || fmt === 2) {
        state.delta = field;
        state.timestamp = (state.timestamp + field) >>> 0;
      } else {
        state.timestamp = (state.timestamp + state.delta) >>> 0;
      }
      state.length = length;
      state.typeId = typeId;
      state.streamId = streamId;
      state.parts = [];
      state.received = 0;
    }
    state.parts!.push(buf.subarray(pos, pos + dataSize));
    state.received += dataSize;
    if (state.received >= state.length) {
      const payload = state.parts!.length === 1 ? state.parts![0]! : Buffer.concat(state.parts!);
      state.parts = null;
      state.received = 0;
      const message: RtmpMessage = { chunkStreamId: csid, timestamp: state.timestamp, typeId: state.typeId, streamId: state.streamId, payload };
      this.apply(message);
      out.push(message);
    }
    return pos + dataSize - offset;
  }

  private apply(message: RtmpMessage): void {
    if (message.typeId === MSG_SET_CHUNK_SIZE && message.payload.length >= 4) {
      // The top bit must be 0 (§5.4.1).
      const size = message.payload.readUInt32BE(0) & 0x7fffffff;
      if (size < 1) throw new RtmpError('protocol', `peer set chunk size ${size}`);
      this.size = size;
    } else if (message.typeId === MSG_ABORT && message.payload.length >= 4) {
      const state = this.streams.get(message.payload.readUInt32BE(0));
      if (state) {
        state.parts = null;
        state.received = 0;
      }
    }
  }
}
