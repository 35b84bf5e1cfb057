// Which encoder the live path uses, and which one next when it fails: the operator's
// pick or Auto's choice, then Auto's fallback chain, then x264 (always present in our
// builds). Every codec the live path carries is used: H.264 (FLV), HEVC and AV1
// (Enhanced RTMP, specs/flv-rtmp-sei.md "Enhanced RTMP").
import type { CanvasSettings, EncoderCapability, EncoderProbeSnapshot, EncoderSettings } from '../../shared/model';
import { encoderCandidates } from '../engine/encoder/encoderFamilies';
import { DEFAULT_VIDEO_SETTINGS, validateEncoderSettings, videoCodecArgs, type VideoEncodeSettings } from '../engine/encoder/encoderSettings';
import type { VideoEncoderChoice } from '../engine/encoder/programEncoder';

export interface LiveEncoderPick {
  /** Capability id, or "libx264" for our own x264 path. */
  readonly id: string;
  readonly label: string;
  /** Undefined: the stage's built-in x264 arguments (they honour the x264 preset setting). */
  readonly video: VideoEncoderChoice | undefined;
}

/** Codecs with a live container path: FLV for H.264, Enhanced RTMP for HEVC ('hvc1') and AV1 ('av01'). */
const LIVE_CODECS: ReadonlySet<EncoderCapability['codec']> = new Set(['h264', 'hevc', 'av1']);

const X264: LiveEncoderPick = { id: 'libx264', label: 'x264', video: undefined };

/** The engine's settings model from the stored settings (unset fields take defaults). */
export function videoEncodeSettingsOf(settings: EncoderSettings): VideoEncodeSettings {
  return {
    codec: settings.codec ?? DEFAULT_VIDEO_SETTINGS.codec,
    rateControl: settings.rateControl ?? DEFAULT_VIDEO_SETTINGS.rateControl,
    bitrateKbps: settings.videoBitrateKbps,
    keyframeIntervalSec: settings.keyframeIntervalSec,
    speedQuality: settings.speedQuality ?? DEFAULT_VIDEO_SETTINGS.speedQuality,
    bFrames: settings.bFrames ?? DEFAULT_VIDEO_SETTINGS.bFrames,
  };
}

/** True when the operator set any field of the shared model (else x264 keeps its own preset logic). */
function usesModel(settings: EncoderSettings): boolean {
  return settings.codec !== undefined || settings.rateControl !== undefined || settings.speedQuality !== undefined || settings.bFrames !== undefined;
}

/**
 * Why these settings cannot go live, or null: for a chosen encoder, that it works and
 * its family can honour every setting (the codec among them: AV1 needs an AV1 encoder).
 */
export function refuseEncoderSettings(settings: EncoderSettings, probe: EncoderProbeSnapshot | null): string | null {
  const model = videoEncodeSettingsOf(settings);
  if (!settings.encoder || settings.encoder === 'auto') return null;
  const capability = probe?.result?.encoders.find((e) => e.id === settings.encoder);
  if (!capability) return `No encoder "${settings.encoder}" in the last probe; re-probe or choose one it found`;
  if (capability.state !== 'working') return `${capability.label} is unavailable: ${capability.reason ?? 'its test encode failed'}`;
  const candidate = candidateOf(capability);
  return candidate ? validateEncoderSettings(candidate, model) : null;
}

/** The chain, best first, of encoders that are working and can go live. */
export function liveEncoderChain(settings: EncoderSettings, probe: EncoderProbeSnapshot | null): string[] {
  const working = new Map((probe?.result?.encoders ?? []).filter(usable).map((e) => [e.id, e]));
  const wanted = settings.encoder && settings.encoder !== 'auto' ? [settings.encoder] : [];
  const auto = probe?.auto?.encoderId ? [probe.auto.encoderId, ...probe.auto.fallback] : [];
  const chain = [...wanted, ...auto].filter((id, i, all) => working.has(id) && all.indexOf(id) === i);
  if (!chain.includes('libx264')) chain.push('libx264');
  return chain;
}

/** The encoder to start after `failures` failures in this show. */
export function pickLiveEncoder(canvas: CanvasSettings, settings: EncoderSettings, probe: EncoderProbeSnapshot | null, failures: number): LiveEncoderPick {
  const chain = liveEncoderChain(settings, probe);
  const id = chain[Math.min(failures, chain.length - 1)];
  const capability = probe?.result?.encoders.find((e) => e.id === id);
  if (!capability || (capability.encoder === 'libx264' && !usesModel(settings))) return X264;
  const candidate = candidateOf(capability);
  if (!candidate) return X264;
  let codecArgs: string[];
  try {
    codecArgs = videoCodecArgs(candidate, canvas, { ...videoEncodeSettingsOf(settings), codec: capability.codec });
  } catch {
    // A fallback that cannot honour a setting (B-frames, say) still beats no encoder.
    codecArgs = videoCodecArgs(candidate, canvas, { ...videoEncodeSettingsOf(settings), codec: capability.codec, bFrames: false, rateControl: 'cbr' });
  }
  return { id, label: capability.label, video: { codec: capability.codec, codecArgs, label: capability.label, inputArgs: candidate.inputArgs } };
}

function candidateOf(capability: EncoderCapability) {
  return encoderCandidates([capability.encoder], capability.device ? [capability.device] : []).find((c) => c.id === capability.id);
}

function usable(e: EncoderCapability): boolean {
  return e.state === 'working' && e.acceptsCanvas && LIVE_CODECS.has(e.codec);
}
