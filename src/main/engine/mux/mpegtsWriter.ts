// Our MPEG-TS muxer (ISO/IEC 13818-1) for the SRT output: the programme's access
// units exactly as the mux stage left them (its SEI byte for byte), as Annex B in
// video PES, AAC as ADTS in audio PES, PAT/PMT before every keyframe so a receiver
// can join at any of them. Byte facts: specs/flv-rtmp-sei.md "MPEG-TS side".
import type { AudioConfig, EncodedAudioFrame, EncodedVideoFrame, VideoConfig } from '../media/packets';
import { adtsHeader, parseAudioSpecificConfig, type AdtsFormat } from './adts';

export const TS_PACKET_SIZE = 188;
const SYNC_BYTE = 0x47;
// Our PIDs, as ffmpeg's muxer picks them (PMT 0x1000, elementary streams from 0x100).
export const PAT_PID = 0x0000;
export const PMT_PID = 0x1000;
export const VIDEO_PID = 0x0100;
export const AUDIO_PID = 0x0101;
const PROGRAM_NUMBER = 1;
const TRANSPORT_STREAM_ID = 1;
// §2.4.4.4 Table 2-30 stream_type (H.265 is 0x24 per the 2013 amendment).
export const STREAM_TYPE_H264 = 0x1b;
export const STREAM_TYPE_HEVC = 0x24;
export const STREAM_TYPE_AAC_ADTS = 0x0f;
// §2.4.3.7 Table 2-22 stream_id: first video and first audio stream.
const STREAM_ID_VIDEO = 0xe0;
const STREAM_ID_AUDIO = 0xc0;
/** 33-bit timestamps (§2.4.3.7) wrap here. */
const TS_WRAP = 2 ** 33;
/** §2.7.2: PCR at most every 100 ms; §2.7.4: PAT/PMT we repeat at the same pace. */
const DEFAULT_TABLE_INTERVAL_MS = 100;

const START_CODE = Buffer.from([0, 0, 0, 1]);
// Access unit delimiters with "any slice type" (H.264 §7.3.2.4 primary_pic_type 7,
// H.265 §7.3.2.5 pic_type 2), each followed by its rbsp stop bit.
const H264_AUD = Buffer.from([0x09, 0xf0]);
const HEVC_AUD = Buffer.from([0x46, 0x01, 0x50]);

export class MpegTsMuxError extends Error {}

export interface MpegTsWriterOptions {
  readonly video: VideoConfig;
  readonly audio: AudioConfig | null;
  /** PAT/PMT (and PCR) at least this often besides before every keyframe (default 100 ms). */
  readonly tableIntervalMs?: number;
}

type NalCodec = 'h264' | 'hevc';

/**
 * Turns the programme's coded frames into 188-byte transport packets. Times are
 * milliseconds on the caller's timeline (≥ 0), written as 90 kHz.
 */
export class MpegTsWriter {
  private readonly codec: NalCodec;
  private readonly lengthSize: number;
  private readonly parameterSets: readonly Buffer[];
  private readonly adts: AdtsFormat | null;
  private readonly tableIntervalMs: number;
  private readonly continuity = new Map<number, number>();
  private lastTablesMs: number | null = null;

  constructor(options: MpegTsWriterOptions) {
    const { video, audio } = options;
    if (video.codec !== 'h264' && video.codec !== 'hevc') {
      throw new MpegTsMuxError(`${video.codec.toUpperCase()} cannot be carried in MPEG-TS here (H.264 or HEVC only)`);
    }
    this.codec = video.codec;
    const record = parseDecoderConfig(video.codec, video.decoderConfig);
    this.lengthSize = record.lengthSize;
    this.parameterSets = record.parameterSets;
    this.adts = audio ? parseAudioSpecificConfig(audio.audioSpecificConfig) : null;
    this.tableIntervalMs = options.tableIntervalMs ?? DEFAULT_TABLE_INTERVAL_MS;
  }

