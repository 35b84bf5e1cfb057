// FLV container: file header, tag writer and a streaming tag reader.
// Layouts: Adobe FLV/F4V spec v10.1 §E.2–E.4, summarised in specs/flv-rtmp-sei.md "FLV".
// The tag *bodies* written here are also exactly what RTMP audio/video/data
// messages carry, so the RTMP publisher reuses them.
import { AmfEcmaArray, decodeAmf0, encodeAmf0, type AmfValue } from './amf0';

// §E.4.1 TagType.
export const FLV_TAG_AUDIO = 8;
export const FLV_TAG_VIDEO = 9;
export const FLV_TAG_SCRIPT = 18;

// §E.4.3.1 CodecID 7 = AVC; §E.4.2.1 SoundFormat 10 = AAC.
export const FLV_CODEC_AVC = 7;
export const FLV_SOUND_AAC = 10;

// §E.4.3.2 AVCPacketType / §E.4.2.2 AACPacketType.
export const AVC_SEQUENCE_HEADER = 0;
export const AVC_NALU = 1;
export const AVC_END_OF_SEQUENCE = 2;
export const AAC_SEQUENCE_HEADER = 0;
export const AAC_RAW = 1;

/** §E.2 header (9 bytes) followed by PreviousTagSize0 = 0. */
export function flvFileHeader(hasAudio = true, hasVideo = true): Buffer {
  const b = Buffer.alloc(13);
  b.write('FLV', 0, 'latin1');
  b[3] = 1;
  b[4] = (hasAudio ? 0x04 : 0) | (hasVideo ? 0x01 : 0);
  b.writeUInt32BE(9, 5);
  return b;
}

/** One tag: 11-byte header, body, PreviousTagSize (§E.3). `timestampMs` is the DTS. */
export function flvTag(type: number, timestampMs: number, body: Buffer): Buffer {
  if (body.length > 0xffffff) throw new RangeError(`FLV tag body too large (${body.length} bytes)`);
  const ts = Math.max(0, Math.round(timestampMs)) >>> 0;
  const b = Buffer.alloc(11 + body.length + 4);
  b[0] = type;
  b.writeUIntBE(body.length, 1, 3);
  // Lower 24 bits, then the upper 8 bits in TimestampExtended (§E.4.1).
  b.writeUIntBE(ts & 0xffffff, 4, 3);
  b[7] = (ts >>> 24) & 0xff;
  // StreamID (3 bytes) is always 0.
  body.copy(b, 11);
  b.writeUInt32BE(11 + body.length, 11 + body.length);
  return b;
}

/** Legacy AVC VIDEODATA body (§E.4.3.1): frame type/codec, packet type, s24 composition time, data. */
export function avcVideoBody(keyframe: boolean, packetType: number, compositionTimeMs: number, data: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head[0] = ((keyframe ? 1 : 2) << 4) | FLV_CODEC_AVC;
  head[1] = packetType;
  head.writeIntBE(Math.round(compositionTimeMs), 2, 3);
  return Buffer.concat([head, data]);
}

/** AVC sequence header: the body carries the AVCDecoderConfigurationRecord. */
export function avcSequenceHeaderBody(decoderConfig: Buffer): Buffer {
  return avcVideoBody(true, AVC_SEQUENCE_HEADER, 0, decoderConfig);
}

/**
 * AAC AUDIODATA body (§E.4.2.1). For AAC the flags byte is always 0xAF
 * (format 10, "44 kHz", 16-bit, stereo): decoders take the real values from the
 * AudioSpecificConfig.
 */
export function aacAudioBody(packetType: number, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from([(FLV_SOUND_AAC << 4) | 0x0f, packetType]), data]);
}

/** SCRIPTDATA body for onMetaData: string + ECMA array (§E.5). */
export function onMetaDataBody(metadata: Readonly<Record<string, AmfValue>>): Buffer {
  return encodeAmf0('onMetaData', new AmfEcmaArray(metadata));
}

/** NAL length field size from an AVCDecoderConfigurationRecord: (record[4] & 3) + 1. */
export function avcNalLengthSize(record: Buffer): number {
  if (record.length < 5) throw new RangeError('AVCDecoderConfigurationRecord shorter than 5 bytes');
  return (record[4]! & 3) + 1;
}

export interface FlvVideoTag {
  readonly kind: 'video';
  /** DTS in ms. */
  readonly timestampMs: number;
  readonly keyframe: boolean;
  /** §E.4.3.1 FrameType (1 key, 2 inter, 3 disposable, 4 generated key, 5 info). */
  readonly frameType: number;
  readonly codecId: number;
  /** AVCPacketType; -1 for codecs without one. */
  readonly packetType: number;
  readonly compositionTimeMs: number;
  /** For AVC: the payload after the 5-byte header (record or length-prefixed NALs). */
  readonly body: Buffer;
  /** NAL length size from the last AVC sequence header (4 until one is seen). */
  readonly nalLengthSize: number;
}

export interface FlvAudioTag {
  readonly kind: 'audio';
  readonly timestampMs: number;
  readonly soundFormat: number;
  /** AACPacketType; -1 for formats without one. */
  readonly packetType: number;
  /** Payload after the flags (and AAC packet type) bytes. */
  readonly body: Buffer;
}

