// AMF0 (Action Message Format 0) as RTMP commands and FLV script tags carry it.
// Markers and layouts: AMF0 spec §2, summarised in specs/flv-rtmp-sei.md "AMF0".
// All multi-byte fields are big-endian.

/** An AMF0 ECMA array (marker 0x08): an object with a count, used by onMetaData. */
export class AmfEcmaArray {
  constructor(readonly properties: Readonly<Record<string, AmfValue>>) {}
}

export interface AmfObject {
  readonly [key: string]: AmfValue;
}

/**
 * JS ↔ AMF0: number, boolean, string (long string past 65535 bytes), null,
 * undefined, Date, plain object (object), AmfEcmaArray (ECMA array) and arrays
 * (strict array).
 */
export type AmfValue =
  | number
  | boolean
  | string
  | null
  | undefined
  | Date
  | AmfEcmaArray
  | readonly AmfValue[]
  | AmfObject;

// AMF0 spec §2.1 type markers.
const NUMBER = 0x00;
const BOOLEAN = 0x01;
const STRING = 0x02;
const OBJECT = 0x03;
const NULL = 0x05;
const UNDEFINED = 0x06;
const ECMA_ARRAY = 0x08;
const OBJECT_END = 0x09;
const STRICT_ARRAY = 0x0a;
const DATE = 0x0b;
const LONG_STRING = 0x0c;
const UNSUPPORTED = 0x0d;

const MAX_SHORT_STRING = 0xffff;

export class AmfDecodeError extends Error {}

/** Encodes each value in sequence (a command is name, transaction id, args...). */
export function encodeAmf0(...values: readonly AmfValue[]): Buffer {
  const parts: Buffer[] = [];
  for (const value of values) writeValue(parts, value);
  return Buffer.concat(parts);
}

/** Decodes every value in `buf`. Throws AmfDecodeError on truncated or unknown data. */
export function decodeAmf0(buf: Buffer): AmfValue[] {
  const values: AmfValue[] = [];
  let offset = 0;
  while (offset < buf.length) {
    const next = decodeAmf0Value(buf, offset);
    values.push(next.value);
    offset = next.offset;
  }
  return values;
}

/** Decodes one value at `offset`; returns it with the offset just past it. */
export function decodeAmf0Value(buf: Buffer, offset: number): { value: AmfValue; offset: number } {
  const reader = new Reader(buf, offset);
  const value = reader.value();
  return { value, offset: reader.offset };
}

function writeValue(parts: Buffer[], value: AmfValue): void {
  if (value === null) {
    parts.push(Buffer.from([NULL]));
  } else if (value === undefined) {
    parts.push(Buffer.from([UNDEFINED]));
  } else if (typeof value === 'number') {
    const b = Buffer.alloc(9);
    b[0] = NUMBER;
    b.writeDoubleBE(value, 1);
    parts.push(b);
  } else if (typeof value === 'boolean') {
    parts.push(Buffer.from([BOOLEAN, value ? 1 : 0]));
  } else if (typeof value === 'string') {
    const utf8 = Buffer.from(value, 'utf8');
    if (utf8.length > MAX_SHORT_STRING) {
      const head = Buffer.alloc(5);
      head[0] = LONG_STRING;
      head.writeUInt32BE(utf8.length, 1);
      parts.push(head, utf8);
    } else {
      parts.push(Buffer.from([STRING]), shortString(utf8));
    }
  } else if (value instanceof Date) {
    const b = Buffer.alloc(11);
    b[0] = DATE;
    b.writeDoubleBE(value.getTime(), 1);
    // Time zone (s16) is reserved and should be 0 (AMF0 spec §2.13).
    b.writeInt16BE(0, 9);
    parts.push(b);
  } else if (value instanceof AmfEcmaArray) {
    const entries = Object.entries(value.properties);
    const head = Buffer.alloc(5);
    head[0] = ECMA_ARRAY;
    head.writeUInt32BE(entries.length, 1);
    parts.push(head);
    writeProperties(parts, entries);
  } else if (Array.isArray(value)) {
    const list = value as readonly AmfValue[];
    const head = Buffer.alloc(5);
    head[0] = STRICT_ARRAY;
    head.writeUInt32BE(list.length, 1);
    parts.push(head);
    for (const item of list) writeValue(parts, item);
  } else {
    parts.push(Buffer.from([OBJECT]));
    writeProperties(parts, Object.entries(value as AmfObject));
  }
}

function writeProperties(parts: Buffer[], entries: readonly (readonly [string, AmfValue])[]): void {
  for (const [key, item] of entries) {
    const name = Buffer.from(key, 'utf8');
    if (name.length > MAX_SHORT_STRING) throw new RangeError(`AMF0 property name too long (${name.length} bytes)`);
    parts.push(shortString(name));
    writeValue(parts, item);
  }
  // Empty name + object-end marker closes objects and ECMA arrays (AMF0 spec §2.11).
  parts.push(Buffer.from([0x00, 0x00, OBJECT_END]));
}

function shortString(utf8: Buffer): Buffer {
  const len = Buffer.alloc(2);
  len.writeUInt16BE(utf8.length, 0);
  return Buffer.concat([len, utf8]);
}

class Reader {
  constructor(
    private readonly buf: Buffer,
    public offset: number,
  ) {}

  value(): AmfValue {
    const marker = this.u8();
    switch (marker) {
      case NUMBER:
        return this.f64();
      case BOOLEAN:
        return this.u8() !== 0;
      case STRING:
        return this.utf8(this.u16());
      case LONG_STRING:
        return this.utf8(this.u32());
      case NULL:
        return null;
      case UNDEFINED:
      case UNSUPPORTED:
        return undefined;
      case OBJECT:
        return this.properties();
      case ECMA_ARRAY:
        // The count is advisory: encoders disagree with it, the end marker decides.
        this.u32();
        return new AmfEcmaArray(this.properties());
      case STRICT_ARRAY: {
        const count = this.u32();
        const items: AmfValue[] = [];
        for (let i = 0; i < count; i++) items.push(this.value());
        return items;
      }
      case DATE: {
        const ms = this.f64();
        this.need(2);
        this.offset += 2;
        return new Date(ms);
      }
      default:
        throw new AmfDecodeError(`unsupported AMF0 marker 0x${marker.toString(16)} at offset ${this.offset - 1}`);
    }
  }

  private properties(): Record<string, AmfValue> {
    const result: Record<string, AmfValue> = {};
    for (;;) {
      const key = this.utf8(this.u16());
      if (key === '' && this.buf[this.offset] === OBJECT_END) {
        this.offset += 1;
        return result;
      }
      result[key] = this.value();
    }
  }

  private need(n: number): void {
    if (this.offset + n > this.buf.length) {
      throw new AmfDecodeError(`truncated AMF0 data: need ${n} bytes at offset ${this.offset}, have ${this.buf.length - this.offset}`);
    }
  }
  private u8(): number {
    this.need(1);
    return this.buf[this.offset++]!;
  }
  private u16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.offset);
    this.offset += 2;
    return v;
  }
  private u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }
  private f64(): number {
    this.need(8);
    const v = this.buf.readDoubleBE(this.offset);
    this.offset += 8;
    return v;
  }
  private utf8(length: number): string {
    this.need(length);
    const s = this.buf.toString('utf8', this.offset, this.offset + length);
    this.offset += length;
    return s;
  }
}
