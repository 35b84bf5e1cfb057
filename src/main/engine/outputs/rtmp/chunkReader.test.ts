import { describe, expect, it } from 'vitest';
import { ChunkReader } from './chunkReader';
import { basicHeader, ChunkWriter } from './chunkWriter';
import { controlMessage, MSG_ABORT, MSG_AUDIO, MSG_SET_CHUNK_SIZE, MSG_VIDEO, RtmpError, type RtmpMessage, u32Payload } from './rtmpMessages';

function msg(csid: number, timestamp: number, typeId: number, size: number, fill = csid, streamId = 1): RtmpMessage {
  return { chunkStreamId: csid, timestamp, typeId, streamId, payload: Buffer.alloc(size, fill) };
}

/** Writes messages, reads them back byte by byte and in one piece; both must match. */
function roundTrip(messages: readonly RtmpMessage[], chunkSize = 128): { wire: Buffer; fmts: number[] } {
  const writer = new ChunkWriter();
  writer.setChunkSize(chunkSize);
  const parts = messages.map((m) => writer.write(m));
  const wire = Buffer.concat(parts);
  const whole = new ChunkReader();
  whole.push(controlMessageWire(chunkSize));
  expect(whole.push(wire)).toEqual(messages);
  const bytewise = new ChunkReader();
  bytewise.push(controlMessageWire(chunkSize));
  const got: RtmpMessage[] = [];
  for (let i = 0; i < wire.length; i++) got.push(...bytewise.push(wire.subarray(i, i + 1)));
  expect(got).toEqual(messages);
  return { wire, fmts: parts.map((p) => p[0]! >> 6) };
}

/** The reader learns the writer's chunk size the way a peer does: Set Chunk Size. */
function controlMessageWire(size: number): Buffer {
  return new ChunkWriter().write(controlMessage(MSG_SET_CHUNK_SIZE, u32Payload(size)));
}

describe('RTMP chunk stream', () => {
  it('picks fmt 0, 1, 2, 3 as the previous header allows (§5.3.1.2)', () => {
    const { fmts } = roundTrip([
      msg(6, 0, MSG_VIDEO, 300), // first on the csid: fmt 0
      msg(6, 33, MSG_VIDEO, 200), // new length: fmt 1
      msg(6, 66, MSG_VIDEO, 200), // same length, delta 33 after fmt 1: fmt 3
      msg(6, 100, MSG_VIDEO, 200), // delta 34: fmt 2
      msg(6, 134, MSG_VIDEO, 200), // delta 34 again: fmt 3
      msg(6, 134, MSG_AUDIO, 200), // new type: fmt 1
      msg(6, 100, MSG_AUDIO, 200), // timestamp went backwards: fmt 0
      msg(6, 200, MSG_AUDIO, 200, 6, 2), // new message stream: fmt 0
    ]);
    expect(fmts).toEqual([0, 1, 3, 2, 3, 1, 0, 0]);
  });

  it('interleaves chunk streams and splits messages at the chunk size', () => {
    const messages = [msg(4, 0, MSG_AUDIO, 10), msg(6, 0, MSG_VIDEO, 1000), msg(4, 23, MSG_AUDIO, 10), msg(6, 33, MSG_VIDEO, 0)];
    const { wire } = roundTrip(messages, 128);
    // 1000 bytes at 128 per chunk: 8 chunks, 7 one-byte continuation headers.
    expect(wire.length).toBe(12 + 10 + (12 + 1000 + 7) + 4 + 10 + 8);
    roundTrip(messages, 4096);
    roundTrip(messages, 1);
  });

  it('uses 2- and 3-byte basic headers for high chunk stream ids (§5.3.1.1)', () => {
    expect(basicHeader(0, 63).toString('hex')).toBe('3f');
    expect(basicHeader(1, 64).toString('hex')).toBe('4000');
    expect(basicHeader(3, 319).toString('hex')).toBe('c0ff');
    expect(basicHeader(0, 320).toString('hex')).toBe('010001');
    expect(basicHeader(0, 65599).toString('hex')).toBe('01ffff');
    roundTrip([msg(64, 0, 9, 300), msg(319, 5, 9, 300), msg(320, 10, 9, 300), msg(65599, 20, 9, 300), msg(64, 40, 9, 300)]);
  });

  it('writes extended timestamps, repeated on continuation chunks (§5.3.1.3)', () => {
    const big = 0x1234567;
    const { wire } = roundTrip([msg(6, big, MSG_VIDEO, 300), msg(6, big + 33, MSG_VIDEO, 300), msg(6, big + 33 + 0x1000000, MSG_VIDEO, 300)]);
    // First message: fmt 0 with 0xFFFFFF then the 4-byte value, and again after each fmt-3 header.
    expect(wire.subarray(1, 4).toString('hex')).toBe('ffffff');
    expect(wire.readUInt32BE(12)).toBe(big);
    expect(wire[16 + 128]).toBe(0xc6);
    expect(wire.readUInt32BE(16 + 128 + 1)).toBe(big);
    roundTrip([msg(6, 0xffffff, MSG_VIDEO, 10), msg(6, 0xffffff + 0xffffff, MSG_VIDEO, 10), msg(6, 0xfffffffe, MSG_VIDEO, 10)]);
  });

  it('reads a fmt-3 message after fmt 0 with the fmt-0 timestamp as its delta (§5.3.1.2.4)', () => {
    const header = Buffer.from([0x04, 0, 0, 10, 0, 0, 2, 8, 1, 0, 0, 0]);
    const wire = Buffer.concat([header, Buffer.from([1, 2]), Buffer.from([0xc4, 3, 4])]);
    const got = new ChunkReader().push(wire);
    expect(got.map((m) => [m.timestamp, m.payload.toString('hex')])).toEqual([
      [10, '0102'],
      [20, '0304'],
    ]);
  });

  it('honours an Abort message for a half-received message', () => {
    const writer = new ChunkWriter();
    const long = writer.write(msg(6, 0, MSG_VIDEO, 300));
    const abort = new ChunkWriter().write(controlMessage(MSG_ABORT, u32Payload(6)));
    const next = writer.write(msg(6, 33, MSG_VIDEO, 5, 9));
    const reader = new ChunkReader();
    // First chunk of the long message, then Abort, then a new message on csid 6.
    const got = reader.push(Buffer.concat([long.subarray(0, 12 + 128), abort, next]));
    expect(got.map((m) => [m.typeId, m.payload.length])).toEqual([
      [MSG_ABORT, 4],
      [MSG_VIDEO, 5],
    ]);
  });

  it('rejects a chunk stream that starts without a fmt-0 header', () => {
    expect(() => new ChunkReader().push(Buffer.from([0x46, 0, 0, 1]))).toThrow(RtmpError);
  });
});
