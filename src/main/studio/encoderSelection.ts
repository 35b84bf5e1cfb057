// Which encoder the live path uses, and which one next when it fails: the operator's
// pick or Auto's choice, then Auto's fallback chain, then x264 (always present in our
// builds). Only codecs the live path can carry are used: H.264 (FLV) and HEVC
// (Enhanced RTMP); AV1 has no live container path yet.
import type { CanvasSettings, EncoderCapability, EncoderProbeSnapshot, EncoderSettings } from '../../shared/model';
import { encoderCandidates } from '../engine/encoder/encoderFamilies';
import { videoCodecArgs } from '../engine/encoder/encoderSettings';
import type { VideoEncoderChoice } from '../engine/encoder/programEncoder';

export interface LiveEncoderPick {
  /** Capability id, or "libx264" for our own x264 path. */
  readonly id: string;
  readonly label: string;
  /** Undefined: the stage's built-in x264 arguments (they honour the x264 preset setting). */
  readonly video: VideoEncoderChoice | undefined;
}

const X264: LiveEncoderPick = { id: 'libx264', label: 'x264', video: undefined };

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
  if (!capability || capability.encoder === 'libx264') return X264;
  const candidate = encoderCandidates([capability.encoder], capability.device ? [capability.device] : []).find((c) => c.id === capability.id);
  if (!candidate) return X264;
  const codecArgs = videoCodecArgs(candidate, canvas, {
    codec: capability.codec,
    rateControl: 'cbr',
    bitrateKbps: settings.videoBitrateKbps,
    keyframeIntervalSec: settings.keyframeIntervalSec,
    speedQuality: 3,
    bFrames: false,
  });
  const codec = capability.codec === 'hevc' ? 'hevc' : 'h264';
  return { id, label: capability.label, video: { codec, codecArgs, label: capability.label, inputArgs: candidate.inputArgs } };
}

function usable(e: EncoderCapability): boolean {
  return e.state === 'working' && e.acceptsCanvas && (e.codec === 'h264' || e.codec === 'hevc');
}
