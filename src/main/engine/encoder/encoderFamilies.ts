// The catalogue of video encoders the studio knows how to drive: which family each
// ffmpeg encoder belongs to, its codec, and the arguments the family needs around a
// test encode and a live encode. A listed encoder is only a candidate
// (specs/ingest-facts.md: every hardware encoder is listed on a machine without the
// hardware); encoderProbe.ts verifies each one.
import type { EncoderFamilyId, EncoderFamilyInfo, VideoCodec } from '../../../shared/model';

export interface EncoderSpec {
  readonly encoder: string;
  readonly family: EncoderFamilyId;
  readonly codec: VideoCodec;
  readonly hardware: boolean;
}

/** A candidate to verify: an encoder the build lists, on one device where the family has several. */
export interface EncoderCandidate extends EncoderSpec {
  readonly id: string;
  readonly label: string;
  /** VA-API render node, else null. */
  readonly device: string | null;
  /** Global arguments that must come before `-i` (VA-API: the device). */
  readonly inputArgs: readonly string[];
  /** Output-side filter for frames coming from system memory (VA-API: upload to the GPU). */
  readonly filterArgs: readonly string[];
}

interface FamilyEntry {
  readonly label: string;
  readonly hardware: boolean;
  readonly encoders: readonly { readonly encoder: string; readonly codec: VideoCodec }[];
}

export const ENCODER_FAMILIES: Readonly<Record<EncoderFamilyId, FamilyEntry>> = {
  // Hardware first: the order is also the UI's order.
  nvenc: {
    label: 'NVENC',
    hardware: true,
    encoders: [
      { encoder: 'h264_nvenc', codec: 'h264' },
      { encoder: 'hevc_nvenc', codec: 'hevc' },
      { encoder: 'av1_nvenc', codec: 'av1' },
    ],
  },
  // Same encoder names for the old Media SDK (libmfx, Debian 12's build) and oneVPL builds.
  qsv: {
    label: 'Quick Sync',
    hardware: true,
    encoders: [
      { encoder: 'h264_qsv', codec: 'h264' },
      { encoder: 'hevc_qsv', codec: 'hevc' },
      { encoder: 'av1_qsv', codec: 'av1' },
    ],
  },
  amf: {
    label: 'AMF',
    hardware: true,
    encoders: [
      { encoder: 'h264_amf', codec: 'h264' },
      { encoder: 'hevc_amf', codec: 'hevc' },
      { encoder: 'av1_amf', codec: 'av1' },
    ],
  },
  videotoolbox: {
    label: 'VideoToolbox',
    hardware: true,
    encoders: [
      { encoder: 'h264_videotoolbox', codec: 'h264' },
      { encoder: 'hevc_videotoolbox', codec: 'hevc' },
    ],
  },
  vaapi: {
    label: 'VA-API',
    hardware: true,
    encoders: [
      { encoder: 'h264_vaapi', codec: 'h264' },
      { encoder: 'hevc_vaapi', codec: 'hevc' },
      { encoder: 'av1_vaapi', codec: 'av1' },
    ],
  },
  v4l2m2m: { label: 'V4L2 M2M', hardware: true, encoders: [{ encoder: 'h264_v4l2m2m', codec: 'h264' }] },
  x264: { label: 'x264', hardware: false, encoders: [{ encoder: 'libx264', codec: 'h264' }] },
  x265: { label: 'x265', hardware: false, encoders: [{ encoder: 'libx265', codec: 'hevc' }] },
  svtav1: { label: 'SVT-AV1', hardware: false, encoders: [{ encoder: 'libsvtav1', codec: 'av1' }] },
};

export const FAMILY_IDS = Object.keys(ENCODER_FAMILIES) as EncoderFamilyId[];

const CODEC_NAMES: Readonly<Record<VideoCodec, string>> = { h264: 'H.264', hevc: 'HEVC', av1: 'AV1' };

export function codecName(codec: VideoCodec): string {
  return CODEC_NAMES[codec];
}

/** ffmpeg's default VA-API node: tried when the machine has none, so the reason is ffmpeg's own. */
export const DEFAULT_RENDER_NODE = '/dev/dri/renderD128';

export function specOf(encoder: string): EncoderSpec | null {
  for (const family of FAMILY_IDS) {
    const entry = ENCODER_FAMILIES[family].encoders.find((e) => e.encoder === encoder);
    if (entry) return { encoder, family, codec: entry.codec, hardware: ENCODER_FAMILIES[family].hardware };
  }
  return null;
}

/**
 * The candidates to verify: every catalogued encoder the build lists; VA-API once per
 * render node (a machine with an iGPU and a dGPU has two, and only one may work).
 */
export function encoderCandidates(listed: readonly string[], renderNodes: readonly string[]): EncoderCandidate[] {
  const out: EncoderCandidate[] = [];
  const nodes = renderNodes.length ? renderNodes : [DEFAULT_RENDER_NODE];
  for (const name of listed) {
    const spec = specOf(name);
    if (!spec) continue;
    const family = ENCODER_FAMILIES[spec.family];
    const label = spec.hardware ? `${family.label} ${codecName(spec.codec)}` : family.label;
    if (spec.family === 'vaapi') {
      for (const node of nodes) {
        out.push({
          ...spec,
          id: `${name}@${node}`,
          label: nodes.length > 1 ? `${label} (${node.replace('/dev/dri/', '')})` : label,
          device: node,
          inputArgs: ['-vaapi_device', node],
          filterArgs: ['-vf', 'format=nv12,hwupload'],
        });
      }
      continue;
    }
    out.push({ ...spec, id: name, label, device: null, inputArgs: [], filterArgs: [] });
  }
  return out;
}

/**
 * Output arguments of a test encode: yuv420p as the programme frames are (VA-API
 * converts to nv12 and uploads instead), plus what the family needs (VideoToolbox:
 * real-time mode). Without the pixel format, testsrc2's RGB let libx264 pick 4:4:4
 * and pass canvases the live path cannot encode.
 */
export function testEncodeArgs(candidate: EncoderCandidate): string[] {
  const format = candidate.filterArgs.length ? candidate.filterArgs : ['-pix_fmt', 'yuv420p'];
  const extra = candidate.family === 'videotoolbox' ? ['-realtime', '1'] : [];
  return [...format, '-c:v', candidate.encoder, ...extra];
}

export function familyInfos(listed: readonly string[]): EncoderFamilyInfo[] {
  return FAMILY_IDS.map((family) => {
    const entry = ENCODER_FAMILIES[family];
    return {
      family,
      label: entry.label,
      hardware: entry.hardware,
      listed: entry.encoders.some((e) => listed.includes(e.encoder)),
    };
  });
}
