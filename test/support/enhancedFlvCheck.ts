// An FLV reader for verification only, written from the specs without the mux
// stage's code (specs/flv-rtmp-sei.md "FLV" and "Enhanced RTMP"): it reads
// legacy AVC and enhanced ('hvc1', 'av01') video tags and turns HEVC back into Annex B
// and AV1 into a low overhead OBU stream (AV1 spec §5.2), so that ffmpeg 5.1, which
// cannot read Enhanced FLV, can decode what we wrote.
import { readFileSync } from 'node:fs';

export interface CheckedVideoTag {
  /** 'avc' for legacy CodecID 7, otherwise the FourCC ('hvc1'). */
  readonly codec: string;
  readonly enhanced: boolean;
  /** Legacy AVCPacketType or enhanced VideoPacketType. */
  readonly packetType: number;
  readonly frameType: number;
  readonly keyframe: boolean;
  readonly dtsMs: number;
  readonly ctsMs: number;
  /** Decoder configuration record (sequence header / start), else null. */
  readonly config: Buffer | null;
  /** NAL units of a coded-frames tag, split with the record's length size. */
  readonly nals: readonly Buffer[];
  /** 'av01' coded frames: whole OBUs (header, leb128 size, payload). */
  readonly obus: readonly Buffer[];
}

export interface CheckedFlv {
  readonly hasAudio: boolean;
  readonly hasVideo: boolean;
  readonly video: readonly CheckedVideoTag[];
  readonly audioTags: number;
  /** videocodecid from the first onMetaData, or null. */
  readonly videoCodecId: number | null;
}

export function checkFlvFile(file: string): CheckedFlv {
  return checkFlv(readFileSync(file));
}

export function checkFlv(b: Buffer): CheckedFlv {
  if (b.toString('latin1', 0, 3) !== 'FLV') throw new Error('no FLV signature');
  const flags = b[4]!;
  let pos = b.readUInt32BE(5) + 4;
  const video: CheckedVideoTag[] = [];
  let audioTags = 0;
  let videoCodecId: number | null = null;
  let lengthSize = 0;
  while (pos + 11 <= b.length) {
    const type = b[pos]! & 0x1f;
    const size = (b[pos + 1]! << 16) | (b[pos + 2]! << 8) | b[pos + 3]!;
    const dts = ((b[pos + 7]! << 24) | (b[pos + 4]! << 16) | (b[pos + 5]! << 8) | b[pos + 6]!) >>> 0;
    const end = pos + 11 + size;
    if (end + 4 > b.length) throw new Error(`truncated tag at byte ${pos}`);
    const previous = b.readUInt32BE(end);
    if (previous !== size + 11) throw new Error(`PreviousTagSize ${previous} ≠ ${size + 11} at byte ${end}`);
    const body = b.subarray(pos + 11, end);
    if (type === 8) audioTags++;
    if (type === 18 && videoCodecId === null) videoCodecId = metadataVideoCodecId(body);
    if (type === 9) {
      const tag = videoTag(body, dts, lengthSize);
      if (tag.config && tag.codec !== 'av01') lengthSize = tag.codec === 'avc' ? (tag.config[4]! & 3) + 1 : (tag.config[21]! & 3) + 1;
      video.push(tag);
    }
    pos = end + 4;
  }
  if (pos !== b.length) throw new Error(`${b.length - pos} stray bytes after the last tag`);
  return { hasAudio: (flags & 4) !== 0, hasVideo: (flags & 1) !== 0, video, audioTags, videoCodecId };
}

