// user_data_unregistered SEI as a player reads it (spec "user_data_unregistered SEI";
// H.264 §7.3.2.3, Annex D.1): undo emulation prevention, walk the SEI messages,
// keep the payloads behind our UUID.

/**
 * Cuecast's SEI UUID as published (README "commerce metadata in the stream"). Written
 * out here rather than imported from the writer: a reader must notice if the writer's
 * constant ever changes.
 */
export const CUECAST_SEI_UUID: Buffer = Buffer.from('1801254262e14a949eccfae1fbf06f4c', 'hex');

/** Removes emulation prevention: 00 00 03 → 00 00. */
export function stripEmulationPrevention(ebsp: Buffer): Buffer {
  const out = Buffer.alloc(ebsp.length);
  let n = 0;
  let zeros = 0;
  for (const b of ebsp) {
    if (zeros >= 2 && b === 0x03) {
      zeros = 0;
      continue;
    }
    out[n++] = b;
    zeros = b === 0 ? zeros + 1 : 0;
  }
  return out.subarray(0, n);
}

/** user_data_unregistered payloads (after the UUID) in one SEI RBSP whose UUID is `uuid`. */
export function userDataPayloads(rbsp: Buffer, uuid: Buffer): Buffer[] {
  const found: Buffer[] = [];
  let pos = 0;
  // Stop at the rbsp trailing bits (0x80 as the last byte).
  while (pos < rbsp.length && !(pos === rbsp.length - 1 && rbsp[pos] === 0x80)) {
    const readVar = (): number => {
      let v = 0;
      while (rbsp[pos] === 0xff) {
        v += 255;
        pos++;
      }
      return v + (rbsp[pos++] ?? 0);
    };
    const type = readVar();
    const size = readVar();
    if (pos + size > rbsp.length) break; // truncated message: keep what came before
    if (type === 5 && size >= 16 && rbsp.subarray(pos, pos + 16).equals(uuid)) found.push(rbsp.subarray(pos + 16, pos + size));
    pos += size;
  }
  return found;
}

/** Our SEI payloads in one access unit of length-prefixed NAL units. */
export function accessUnitSei(body: Buffer, codec: 'h264' | 'hevc', lengthSize: number): Buffer[] {
  const found: Buffer[] = [];
  let pos = 0;
  while (pos + lengthSize <= body.length) {
    const len = body.readUIntBE(pos, lengthSize);
    pos += lengthSize;
    if (len === 0 || pos + len > body.length) break;
    const nal = body.subarray(pos, pos + len);
    pos += len;
    // H.264 nal_unit_type 6; HEVC prefix/suffix SEI 39/40.
    const isSei = codec === 'h264' ? (nal[0]! & 0x1f) === 6 : [39, 40].includes((nal[0]! >> 1) & 0x3f);
    if (!isSei) continue;
    const header = codec === 'h264' ? 1 : 2;
    found.push(...userDataPayloads(stripEmulationPrevention(nal.subarray(header)), CUECAST_SEI_UUID));
  }
  return found;
}
