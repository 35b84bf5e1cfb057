// Streaming MPEG-TS demuxer for our encoder's `-f mpegts pipe:1` output
// (ISO/IEC 13818-1): 188-byte packets, PAT → PMT → elementary PIDs, and PES
// reassembly with PTS/DTS. Video PES from ffmpeg carry exactly one access unit
// (mpegtsenc.c writes one PES per packet), so a finished video PES is a frame.
//
// AV1: ffmpeg 5.1 writes AV1 into TS as stream_type 0x06 with no registration
// descriptor and cannot read it back itself ("bin_data"), so only H.264, HEVC
// and AAC (ADTS) are recognised here; other PIDs are ignored.

// §2.4.3.2 Table 2-2: sync byte, and §2.4.4.4 Table 2-30 stream_type values.
const TS_PACKET_SIZE = 188;
const SYNC_BYTE = 0x47;
const PAT_PID = 0x0000;
export const STREAM_TYPE_AAC_ADTS = 0x0f;
export const STREAM_TYPE_H264 = 0x1b;
export const STREAM_TYPE_HEVC = 0x24;

export type TsCodec = 'h264' | 'hevc' | 'aac';

export interface TsAccessUnit {
  readonly kind: 'video' | 'audio';
  readonly codec: TsCodec;
  readonly pid: number;
  /** Presentation / decoding time in ms (90 kHz clock ÷ 90); DTS = PTS when absent. */
  readonly ptsMs: number;
  readonly dtsMs: number;
  /** PES payload: Annex B for video (one access unit), ADTS frames for AAC. */
  readonly data: Buffer;
}

export class MpegTsFormatError extends Error {}

interface PesBuffer {
  readonly codec: TsCodec;
  parts: Buffer[];
  started: boolean;
}

export class MpegTsReader {
  private carry: Buffer = Buffer.alloc(0);
  private pmtPid: number | null = null;
  private readonly streams = new Map<number, PesBuffer>();

  /** Feeds bytes in any chunking; returns the PES units completed by them. */
  push(chunk: Buffer): TsAccessUnit[] {
    const data = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const out: TsAccessUnit[] = [];
    let pos = 0;
    while (data.length - pos >= TS_PACKET_SIZE) {
      if (data[pos] !== SYNC_BYTE) throw new MpegTsFormatError(`lost sync at byte ${pos} (0x${data[pos]!.toString(16)})`);
      this.packet(data.subarray(pos, pos + TS_PACKET_SIZE), out);
      pos += TS_PACKET_SIZE;
    }
    this.carry = Buffer.from(data.subarray(pos));
    return out;
  }

  /** At end of stream: the last PES of each PID (they end only when the next one starts). */
  flush(): TsAccessUnit[] {
    const out: TsAccessUnit[] = [];
    for (const [pid, pes] of this.streams) this.finish(pid, pes, out);
    return out;
  }

  private packet(p: Buffer, out: TsAccessUnit[]): void {
    // §2.4.3.2 transport packet header.
    const unitStart = (p[1]! & 0x40) !== 0;
    const pid = ((p[1]! & 0x1f) << 8) | p[2]!;
    const adaptation = (p[3]! >> 4) & 0x3;
    let offset = 4;
    if (adaptation === 2 || adaptation === 0) return; // no payload
    if (adaptation === 3) offset += 1 + p[4]!;
    if (offset >= TS_PACKET_SIZE) return;
    const payload = p.subarray(offset);
    if (pid === PAT_PID) {
      if (unitStart) this.parsePat(payload);
      return;
    }
    if (pid === this.pmtPid) {
      if (unitStart) this.parsePmt(payload);
      return;
    }
    const pes = this.streams.get(pid);
    if (!pes) return;
    if (unitStart) {
      this.finish(pid, pes, out);
      pes.started = true;
    }
    if (pes.started) pes.parts.push(Buffer.from(payload));
  }

  /** A section's bytes after pointer_field, bounded by section_length (§2.4.4.1–2.4.4.3). */
  private section(payload: Buffer): Buffer {
    const start = 1 + payload[0]!;
    const length = ((payload[start + 1]! & 0x0f) << 8) | payload[start + 2]!;
    return payload.subarray(start, Math.min(payload.length, start + 3 + length));
  }

  private parsePat(payload: Buffer): void {
    const s = this.section(payload);
    // Program loop from byte 8 to the CRC; the first program with a non-zero number is ours.
    for (let i = 8; i + 4 <= s.length - 4; i += 4) {
      const program = s.readUInt16BE(i);
      if (program !== 0) {
        this.pmtPid = ((s[i + 2]! & 0x1f) << 8) | s[i + 3]!;
        return;
      }
    }
  }

