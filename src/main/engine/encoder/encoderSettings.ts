// One video settings model across every encoder family (issue 3): codec, rate
// control, bitrate, keyframe interval, a single speed↔quality scale mapped to each
// family's native presets, B-frames, and profile/level chosen to fit the canvas.
// A setting a family cannot honour is refused with a reason, never silently changed.
import type { CanvasSettings, EncoderFamilyId, VideoCodec } from '../../../shared/model';
import { codecName, type EncoderCandidate } from './encoderFamilies';
import { h264LevelFor } from './x264Args';

export interface VideoEncodeSettings {
  readonly codec: VideoCodec;
  /** CBR by default: streaming ingests (Twitch strictly) expect constant bitrate. */
  readonly rateControl: 'cbr' | 'vbr';
  readonly bitrateKbps: number;
  readonly keyframeIntervalSec: number;
  /** 1 = fastest … 7 = best quality. */
  readonly speedQuality: 1 | 2 | 3 | 4 | 5 | 6 | 7;
  readonly bFrames: boolean;
}

export const DEFAULT_VIDEO_SETTINGS: VideoEncodeSettings = {
  codec: 'h264',
  rateControl: 'cbr',
  bitrateKbps: 6000,
  keyframeIntervalSec: 2,
  speedQuality: 3,
  bFrames: false,
};

type Scale = readonly [string, string, string, string, string, string, string];

