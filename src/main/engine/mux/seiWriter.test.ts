import { describe, expect, it } from 'vitest';
import { readAccessUnitSei } from '../../../../test/support/seiReader';
import { addEmulationPrevention, buildSeiNal, CUECAST_SEI_UUID, insertSei } from './seiWriter';

const UUID = '18012542-62e1-4a94-9ecc-fae1fbf06f4c';

function lp(nals: readonly Buffer[], lengthSize = 4): Buffer {
  return Buffer.concat(nals.flatMap((n) => {
    const p = Buffer.alloc(lengthSize);
    p.writeUIntBE(n.length, 0, lengthSize);
    return [p, n];
  }));
}

// H.264: AUD (9), SPS (7), PPS (8), IDR slice (5). HEVC: AUD (35), VPS/SPS/PPS (32–34), IDR_W_RADL (19).
const h264Au = (): Buffer => lp([Buffer.from([0x09, 0xf0]), Buffer.from([0x67, 1, 2, 3]), Buffer.from([0x68, 4]), Buffer.from([0x65, 0x88, 0x84, 0, 0])]);
const h264Inter = (): Buffer => lp([Buffer.from([0x09, 0x30]), Buffer.from([0x41, 0x9a, 0x00, 0x00, 0x01])]);
const hevcAu = (temporalIdPlus1 = 1): Buffer =>
  lp([Buffer.from([0x46, 0x01, 0x10]), Buffer.from([0x40, 0x01, 9]), Buffer.from([0x42, 0x01, 9]), Buffer.from([0x44, 0x01, 9]), Buffer.from([0x26, temporalIdPlus1, 0xaf, 0, 0])]);

describe('SEI writer', () => {
  it('uses the documented project UUID', () => {
    expect(CUECAST_SEI_UUID.toString('hex')).toBe(UUID.replace(/-/g, ''));
  });

  it('writes the H.264 and HEVC headers, payloadType 5, size, UUID, payload and stop bit', () => {
    const payload = Buffer.from('{"v":1}');
    const h264 = buildSeiNal('h264', payload);
    expect([...h264.subarray(0, 3)]).toEqual([0x06, 0x05, 16 + payload.length]);
    expect(h264.subarray(3, 19).equals(CUECAST_SEI_UUID)).toBe(true);
    expect(h264.subarray(19, -1).toString()).toBe('{"v":1}');
    expect(h264[h264.length - 1]).toBe(0x80);
    const hevc = buildSeiNal('hevc', payload);
    expect([...hevc.subarray(0, 4)]).toEqual([0x4e, 0x01, 0x05, 16 + payload.length]);
  });

  it.each([0, 238, 239, 255, 494, 1000, 1024])('codes payloadSize as a 0xFF run for a %i-byte payload', (n) => {
    const nal = buildSeiNal('h264', Buffer.alloc(n, 0x41));
    const size = 16 + n;
    const run = Math.floor(size / 255);
    expect([...nal.subarray(2, 2 + run)]).toEqual(new Array(run).fill(0xff));
    expect(nal[2 + run]).toBe(size % 255);
    const seis = readAccessUnitSei(insertSei(h264Inter(), 'h264', 4, nal), 'h264').seis;
    expect(seis).toHaveLength(1);
    expect(seis[0]!.payload.equals(Buffer.alloc(n, 0x41))).toBe(true);
  });

  it('applies emulation prevention after the NAL header and the reader undoes it', () => {
    expect([...addEmulationPrevention(Buffer.from([0, 0, 0, 0, 0, 1, 0, 0, 2, 0, 0, 3, 0, 0, 4]))]).toEqual([
      0, 0, 3, 0, 0, 3, 0, 1, 0, 0, 3, 2, 0, 0, 3, 3, 0, 0, 4,
    ]);
    const payload = Buffer.from([0, 0, 0, 0, 1, 0, 0, 2, 0, 0, 3, 0xff, 0, 0]);
    const nal = buildSeiNal('hevc', payload);
    const body = nal.subarray(2);
    for (let i = 2; i < body.length; i++) {
      if (body[i - 2] === 0 && body[i - 1] === 0) expect(body[i]).toBeGreaterThanOrEqual(3);
    }
    const [sei] = readAccessUnitSei(insertSei(hevcAu(), 'hevc', 4, nal), 'hevc').seis;
    expect(sei!.uuid).toBe(UUID);
    expect(sei!.payload.equals(payload)).toBe(true);
  });

  it('inserts immediately before the first VCL NAL (after AUD, SPS, PPS) with its length prefix', () => {
    const au = h264Au();
    const nal = buildSeiNal('h264', Buffer.from('hello'));
    const out = insertSei(au, 'h264', 4, nal);
    expect(out.length).toBe(au.length + 4 + nal.length);
    const read = readAccessUnitSei(out, 'h264');
    expect(read.seis.map((s) => [s.nalIndex, s.uuid, s.payload.toString()])).toEqual([[3, UUID, 'hello']]);
    expect(read.firstVclIndex).toBe(4);
    // Everything else is untouched.
    expect(Buffer.concat([out.subarray(0, 20), out.subarray(20 + 4 + nal.length)]).equals(au)).toBe(true);
  });

  it('inserts several NALs in order, with 1- and 2-byte length prefixes too', () => {
    for (const lengthSize of [1, 2, 4]) {
      const au = lp([Buffer.from([0x09, 0x30]), Buffer.from([0x41, 0x9a])], lengthSize);
      const out = insertSei(au, 'h264', lengthSize, [buildSeiNal('h264', Buffer.from('a')), buildSeiNal('h264', Buffer.from('b'))]);
      const read = readAccessUnitSei(out, 'h264', lengthSize);
      expect(read.seis.map((s) => s.payload.toString())).toEqual(['a', 'b']);
      expect(read.firstVclIndex).toBe(3);
    }
  });

  it('HEVC: goes before the first VCL NAL and copies the slice temporal id', () => {
    const out = insertSei(hevcAu(3), 'hevc', 4, buildSeiNal('hevc', Buffer.from('x')));
    const read = readAccessUnitSei(out, 'hevc');
    expect(read.seis[0]!.nalIndex).toBe(4);
    expect(read.firstVclIndex).toBe(5);
    // NAL 4 header: 4 prefixes + AUD(3) + VPS/SPS/PPS(3 each) = 4*4 + 12 bytes in, then its length prefix.
    const seiHeader = out.subarray(4 * 5 + 12, 4 * 5 + 14);
    expect([...seiHeader]).toEqual([0x4e, 0x03]);
  });

  it('refuses an access unit without a VCL NAL or with a broken length', () => {
    const nal = buildSeiNal('h264', Buffer.from('x'));
    expect(() => insertSei(lp([Buffer.from([0x67, 1])]), 'h264', 4, nal)).toThrow(/no VCL NAL/);
    expect(() => insertSei(Buffer.from([0, 0, 0, 9, 0x65]), 'h264', 4, nal)).toThrow(/claims 9 bytes/);
  });
});