  private parsePmt(payload: Buffer): void {
    const s = this.section(payload);
    // §2.4.4.8 TS_program_map_section: program_info_length at 10, then the ES loop.
    const programInfoLength = ((s[10]! & 0x0f) << 8) | s[11]!;
    for (let i = 12 + programInfoLength; i + 5 <= s.length - 4; ) {
      const streamType = s[i]!;
      const pid = ((s[i + 1]! & 0x1f) << 8) | s[i + 2]!;
      const esInfoLength = ((s[i + 3]! & 0x0f) << 8) | s[i + 4]!;
      const codec = codecFor(streamType);
      if (codec && !this.streams.has(pid)) this.streams.set(pid, { codec, parts: [], started: false });
      i += 5 + esInfoLength;
    }
  }

  private finish(pid: number, pes: PesBuffer, out: TsAccessUnit[]): void {
    if (pes.parts.length === 0) return;
    const unit = Buffer.concat(pes.parts);
    pes.parts = [];
    const parsed = parsePes(unit);
    if (!parsed) return;
    out.push({ kind: pes.codec === 'aac' ? 'audio' : 'video', codec: pes.codec, pid, ...parsed });
  }
}

function codecFor(streamType: number): TsCodec | null {
  if (streamType === STREAM_TYPE_H264) return 'h264';
  if (streamType === STREAM_TYPE_HEVC) return 'hevc';
  if (streamType === STREAM_TYPE_AAC_ADTS) return 'aac';
  return null;
}

/** §2.4.3.6–2.4.3.7 PES packet: start code, header with PTS/DTS, payload. */
function parsePes(pes: Buffer): { ptsMs: number; dtsMs: number; data: Buffer } | null {
  if (pes.length < 9 || pes[0] !== 0 || pes[1] !== 0 || pes[2] !== 1) throw new MpegTsFormatError('PES without a start code prefix');
  const pesLength = pes.readUInt16BE(4);
  const flags = pes[7]!;
  const headerLength = pes[8]!;
  const ptsDtsFlags = flags >> 6;
  if ((ptsDtsFlags & 2) === 0) return null; // no PTS: nothing we can place on the timeline
  const pts = readTimestamp(pes, 9);
  const dts = ptsDtsFlags === 3 ? readTimestamp(pes, 14) : pts;
  const start = 9 + headerLength;
  // PES_packet_length 0 (video) means "until the next PES"; otherwise it bounds the payload.
  const end = pesLength === 0 ? pes.length : Math.min(pes.length, 6 + pesLength);
  return { ptsMs: pts / 90, dtsMs: dts / 90, data: pes.subarray(start, end) };
}

/** 33-bit 90 kHz timestamp in 5 bytes with marker bits (§2.4.3.7). */
function readTimestamp(b: Buffer, at: number): number {
  const high = (b[at]! >> 1) & 0x07; // bits 32..30
  const mid = ((b[at + 1]! << 8) | b[at + 2]!) >> 1; // bits 29..15
  const low = ((b[at + 3]! << 8) | b[at + 4]!) >> 1; // bits 14..0
  return high * 2 ** 30 + mid * 2 ** 15 + low;
}

export interface AdtsFrame {
  /** Raw AAC frame, header removed. */
  readonly data: Buffer;
  readonly sampleRate: number;
  readonly channels: number;
  /** AudioSpecificConfig (ISO 14496-3 §1.6.2.1) equivalent to this header. */
  readonly audioSpecificConfig: Buffer;
}

// ISO 14496-3 §1.6.3.4 samplingFrequencyIndex.
const ADTS_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

/** Splits an AAC PES payload into its ADTS frames (ISO 14496-3 §1.A.2.2), 1024 samples each. */
export function adtsFrames(payload: Buffer): AdtsFrame[] {
  const frames: AdtsFrame[] = [];
  let pos = 0;
  while (pos + 7 <= payload.length) {
    if (payload[pos] !== 0xff || (payload[pos + 1]! & 0xf6) !== 0xf0) throw new MpegTsFormatError('bad ADTS sync word');
    const protectionAbsent = payload[pos + 1]! & 1;
    const objectType = (payload[pos + 2]! >> 6) + 1;
    const rateIndex = (payload[pos + 2]! >> 2) & 0x0f;
    const channels = ((payload[pos + 2]! & 1) << 2) | (payload[pos + 3]! >> 6);
    const frameLength = ((payload[pos + 3]! & 3) << 11) | (payload[pos + 4]! << 3) | (payload[pos + 5]! >> 5);
    const headerLength = protectionAbsent ? 7 : 9;
    if (frameLength < headerLength || pos + frameLength > payload.length) throw new MpegTsFormatError('truncated ADTS frame');
    const asc = Buffer.from([(objectType << 3) | (rateIndex >> 1), ((rateIndex & 1) << 7) | (channels << 3)]);
    frames.push({
      data: payload.subarray(pos + headerLength, pos + frameLength),
      sampleRate: ADTS_RATES[rateIndex] ?? 0,
      channels,
      audioSpecificConfig: asc,
    });
    pos += frameLength;
  }
  return frames;
}
