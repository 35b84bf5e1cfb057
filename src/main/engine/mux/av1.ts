// AV1 bitstream helpers for the mux stage: OBUs of the low overhead bitstream format
// (AV1 spec §5.2, §5.3), keyframe detection, and the AV1CodecConfigurationRecord
// (av1C, AV1-ISOBMFF §2.3) that an Enhanced RTMP sequence start carries. Samples in
// FLV follow the ISOBMFF convention (AV1-ISOBMFF §2.4): no temporal delimiters, every
// OBU with obu_size.

// AV1 spec §6.2.2 obu_type values.
export const OBU_SEQUENCE_HEADER = 1;
export const OBU_TEMPORAL_DELIMITER = 2;
export const OBU_FRAME_HEADER = 3;
export const OBU_FRAME = 6;
const OBU_REDUNDANT_FRAME_HEADER = 7;

export class Av1FormatError extends Error {}

export interface Obu {
  readonly type: number;
  /** Header and extension bytes as they were, obu_has_size_field included. */
  readonly header: Buffer;
  readonly payload: Buffer;
}

/** leb128() (§4.10.5): value and how many bytes it took. */
export function readLeb128(data: Buffer, pos: number): { value: number; length: number } {
  let value = 0;
  for (let i = 0; i < 8; i++) {
    const byte = data[pos + i];
    if (byte === undefined) throw new Av1FormatError('leb128 truncated');
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) return { value, length: i + 1 };
  }
  throw new Av1FormatError('leb128 longer than 8 bytes');
}

export function writeLeb128(value: number): Buffer {
  const bytes: number[] = [];
  let v = value;
  do {
    const byte = v % 128;
    v = Math.floor(v / 128);
    bytes.push(v > 0 ? byte | 0x80 : byte);
  } while (v > 0);
  return Buffer.from(bytes);
}

/**
 * The OBUs of one temporal unit in low overhead format (§5.2, §5.3.1): an OBU without
 * obu_size may only be the last, and runs to the end of the data.
 */
export function splitObus(data: Buffer): Obu[] {
  const obus: Obu[] = [];
  let pos = 0;
  while (pos < data.length) {
    const first = data[pos]!;
    if ((first & 0x80) !== 0) throw new Av1FormatError(`obu_forbidden_bit set at byte ${pos}`);
    const headerLength = (first & 0x04) !== 0 ? 2 : 1;
    if (pos + headerLength > data.length) throw new Av1FormatError('OBU header truncated');
    const header = data.subarray(pos, pos + headerLength);
    pos += headerLength;
    let size = data.length - pos;
    if ((first & 0x02) !== 0) {
      const leb = readLeb128(data, pos);
      pos += leb.length;
      size = leb.value;
    }
    if (pos + size > data.length) throw new Av1FormatError(`obu_size ${size} does not fit (${data.length - pos} bytes left)`);
    obus.push({ type: (first >> 3) & 0x0f, header, payload: data.subarray(pos, pos + size) });
    pos += size;
  }
  return obus;
}

/** An OBU written with obu_has_size_field = 1, as §5.2 and AV1-ISOBMFF §2.4 want. */
export function writeObu(obu: Obu): Buffer {
  const header = Buffer.from(obu.header);
  header[0] = header[0]! | 0x02;
  return Buffer.concat([header, writeLeb128(obu.payload.length), obu.payload]);
}

/** A temporal unit as an FLV/ISOBMFF sample: temporal delimiters dropped, sizes on every OBU. */
export function av1Sample(obus: readonly Obu[]): Buffer {
  return Buffer.concat(obus.filter((o) => o.type !== OBU_TEMPORAL_DELIMITER).map(writeObu));
}

