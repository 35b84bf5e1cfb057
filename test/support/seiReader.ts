// An independent SEI reader for tests (it shares no code with src/main/engine/mux/
// seiWriter.ts, so it can catch the writer's bugs): walks a length-prefixed access
// unit, strips emulation prevention from each SEI NAL and parses its sei_messages
// (H.264 §7.3.2.3.1, H.265 §7.3.5), returning the user_data_unregistered ones.

export interface UnregisteredSei {
  /** uuid_iso_iec_11578 as lower-case hex with dashes (8-4-4-4-12). */
  readonly uuid: string;
  readonly payload: Buffer;
  /** Index of the carrying NAL unit in the access unit. */
  readonly nalIndex: number;
}

export interface AccessUnitSeis {
  readonly seis: readonly UnregisteredSei[];
  /** Index of the first VCL NAL unit, -1 if none. */
  readonly firstVclIndex: number;
}

export function readUnregisteredSei(data: Buffer, codec: 'h264' | 'hevc', lengthSize = 4): UnregisteredSei[] {
  return readAccessUnitSei(data, codec, lengthSize).seis.slice();
}

export function readAccessUnitSei(data: Buffer, codec: 'h264' | 'hevc', lengthSize = 4): AccessUnitSeis {
  const seis: UnregisteredSei[] = [];
  let firstVclIndex = -1;
  let pos = 0;
  let index = 0;
  while (pos + lengthSize <= data.length) {
    let size = 0;
    for (let i = 0; i < lengthSize; i++) size = size * 256 + data[pos + i]!;
    const nal = data.subarray(pos + lengthSize, pos + lengthSize + size);
    if (nal.length !== size) throw new Error(`NAL ${index} truncated: ${size} claimed, ${nal.length} present`);
    pos += lengthSize + size;
    const type = codec === 'h264' ? nal[0]! & 0x1f : (nal[0]! >> 1) & 0x3f;
    const vcl = codec === 'h264' ? type >= 1 && type <= 5 : type <= 31;
    if (vcl && firstVclIndex < 0) firstVclIndex = index;
    const sei = codec === 'h264' ? type === 6 : type === 39 || type === 40;
    if (sei) {
      const rbsp = unescape(nal.subarray(codec === 'h264' ? 1 : 2));
      for (const m of seiMessages(rbsp)) {
        if (m.type !== 5 || m.body.length < 16) continue;
        const hex = m.body.subarray(0, 16).toString('hex');
        const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
        seis.push({ uuid, payload: Buffer.from(m.body.subarray(16)), nalIndex: index });
      }
    }
    index++;
  }
  if (pos !== data.length) throw new Error(`${data.length - pos} stray bytes after the last NAL unit`);
  return { seis, firstVclIndex };
}

/** Drops each 0x03 that follows two zero bytes (emulation_prevention_three_byte). */
function unescape(ebsp: Buffer): Buffer {
  const out: number[] = [];
  let zeros = 0;
  for (const b of ebsp) {
    if (zeros === 2 && b === 0x03) {
      zeros = 0;
      continue;
    }
    out.push(b);
    zeros = b === 0 ? zeros + 1 : 0;
  }
  return Buffer.from(out);
}

function seiMessages(rbsp: Buffer): { type: number; body: Buffer }[] {
  const out: { type: number; body: Buffer }[] = [];
  let p = 0;
  // more_rbsp_data(): stop at the trailing 0x80 stop bit.
  while (p < rbsp.length && !(p === rbsp.length - 1 && rbsp[p] === 0x80)) {
    let type = 0;
    while (rbsp[p] === 0xff) {
      type += 255;
      p++;
    }
    type += rbsp[p++]!;
    let size = 0;
    while (rbsp[p] === 0xff) {
      size += 255;
      p++;
    }
    size += rbsp[p++]!;
    if (p + size > rbsp.length) throw new Error(`sei_message type ${type} claims ${size} bytes, ${rbsp.length - p} remain`);
    out.push({ type, body: rbsp.subarray(p, p + size) });
    p += size;
  }
  if (rbsp[rbsp.length - 1] !== 0x80) throw new Error('SEI NAL does not end with the rbsp stop bit 0x80');
  return out;
}
