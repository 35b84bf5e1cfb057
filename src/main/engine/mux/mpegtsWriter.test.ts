// MpegTsWriter byte by byte: transport packets, tables and their CRC, PES timing,
// Annex B conversion (AUD, parameter sets, SEI untouched), ADTS, stuffing and
// continuity. Read back with MpegTsReader and with direct packet walks here.
import { describe, expect, it } from 'vitest';
import type { AudioConfig, VideoConfig } from '../media/packets';
import { adtsFrames, MpegTsReader } from './mpegtsReader';
import { AUDIO_PID, crc32Mpeg2, MpegTsMuxError, MpegTsWriter, PAT_PID, PMT_PID, TS_PACKET_SIZE, VIDEO_PID } from './mpegtsWriter';
import { buildSeiNal } from './seiWriter';

const SPS = Buffer.from('6764001eacd940a02ff9610000030001000003003c8f162d96', 'hex');
const PPS = Buffer.from('68ebecb22c', 'hex');
const AVCC = Buffer.concat([Buffer.from([1, 0x64, 0, 0x1e, 0xff, 0xe1]), u16(SPS.length), SPS, Buffer.from([1]), u16(PPS.length), PPS]);
const VPS = Buffer.from('40010c01ffff016000000300b0000003000003005d95980900', 'hex');
const HSPS = Buffer.from('420101016000000300b0000003000003005da00280802d165965', 'hex');
const HPPS = Buffer.from('4401c172b46240', 'hex');
const HVCC = Buffer.concat([
  Buffer.from([1, 1, 0x60, 0, 0, 0, 0xb0, 0, 0, 0, 0, 0, 0x5d, 0xf0, 0, 0xfc, 0xfd, 0xf8, 0xf8, 0, 0, 0x0f, 3]),
  ...[[32, VPS], [33, HSPS], [34, HPPS]].map(([t, n]) => Buffer.concat([Buffer.from([0x80 | (t as number)]), u16(1), u16((n as Buffer).length), n as Buffer])),
]);
const H264: VideoConfig = { codec: 'h264', width: 640, height: 360, fps: 25, bitrateKbps: 1000, decoderConfig: AVCC };
const HEVC: VideoConfig = { ...H264, codec: 'hevc', decoderConfig: HVCC };
// AAC LC, 48 kHz (index 3), stereo.
const AUDIO: AudioConfig = { codec: 'aac', sampleRate: 48000, channels: 2, bitrateKbps: 128, audioSpecificConfig: Buffer.from([0x11, 0x90]) };

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}
/** NAL units with 4-byte lengths, as the avcC/hvcC above announce. */
function lengthPrefixed(...nals: Buffer[]): Buffer {
  const parts: Buffer[] = [];
  for (const nal of nals) {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(nal.length);
    parts.push(length, nal);
  }
  return Buffer.concat(parts);
}
const idr = (size: number): Buffer => Buffer.concat([Buffer.from([0x65, 0x88]), Buffer.alloc(size, 0x5a)]);
const slice = (size: number): Buffer => Buffer.concat([Buffer.from([0x41, 0x9a]), Buffer.alloc(size, 0x5a)]);

interface Packet {
  readonly pid: number;
  readonly start: boolean;
  readonly cc: number;
  readonly adaptation: Buffer | null;
  readonly payload: Buffer;
}
function packets(ts: Buffer): Packet[] {
  expect(ts.length % TS_PACKET_SIZE).toBe(0);
  const out: Packet[] = [];
  for (let pos = 0; pos < ts.length; pos += TS_PACKET_SIZE) {
    const p = ts.subarray(pos, pos + TS_PACKET_SIZE);
    expect(p[0]).toBe(0x47);
    const control = (p[3]! >> 4) & 3;
    const fieldLength = control & 2 ? p[4]! + 1 : 0;
    out.push({
      pid: ((p[1]! & 0x1f) << 8) | p[2]!,
      start: (p[1]! & 0x40) !== 0,
      cc: p[3]! & 0x0f,
      adaptation: control & 2 ? p.subarray(4, 4 + fieldLength) : null,
      payload: p.subarray(4 + fieldLength),
    });
  }
  return out;
}

