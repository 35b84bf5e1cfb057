// The MPEG-TS probe against streams it did not write: ffmpeg's own H.264 TS with a
// user-data SEI inserted by its h264_metadata filter (on every keyframe), read in any
// chunking, from a file directly and through ffmpeg; an HEVC stream for the HEVC NAL
// types; and the errors an operator sees.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MpegTsWriter } from '../engine/mux/mpegtsWriter';
import { buildSeiNal } from '../engine/mux/seiWriter';
import { probeMpegtsMetadata, readMpegtsMetadata, type MpegtsAccessUnit } from './probeMpegts';

const dir = mkdtempSync(join(tmpdir(), 'cuecast-probe-ts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// 3 s at 25 fps, a keyframe every 25 frames; ffmpeg puts the SEI on each keyframe.
const FFMPEG_TS = join(dir, 'ffmpeg-sei.ts');
writeFileSync(
  FFMPEG_TS,
  execFileSync('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25', '-f', 'lavfi', '-i', 'sine=sample_rate=48000',
    '-t', '3', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-keyint_min', '25', '-sc_threshold', '0',
    // Two levels of option parsing each take one backslash before the colon.
    '-bsf:v', String.raw`h264_metadata=sei_user_data=18012542-62e1-4a94-9ecc-fae1fbf06f4c+{"kind"\\\:"probe-test"}`,
    '-c:a', 'aac', '-f', 'mpegts', '-muxdelay', '0', '-muxpreload', '0', 'pipe:1',
  ], { timeout: 30_000, maxBuffer: 64 * 1024 * 1024 }),
);
const ffprobeVideo = (JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v', '-show_entries', 'packet=pts,flags', '-of', 'json', FFMPEG_TS], { encoding: 'utf8' })) as {
  packets: { pts: number; flags: string }[];
}).packets;

function chunks(buf: Buffer, sizes: readonly number[]): Buffer[] {
  const out: Buffer[] = [];
  for (let pos = 0, i = 0; pos < buf.length; i++) {
    const n = sizes[i % sizes.length]!;
    out.push(buf.subarray(pos, pos + n));
    pos += n;
  }
  return out;
}