  /** One access unit: PAT/PMT first when it is a keyframe (or they are due), then its PES. */
  writeVideo(frame: Pick<EncodedVideoFrame, 'ptsMs' | 'dtsMs' | 'keyframe' | 'data'>): Buffer {
    const parts: Buffer[] = [];
    if (frame.keyframe || this.tablesDue(frame.dtsMs)) parts.push(this.tables(frame.dtsMs));
    const pes = pesPacket(STREAM_ID_VIDEO, frame.ptsMs, frame.dtsMs, this.annexB(frame.data, frame.keyframe), true);
    // PCR travels on the video PID (the PMT says so) in the first packet of each PES,
    // equal to the DTS as ffmpeg's muxer writes it with -muxdelay 0.
    parts.push(this.packetize(VIDEO_PID, pes, { pcrMs: frame.dtsMs, randomAccess: frame.keyframe }));
    return Buffer.concat(parts);
  }

  /** One raw AAC frame as one ADTS frame in its own PES. */
  writeAudio(frame: Pick<EncodedAudioFrame, 'dtsMs' | 'data'>): Buffer {
    if (!this.adts) throw new MpegTsMuxError('audio frame for a stream configured without audio');
    const parts: Buffer[] = [];
    if (this.tablesDue(frame.dtsMs)) parts.push(this.tables(frame.dtsMs));
    const payload = Buffer.concat([adtsHeader(this.adts, frame.data.length), frame.data]);
    parts.push(this.packetize(AUDIO_PID, pesPacket(STREAM_ID_AUDIO, frame.dtsMs, frame.dtsMs, payload, false), {}));
    return Buffer.concat(parts);
  }

  /** PAT then PMT, each in one packet (§2.4.4.3, §2.4.4.8). */
  tables(atMs: number): Buffer {
    this.lastTablesMs = atMs;
    const pat = Buffer.alloc(4);
    pat.writeUInt16BE(PROGRAM_NUMBER, 0);
    pat.writeUInt16BE(0xe000 | PMT_PID, 2);
    const streams = [{ type: this.codec === 'h264' ? STREAM_TYPE_H264 : STREAM_TYPE_HEVC, pid: VIDEO_PID }];
    if (this.adts) streams.push({ type: STREAM_TYPE_AAC_ADTS, pid: AUDIO_PID });
    const pmt = Buffer.alloc(4 + 5 * streams.length);
    pmt.writeUInt16BE(0xe000 | VIDEO_PID, 0); // PCR_PID
    pmt.writeUInt16BE(0xf000, 2); // program_info_length 0
    streams.forEach((s, i) => {
      pmt[4 + 5 * i] = s.type;
      pmt.writeUInt16BE(0xe000 | s.pid, 5 + 5 * i);
      pmt.writeUInt16BE(0xf000, 7 + 5 * i); // ES_info_length 0
    });
    return Buffer.concat([
      this.sectionPacket(PAT_PID, psiSection(0x00, TRANSPORT_STREAM_ID, pat)),
      this.sectionPacket(PMT_PID, psiSection(0x02, PROGRAM_NUMBER, pmt)),
    ]);
  }

  private tablesDue(atMs: number): boolean {
    if (this.lastTablesMs === null) return true;
    // A jump back (a new timeline) also resends them.
    return atMs - this.lastTablesMs >= this.tableIntervalMs || atMs < this.lastTablesMs;
  }

  /**
   * Length-prefixed NAL units → Annex B: an AUD first (§7.4.1.2.3 wants it first in
   * a TS), the decoder record's parameter sets on keyframes that lack them, then the
   * access unit's own NAL units unchanged (its SEI included).
   */
  private annexB(data: Buffer, keyframe: boolean): Buffer {
    const nals = splitLengthPrefixed(data, this.lengthSize);
    const type = (nal: Buffer): number => (this.codec === 'h264' ? nal[0]! & 0x1f : (nal[0]! >> 1) & 0x3f);
    const [aud, sps] = this.codec === 'h264' ? [9, 7] : [35, 33];
    const parts: Buffer[] = [];
    const hasAud = nals.length > 0 && type(nals[0]!) === aud;
    if (!hasAud) parts.push(START_CODE, this.codec === 'h264' ? H264_AUD : HEVC_AUD);
    const rest = hasAud ? nals.slice(1) : nals;
    if (hasAud) parts.push(START_CODE, nals[0]!);
    if (keyframe && !nals.some((n) => type(n) === sps)) {
      for (const set of this.parameterSets) parts.push(START_CODE, set);
    }
    for (const nal of rest) parts.push(START_CODE, nal);
    return Buffer.concat(parts);
  }

