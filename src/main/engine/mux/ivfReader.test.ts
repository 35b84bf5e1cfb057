// The IVF reader on hand-built files (chunk boundaries anywhere) and on ffmpeg's own.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { IvfFormatError, IvfReader, type IvfFrame } from './ivfReader';

function ivfFile(frames: readonly { pts: number; data: Buffer }[], num = 1, den = 30): Buffer {
  const header = Buffer.alloc(32);
  header.write('DKIF', 0, 'latin1');
  header.writeUInt16LE(0, 4);
  header.writeUInt16LE(32, 6);
  header.write('AV01', 8, 'latin1');
  header.writeUInt16LE(640, 12);
  header.writeUInt16LE(360, 14);
  header.writeUInt32LE(den, 16);
  header.writeUInt32LE(num, 20);
  const parts: Buffer[] = [header];
  for (const f of frames) {
    const h = Buffer.alloc(12);
    h.writeUInt32LE(f.data.length, 0);
    h.writeBigInt64LE(BigInt(f.pts), 4);
    parts.push(h, f.data);
  }
  return Buffer.concat(parts);
}

describe('IvfReader', () => {
  const frames = [
    { pts: 0, data: Buffer.from([1, 2, 3]) },
    { pts: 1, data: Buffer.alloc(0) },
    { pts: 45, data: Buffer.alloc(300, 7) },
  ];
  const file = ivfFile(frames);

  it('reads the header and frames, pts in ms from the timebase', () => {
    const reader = new IvfReader();
    const out = reader.push(file);
    expect(reader.header).toEqual({ fourCc: 'AV01', width: 640, height: 360, timebaseNum: 1, timebaseDen: 30 });
    expect(out.map((f) => f.pts)).toEqual([0, 1, 45]);
    expect(out.map((f) => f.ptsMs)).toEqual([0, 1000 / 30, 1500]);
    expect(out.map((f) => f.data.length)).toEqual([3, 0, 300]);
  });

  it.each([1, 5, 13, 31, 33, 64])('gives the same frames fed in %i-byte chunks', (step) => {
    const reader = new IvfReader();
    const out: IvfFrame[] = [];
    for (let i = 0; i < file.length; i += step) out.push(...reader.push(file.subarray(i, i + step)));
    expect(out.map((f) => [f.pts, f.data.toString('hex')])).toEqual(frames.map((f) => [f.pts, f.data.toString('hex')]));
  });

  it('refuses what is not IVF', () => {
    expect(() => new IvfReader().push(Buffer.from('FLV\x01\x05'))).toThrow(IvfFormatError);
  });

  it("reads ffmpeg's IVF with every frame", () => {
    const ivf = execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25', '-frames:v', '10', '-c:v', 'libsvtav1', '-preset', '12', '-f', 'ivf', 'pipe:1'], { timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'] });
    const reader = new IvfReader();
    const out = reader.push(ivf);
    expect(reader.header).toMatchObject({ fourCc: 'AV01', width: 320, height: 240 });
    expect(out.length).toBe(10);
    expect(out[9]!.ptsMs).toBeCloseTo(360, 6);
  }, 60_000);
});