describe('readMpegtsMetadata', () => {
  it("finds ffmpeg's SEI on every keyframe, with ffprobe's timestamps, whatever the chunking", () => {
    const whole = execFileSync('cat', [FFMPEG_TS]);
    const keyPts = ffprobeVideo.filter((p) => p.flags.startsWith('K')).map((p) => p.pts / 90);
    expect(keyPts).toHaveLength(3);
    for (const sizes of [[whole.length], [1, 187, 188, 189, 7], [4096, 3]]) {
      const units: MpegtsAccessUnit[] = [];
      const timeline = readMpegtsMetadata(chunks(whole, sizes), { onAccessUnit: (u) => units.push(u) });
      expect(timeline.videoFrames).toBe(ffprobeVideo.length);
      // ffprobe re-splits H.264 with its parser and leaves a few packets without a PTS.
      ffprobeVideo.forEach((p, i) => {
        if (p.pts !== undefined) expect(units[i]!.ptsMs).toBe(p.pts / 90);
      });
      expect(units.filter((u) => u.keyframe).map((u) => u.ptsMs)).toEqual(keyPts);
      // h264_metadata NUL-terminates the text, which makes it invalid JSON: shown as such.
      const payload = { invalidJson: '{"kind":"probe-test"}\u0000' };
      expect(timeline.messages.map((m) => [m.source, m.ptsMs, m.keyframe, m.payload])).toEqual(keyPts.map((pts) => ['sei', pts, true, payload]));
      expect(timeline.messages.map((m) => m.frameIndex)).toEqual([0, 25, 50]);
      // ffmpeg's muxer repeats PAT/PMT before keyframes too.
      expect(units.filter((u) => u.keyframe).every((u) => u.tablesBefore)).toBe(true);
    }
  });

  it('finds SEI and IRAP pictures in HEVC, and picks up sync after garbage', () => {
    const sets = [Buffer.from('40010c01ffff0160000003000003005d', 'hex'), Buffer.from('420101016000000300000300005da0', 'hex'), Buffer.from('4401c172b46240', 'hex')];
    const arrays = sets.map((set, i) => Buffer.concat([Buffer.from([0x80 | (32 + i), 0, 1, 0, set.length]), set]));
    const hvcc = Buffer.concat([Buffer.from('0101600000000000000000005df000fcfdf8f800000f03', 'hex'), ...arrays]);
    const writer = new MpegTsWriter({ video: { codec: 'hevc', width: 64, height: 64, fps: 25, bitrateKbps: 100, decoderConfig: hvcc }, audio: null });
    const nal = (...bytes: Buffer[]): Buffer => {
      const body = Buffer.concat(bytes);
      const length = Buffer.alloc(4);
      length.writeUInt32BE(body.length);
      return Buffer.concat([length, body]);
    };
    const sei = buildSeiNal('hevc', Buffer.from(JSON.stringify({ n: 1, zeros: '\u0000\u0000\u0000' })));
    const idr = Buffer.from([0x26, 0x01, 0xaf, 0x00, 0x00, 0x01]); // IDR_W_RADL with an emulation-prone tail
    const trail = Buffer.from([0x02, 0x01, 0xd0]);
    const ts = Buffer.concat([
      Buffer.from('junk before sync'),
      writer.writeVideo({ ptsMs: 1000, dtsMs: 1000, keyframe: true, data: Buffer.concat([nal(sei), nal(idr)]) }),
      writer.writeVideo({ ptsMs: 1040, dtsMs: 1040, keyframe: false, data: nal(trail) }),
    ]);
    const units: MpegtsAccessUnit[] = [];
    const timeline = readMpegtsMetadata([ts], { onAccessUnit: (u) => units.push(u) });
    expect(units.map((u) => [u.codec, u.ptsMs, u.keyframe, u.tablesBefore])).toEqual([['hevc', 1000, true, true], ['hevc', 1040, false, false]]);
    expect(timeline.messages).toEqual([{ source: 'sei', frameIndex: 0, ptsMs: 1000, keyframe: true, payload: { n: 1, zeros: '\u0000\u0000\u0000' } }]);
  });

  it('stops at `seconds` of stream time after the first access unit', () => {
    const timeline = readMpegtsMetadata([execFileSync('cat', [FFMPEG_TS])], { seconds: 1.5 });
    expect(timeline.videoFrames).toBe(38); // 0 … 1.48 s at 25 fps
    expect(timeline.messages.map((m) => m.frameIndex)).toEqual([0, 25]);
  });
});

describe('probeMpegtsMetadata', () => {
  it('reads a .ts file byte for byte, and through ffmpeg as a platform would', async () => {
    const direct = await probeMpegtsMetadata({ input: FFMPEG_TS });
    const remuxed = await probeMpegtsMetadata({ input: FFMPEG_TS, mode: 'ffmpeg', ffmpegPath: 'ffmpeg' });
    expect(direct.videoFrames).toBe(75);
    expect(remuxed.videoFrames).toBe(75);
    expect(direct.messages.map((m) => m.frameIndex)).toEqual([0, 25, 50]);
    // On later keyframes h264_metadata appends its SEI after the IDR slice; ffmpeg's
    // H.264 parser (which a remux runs) then hands it to the next access unit. This is
    // why the mux stage puts SEI before the first slice (spec "Where an SEI goes").
    expect(remuxed.messages.map((m) => [m.frameIndex, m.keyframe])).toEqual([[0, true], [26, false], [51, false]]);
    expect(remuxed.messages[0]).toEqual(direct.messages[0]);
  });

  it('refuses an input it cannot read with a clear error', async () => {
    await expect(probeMpegtsMetadata({ input: join(dir, 'missing.ts') })).rejects.toThrow(/^cannot read ".*missing\.ts": no such file$/);
    const notTs = join(dir, 'not-a-stream.ts');
    writeFileSync(notTs, 'hello');
    await expect(probeMpegtsMetadata({ input: notTs, ffmpegPath: 'ffmpeg', timeoutMs: 15_000 })).rejects.toThrow(/^cannot read ".*not-a-stream\.ts": /);
    await expect(probeMpegtsMetadata({ input: FFMPEG_TS, ffmpegPath: '/nonexistent/ffmpeg', mode: 'ffmpeg' })).rejects.toThrow(/^cannot read ".*": .*\/nonexistent\/ffmpeg.*no such file/i);
  });
});