  private nextContinuity(pid: number): number {
    const cc = this.continuity.get(pid) ?? 0;
    this.continuity.set(pid, (cc + 1) & 0x0f);
    return cc;
  }

  private sectionPacket(pid: number, section: Buffer): Buffer {
    const packet = Buffer.alloc(TS_PACKET_SIZE, 0xff);
    packet[0] = SYNC_BYTE;
    packet.writeUInt16BE(0x4000 | pid, 1); // payload_unit_start_indicator
    packet[3] = 0x10 | this.nextContinuity(pid); // payload only
    packet[4] = 0; // pointer_field
    section.copy(packet, 5);
    return packet;
  }

  /** Splits a PES into packets; the last one is filled with adaptation-field stuffing. */
  private packetize(pid: number, pes: Buffer, first: { pcrMs?: number; randomAccess?: boolean }): Buffer {
    const packets: Buffer[] = [];
    let pos = 0;
    while (pos < pes.length) {
      const isFirst = pos === 0;
      const pcr = isFirst && first.pcrMs !== undefined;
      const flags = isFirst ? (first.randomAccess ? 0x40 : 0) | (pcr ? 0x10 : 0) : 0;
      // Adaptation field: length byte, flags byte, PCR (6 bytes).
      const fieldBase = flags !== 0 ? 2 + (pcr ? 6 : 0) : 0;
      const room = TS_PACKET_SIZE - 4 - fieldBase;
      const take = Math.min(room, pes.length - pos);
      const fieldSize = TS_PACKET_SIZE - 4 - take; // ≥ fieldBase; the difference is stuffing
      const packet = Buffer.alloc(TS_PACKET_SIZE);
      packet[0] = SYNC_BYTE;
      packet.writeUInt16BE((isFirst ? 0x4000 : 0) | pid, 1);
      packet[3] = (fieldSize > 0 ? 0x30 : 0x10) | this.nextContinuity(pid);
      if (fieldSize > 0) {
        packet[4] = fieldSize - 1; // adaptation_field_length
        if (fieldSize > 1) {
          packet[5] = flags;
          let at = 6;
          if (pcr) {
            writePcr(packet, at, first.pcrMs!);
            at += 6;
          }
          packet.fill(0xff, at, 4 + fieldSize);
        }
      }
      pes.copy(packet, 4 + fieldSize, pos, pos + take);
      packets.push(packet);
      pos += take;
    }
    return Buffer.concat(packets);
  }
}

/** NAL units of an AVCC/HVCC sample; throws on a length that runs past the end. */
export function splitLengthPrefixed(data: Buffer, lengthSize: number): Buffer[] {
  const nals: Buffer[] = [];
  let pos = 0;
  while (pos < data.length) {
    if (pos + lengthSize > data.length) throw new MpegTsMuxError(`truncated NAL length at byte ${pos}`);
    const length = data.readUIntBE(pos, lengthSize);
    pos += lengthSize;
    if (pos + length > data.length) throw new MpegTsMuxError(`NAL unit of ${length} bytes runs past the access unit (${data.length} bytes)`);
    if (length > 0) nals.push(data.subarray(pos, pos + length));
    pos += length;
  }
  return nals;
}

/**
 * NAL length size and parameter sets from the decoder configuration record:
 * avcC ISO/IEC 14496-15 §5.3.3.1 (SPS then PPS), hvcC §8.3.3.1 (arrays; VPS, SPS, PPS kept in that order).
 */
export function parseDecoderConfig(codec: NalCodec, record: Buffer): { lengthSize: number; parameterSets: Buffer[] } {
  const fail = (): never => {
    throw new MpegTsMuxError(`the ${codec === 'h264' ? 'avcC' : 'hvcC'} decoder configuration record is truncated (${record.length} bytes)`);
  };
  let pos = 0;
  const take = (n: number): Buffer => {
    if (pos + n > record.length) fail();
    const out = record.subarray(pos, pos + n);
    pos += n;
    return out;
  };
  const sized = (): Buffer => take(take(2).readUInt16BE(0));
  if (codec === 'h264') {
    if (record.length < 7) fail();
    const lengthSize = (record[4]! & 3) + 1;
    pos = 5;
    const sps = Array.from({ length: take(1)[0]! & 0x1f }, sized);
    const pps = Array.from({ length: take(1)[0]! }, sized);
    return { lengthSize, parameterSets: [...sps, ...pps] };
  }
  if (record.length < 23) fail();
  const lengthSize = (record[21]! & 3) + 1;
  pos = 22;
  const byType = new Map<number, Buffer[]>();
  const arrays = take(1)[0]!;
  for (let i = 0; i < arrays; i++) {
    const type = take(1)[0]! & 0x3f;
    const count = take(2).readUInt16BE(0);
    const nals = Array.from({ length: count }, sized);
    byType.set(type, [...(byType.get(type) ?? []), ...nals]);
  }
  return { lengthSize, parameterSets: [32, 33, 34].flatMap((t) => byType.get(t) ?? []) };
}

