// MpegTsReader against a real ffmpeg 5.1 TS (x265 + AAC), fed in odd-sized chunks;
// what it finds is judged against ffprobe's packet list of the same file.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { adtsFrames, MpegTsFormatError, MpegTsReader, type TsAccessUnit } from './mpegtsReader';

const ts = execFileSync('ffmpeg', [
  '-hide_banner', '-loglevel', 'error',
  '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=30', '-f', 'lavfi', '-i', 'sine=sample_rate=48000',
  '-t', '1', '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error:bframes=2',
  '-c:a', 'aac', '-f', 'mpegts', '-muxdelay', '0', '-muxpreload', '0', 'pipe:1',
], { timeout: 30_000, maxBuffer: 64 * 1024 * 1024 });

interface ProbePacket { readonly pts: number; readonly dts: number; readonly size: number }
function probe(stream: 'v' | 'a'): ProbePacket[] {
  const out = execFileSync('ffprobe', ['-v', 'error', '-select_streams', stream, '-show_entries', 'packet=pts,dts,size', '-of', 'json', '-i', 'pipe:0'],
    { input: ts, timeout: 30_000 }).toString();
  return (JSON.parse(out) as { packets: ProbePacket[] }).packets;
}

function readAll(chunkSizes: readonly number[]): TsAccessUnit[] {
  const reader = new MpegTsReader();
  const units: TsAccessUnit[] = [];
  let pos = 0;
  for (let i = 0; pos < ts.length; i++) {
    const n = chunkSizes[i % chunkSizes.length]!;
    units.push(...reader.push(ts.subarray(pos, pos + n)));
    pos += n;
  }
  return [...units, ...reader.flush()];
}

describe('MpegTsReader', () => {
  it('finds every HEVC access unit with ffprobe\'s PTS/DTS, whatever the chunking', () => {
    const expected = probe('v');
    expect(expected.length).toBe(30);
    for (const sizes of [[ts.length], [1, 187, 188, 189, 7], [1000, 3, 5000]]) {
      const video = readAll(sizes).filter((u) => u.kind === 'video');
      expect(video.map((u) => u.codec)).toEqual(expected.map(() => 'hevc'));
      expect(video.map((u) => Math.round(u.ptsMs * 90))).toEqual(expected.map((p) => p.pts));
      expect(video.map((u) => Math.round(u.dtsMs * 90))).toEqual(expected.map((p) => p.dts));
      // B-frames are on: some PTS differ from DTS.
      expect(video.some((u) => u.ptsMs !== u.dtsMs)).toBe(true);
      // Annex B (4-byte start code first). ffprobe's HEVC parser may move a start
      // code's leading zero between neighbours, so compare the total bytes.
      expect(video[0]!.data.subarray(0, 4).toString('hex')).toBe('00000001');
      const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
      expect(sum(video.map((u) => u.data.length))).toBe(sum(expected.map((p) => Number(p.size))));
    }
  });

  it('splits AAC PES into ADTS frames that add up to ffprobe\'s packets', () => {
    const expected = probe('a');
    const audio = readAll([777]).filter((u) => u.kind === 'audio');
    const frames = audio.flatMap((u) => adtsFrames(u.data));
    expect(frames.length).toBe(expected.length);
    expect(frames[0]!.sampleRate).toBe(48000);
    expect(frames[0]!.channels).toBe(1);
    // AAC-LC (2), 48 kHz (index 3), mono: 0x11 0x88.
    expect(frames[0]!.audioSpecificConfig.toString('hex')).toBe('1188');
  });

  it('refuses a stream that loses sync', () => {
    const broken = Buffer.from(ts.subarray(0, 188 * 4));
    broken[188 * 2] = 0x00;
    expect(() => new MpegTsReader().push(broken)).toThrow(MpegTsFormatError);
  });
});