function videoTag(body: Buffer, dtsMs: number, lengthSize: number): CheckedVideoTag {
  const first = body[0]!;
  if ((first & 0x80) !== 0) {
    const frameType = (first >> 4) & 0x07;
    const packetType = first & 0x0f;
    const codec = body.toString('latin1', 1, 5);
    const none = { nals: [], obus: [] };
    if (packetType === 0) return { codec, enhanced: true, packetType, frameType, keyframe: frameType === 1, dtsMs, ctsMs: 0, config: body.subarray(5), ...none };
    if (packetType === 1 || packetType === 3) {
      const ctsMs = packetType === 1 ? body.readIntBE(5, 3) : 0;
      const payload = body.subarray(packetType === 1 ? 8 : 5);
      const units = codec === 'av01' ? { nals: [], obus: splitSampleObus(payload) } : { nals: splitNals(payload, lengthSize), obus: [] };
      return { codec, enhanced: true, packetType, frameType, keyframe: frameType === 1, dtsMs, ctsMs, config: null, ...units };
    }
    return { codec, enhanced: true, packetType, frameType, keyframe: frameType === 1, dtsMs, ctsMs: 0, config: null, ...none };
  }
  const frameType = first >> 4;
  const codecId = first & 0x0f;
  if (codecId !== 7) throw new Error(`unexpected legacy video CodecID ${codecId}`);
  const packetType = body[1]!;
  const ctsMs = body.readIntBE(2, 3);
  const payload = body.subarray(5);
  const config = packetType === 0 ? payload : null;
  const nals = packetType === 1 ? splitNals(payload, lengthSize) : [];
  return { codec: 'avc', enhanced: false, packetType, frameType, keyframe: frameType === 1, dtsMs, ctsMs, config, nals, obus: [] };
}

function splitNals(payload: Buffer, lengthSize: number): Buffer[] {
  if (lengthSize === 0) throw new Error('coded frames before any sequence header');
  const nals: Buffer[] = [];
  let pos = 0;
  while (pos < payload.length) {
    if (pos + lengthSize > payload.length) throw new Error('truncated NAL length field');
    const length = payload.readUIntBE(pos, lengthSize);
    pos += lengthSize;
    if (length === 0 || pos + length > payload.length) throw new Error(`NAL length ${length} does not fit (${payload.length - pos} bytes left)`);
    const nal = payload.subarray(pos, pos + length);
    // forbidden_zero_bit must be 0 in every NAL header (H.264 §7.4.1, H.265 §7.4.2.1).
    if ((nal[0]! & 0x80) !== 0) throw new Error('NAL with forbidden_zero_bit set: misaligned lengths');
    nals.push(nal);
    pos += length;
  }
  return nals;
}

// Finds the AMF0 number after the key "videocodecid" in an onMetaData body.
function metadataVideoCodecId(body: Buffer): number | null {
  const key = Buffer.concat([Buffer.from([0x00, 12]), Buffer.from('videocodecid', 'latin1')]);
  const at = body.indexOf(key);
  if (at < 0 || body[at + key.length] !== 0x00) return null;
  return body.readDoubleBE(at + key.length + 1);
}

/** Parameter-set NAL units from an hvcC (ISO/IEC 14496-15 §8.3.3.1.2 arrays). */
export function hvcCNals(hvcC: Buffer): Buffer[] {
  if (hvcC[0] !== 1) throw new Error(`hvcC configurationVersion ${hvcC[0]}`);
  const nals: Buffer[] = [];
  const arrays = hvcC[22]!;
  let pos = 23;
  for (let a = 0; a < arrays; a++) {
    const count = hvcC.readUInt16BE(pos + 1);
    pos += 3;
    for (let i = 0; i < count; i++) {
      const length = hvcC.readUInt16BE(pos);
      nals.push(hvcC.subarray(pos + 2, pos + 2 + length));
      pos += 2 + length;
    }
  }
  if (pos !== hvcC.length) throw new Error('hvcC has trailing bytes');
  return nals;
}

