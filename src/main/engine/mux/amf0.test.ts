import { describe, expect, it } from 'vitest';
import { AmfDecodeError, AmfEcmaArray, decodeAmf0, decodeAmf0Value, encodeAmf0 } from './amf0';

describe('amf0', () => {
  it('encodes the scalar types byte for byte (AMF0 spec §2)', () => {
    expect(encodeAmf0(1).toString('hex')).toBe('003ff0000000000000');
    expect(encodeAmf0(true, false).toString('hex')).toBe('01010100');
    expect(encodeAmf0('ab').toString('hex')).toBe('0200026162');
    expect(encodeAmf0(null, undefined).toString('hex')).toBe('0506');
  });

  it('encodes objects and ECMA arrays with the 00 00 09 end marker', () => {
    expect(encodeAmf0({ a: 1 }).toString('hex')).toBe('03000161003ff0000000000000000009');
    expect(encodeAmf0(new AmfEcmaArray({ a: true })).toString('hex')).toBe('080000000100016101010000' + '09');
    expect(encodeAmf0([1, 'x']).toString('hex')).toBe('0a00000002003ff0000000000000020001' + '78');
  });

  it('round-trips every type, including nested ones', () => {
    const date = new Date(1_700_000_000_123);
    const values = [
      'connect',
      1,
      { app: 'live', flashVer: 'FMLE/3.0', nested: { deep: [1, 'two', null, { x: false }] } },
      null,
      undefined,
      -0.5,
      'ünïcødé ✓',
      new AmfEcmaArray({ width: 640, height: 360, stereo: true, encoder: 'Cuecast' }),
      [],
      date,
    ] as const;
    expect(decodeAmf0(encodeAmf0(...values))).toEqual(values);
  });

  it('switches to a long string past 65535 bytes', () => {
    const long = 'x'.repeat(70_000);
    const buf = encodeAmf0(long);
    expect(buf[0]).toBe(0x0c);
    expect(buf.readUInt32BE(1)).toBe(70_000);
    expect(decodeAmf0(buf)).toEqual([long]);
    const exact = 'y'.repeat(0xffff);
    expect(encodeAmf0(exact)[0]).toBe(0x02);
  });

  it('decodes one value at an offset', () => {
    const buf = encodeAmf0('a', 2, 'b');
    const first = decodeAmf0Value(buf, 0);
    expect(first.value).toBe('a');
    expect(decodeAmf0Value(buf, first.offset).value).toBe(2);
  });

  it('ignores a wrong ECMA array count (the end marker decides)', () => {
    const buf = encodeAmf0(new AmfEcmaArray({ a: 1, b: 2 }));
    buf.writeUInt32BE(0, 1);
    expect(decodeAmf0(buf)).toEqual([new AmfEcmaArray({ a: 1, b: 2 })]);
  });

  it('rejects truncated data and unknown markers with a clear error', () => {
    const buf = encodeAmf0({ a: 'hello' });
    for (let cut = 1; cut < buf.length; cut++) {
      expect(() => decodeAmf0(buf.subarray(0, cut))).toThrow(AmfDecodeError);
    }
    expect(() => decodeAmf0(Buffer.from([0x07, 0, 1]))).toThrow(/marker 0x7/);
  });
});