describe('MpegTsWriter', () => {
  it('computes CRC-32/MPEG-2 (check value of "123456789" is 0x0376E6E7)', () => {
    expect(crc32Mpeg2(Buffer.from('123456789'))).toBe(0x0376e6e7);
  });

  it('writes PAT and PMT with valid CRCs, the right stream types and PCR PID', () => {
    for (const [video, type] of [[H264, 0x1b], [HEVC, 0x24]] as const) {
      const ps = packets(new MpegTsWriter({ video, audio: AUDIO }).tables(0));
      expect(ps.map((p) => p.pid)).toEqual([PAT_PID, PMT_PID]);
      const sections = ps.map((p) => {
        expect(p.start).toBe(true);
        const length = p.payload.readUInt16BE(2) & 0x0fff;
        const section = p.payload.subarray(1, 1 + 3 + length);
        // Running the CRC over a section and its own CRC gives 0 (Annex A).
        expect(crc32Mpeg2(section)).toBe(0);
        expect(p.payload.subarray(1 + 3 + length).every((b) => b === 0xff)).toBe(true);
        return section;
      });
      expect(sections[0]![0]).toBe(0x00);
      expect(sections[0]!.readUInt16BE(10) & 0x1fff).toBe(PMT_PID);
      const pmt = sections[1]!;
      expect(pmt[0]).toBe(0x02);
      expect(pmt.readUInt16BE(8) & 0x1fff).toBe(VIDEO_PID);
      expect([pmt[12], pmt.readUInt16BE(13) & 0x1fff, pmt[17], pmt.readUInt16BE(18) & 0x1fff]).toEqual([type, VIDEO_PID, 0x0f, AUDIO_PID]);
    }
  });

  it('puts an AUD first and the avcC parameter sets on keyframes, leaves SEI bytes untouched', () => {
    // A payload with runs of zeros exercises emulation prevention inside the SEI.
    const sei = buildSeiNal('h264', Buffer.from('{"a":"\u0000\u0000\u0001x"}'));
    const writer = new MpegTsWriter({ video: H264, audio: AUDIO });
    const reader = new MpegTsReader();
    const key = reader.push(writer.writeVideo({ ptsMs: 1000, dtsMs: 1000, keyframe: true, data: lengthPrefixed(sei, idr(500)) }));
    const next = reader.push(writer.writeVideo({ ptsMs: 1040, dtsMs: 1040, keyframe: false, data: lengthPrefixed(slice(300)) }));
    const [first, second] = [...key, ...next, ...reader.flush()];
    const sc = '00000001';
    expect(first!.data.toString('hex')).toBe(`${sc}09f0${sc}${SPS.toString('hex')}${sc}${PPS.toString('hex')}${sc}${sei.toString('hex')}${sc}${idr(500).toString('hex')}`);
    expect(second!.data.toString('hex')).toBe(`${sc}09f0${sc}${slice(300).toString('hex')}`);
    expect([first!.ptsMs, second!.ptsMs]).toEqual([1000, 1040]);
  });

  it('keeps an HEVC access unit\'s own AUD and in-band VPS/SPS/PPS instead of adding copies', () => {
    const writer = new MpegTsWriter({ video: HEVC, audio: null });
    const aud = Buffer.from([0x46, 0x01, 0x10]);
    const irap = Buffer.concat([Buffer.from([0x26, 0x01]), Buffer.alloc(100, 7)]);
    const sei = buildSeiNal('hevc', Buffer.from('{"p":1}'));
    const reader = new MpegTsReader();
    reader.push(writer.writeVideo({ ptsMs: 0, dtsMs: 0, keyframe: true, data: lengthPrefixed(aud, VPS, HSPS, HPPS, sei, irap) }));
    const [inBand] = reader.flush();
    expect(inBand!.data).toEqual(Buffer.concat([aud, VPS, HSPS, HPPS, sei, irap].flatMap((n) => [Buffer.from([0, 0, 0, 1]), n])));
    // Without in-band sets, the hvcC's VPS, SPS, PPS follow our AUD.
    reader.push(writer.writeVideo({ ptsMs: 40, dtsMs: 40, keyframe: true, data: lengthPrefixed(sei, irap) }));
    const [fromRecord] = reader.flush();
    expect(fromRecord!.data).toEqual(Buffer.concat([Buffer.from([0x46, 0x01, 0x50]), VPS, HSPS, HPPS, sei, irap].flatMap((n) => [Buffer.from([0, 0, 0, 1]), n])));
  });

  it('writes PTS and DTS separately when they differ, with PCR = DTS on the first packet', () => {
    const writer = new MpegTsWriter({ video: H264, audio: null });
    const ts = writer.writeVideo({ ptsMs: 1080, dtsMs: 1000, keyframe: false, data: lengthPrefixed(slice(1000)) });
    const video = packets(ts).filter((p) => p.pid === VIDEO_PID);
    const field = video[0]!.adaptation!;
    expect(field[1]! & 0x10).toBe(0x10);
    const pcrBase = field.readUInt32BE(2) * 2 + (field[6]! >> 7);
    expect(pcrBase).toBe(90_000);
    expect(video.slice(1).every((p) => !p.start && (p.adaptation === null || (p.adaptation[1]! & 0x10) === 0))).toBe(true);
    const reader = new MpegTsReader();
    reader.push(Buffer.concat([writer.tables(0), ts]));
    expect(reader.flush()).toMatchObject([{ ptsMs: 1080, dtsMs: 1000 }]);
  });

  it('marks keyframes random access and sends PAT/PMT before every one and at least every 100 ms', () => {
    const writer = new MpegTsWriter({ video: H264, audio: AUDIO });
    const parts: Buffer[] = [];
    const keyAt = new Set<number>();
    for (let i = 0; i < 100; i++) {
      const keyframe = i % 25 === 0;
      if (keyframe) keyAt.add(i);
      parts.push(writer.writeVideo({ ptsMs: i * 40, dtsMs: i * 40, keyframe, data: lengthPrefixed(keyframe ? idr(200) : slice(50)) }));
    }
    const ps = packets(Buffer.concat(parts));
    let sinceTables = Infinity;
    let frame = -1;
    let pat = false;
    for (const p of ps) {
      if (p.pid === PAT_PID) {
        pat = true;
        sinceTables = 0;
      }
      if (p.pid === VIDEO_PID && p.start) {
        frame++;
        const randomAccess = ((p.adaptation?.[1] ?? 0) & 0x40) !== 0;
        expect(randomAccess).toBe(keyAt.has(frame));
        if (keyAt.has(frame)) expect(pat, `tables right before keyframe ${frame}`).toBe(true);
        expect(sinceTables).toBeLessThanOrEqual(2); // 40 ms frames: every third frame at most
        sinceTables++;
        pat = false;
      }
    }
    expect(frame).toBe(99);
  });

  it('keeps continuity counters per PID and fills every last packet with stuffing, for any size', () => {
    const writer = new MpegTsWriter({ video: H264, audio: AUDIO });
    const reader = new MpegTsReader();
    const sent: Buffer[] = [];
    const got: Buffer[] = [];
    const parts: Buffer[] = [];
    // Sizes around every boundary: one byte, a packet's worth, the 183/184 edge, and > 64 KB (PES length 0).
    const sizes = [1, 2, 150, 160, 161, 162, 163, 164, 165, 166, 170, 183, 184, 185, 330, 346, 347, 348, 1000, 70_000];
    sizes.forEach((size, i) => {
      const nal = slice(size);
      sent.push(nal);
      const ts = writer.writeVideo({ ptsMs: i * 40, dtsMs: i * 40, keyframe: false, data: lengthPrefixed(nal) });
      parts.push(ts);
      for (const u of reader.push(ts)) got.push(u.data);
      parts.push(writer.writeAudio({ dtsMs: i * 40 + 5, data: Buffer.alloc(size % 700, i) }));
    });
    got.push(...reader.flush().filter((u) => u.kind === 'video').map((u) => u.data));
    expect(got.map((d) => d.subarray(6 + 4).toString('hex'))).toEqual(sent.map((n) => n.toString('hex')));
    const last = new Map<number, number>();
    for (const p of packets(Buffer.concat(parts))) {
      const prev = last.get(p.pid);
      if (prev !== undefined) expect(p.cc, `PID ${p.pid}`).toBe((prev + 1) & 0x0f);
      last.set(p.pid, p.cc);
    }
  });

  it('writes each AAC frame as ADTS that a reader turns back into the same AudioSpecificConfig', () => {
    const writer = new MpegTsWriter({ video: H264, audio: AUDIO });
    const reader = new MpegTsReader();
    const frames = [Buffer.alloc(300, 1), Buffer.alloc(5, 2), Buffer.alloc(700, 3)];
    const units = frames.flatMap((data, i) => reader.push(writer.writeAudio({ dtsMs: 100 + i * 21, data })));
    units.push(...reader.flush());
    expect(units.map((u) => u.ptsMs)).toEqual([100, 121, 142]);
    units.forEach((u, i) => {
      const [adts] = adtsFrames(u.data);
      expect(adts!.data).toEqual(frames[i]);
      expect(adts!.audioSpecificConfig).toEqual(AUDIO.audioSpecificConfig);
      expect([adts!.sampleRate, adts!.channels]).toEqual([48000, 2]);
    });
  });

  it('refuses what it cannot carry with a clear error', () => {
    expect(() => new MpegTsWriter({ video: { ...H264, codec: 'av1' }, audio: AUDIO })).toThrow(/AV1 cannot be carried in MPEG-TS/);
    expect(() => new MpegTsWriter({ video: { ...H264, decoderConfig: AVCC.subarray(0, 12) }, audio: null })).toThrow(/avcC .* truncated/);
    expect(() => new MpegTsWriter({ video: H264, audio: { ...AUDIO, audioSpecificConfig: Buffer.from([0x2b, 0x10]) } })).toThrow(/object type 5/);
    const writer = new MpegTsWriter({ video: H264, audio: null });
    expect(() => writer.writeVideo({ ptsMs: 0, dtsMs: 0, keyframe: true, data: Buffer.from([0, 0, 0, 9, 0x65]) })).toThrow(MpegTsMuxError);
    expect(() => writer.writeVideo({ ptsMs: -1, dtsMs: -1, keyframe: true, data: lengthPrefixed(idr(1)) })).toThrow(/not a time/);
    expect(() => writer.writeAudio({ dtsMs: 0, data: Buffer.alloc(1) })).toThrow(/without audio/);
  });
});
