// HEVC bitstream helpers for the mux stage: Annex B → length-prefixed NAL units,
// keyframe detection, and the HEVCDecoderConfigurationRecord (hvcC) that an
// Enhanced RTMP sequence start carries. Syntax: ITU-T H.265 §7.3, record layout:
// ISO/IEC 14496-15 §8.3.3.1.

// H.265 Table 7-1 NAL unit types.
export const HEVC_NAL_VPS = 32;
export const HEVC_NAL_SPS = 33;
export const HEVC_NAL_PPS = 34;
const IRAP_FIRST = 16; // BLA_W_LP
const IRAP_LAST = 23; // RSV_IRAP_VCL23

/** The 4-byte NAL length our hvcC announces (lengthSizeMinusOne = 3). */
export const HEVC_NAL_LENGTH_SIZE = 4;

/** nal_unit_type from the 2-byte NAL header (§7.3.1.2). */
export function hevcNalType(nal: Buffer): number {
  return (nal[0]! >> 1) & 0x3f;
}

/** NAL units of an Annex B byte stream (§B.2), start codes removed. */
export function splitAnnexB(stream: Buffer): Buffer[] {
  const nals: Buffer[] = [];
  let start = -1;
  let i = 0;
  while (i + 2 < stream.length) {
    if (stream[i] === 0 && stream[i + 1] === 0 && stream[i + 2] === 1) {
      if (start >= 0) nals.push(trimTrailingZeros(stream.subarray(start, i)));
      i += 3;
      start = i;
    } else {
      i++;
    }
  }
  if (start >= 0 && start < stream.length) nals.push(trimTrailingZeros(stream.subarray(start)));
  return nals.filter((n) => n.length > 0);
}

// A 4-byte start code, or trailing_zero_8bits, leaves zeros at the end of the previous NAL.
function trimTrailingZeros(nal: Buffer): Buffer {
  let end = nal.length;
  while (end > 0 && nal[end - 1] === 0) end--;
  return nal.subarray(0, end);
}

/** NAL units joined with 4-byte big-endian lengths (ISO/IEC 14496-15 §4.3.2). */
export function toLengthPrefixed(nals: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [];
  for (const nal of nals) {
    const len = Buffer.alloc(HEVC_NAL_LENGTH_SIZE);
    len.writeUInt32BE(nal.length);
    parts.push(len, nal);
  }
  return Buffer.concat(parts);
}

/** An access unit is a random access point when it holds an IRAP picture (types 16–23, §7.4.2.2). */
export function isHevcKeyframe(nals: readonly Buffer[]): boolean {
  return nals.some((n) => {
    const t = hevcNalType(n);
    return t >= IRAP_FIRST && t <= IRAP_LAST;
  });
}

/** RBSP from a NAL payload: every 0x000003 loses its 0x03 (§7.4.2). */
export function removeEmulationPrevention(nal: Buffer): Buffer {
  const out = Buffer.alloc(nal.length);
  let n = 0;
  let zeros = 0;
  for (const byte of nal) {
    if (zeros >= 2 && byte === 3) {
      zeros = 0;
      continue;
    }
    out[n++] = byte;
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return out.subarray(0, n);
}

export interface HevcSpsInfo {
  readonly maxSubLayers: number;
  readonly temporalIdNesting: boolean;
  readonly profileSpace: number;
  readonly tierFlag: number;
  readonly profileIdc: number;
  readonly profileCompatibilityFlags: number;
  /** The 48 bits after the compatibility flags (progressive_source_flag …), as 6 bytes. */
  readonly constraintIndicatorFlags: Buffer;
  /** general_level_idc: 30 × the level number (Table A.8). */
  readonly levelIdc: number;
  readonly chromaFormatIdc: number;
  readonly bitDepthLuma: number;
  readonly bitDepthChroma: number;
  /** Display size: coded size minus the conformance window. */
  readonly width: number;
  readonly height: number;
}

class BitReader {
  private bit = 0;
  constructor(private readonly data: Buffer) {}
  u(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++, this.bit++) {
      const byte = this.data[this.bit >> 3];
      if (byte === undefined) throw new RangeError('HEVC SPS truncated');
      v = v * 2 + ((byte >> (7 - (this.bit & 7))) & 1);
    }
    return v;
  }
  /** Exp-Golomb ue(v) (§9.2). */
  ue(): number {
    let zeros = 0;
    while (this.u(1) === 0) {
      if (++zeros > 31) throw new RangeError('bad Exp-Golomb code in HEVC SPS');
    }
    return 2 ** zeros - 1 + this.u(zeros);
  }
  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = this.u(8);
    return out;
  }
}