class BitReader {
  private bit = 0;
  constructor(private readonly data: Buffer) {}
  /** f(n) (§4.10.2). */
  f(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++, this.bit++) {
      const byte = this.data[this.bit >> 3];
      if (byte === undefined) throw new Av1FormatError('AV1 header truncated');
      v = v * 2 + ((byte >> (7 - (this.bit & 7))) & 1);
    }
    return v;
  }
  /** uvlc() (§4.10.3). */
  uvlc(): number {
    let zeros = 0;
    while (this.f(1) === 0) {
      if (++zeros >= 32) throw new Av1FormatError('uvlc too long');
    }
    return 2 ** zeros - 1 + this.f(zeros);
  }
}

export interface Av1SequenceInfo {
  readonly seqProfile: number;
  readonly reducedStillPictureHeader: boolean;
  readonly seqLevelIdx0: number;
  readonly seqTier0: number;
  /** max_frame_width_minus_1 + 1 (§5.5.1). */
  readonly maxWidth: number;
  readonly maxHeight: number;
  readonly highBitdepth: boolean;
  readonly twelveBit: boolean;
  readonly bitDepth: number;
  readonly monochrome: boolean;
  readonly subsamplingX: number;
  readonly subsamplingY: number;
  readonly chromaSamplePosition: number;
}

/** sequence_header_obu (§5.5.1) as far as color_config (§5.5.2). */
export function parseSequenceHeader(payload: Buffer): Av1SequenceInfo {
  const r = new BitReader(payload);
  const seqProfile = r.f(3);
  r.f(1); // still_picture
  const reduced = r.f(1) === 1;
  let seqLevelIdx0 = 0;
  let seqTier0 = 0;
  if (reduced) {
    seqLevelIdx0 = r.f(5);
  } else {
    let decoderModelInfo = false;
    let bufferDelayLength = 0;
    if (r.f(1) === 1) {
      // timing_info (§5.5.3)
      r.f(32); // num_units_in_display_tick
      r.f(32); // time_scale
      if (r.f(1) === 1) r.uvlc(); // equal_picture_interval → num_ticks_per_picture_minus_1
      decoderModelInfo = r.f(1) === 1;
      if (decoderModelInfo) {
        // decoder_model_info (§5.5.4)
        bufferDelayLength = r.f(5) + 1;
        r.f(32); // num_units_in_decoding_tick
        r.f(5); // buffer_removal_time_length_minus_1
        r.f(5); // frame_presentation_time_length_minus_1
      }
    }
    const initialDisplayDelay = r.f(1) === 1;
    const operatingPoints = r.f(5) + 1;
    for (let i = 0; i < operatingPoints; i++) {
      r.f(12); // operating_point_idc[i]
      const level = r.f(5);
      const tier = level > 7 ? r.f(1) : 0;
      if (i === 0) {
        seqLevelIdx0 = level;
        seqTier0 = tier;
      }
      // operating_parameters_info (§5.5.5): two delays and low_delay_mode_flag.
      if (decoderModelInfo && r.f(1) === 1) r.f(2 * bufferDelayLength + 1);
      if (initialDisplayDelay && r.f(1) === 1) r.f(4);
    }
  }
  const widthBits = r.f(4) + 1;
  const heightBits = r.f(4) + 1;
  const maxWidth = r.f(widthBits) + 1;
  const maxHeight = r.f(heightBits) + 1;
  if (!reduced && r.f(1) === 1) r.f(7); // frame_id_numbers_present_flag → two lengths
  r.f(3); // use_128x128_superblock, enable_filter_intra, enable_intra_edge_filter
  if (!reduced) {
    r.f(4); // interintra, masked compound, warped motion, dual filter
    const orderHint = r.f(1) === 1;
    if (orderHint) r.f(2); // enable_jnt_comp, enable_ref_frame_mvs
    // seq_choose_screen_content_tools ? SELECT_SCREEN_CONTENT_TOOLS (2) : seq_force_screen_content_tools
    const screenContent = r.f(1) === 1 ? 2 : r.f(1);
    // seq_choose_integer_mv; when 0, seq_force_integer_mv follows.
    if (screenContent > 0 && r.f(1) === 0) r.f(1);
    if (orderHint) r.f(3); // order_hint_bits_minus_1
  }
  r.f(3); // enable_superres, enable_cdef, enable_restoration
  return { seqProfile, reducedStillPictureHeader: reduced, seqLevelIdx0, seqTier0, maxWidth, maxHeight, ...colorConfig(r, seqProfile) };
}

