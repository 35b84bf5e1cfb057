// The probe's chunk parser against hand-built chunks (RTMP spec §5.3), including the
// cases our publisher never writes but servers do: fmt 3 starting a message,
// extended timestamps on continuation chunks, interleaving, long chunk stream ids.
import { describe, expect, it } from 'vitest';
import { PlayError } from './playError';
import { RtmpChunkParser, type RtmpInMessage } from './rtmpChunkParser';

const u24 = (n: number): number[] => [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
const u32 = (n: number): number[] => [(n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
const le32 = (n: number): number[] => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
const basic = (fmt: number, csid: number): number[] =>
  csid < 64 ? [(fmt << 6) | csid] : csid < 320 ? [fmt << 6, csid - 64] : [(fmt << 6) | 1, (csid - 64) & 0xff, (csid - 64) >> 8];
const fmt0 = (csid: number, ts: number, len: number, type: number, msid: number): number[] => [...basic(0, csid), ...u24(ts), ...u24(len), type, ...le32(msid)];
const fmt1 = (csid: number, delta: number, len: number, type: number): number[] => [...basic(1, csid), ...u24(delta), ...u24(len), type];
const fmt2 = (csid: number, delta: number): number[] => [...basic(2, csid), ...u24(delta)];
const fmt3 = (csid: number): number[] => basic(3, csid);
const bytes = (n: number, fill: number): number[] => new Array<number>(n).fill(fill);

function summary(ms: RtmpInMessage[]): [number, number, number, number, number][] {
  return ms.map((m) => [m.chunkStreamId, m.typeId, m.streamId, m.timestamp, m.payload.length]);
}

describe('RtmpChunkParser', () => {
  it('reassembles a message split at the chunk size, whatever the TCP segmentation', () => {
    const wire = Buffer.from([...fmt0(6, 1000, 300, 9, 1), ...bytes(128, 1), ...fmt3(6), ...bytes(128, 2), ...fmt3(6), ...bytes(44, 3)]);
    const whole = new RtmpChunkParser().push(wire);
    expect(summary(whole)).toEqual([[6, 9, 1, 1000, 300]]);
    expect([...whole[0]!.payload.subarray(126, 130)]).toEqual([1, 1, 2, 2]);
    const parser = new RtmpChunkParser();
    const bytewise = [...wire].flatMap((b) => parser.push(Buffer.from([b])));
    expect(bytewise.map((m) => m.payload)).toEqual(whole.map((m) => m.payload));
  });

  it('adds fmt 1 and 2 deltas, and repeats the last delta for a message that starts with fmt 3', () => {
    const wire = Buffer.from([
      ...fmt0(4, 1000, 2, 8, 1), 0xaf, 0x01,
      ...fmt1(4, 21, 3, 8), 0xaf, 0x01, 0x00,
      ...fmt2(4, 22), 0xaf, 0x01, 0x02,
      ...fmt3(4), 0xaf, 0x01, 0x03,
      ...fmt3(4), 0xaf, 0x01, 0x04,
    ]);
    expect(new RtmpChunkParser().push(wire).map((m) => m.timestamp)).toEqual([1000, 1021, 1043, 1065, 1087]);
  });

  it('after fmt 0, a fmt-3 message repeats the absolute field as its delta (as ffmpeg reads it)', () => {
    const wire = Buffer.from([...fmt0(5, 40, 1, 18, 1), 0x05, ...fmt3(5), 0x05]);
    expect(new RtmpChunkParser().push(wire).map((m) => m.timestamp)).toEqual([40, 80]);
  });

  it('reads extended timestamps, also repeated on continuation chunks, and only while in use', () => {
    const big = 0x01000005;
    const parser = new RtmpChunkParser();
    const extended = [...fmt0(6, 0xffffff, 200, 9, 1), ...u32(big), ...bytes(128, 7), ...fmt3(6), ...u32(big), ...bytes(72, 8)];
    expect(summary(parser.push(Buffer.from(extended)))).toEqual([[6, 9, 1, big, 200]]);
    // A small delta next: no extended field, not on its continuation chunk either.
    const plain = [...fmt2(6, 33), ...bytes(128, 9), ...fmt3(6), ...bytes(72, 9)];
    expect(summary(parser.push(Buffer.from(plain)))).toEqual([[6, 9, 1, big + 33, 200]]);
  });

  it('applies Set Chunk Size at once, to the chunks after it in the same read', () => {
    const wire = Buffer.from([...fmt0(2, 0, 4, 1, 0), ...u32(4096), ...fmt0(6, 0, 1000, 9, 1), ...bytes(1000, 4)]);
    expect(summary(new RtmpChunkParser().push(wire))).toEqual([
      [2, 1, 0, 0, 4],
      [6, 9, 1, 0, 1000],
    ]);
  });

  it('keeps interleaved chunk streams apart and reads 2- and 3-byte chunk stream ids', () => {
    const wire = Buffer.from([
      ...fmt0(6, 100, 200, 9, 1), ...bytes(128, 1),
      ...fmt0(4, 90, 10, 8, 1), ...bytes(10, 2),
      ...fmt0(100, 95, 3, 18, 1), 1, 2, 3,
      ...fmt0(400, 96, 1, 18, 1), 4,
      ...fmt3(6), ...bytes(72, 1),
    ]);
    expect(summary(new RtmpChunkParser().push(wire))).toEqual([
      [4, 8, 1, 90, 10],
      [100, 18, 1, 95, 3],
      [400, 18, 1, 96, 1],
      [6, 9, 1, 100, 200],
    ]);
  });

  it('drops a message the peer aborted, and refuses a chunk stream that starts without a full header', () => {
    const wire = Buffer.from([...fmt0(6, 0, 200, 9, 1), ...bytes(128, 1), ...fmt0(2, 0, 4, 2, 0), ...u32(6), ...fmt0(6, 40, 2, 9, 1), 7, 7]);
    expect(summary(new RtmpChunkParser().push(wire))).toEqual([
      [2, 2, 0, 0, 4],
      [6, 9, 1, 40, 2],
    ]);
    expect(() => new RtmpChunkParser().push(Buffer.from([...fmt3(6), 1]))).toThrow(PlayError);
  });
});
