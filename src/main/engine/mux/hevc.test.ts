// hvcC and Annex B helpers against a real x265 stream, judged by ffprobe's view
// of the same stream (profile, level, size, pixel format).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  buildHvcC,
  hevcNalType,
  hevcParameterSets,
  isHevcKeyframe,
  parseHevcSps,
  removeEmulationPrevention,
  splitAnnexB,
  toLengthPrefixed,
} from './hevc';

function x265(size: string, extra: readonly string[] = []): Buffer {
  return execFileSync('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=30`, '-frames:v', '3',
    ...extra, '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', '-f', 'hevc', 'pipe:1',
  ], { timeout: 30_000, maxBuffer: 64 * 1024 * 1024 });
}

interface ProbeStream { profile: string; level: number; width: number; height: number; pix_fmt: string }
function probe(stream: Buffer): ProbeStream {
  const out = execFileSync('ffprobe', ['-v', 'error', '-f', 'hevc', '-show_streams', '-of', 'json', '-i', 'pipe:0'], { input: stream, timeout: 30_000 });
  return (JSON.parse(out.toString()) as { streams: ProbeStream[] }).streams[0]!;
}

describe('hevc helpers', () => {
  it.each([
    ['640x360', [] as string[], 'Main', 8],
    ['1280x720', ['-pix_fmt', 'yuv420p10le'], 'Main 10', 10],
  ])('builds an hvcC from x265 %s whose fields match ffprobe', (size, extra, profile, depth) => {
    const stream = x265(size, extra);
    const nals = splitAnnexB(stream);
    const sets = hevcParameterSets(nals);
    expect(sets).not.toBeNull();
    const info = parseHevcSps(sets!.sps);
    const ff = probe(stream);
    expect(ff.profile).toBe(profile);
    expect(info.profileIdc).toBe(profile === 'Main' ? 1 : 2);
    expect(info.levelIdc).toBe(ff.level);
    expect(`${info.width}x${info.height}`).toBe(`${ff.width}x${ff.height}`);
    expect(`${info.width}x${info.height}`).toBe(size);
    expect(info.chromaFormatIdc).toBe(1);
    expect(info.bitDepthLuma).toBe(depth);
    expect(info.bitDepthChroma).toBe(depth);

    const hvcC = buildHvcC(sets!.vps, sets!.sps, sets!.pps);
    expect(hvcC[0]).toBe(1);
    expect(hvcC[1]! & 0x1f).toBe(info.profileIdc);
    expect(hvcC[12]).toBe(ff.level);
    expect(hvcC[16]! & 3).toBe(1);
    expect((hvcC[17]! & 7) + 8).toBe(depth);
    expect((hvcC[21]! & 3) + 1).toBe(4);
    expect(hvcC[22]).toBe(3);
    // Profile compatibility: the flag of our own profile is set (H.265 §7.4.4).
    expect((hvcC.readUInt32BE(2) >>> (31 - info.profileIdc)) & 1).toBe(1);
    // The arrays hold the VPS, SPS, PPS verbatim, in that order.
    expect(hvcC.subarray(23 + 5, 23 + 5 + sets!.vps.length).equals(sets!.vps)).toBe(true);
    expect(hvcC.length).toBe(23 + 15 + sets!.vps.length + sets!.sps.length + sets!.pps.length);
  });

  it('detects IRAP access units and converts Annex B to 4-byte lengths', () => {
    const nals = splitAnnexB(x265('320x180'));
    const types = nals.map(hevcNalType);
    expect(types.slice(0, 3)).toEqual([32, 33, 34]);
    expect(isHevcKeyframe(nals.filter((n) => hevcNalType(n) === 19 || hevcNalType(n) === 20))).toBe(true);
    expect(isHevcKeyframe(nals.filter((n) => hevcNalType(n) === 1))).toBe(false);
    const prefixed = toLengthPrefixed(nals.slice(0, 2));
    expect(prefixed.readUInt32BE(0)).toBe(nals[0]!.length);
    expect(prefixed.readUInt32BE(4 + nals[0]!.length)).toBe(nals[1]!.length);
    expect(prefixed.length).toBe(8 + nals[0]!.length + nals[1]!.length);
  });

  it('splits 3- and 4-byte start codes and strips emulation prevention', () => {
    const annexB = Buffer.from([0, 0, 0, 1, 0x40, 0x01, 0xaa, 0, 0, 1, 0x42, 0x01, 0, 0, 3, 1, 0, 0, 0, 1, 0x44, 0x01]);
    const nals = splitAnnexB(annexB);
    expect(nals.map((n) => n.toString('hex'))).toEqual(['4001aa', '420100000301', '4401']);
    expect(removeEmulationPrevention(nals[1]!).toString('hex')).toBe('4201000001');
  });
});