/** color_config (§5.5.2). */
function colorConfig(r: BitReader, seqProfile: number) {
  const highBitdepth = r.f(1) === 1;
  const twelveBit = seqProfile === 2 && highBitdepth ? r.f(1) === 1 : false;
  const bitDepth = twelveBit ? 12 : highBitdepth ? 10 : 8;
  const monochrome = seqProfile === 1 ? false : r.f(1) === 1;
  let primaries = 2;
  let transfer = 2;
  let matrix = 2;
  if (r.f(1) === 1) {
    primaries = r.f(8);
    transfer = r.f(8);
    matrix = r.f(8);
  }
  let subsamplingX = 1;
  let subsamplingY = 1;
  let chromaSamplePosition = 0; // CSP_UNKNOWN
  if (monochrome) {
    r.f(1); // color_range
  } else if (primaries === 1 && transfer === 13 && matrix === 0) {
    // BT.709 primaries, sRGB transfer, identity matrix: 4:4:4, full range.
    subsamplingX = 0;
    subsamplingY = 0;
  } else {
    r.f(1); // color_range
    if (seqProfile === 1) {
      subsamplingX = 0;
      subsamplingY = 0;
    } else if (seqProfile === 2) {
      if (bitDepth === 12) {
        subsamplingX = r.f(1);
        subsamplingY = subsamplingX === 1 ? r.f(1) : 0;
      } else {
        subsamplingY = 0;
      }
    }
    if (subsamplingX === 1 && subsamplingY === 1) chromaSamplePosition = r.f(2);
  }
  return { highBitdepth, twelveBit, bitDepth, monochrome, subsamplingX, subsamplingY, chromaSamplePosition };
}

/** The sequence header OBU of a temporal unit, or null. */
export function findSequenceHeader(obus: readonly Obu[]): Obu | null {
  return obus.find((o) => o.type === OBU_SEQUENCE_HEADER) ?? null;
}

/**
 * AV1CodecConfigurationRecord (AV1-ISOBMFF §2.3.3): marker 1 and version 1 (0x81), the
 * sequence header's profile, level, tier and colour format, no
 * initial_presentation_delay, then the sequence header OBU as configOBUs.
 */
export function buildAv1C(sequenceHeader: Obu): Buffer {
  const s = parseSequenceHeader(sequenceHeader.payload);
  const head = Buffer.from([
    0x81,
    (s.seqProfile << 5) | s.seqLevelIdx0,
    (s.seqTier0 << 7) | (+s.highBitdepth << 6) | (+s.twelveBit << 5) | (+s.monochrome << 4) |
      (s.subsamplingX << 3) | (s.subsamplingY << 2) | s.chromaSamplePosition,
    0x00,
  ]);
  return Buffer.concat([head, writeObu(sequenceHeader)]);
}

/**
 * A random access point (§7.5): the unit carries a sequence header and its first frame
 * header is a shown-or-not KEY_FRAME (show_existing_frame = 0, frame_type = 0, §5.9.2).
 * With reduced_still_picture_header every frame is a key frame.
 */
export function isAv1Keyframe(obus: readonly Obu[]): boolean {
  const seq = findSequenceHeader(obus);
  if (!seq) return false;
  const frame = obus.find((o) => o.type === OBU_FRAME || o.type === OBU_FRAME_HEADER || o.type === OBU_REDUNDANT_FRAME_HEADER);
  if (!frame || frame.payload.length === 0) return false;
  if (parseSequenceHeader(seq.payload).reducedStillPictureHeader) return true;
  const r = new BitReader(frame.payload);
  if (r.f(1) === 1) return false; // show_existing_frame
  return r.f(2) === 0; // frame_type KEY_FRAME
}
