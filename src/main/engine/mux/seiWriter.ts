// user_data_unregistered SEI (H.264 §7.3.2.3 / D.1.7, H.265 §7.3.2.4 / D.2.7) and its
// place in a length-prefixed access unit. Byte facts: specs/flv-rtmp-sei.md
// "user_data_unregistered SEI (payloadType 5)" and "Where an SEI goes in an access unit".

export type SeiCodec = 'h264' | 'hevc';

/**
 * Cuecast's own uuid_iso_iec_11578 for user_data_unregistered, 18012542-62e1-4a94-9ecc-fae1fbf06f4c
 * (a random v4 UUID, made once for the project and never to change: readers match
 * on it to tell our commerce metadata from x264's version string and other vendors' data).
 */
export const CUECAST_SEI_UUID: Buffer = Buffer.from('1801254262e14a949eccfae1fbf06f4c', 'hex');

/** payloadType 5 = user_data_unregistered (H.264 Annex D.1, H.265 Annex D.2). */
const SEI_USER_DATA_UNREGISTERED = 5;
/** H.264 nal_unit_type 6 = SEI; forbidden_zero 0, nal_ref_idc 0. */
const H264_SEI_HEADER = [0x06];
/** HEVC nal_unit_type 39 = PREFIX_SEI, layer 0, nuh_temporal_id_plus1 1 (H.265 §7.3.1.2). */
const HEVC_PREFIX_SEI_HEADER = [0x4e, 0x01];

/** Builds one SEI NAL unit (without length prefix) carrying `payload` under `uuid`. */
export function buildSeiNal(codec: SeiCodec, payload: Uint8Array, uuid: Buffer = CUECAST_SEI_UUID): Buffer {
  if (uuid.length !== 16) throw new RangeError(`SEI uuid must be 16 bytes, got ${uuid.length}`);
  const size = uuid.length + payload.length;
  const sizeBytes: number[] = [];
  // payloadSize: 0xFF while ≥ 255 remain, then the final byte.
  let left = size;
  while (left >= 255) {
    sizeBytes.push(0xff);
    left -= 255;
  }
  sizeBytes.push(left);
  const rbsp = Buffer.concat([Buffer.from([SEI_USER_DATA_UNREGISTERED, ...sizeBytes]), uuid, payload, Buffer.from([0x80])]);
  const header = Buffer.from(codec === 'h264' ? H264_SEI_HEADER : HEVC_PREFIX_SEI_HEADER);
  return Buffer.concat([header, addEmulationPrevention(rbsp)]);
}

/** After two zero bytes, a byte ≤ 0x03 gets 0x03 inserted before it (H.264 §7.4.1). */
export function addEmulationPrevention(rbsp: Buffer): Buffer {
  const out = Buffer.alloc(rbsp.length + Math.ceil(rbsp.length / 2));
  let n = 0;
  let zeros = 0;
  for (const byte of rbsp) {
    if (zeros >= 2 && byte <= 3) {
      out[n++] = 3;
      zeros = 0;
    }
    out[n++] = byte;
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return out.subarray(0, n);
}

function isVcl(codec: SeiCodec, nal: Buffer): boolean {
  if (nal.length === 0) return false;
  if (codec === 'h264') {
    const type = nal[0]! & 0x1f;
    return type >= 1 && type <= 5;
  }
  return ((nal[0]! >> 1) & 0x3f) <= 31;
}

/**
 * Inserts `seiNal` (one NAL, or several in order) immediately before the first VCL NAL
 * of a length-prefixed access unit. Throws when the data is not a whole sequence of
 * NAL units or has no VCL NAL. For HEVC, the SEI copies the slice's temporal id.
 */
export function insertSei(frameData: Buffer, codec: SeiCodec, lengthSize: number, seiNal: Buffer | readonly Buffer[]): Buffer {
  if (lengthSize < 1 || lengthSize > 4) throw new RangeError(`NAL length size must be 1–4, got ${lengthSize}`);
  const nals = Buffer.isBuffer(seiNal) ? [seiNal] : seiNal;
  if (nals.length === 0) return frameData;
  let offset = 0;
  while (offset < frameData.length) {
    if (offset + lengthSize > frameData.length) throw new RangeError(`truncated NAL length at byte ${offset}`);
    const size = frameData.readUIntBE(offset, lengthSize);
    const start = offset + lengthSize;
    if (start + size > frameData.length) throw new RangeError(`NAL at byte ${offset} claims ${size} bytes, ${frameData.length - start} remain`);
    const nal = frameData.subarray(start, start + size);
    if (isVcl(codec, nal)) {
      const parts: Buffer[] = [frameData.subarray(0, offset)];
      for (const sei of nals) {
        const own = codec === 'hevc' && nal.length >= 2 && sei.length >= 2 && (sei[1]! & 7) !== (nal[1]! & 7) ? withTemporalId(sei, nal[1]! & 7) : sei;
        if (own.length >= 2 ** (8 * lengthSize)) throw new RangeError(`SEI of ${own.length} bytes does not fit a ${lengthSize}-byte length`);
        const prefix = Buffer.alloc(lengthSize);
        prefix.writeUIntBE(own.length, 0, lengthSize);
        parts.push(prefix, own);
      }
      parts.push(frameData.subarray(offset));
      return Buffer.concat(parts);
    }
    offset = start + size;
  }
  throw new RangeError('access unit has no VCL NAL unit to put the SEI before');
}

function withTemporalId(sei: Buffer, temporalIdPlus1: number): Buffer {
  const copy = Buffer.from(sei);
  copy[1] = (copy[1]! & 0xf8) | temporalIdPlus1;
  return copy;
}
