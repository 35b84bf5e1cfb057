// The player's and the verifier's own AMF0 (spec "AMF0"; AMF0 spec §2): a decoder for script tags,
// data and command messages, and the small encoder the RTMP player needs for its
// commands. Kept apart from src/main/engine/mux/amf0.ts on purpose, so a bug in the
// writer shows up here instead of being mirrored.
import { PlayError } from './playError';

export type Amf0Value = number | boolean | string | null | undefined | Date | Amf0Value[] | { [key: string]: Amf0Value };

/** Decodes one AMF0 value at `pos`; returns it and the position after it. */
export function readAmf0(buf: Buffer, pos: number): [Amf0Value, number] {
  const need = (n: number): void => {
    if (pos + n > buf.length) throw new PlayError('AMF0 value runs past the end of the tag');
  };
  need(1);
  const marker = buf[pos++]!;
  const readKey = (): string => {
    need(2);
    const len = buf.readUInt16BE(pos);
    need(2 + len);
    const s = buf.toString('utf8', pos + 2, pos + 2 + len);
    pos += 2 + len;
    return s;
  };
  const readProps = (): { [key: string]: Amf0Value } => {
    const obj: { [key: string]: Amf0Value } = {};
    for (;;) {
      const key = readKey();
      need(1);
      if (key === '' && buf[pos] === 0x09) {
        pos++; // object end 00 00 09
        return obj;
      }
      const [v, next] = readAmf0(buf, pos);
      obj[key] = v;
      pos = next;
    }
  };
  switch (marker) {
    case 0x00:
      need(8);
      return [buf.readDoubleBE(pos), pos + 8];
    case 0x01:
      need(1);
      return [buf[pos] !== 0, pos + 1];
    case 0x02:
      return [readKey(), pos];
    case 0x03:
      return [readProps(), pos];
    case 0x05:
      return [null, pos];
    case 0x06:
      return [undefined, pos];
    case 0x08:
      need(4);
      pos += 4; // the count is a hint; the array ends with 00 00 09 like an object
      return [readProps(), pos];
    case 0x0a: {
      need(4);
      const n = buf.readUInt32BE(pos);
      pos += 4;
      const arr: Amf0Value[] = [];
      for (let i = 0; i < n; i++) {
        const [v, next] = readAmf0(buf, pos);
        arr.push(v);
        pos = next;
      }
      return [arr, pos];
    }
    case 0x0b:
      need(10);
      return [new Date(buf.readDoubleBE(pos)), pos + 10];
    case 0x0c: {
      need(4);
      const len = buf.readUInt32BE(pos);
      need(4 + len);
      return [buf.toString('utf8', pos + 4, pos + 4 + len), pos + 4 + len];
    }
    default:
      throw new PlayError(`AMF0 marker 0x${marker.toString(16)} is not supported`);
  }
}

/** Decodes every value in `buf` (a command: name, transaction id, arguments). */
export function readAllAmf0(buf: Buffer): Amf0Value[] {
  const out: Amf0Value[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [v, next] = readAmf0(buf, pos);
    out.push(v);
    pos = next;
  }
  return out;
}

/** What the player's commands need: numbers, booleans, short strings, null, plain objects. */
export type Amf0Arg = number | boolean | string | null | { readonly [key: string]: Amf0Arg };

/** Encodes each value in sequence. */
export function writeAmf0(...values: readonly Amf0Arg[]): Buffer {
  const bytes: number[] = [];
  const u16 = (n: number): void => void bytes.push((n >> 8) & 0xff, n & 0xff);
  const key = (s: string): void => {
    const utf8 = Buffer.from(s, 'utf8');
    if (utf8.length > 0xffff) throw new RangeError('AMF0 short string over 65535 bytes');
    u16(utf8.length);
    bytes.push(...utf8);
  };
  const one = (v: Amf0Arg): void => {
    if (v === null) bytes.push(0x05);
    else if (typeof v === 'number') {
      const b = Buffer.alloc(8);
      b.writeDoubleBE(v, 0);
      bytes.push(0x00, ...b);
    } else if (typeof v === 'boolean') bytes.push(0x01, v ? 1 : 0);
    else if (typeof v === 'string') {
      bytes.push(0x02);
      key(v);
    } else {
      bytes.push(0x03);
      for (const [k, item] of Object.entries(v)) {
        key(k);
        one(item);
      }
      bytes.push(0x00, 0x00, 0x09);
    }
  };
  for (const v of values) one(v);
  return Buffer.from(bytes);
}