/** seq_parameter_set_rbsp (§7.3.2.2) up to the bit depths, with profile_tier_level (§7.3.3). */
export function parseHevcSps(spsNal: Buffer): HevcSpsInfo {
  const r = new BitReader(removeEmulationPrevention(spsNal.subarray(2)));
  r.u(4); // sps_video_parameter_set_id
  const maxSubLayersMinus1 = r.u(3);
  const temporalIdNesting = r.u(1) === 1;
  const profileSpace = r.u(2);
  const tierFlag = r.u(1);
  const profileIdc = r.u(5);
  const profileCompatibilityFlags = r.u(32);
  const constraintIndicatorFlags = r.bytes(6);
  const levelIdc = r.u(8);
  const subProfile: boolean[] = [];
  const subLevel: boolean[] = [];
  for (let i = 0; i < maxSubLayersMinus1; i++) {
    subProfile.push(r.u(1) === 1);
    subLevel.push(r.u(1) === 1);
  }
  if (maxSubLayersMinus1 > 0) for (let i = maxSubLayersMinus1; i < 8; i++) r.u(2);
  for (let i = 0; i < maxSubLayersMinus1; i++) {
    if (subProfile[i]) r.bytes(11); // 88 bits of sub-layer profile
    if (subLevel[i]) r.u(8);
  }
  r.ue(); // sps_seq_parameter_set_id
  const chromaFormatIdc = r.ue();
  if (chromaFormatIdc === 3) r.u(1); // separate_colour_plane_flag
  let width = r.ue();
  let height = r.ue();
  if (r.u(1) === 1) {
    // conformance_window offsets are in chroma units (Table 6-1 SubWidthC/SubHeightC).
    const subWidth = chromaFormatIdc === 1 || chromaFormatIdc === 2 ? 2 : 1;
    const subHeight = chromaFormatIdc === 1 ? 2 : 1;
    const left = r.ue();
    const right = r.ue();
    const top = r.ue();
    const bottom = r.ue();
    width -= subWidth * (left + right);
    height -= subHeight * (top + bottom);
  }
  const bitDepthLuma = r.ue() + 8;
  const bitDepthChroma = r.ue() + 8;
  return {
    maxSubLayers: maxSubLayersMinus1 + 1,
    temporalIdNesting,
    profileSpace,
    tierFlag,
    profileIdc,
    profileCompatibilityFlags,
    constraintIndicatorFlags,
    levelIdc,
    chromaFormatIdc,
    bitDepthLuma,
    bitDepthChroma,
    width,
    height,
  };
}

/**
 * HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 §8.3.3.1.2) from one VPS, SPS
 * and PPS NAL unit. min_spatial_segmentation_idc, parallelismType, avgFrameRate
 * and constantFrameRate are written as 0 ("unknown"), which the record allows.
 */
export function buildHvcC(vps: Buffer, sps: Buffer, pps: Buffer): Buffer {
  const info = parseHevcSps(sps);
  const head = Buffer.alloc(23);
  head[0] = 1; // configurationVersion
  head[1] = (info.profileSpace << 6) | (info.tierFlag << 5) | info.profileIdc;
  head.writeUInt32BE(info.profileCompatibilityFlags >>> 0, 2);
  info.constraintIndicatorFlags.copy(head, 6);
  head[12] = info.levelIdc;
  head.writeUInt16BE(0xf000, 13); // reserved '1111' + min_spatial_segmentation_idc 0
  head[15] = 0xfc; // reserved '111111' + parallelismType 0
  head[16] = 0xfc | info.chromaFormatIdc;
  head[17] = 0xf8 | (info.bitDepthLuma - 8);
  head[18] = 0xf8 | (info.bitDepthChroma - 8);
  head.writeUInt16BE(0, 19); // avgFrameRate
  // constantFrameRate 0, numTemporalLayers, temporalIdNested, lengthSizeMinusOne.
  head[21] = (info.maxSubLayers << 3) | ((info.temporalIdNesting ? 1 : 0) << 2) | (HEVC_NAL_LENGTH_SIZE - 1);
  head[22] = 3; // numOfArrays
  const arrays: Buffer[] = [head];
  for (const nal of [vps, sps, pps]) {
    const a = Buffer.alloc(5);
    a[0] = 0x80 | hevcNalType(nal); // array_completeness 1: all parameter sets are here
    a.writeUInt16BE(1, 1);
    a.writeUInt16BE(nal.length, 3);
    arrays.push(a, nal);
  }
  return Buffer.concat(arrays);
}

/** The parameter sets of an access unit, when it carries all three (x265 repeats them on keyframes). */
export function hevcParameterSets(nals: readonly Buffer[]): { vps: Buffer; sps: Buffer; pps: Buffer } | null {
  const find = (type: number): Buffer | undefined => nals.find((n) => hevcNalType(n) === type);
  const vps = find(HEVC_NAL_VPS);
  const sps = find(HEVC_NAL_SPS);
  const pps = find(HEVC_NAL_PPS);
  return vps && sps && pps ? { vps, sps, pps } : null;
}
