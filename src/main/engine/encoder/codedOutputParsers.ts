// Parsers for what the encoder processes write: H.264 video in FLV (ffmpeg muxes it
// natively), HEVC video in MPEG-TS (ffmpeg 5.1 cannot put HEVC in FLV, so our mux
// stage builds the hvcC and the Enhanced RTMP tags itself), AV1 video in IVF (likewise
// for the av1C), AAC audio in FLV. Each
// turns bytes into configurations and frames for an EncodedStreamAssembler.
import type { AudioConfig, EncodedAudioFrame, EncodedVideoFrame, VideoConfig } from '../media/packets';
import { AAC_RAW, AAC_SEQUENCE_HEADER, AVC_NALU, AVC_SEQUENCE_HEADER, FLV_CODEC_AVC, FLV_SOUND_AAC, FlvReader } from '../mux/flvTags';
import { parseAudioSpecificConfig } from '../mux/flvToPackets';
import { buildHvcC, hevcParameterSets, isHevcKeyframe, splitAnnexB, toLengthPrefixed } from '../mux/hevc';
import { IvfReader } from '../mux/ivfReader';
import { MpegTsReader } from '../mux/mpegtsReader';
import { av1Sample, buildAv1C, findSequenceHeader, isAv1Keyframe, splitObus } from '../mux/av1';

export interface VideoStreamInfo {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly bitrateKbps: number;
}

/** `frame` (the programme frame number) is filled in by the encoder stage. */
export type UnnumberedVideoFrame = Omit<EncodedVideoFrame, 'frame'>;

export interface VideoOutput {
  onConfig(config: VideoConfig): void;
  onFrame(frame: UnnumberedVideoFrame): void;
}

export interface AudioOutput {
  onConfig(config: AudioConfig): void;
  onFrame(frame: EncodedAudioFrame): void;
}

export interface ChunkParser {
  push(chunk: Buffer): void;
}

export function flvH264Parser(info: VideoStreamInfo, out: VideoOutput): ChunkParser {
  const reader = new FlvReader();
  return {
    push(chunk) {
      for (const tag of reader.push(chunk)) {
        if (tag.kind !== 'video' || tag.codecId !== FLV_CODEC_AVC) continue;
        if (tag.packetType === AVC_SEQUENCE_HEADER) {
          out.onConfig({ codec: 'h264', ...info, decoderConfig: Buffer.from(tag.body) });
        } else if (tag.packetType === AVC_NALU) {
          const ptsMs = tag.timestampMs + tag.compositionTimeMs;
          out.onFrame({ type: 'video', dtsMs: tag.timestampMs, ptsMs, keyframe: tag.keyframe, data: tag.body });
        }
      }
    },
  };
}

export function tsHevcParser(info: VideoStreamInfo, out: VideoOutput): ChunkParser {
  const reader = new MpegTsReader();
  let lastConfig: Buffer | null = null;
  return {
    push(chunk) {
      for (const unit of reader.push(chunk)) {
        if (unit.kind !== 'video' || unit.codec !== 'hevc') continue;
        const nals = splitAnnexB(unit.data);
        const sets = hevcParameterSets(nals);
        if (sets) {
          const hvcC = buildHvcC(sets.vps, sets.sps, sets.pps);
          if (!lastConfig || !lastConfig.equals(hvcC)) {
            lastConfig = hvcC;
            out.onConfig({ codec: 'hevc', ...info, decoderConfig: hvcC });
          }
        }
        out.onFrame({ type: 'video', dtsMs: unit.dtsMs, ptsMs: unit.ptsMs, keyframe: isHevcKeyframe(nals), data: toLengthPrefixed(nals) });
      }
    },
  };
}

/**
 * AV1 in IVF: one temporal unit per IVF frame. IVF carries no DTS, and AV1 has no
 * reordering at the container level (hidden frames travel inside a temporal unit), so
 * DTS = PTS. A new av1C goes out whenever the sequence header changes.
 */
export function ivfAv1Parser(info: VideoStreamInfo, out: VideoOutput): ChunkParser {
  const reader = new IvfReader();
  let lastConfig: Buffer | null = null;
  return {
    push(chunk) {
      for (const unit of reader.push(chunk)) {
        const obus = splitObus(unit.data);
        const sequenceHeader = findSequenceHeader(obus);
        if (sequenceHeader) {
          const av1C = buildAv1C(sequenceHeader);
          if (!lastConfig || !lastConfig.equals(av1C)) {
            lastConfig = av1C;
            out.onConfig({ codec: 'av1', ...info, decoderConfig: av1C });
          }
        }
        out.onFrame({ type: 'video', dtsMs: unit.ptsMs, ptsMs: unit.ptsMs, keyframe: isAv1Keyframe(obus), data: av1Sample(obus) });
      }
    },
  };
}

export function flvAacParser(bitrateKbps: number, out: AudioOutput): ChunkParser {
  const reader = new FlvReader();
  return {
    push(chunk) {
      for (const tag of reader.push(chunk)) {
        if (tag.kind !== 'audio' || tag.soundFormat !== FLV_SOUND_AAC) continue;
        if (tag.packetType === AAC_SEQUENCE_HEADER) {
          const asc = Buffer.from(tag.body);
          out.onConfig({ codec: 'aac', ...parseAudioSpecificConfig(asc), bitrateKbps, audioSpecificConfig: asc });
        } else if (tag.packetType === AAC_RAW) {
          out.onFrame({ type: 'audio', dtsMs: tag.timestampMs, data: tag.body });
        }
      }
    },
  };
}
