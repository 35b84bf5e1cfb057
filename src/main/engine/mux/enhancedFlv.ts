// Enhanced RTMP / FLV video bodies (Veovera enhanced-rtmp v2, summarised in
// specs/flv-rtmp-sei.md "Enhanced RTMP"): HEVC and AV1 travel as `0x80 | FrameType<<4 |
// PacketType`, a FourCC, then the payload. H.264 keeps the legacy AVC layout
// (FLV spec §E.4.3.1), so the outputs ask this module for the right body per codec.
import type { EncodedVideoFrame, VideoConfig } from '../media/packets';
import { AVC_NALU, avcSequenceHeaderBody, avcVideoBody, FLV_CODEC_AVC } from './flvTags';

// enhanced-rtmp v2 "ExVideoHeader": IsExHeader bit and VideoPacketType values.
const EX_HEADER = 0x80;
export const EX_PACKET_SEQUENCE_START = 0;
export const EX_PACKET_CODED_FRAMES = 1;
export const EX_PACKET_SEQUENCE_END = 2;
export const EX_PACKET_CODED_FRAMES_X = 3;

/** A FourCC as the big-endian u32 onMetaData's videocodecid carries ('hvc1' → 0x68766331). */
export function fourCcNumber(fourCc: string): number {
  if (fourCc.length !== 4) throw new RangeError(`FourCC must be 4 characters: "${fourCc}"`);
  return Buffer.from(fourCc, 'latin1').readUInt32BE(0);
}

export const FOURCC_HEVC = 'hvc1';
export const FOURCC_AV1 = 'av01';
export const FOURCC_VP9 = 'vp09';

/**
 * One enhanced VIDEODATA body. CodedFrames (1) carries an s24 composition time
 * (PTS − DTS, ms); the other packet types have none.
 */
export function enhancedVideoBody(keyframe: boolean, packetType: number, fourCc: string, data: Buffer, compositionTimeMs = 0): Buffer {
  const hasCts = packetType === EX_PACKET_CODED_FRAMES;
  const head = Buffer.alloc(5 + (hasCts ? 3 : 0));
  head[0] = EX_HEADER | ((keyframe ? 1 : 2) << 4) | packetType;
  head.write(fourCc, 1, 4, 'latin1');
  if (hasCts) head.writeIntBE(Math.round(compositionTimeMs), 5, 3);
  return Buffer.concat([head, data]);
}

/** SequenceStart: the decoder configuration record (hvcC for 'hvc1'). Sent as a key frame. */
export function enhancedSequenceStartBody(fourCc: string, decoderConfig: Buffer): Buffer {
  return enhancedVideoBody(true, EX_PACKET_SEQUENCE_START, fourCc, decoderConfig);
}

/** Coded frames: CodedFramesX when the composition time is 0 (saves 3 bytes), else CodedFrames. */
export function enhancedCodedFramesBody(fourCc: string, keyframe: boolean, compositionTimeMs: number, data: Buffer): Buffer {
  const cts = Math.round(compositionTimeMs);
  return cts === 0
    ? enhancedVideoBody(keyframe, EX_PACKET_CODED_FRAMES_X, fourCc, data)
    : enhancedVideoBody(keyframe, EX_PACKET_CODED_FRAMES, fourCc, data, cts);
}

/** The Enhanced RTMP FourCC of a stream, or null for H.264 (legacy AVC layout). */
function enhancedFourCc(video: VideoConfig): string | null {
  if (video.codec === 'hevc') return FOURCC_HEVC;
  if (video.codec === 'av1') return FOURCC_AV1;
  return null;
}

/** onMetaData videocodecid for a stream: 7 for AVC, the FourCC number for enhanced codecs. */
export function flvVideoCodecId(video: VideoConfig): number {
  const fourCc = enhancedFourCc(video);
  return fourCc ? fourCcNumber(fourCc) : FLV_CODEC_AVC;
}

/** The sequence header body for the stream's codec (AVC record or enhanced SequenceStart with hvcC / av1C). */
export function flvVideoSequenceHeaderBody(video: VideoConfig): Buffer {
  const fourCc = enhancedFourCc(video);
  return fourCc ? enhancedSequenceStartBody(fourCc, video.decoderConfig) : avcSequenceHeaderBody(video.decoderConfig);
}

/** A coded frame's body for the stream's codec; composition time = PTS − DTS (always 0 for AV1). */
export function flvVideoFrameBody(video: VideoConfig, frame: EncodedVideoFrame): Buffer {
  const cts = frame.ptsMs - frame.dtsMs;
  const fourCc = enhancedFourCc(video);
  return fourCc ? enhancedCodedFramesBody(fourCc, frame.keyframe, cts, frame.data) : avcVideoBody(frame.keyframe, AVC_NALU, cts, frame.data);
}