/** An HEVC elementary stream (Annex B) for `ffmpeg -f hevc`: hvcC parameter sets first, then every frame. */
export function hevcAnnexB(flv: CheckedFlv): Buffer {
  const startCode = Buffer.from([0, 0, 0, 1]);
  const parts: Buffer[] = [];
  for (const tag of flv.video) {
    if (tag.codec !== 'hvc1') throw new Error(`not an enhanced HEVC tag: ${tag.codec}`);
    const nals = tag.config ? hvcCNals(tag.config) : tag.nals;
    for (const nal of nals) parts.push(startCode, nal);
  }
  return Buffer.concat(parts);
}

// leb128 (AV1 spec §4.10.5).
function leb128(b: Buffer, pos: number): { value: number; length: number } {
  let value = 0;
  for (let i = 0; i < 8; i++) {
    if (pos + i >= b.length) throw new Error('truncated leb128');
    value += (b[pos + i]! & 0x7f) * 2 ** (7 * i);
    if ((b[pos + i]! & 0x80) === 0) return { value, length: i + 1 };
  }
  throw new Error('leb128 over 8 bytes');
}

function leb128Bytes(value: number): Buffer {
  const out: number[] = [];
  let v = value;
  do {
    out.push((v % 128) | (v >= 128 ? 0x80 : 0));
    v = Math.floor(v / 128);
  } while (v > 0);
  return Buffer.from(out);
}

/**
 * OBUs of an AV1 sample (AV1-ISOBMFF §2.4): obu_size on each but perhaps the last, no
 * temporal delimiters. Each comes back with obu_has_size_field set, as §5.2 wants.
 */
function splitSampleObus(payload: Buffer): Buffer[] {
  const obus: Buffer[] = [];
  let pos = 0;
  while (pos < payload.length) {
    const first = payload[pos]!;
    // obu_forbidden_bit (§5.3.1).
    if ((first & 0x80) !== 0) throw new Error(`OBU with forbidden bit set at ${pos}: misaligned sizes`);
    const type = (first >> 3) & 0x0f;
    if (type === 2) throw new Error('temporal delimiter inside an FLV sample (AV1-ISOBMFF §2.4)');
    const headerLength = (first & 0x04) !== 0 ? 2 : 1;
    const header = Buffer.from(payload.subarray(pos, pos + headerLength));
    pos += headerLength;
    let size = payload.length - pos;
    if ((first & 0x02) !== 0) {
      const leb = leb128(payload, pos);
      pos += leb.length;
      size = leb.value;
    }
    if (pos + size > payload.length) throw new Error(`obu_size ${size} does not fit (${payload.length - pos} bytes left)`);
    header[0] = header[0]! | 0x02;
    obus.push(Buffer.concat([header, leb128Bytes(size), payload.subarray(pos, pos + size)]));
    pos += size;
  }
  return obus;
}

/**
 * A low overhead OBU stream (AV1 spec §5.2, §7.5) for `ffmpeg -f obu`: each temporal unit
 * opens with a temporal delimiter; the av1C's configOBUs (AV1-ISOBMFF §2.3.3, after its
 * 4 fixed bytes) lead the first unit.
 */
export function av1ObuStream(flv: CheckedFlv): Buffer {
  const delimiter = Buffer.from([0x12, 0x00]);
  const parts: Buffer[] = [];
  let configObus: Buffer[] | null = null;
  for (const tag of flv.video) {
    if (tag.codec !== 'av01') throw new Error(`not an enhanced AV1 tag: ${tag.codec}`);
    if (tag.config) {
      if (tag.config[0] !== 0x81) throw new Error(`av1C marker/version 0x${tag.config[0]?.toString(16)}`);
      configObus = splitSampleObus(tag.config.subarray(4));
      if (!configObus.some((o) => ((o[0]! >> 3) & 0x0f) === 1)) throw new Error('av1C without a sequence header OBU');
      continue;
    }
    if (tag.packetType !== 1 && tag.packetType !== 3) continue;
    if (!configObus) throw new Error('coded frames before any SequenceStart');
    parts.push(delimiter, ...(parts.length === 0 ? configObus : []), ...tag.obus);
  }
  return Buffer.concat(parts);
}