// Presets slower than medium do not hold live rates on studio machines (DESIGN.md §4:
// 1080p veryfast is already 27.5 fps on 2 cores), so the scale stops there.
const X26X_PRESETS: Scale = ['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'medium'];
// SVT-AV1: 12 is the fastest preset fit for live, 6 the slowest worth trying.
const SVTAV1_PRESETS: Scale = ['12', '11', '10', '9', '8', '7', '6'];
const NVENC_PRESETS: Scale = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7'];
const QSV_PRESETS: Scale = ['veryfast', 'veryfast', 'faster', 'fast', 'medium', 'slow', 'slow'];
const AMF_QUALITY: Scale = ['speed', 'speed', 'balanced', 'balanced', 'balanced', 'quality', 'quality'];

/** The family's own name for a point of the scale, for the UI and the arguments. */
export function nativePreset(family: EncoderFamilyId, scale: VideoEncodeSettings['speedQuality']): string {
  const i = scale - 1;
  switch (family) {
    case 'x264':
    case 'x265':
      return X26X_PRESETS[i];
    case 'svtav1':
      return `preset ${SVTAV1_PRESETS[i]}`;
    case 'nvenc':
      return NVENC_PRESETS[i];
    case 'qsv':
      return QSV_PRESETS[i];
    case 'amf':
      return AMF_QUALITY[i];
    case 'videotoolbox':
      return scale <= 4 ? 'realtime' : 'quality';
    case 'vaapi':
      return `quality level ${8 - scale}`;
    case 'v4l2m2m':
      return 'driver default';
  }
}

/** HEVC Table A.8 (Main tier): max luma picture size, max luma samples/s, max kbps. */
const HEVC_LEVELS: readonly { level: string; maxPs: number; maxSr: number; maxKbps: number }[] = [
  { level: '3.0', maxPs: 552_960, maxSr: 16_588_800, maxKbps: 6000 },
  { level: '3.1', maxPs: 983_040, maxSr: 33_177_600, maxKbps: 10_000 },
  { level: '4.0', maxPs: 2_228_224, maxSr: 66_846_720, maxKbps: 12_000 },
  { level: '4.1', maxPs: 2_228_224, maxSr: 133_693_440, maxKbps: 20_000 },
  { level: '5.0', maxPs: 8_912_896, maxSr: 267_386_880, maxKbps: 25_000 },
  { level: '5.1', maxPs: 8_912_896, maxSr: 534_773_760, maxKbps: 40_000 },
  { level: '5.2', maxPs: 8_912_896, maxSr: 1_069_547_520, maxKbps: 60_000 },
];

/** The lowest HEVC level that fits (2160p30 → 5.0, 2160p60 → 5.1), the same method as h264LevelFor. */
export function hevcLevelFor(canvas: CanvasSettings, bitrateKbps: number): string {
  const ps = canvas.width * canvas.height;
  const maxDim = Math.max(canvas.width, canvas.height);
  // A.4.1: each dimension at most sqrt(8 * MaxLumaPs), which is what lets portrait fit.
  const found = HEVC_LEVELS.find((l) => ps <= l.maxPs && ps * canvas.fps <= l.maxSr && bitrateKbps <= l.maxKbps && maxDim * maxDim <= 8 * l.maxPs);
  return found?.level ?? '5.2';
}

/** AV1 Annex A.3 (Main tier): MaxPicSize, MaxHSize, MaxVSize, MaxDisplayRate, MainMbps. */
const AV1_LEVELS: readonly { level: string; maxPic: number; maxH: number; maxV: number; maxRate: number; maxKbps: number }[] = [
  { level: '3.0', maxPic: 665_856, maxH: 4352, maxV: 2448, maxRate: 19_975_680, maxKbps: 6000 },
  { level: '3.1', maxPic: 1_065_024, maxH: 5504, maxV: 3096, maxRate: 31_950_720, maxKbps: 10_000 },
  { level: '4.0', maxPic: 2_359_296, maxH: 6144, maxV: 3456, maxRate: 70_778_880, maxKbps: 12_000 },
  { level: '4.1', maxPic: 2_359_296, maxH: 6144, maxV: 3456, maxRate: 141_557_760, maxKbps: 20_000 },
  { level: '5.0', maxPic: 8_912_896, maxH: 8192, maxV: 4352, maxRate: 267_386_880, maxKbps: 30_000 },
  { level: '5.1', maxPic: 8_912_896, maxH: 8192, maxV: 4352, maxRate: 534_773_760, maxKbps: 40_000 },
  { level: '5.2', maxPic: 8_912_896, maxH: 8192, maxV: 4352, maxRate: 1_069_547_520, maxKbps: 60_000 },
];

/** AV1 seq_level as "X.Y" (2160p30 → 5.0, 1080p60 → 4.1). */
export function av1LevelFor(canvas: CanvasSettings, bitrateKbps: number): string {
  const pic = canvas.width * canvas.height;
  const found = AV1_LEVELS.find(
    (l) => pic <= l.maxPic && canvas.width <= l.maxH && canvas.height <= l.maxV && pic * canvas.fps <= l.maxRate && bitrateKbps <= l.maxKbps,
  );
  return found?.level ?? '5.2';
}

export function profileAndLevel(codec: VideoCodec, canvas: CanvasSettings, bitrateKbps: number): { profile: string; level: string } {
  if (codec === 'h264') return { profile: 'high', level: h264LevelFor(canvas, bitrateKbps) };
  if (codec === 'hevc') return { profile: 'main', level: hevcLevelFor(canvas, bitrateKbps) };
  return { profile: 'main', level: av1LevelFor(canvas, bitrateKbps) };
}

/** Why this encoder cannot honour these settings, or null when it can. */
export function validateEncoderSettings(encoder: Pick<EncoderCandidate, 'encoder' | 'family' | 'codec'>, settings: VideoEncodeSettings): string | null {
  const name = encoder.encoder;
  if (encoder.codec !== settings.codec) {
    return `${name} encodes ${codecName(encoder.codec)}, not ${codecName(settings.codec)}`;
  }
  if (settings.rateControl === 'cbr') {
    // ffmpeg 5.1's VideoToolbox wrapper has no constant-bit-rate switch (added in 6.0 for macOS 13).
    if (encoder.family === 'videotoolbox') return `${name} cannot do CBR in this ffmpeg (average bitrate only); choose VBR`;
    // The V4L2 M2M wrapper sets a target bitrate; whether the hardware holds it is up to the driver.
    if (encoder.family === 'v4l2m2m') return `${name} cannot guarantee CBR (the driver only takes a target bitrate); choose VBR`;
  }
  if (settings.bFrames) {
    if (settings.codec === 'av1') return `${name}: AV1 live encoding here is low-delay, without B-frames; turn B-frames off`;
    if (encoder.family === 'v4l2m2m') return `${name} has no B-frames; turn B-frames off`;
    // AMF HEVC B-frames exist only on RDNA3 and later, which the probe cannot tell apart.
    if (name === 'hevc_amf') return `${name}: B-frames are not supported on most AMD GPUs; turn B-frames off`;
  }
  return null;
}

/**
 * The output-side video arguments for a live encode with this encoder: the lead's
 * encoder stage puts the candidate's `inputArgs` before `-i` and these after the map.
 * Throws when the settings are refused (validate first to show the reason).
 */
export function videoCodecArgs(encoder: EncoderCandidate, canvas: CanvasSettings, settings: VideoEncodeSettings): string[] {
  const problem = validateEncoderSettings(encoder, settings);
  if (problem) throw new Error(problem);
  const kbps = settings.bitrateKbps;
  const gop = Math.max(1, Math.round(settings.keyframeIntervalSec * canvas.fps));
  const { profile, level } = profileAndLevel(settings.codec, canvas, kbps);
  const cbr = settings.rateControl === 'cbr';
  const rate = ['-b:v', `${kbps}k`, '-maxrate', `${cbr ? kbps : Math.round(kbps * 1.5)}k`, '-bufsize', `${cbr ? kbps : kbps * 2}k`];
  // Exact keyframe cadence: ingests (Twitch: every 2 s) cut segments at keyframes.
  const gopArgs = ['-g', String(gop), '-keyint_min', String(gop)];
  const bf = settings.bFrames ? 2 : 0;
  const preset = nativePreset(encoder.family, settings.speedQuality);
  const scale = settings.speedQuality;
  const common = [...encoder.filterArgs, '-c:v', encoder.encoder];
  switch (encoder.family) {
    case 'x264':
    case 'x265': {
      const x264 = encoder.family === 'x264';
      // zerolatency turns B-frames and lookahead off: only when B-frames are off.
      const tune = settings.bFrames ? [] : ['-tune', 'zerolatency'];
      const params = x264
        ? [`nal-hrd=${cbr ? 'cbr' : 'vbr'}`, 'force-cfr=1', `bframes=${bf}`, 'scenecut=0']
        : [`bframes=${bf}`, 'scenecut=0', `level-idc=${level}`, ...(cbr ? ['strict-cbr=1', `vbv-maxrate=${kbps}`, `vbv-bufsize=${kbps}`] : [])];
      return [
        ...common, '-preset', preset, ...tune, '-profile:v', profile, ...(x264 ? ['-level:v', level] : []),
        '-pix_fmt', 'yuv420p', ...rate, ...(cbr && x264 ? ['-minrate', `${kbps}k`] : []), ...gopArgs,
        x264 ? '-x264-params' : '-x265-params', params.join(':'),
      ];
    }
    case 'svtav1':
      // SVT-AV1 1.4: CBR needs the low-delay prediction structure (pred-struct=1); rc=2 is CBR, 1 VBR.
      return [
        ...common, '-preset', SVTAV1_PRESETS[scale - 1], '-pix_fmt', 'yuv420p', '-b:v', `${kbps}k`, ...gopArgs,
        '-svtav1-params', `rc=${cbr ? 2 : 1}:pred-struct=1:level=${level.replace('.', '')}`,
      ];
    case 'nvenc':
      return [
        ...common, '-preset', preset, '-tune', 'll', '-rc', cbr ? 'cbr' : 'vbr', ...rate, ...gopArgs, '-bf', String(bf),
        '-profile:v', profile, '-level', level, '-no-scenecut', '1', '-forced-idr', '1',
      ];
    case 'qsv':
      // QSV picks CBR when maxrate equals the bitrate, VBR when it is higher.
      return [...common, '-preset', preset, '-look_ahead', '0', ...rate, ...gopArgs, '-bf', String(bf), '-profile:v', profile, '-level', level];
    case 'amf':
      return [
        ...common, '-usage', 'lowlatency', '-quality', preset, '-rc', cbr ? 'cbr' : 'vbr_peak', ...rate, ...gopArgs,
        '-bf', String(bf), '-profile:v', profile, '-level', level,
      ];
    case 'videotoolbox':
      return [...common, '-realtime', scale <= 4 ? '1' : '0', '-b:v', `${kbps}k`, ...gopArgs, '-bf', String(bf), '-profile:v', profile];
    case 'vaapi':
      return [...common, '-rc_mode', cbr ? 'CBR' : 'VBR', ...rate, ...gopArgs, '-bf', String(bf), '-compression_level', String(8 - scale), '-profile:v', profile];
    case 'v4l2m2m':
      return [...common, '-b:v', `${kbps}k`, ...gopArgs];
  }
}

/** "H.264 High@5.1, CBR 30000 kbps, keyframe 2 s, NVENC p4" for the UI. */
export function describeProfile(encoder: Pick<EncoderCandidate, 'family' | 'label'>, canvas: CanvasSettings, settings: VideoEncodeSettings): string {
  const { profile, level } = profileAndLevel(settings.codec, canvas, settings.bitrateKbps);
  const p = profile[0].toUpperCase() + profile.slice(1);
  return `${codecName(settings.codec)} ${p}@${level}, ${settings.rateControl.toUpperCase()} ${settings.bitrateKbps} kbps, keyframe ${settings.keyframeIntervalSec} s, ${
    settings.bFrames ? 'B-frames' : 'no B-frames'
  }, ${encoder.label} ${nativePreset(encoder.family, settings.speedQuality)}`;
}
