// AV1 OBU and av1C helpers against a real SVT-AV1 stream, judged by ffprobe's view of
// the same stream (profile, level, size, pixel format).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { VideoConfig } from '../media/packets';
import {
  av1Sample,
  buildAv1C,
  findSequenceHeader,
  isAv1Keyframe,
  OBU_SEQUENCE_HEADER,
  OBU_TEMPORAL_DELIMITER,
  parseSequenceHeader,
  readLeb128,
  splitObus,
  writeLeb128,
} from './av1';
import { flvVideoCodecId, flvVideoFrameBody, flvVideoSequenceHeaderBody } from './enhancedFlv';
import { IvfReader } from './ivfReader';

function svtAv1Ivf(size: string, extra: readonly string[] = []): Buffer {
  return execFileSync('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=30`, '-frames:v', '60',
    ...extra, '-c:v', 'libsvtav1', '-preset', '12', '-g', '30', '-f', 'ivf', 'pipe:1',
  ], { timeout: 60_000, maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
}

interface ProbeStream { profile: string; level: number; width: number; height: number; pix_fmt: string }
function probe(ivf: Buffer): ProbeStream {
  const out = execFileSync('ffprobe', ['-v', 'error', '-f', 'ivf', '-show_streams', '-of', 'json', '-i', 'pipe:0'], { input: ivf, timeout: 30_000 });
  return (JSON.parse(out.toString()) as { streams: ProbeStream[] }).streams[0]!;
}

describe('av1 helpers', () => {
  it.each([
    ['320x240', [] as string[], 'Main', 8, 'yuv420p'],
    ['640x360', ['-pix_fmt', 'yuv420p10le'], 'Main', 10, 'yuv420p10le'],
  ])('builds an av1C from SVT-AV1 %s whose fields match ffprobe', (size, extra, profile, depth, pixFmt) => {
    const ivf = svtAv1Ivf(size, extra);
    const units = new IvfReader().push(ivf);
    expect(units.length).toBe(60);
    const ff = probe(ivf);
    expect(ff.pix_fmt).toBe(pixFmt);
    const first = splitObus(units[0]!.data);
    // ffmpeg's ivf muxer inserts temporal delimiters (av1_metadata td=insert).
    expect(first[0]!.type).toBe(OBU_TEMPORAL_DELIMITER);
    const seq = findSequenceHeader(first)!;
    expect(seq).not.toBeNull();
    const info = parseSequenceHeader(seq.payload);
    expect(profile).toBe(['Main', 'High', 'Professional'][info.seqProfile]);
    expect(info.seqLevelIdx0).toBe(ff.level);
    expect(`${info.maxWidth}x${info.maxHeight}`).toBe(`${ff.width}x${ff.height}`);
    expect(info.bitDepth).toBe(depth);
    expect([info.monochrome, info.subsamplingX, info.subsamplingY]).toEqual([false, 1, 1]);

    const av1C = buildAv1C(seq);
    expect(av1C[0]).toBe(0x81);
    expect(av1C[1]! >> 5).toBe(info.seqProfile);
    expect(av1C[1]! & 0x1f).toBe(ff.level);
    expect((av1C[2]! >> 6) & 1).toBe(depth > 8 ? 1 : 0);
    expect((av1C[2]! >> 2) & 3).toBe(3); // 4:2:0
    expect(av1C[3]).toBe(0); // no initial_presentation_delay
    const configObus = splitObus(av1C.subarray(4));
    expect(configObus.map((o) => o.type)).toEqual([OBU_SEQUENCE_HEADER]);
    expect(configObus[0]!.payload.equals(seq.payload)).toBe(true);
  }, 60_000);

  it('finds key frames every GOP and strips temporal delimiters from samples', () => {
    const units = new IvfReader().push(svtAv1Ivf('320x240'));
    const keys = units.map((u, i) => (isAv1Keyframe(splitObus(u.data)) ? i : -1)).filter((i) => i >= 0);
    expect(keys[0]).toBe(0);
    expect(keys.length).toBeGreaterThanOrEqual(2);
    expect(keys.length).toBeLessThan(units.length);
    for (const unit of units) {
      const sample = splitObus(av1Sample(splitObus(unit.data)));
      expect(sample.some((o) => o.type === OBU_TEMPORAL_DELIMITER)).toBe(false);
      expect(sample.every((o) => (o.header[0]! & 0x02) !== 0)).toBe(true);
      expect(sample.length).toBe(splitObus(unit.data).length - 1);
    }
  }, 60_000);

  it('reads and writes leb128 and splits an OBU without obu_size last', () => {
    expect(writeLeb128(0).toString('hex')).toBe('00');
    expect(writeLeb128(300).toString('hex')).toBe('ac02');
    expect(readLeb128(Buffer.from([0xac, 0x02]), 0)).toEqual({ value: 300, length: 2 });
    // A padding OBU (type 15) with a size, then a metadata OBU (type 5) without one.
    const obus = splitObus(Buffer.from([0x7a, 0x01, 0xaa, 0x28, 0x01, 0x02]));
    expect(obus.map((o) => [o.type, o.payload.toString('hex')])).toEqual([[15, 'aa'], [5, '0102']]);
    expect(av1Sample(obus).toString('hex')).toBe('7a01aa' + '2a020102');
    expect(() => splitObus(Buffer.from([0x0a, 0x05, 0x00]))).toThrow(/does not fit/);
    expect(() => splitObus(Buffer.from([0x80]))).toThrow(/forbidden/);
  });

  it("goes enhanced 'av01' in FLV: SequenceStart with the av1C, CodedFramesX", () => {
    const config: VideoConfig = { codec: 'av1', width: 640, height: 360, fps: 30, bitrateKbps: 1000, decoderConfig: Buffer.from([0x81, 0, 0x0c, 0]) };
    expect(flvVideoCodecId(config)).toBe(0x61763031);
    expect(flvVideoSequenceHeaderBody(config).toString('hex')).toBe('90' + '61763031' + '81000c00');
    const frame = { type: 'video', ptsMs: 100, dtsMs: 100, keyframe: false, data: Buffer.from([0x32, 0x00]), frame: 3 } as const;
    expect(flvVideoFrameBody(config, frame).toString('hex')).toBe('a3' + '61763031' + '3200');
  });
});