/** §2.4.3.6 PES packet with PTS (and DTS when it differs), 90 kHz. */
function pesPacket(streamId: number, ptsMs: number, dtsMs: number, payload: Buffer, video: boolean): Buffer {
  const pts = to90k(ptsMs);
  const dts = to90k(dtsMs);
  const withDts = pts !== dts;
  const headerData = withDts ? 10 : 5;
  const header = Buffer.alloc(9 + headerData);
  header.writeUIntBE(0x000001, 0, 3);
  header[3] = streamId;
  const length = 3 + headerData + payload.length;
  // PES_packet_length 0 ("unbounded") is allowed only for video (§2.4.3.7).
  if (length > 0xffff && !video) throw new MpegTsMuxError(`audio PES of ${length} bytes is too large`);
  header.writeUInt16BE(length > 0xffff ? 0 : length, 4);
  header[6] = 0x80 | (video ? 0x04 : 0); // '10' marker, data_alignment_indicator for access units
  header[7] = withDts ? 0xc0 : 0x80;
  header[8] = headerData;
  writeTimestamp(header, 9, withDts ? 0x3 : 0x2, pts);
  if (withDts) writeTimestamp(header, 14, 0x1, dts);
  return Buffer.concat([header, payload]);
}

function to90k(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) throw new MpegTsMuxError(`timestamp ${ms} ms is not a time on the stream's timeline`);
  return Math.round(ms * 90) % TS_WRAP;
}

/** 33-bit timestamp in 5 bytes with marker bits (§2.4.3.7). */
function writeTimestamp(b: Buffer, at: number, prefix: number, ts: number): void {
  const high = Math.floor(ts / 2 ** 30) & 0x07;
  const low = ts % 2 ** 30;
  b[at] = (prefix << 4) | (high << 1) | 1;
  b[at + 1] = (low >>> 22) & 0xff;
  b[at + 2] = (((low >>> 15) & 0x7f) << 1) | 1;
  b[at + 3] = (low >>> 7) & 0xff;
  b[at + 4] = ((low & 0x7f) << 1) | 1;
}

/** program_clock_reference: 33-bit base (90 kHz), 6 reserved bits, 9-bit extension 0 (§2.4.3.5). */
function writePcr(b: Buffer, at: number, ms: number): void {
  const base = to90k(ms);
  b.writeUInt32BE(Math.floor(base / 2), at); // bits 32..1
  b[at + 4] = ((base & 1) << 7) | 0x7e;
  b[at + 5] = 0;
}

/** A long-form PSI section (§2.4.4.10 syntax) around `body`, with its CRC_32. */
function psiSection(tableId: number, idExtension: number, body: Buffer): Buffer {
  const section = Buffer.alloc(8 + body.length + 4);
  section[0] = tableId;
  section.writeUInt16BE(0xb000 | (5 + body.length + 4), 1); // syntax 1, '0', reserved, section_length
  section.writeUInt16BE(idExtension, 3);
  section[5] = 0xc1; // reserved, version 0, current_next_indicator 1
  section[6] = 0; // section_number
  section[7] = 0; // last_section_number
  body.copy(section, 8);
  section.writeUInt32BE(crc32Mpeg2(section.subarray(0, section.length - 4)), section.length - 4);
  return section;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    table[i] = c >>> 0;
  }
  return table;
})();

/** CRC-32/MPEG-2 (Annex A): polynomial 0x04C11DB7, initial 0xFFFFFFFF, no reflection, no final xor. */
export function crc32Mpeg2(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
  return crc >>> 0;
}