export interface FlvScriptTag {
  readonly kind: 'script';
  readonly timestampMs: number;
  readonly values: readonly AmfValue[];
}

export type FlvTag = FlvVideoTag | FlvAudioTag | FlvScriptTag;

export class FlvFormatError extends Error {}

/**
 * Parses an FLV byte stream delivered in arbitrary chunks (ffmpeg's
 * `-f flv pipe:1` stdout): push() returns the tags completed by that chunk.
 */
export class FlvReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private headerDone = false;
  private nalLengthSize = 4;
  private failed: FlvFormatError | null = null;

  push(chunk: Buffer): FlvTag[] {
    if (this.failed) throw this.failed;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const tags: FlvTag[] = [];
    try {
      this.drain(tags);
    } catch (err) {
      this.failed = err instanceof FlvFormatError ? err : new FlvFormatError(String(err));
      throw this.failed;
    }
    return tags;
  }

  /** Bytes received but not yet part of a complete tag. */
  get pendingBytes(): number {
    return this.buffered;
  }

  private drain(tags: FlvTag[]): void {
    if (!this.headerDone) {
      if (this.buffered < 9) return;
      const head = this.peek(9);
      if (head.toString('latin1', 0, 3) !== 'FLV') throw new FlvFormatError('not an FLV stream (no "FLV" signature)');
      const headerSize = head.readUInt32BE(5);
      if (headerSize < 9 || headerSize > 1024) throw new FlvFormatError(`bad FLV header size ${headerSize}`);
      // The header (and any extension) plus PreviousTagSize0.
      if (this.buffered < headerSize + 4) return;
      this.skip(headerSize + 4);
      this.headerDone = true;
    }
    for (;;) {
      if (this.buffered < 11) return;
      const peek = this.peek(11);
      const dataSize = peek.readUIntBE(1, 3);
      if (this.buffered < 11 + dataSize + 4) return;
      const header = this.take(11);
      const body = this.take(dataSize);
      this.skip(4);
      const tag = this.parse(header, body);
      if (tag) tags.push(tag);
    }
  }

  private parse(header: Buffer, data: Buffer): FlvTag | null {
    // Bit 5 of the type byte is the Filter (encryption) flag; we never see it set.
    const type = header[0]! & 0x1f;
    const timestampMs = (header.readUIntBE(4, 3) | (header[7]! << 24)) >>> 0;
    if (type === FLV_TAG_VIDEO) {
      if (data.length < 1) return null;
      const frameType = data[0]! >> 4;
      const codecId = data[0]! & 0x0f;
      if (codecId === FLV_CODEC_AVC && data.length >= 5) {
        const packetType = data[1]!;
        const body = data.subarray(5);
        if (packetType === AVC_SEQUENCE_HEADER) this.nalLengthSize = avcNalLengthSize(body);
        return {
          kind: 'video',
          timestampMs,
          keyframe: frameType === 1,
          frameType,
          codecId,
          packetType,
          compositionTimeMs: data.readIntBE(2, 3),
          body,
          nalLengthSize: this.nalLengthSize,
        };
      }
      return { kind: 'video', timestampMs, keyframe: frameType === 1, frameType, codecId, packetType: -1, compositionTimeMs: 0, body: data.subarray(1), nalLengthSize: this.nalLengthSize };
    }
    if (type === FLV_TAG_AUDIO) {
      if (data.length < 1) return null;
      const soundFormat = data[0]! >> 4;
      if (soundFormat === FLV_SOUND_AAC && data.length >= 2) {
        return { kind: 'audio', timestampMs, soundFormat, packetType: data[1]!, body: data.subarray(2) };
      }
      return { kind: 'audio', timestampMs, soundFormat, packetType: -1, body: data.subarray(1) };
    }
    if (type === FLV_TAG_SCRIPT) {
      return { kind: 'script', timestampMs, values: decodeAmf0(data) };
    }
    // Unknown tag types are skipped, as §E.4.1 readers should.
    return null;
  }

  private peek(n: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= n) return first.subarray(0, n);
    this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!.subarray(0, n);
  }

  private take(n: number): Buffer {
    const first = this.chunks[0];
    let out: Buffer;
    if (first && first.length >= n) {
      out = first.subarray(0, n);
    } else {
      // Gather just enough chunks for this field, so a large tag costs one copy.
      const parts: Buffer[] = [];
      let have = 0;
      let i = 0;
      while (have < n) {
        parts.push(this.chunks[i]!);
        have += this.chunks[i]!.length;
        i++;
      }
      const merged = Buffer.concat(parts);
      this.chunks.splice(0, i, merged);
      out = merged.subarray(0, n);
    }
    this.skip(n);
    return out;
  }

  private skip(n: number): void {
    this.buffered -= n;
    let left = n;
    while (left > 0) {
      const first = this.chunks[0]!;
      if (first.length <= left) {
        left -= first.length;
        this.chunks.shift();
      } else {
        this.chunks[0] = first.subarray(left);
        left = 0;
      }
    }
  }
}
