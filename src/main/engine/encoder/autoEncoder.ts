// Auto: the best working encoder for the canvas and the destinations, a fallback
// chain, and the reason in words. Hardware that holds the canvas rate with margin
// first, then software that holds it; when nothing holds it, say so before the show
// (DESIGN.md §4: 4K30 in software is not real-time on a 2-core machine).
import type { AutoEncoderChoice, CanvasSettings, EncoderCapability, EncoderProbeResult, VideoCodec } from '../../../shared/model';
import { checkAgainstPreset, type DestinationPreset } from './destinationPresets';
import { codecName } from './encoderFamilies';
import { DEFAULT_VIDEO_SETTINGS, describeProfile, nativePreset, validateEncoderSettings, type VideoEncodeSettings } from './encoderSettings';

/** Holding the rate means 20% headroom: the compositor and previews share the machine. */
export const RATE_MARGIN = 1.2;

export interface AutoEncoderInput {
  readonly probe: EncoderProbeResult;
  readonly canvas: CanvasSettings;
  readonly destinations: readonly DestinationPreset[];
  /** The operator's settings; Auto may change only the codec, to one every destination takes. */
  readonly settings?: VideoEncodeSettings;
}

const CODEC_ORDER: readonly VideoCodec[] = ['h264', 'hevc', 'av1'];

export function chooseAutoEncoder(input: AutoEncoderInput): AutoEncoderChoice {
  const { canvas, destinations } = input;
  const wanted = input.settings ?? DEFAULT_VIDEO_SETTINGS;
  const allowed = CODEC_ORDER.filter((c) => destinations.every((d) => d.codecs.includes(c)));
  // The operator's codec first when every destination takes it, then the most widely played.
  const codecs = allowed.includes(wanted.codec) ? [wanted.codec, ...allowed.filter((c) => c !== wanted.codec)] : allowed;
  const usable = input.probe.encoders.filter(
    (e) => e.state === 'working' && e.acceptsCanvas && codecs.includes(e.codec) && !validateEncoderSettings(e, { ...wanted, codec: e.codec }),
  );
  const holds = (e: EncoderCapability): boolean => e.fps !== null && e.fps >= canvas.fps * RATE_MARGIN;
  const tier = (e: EncoderCapability): number => (holds(e) ? (e.hardware ? 0 : 1) : e.hardware ? 2 : 3);
  const ranked = [...usable].sort(
    (a, b) => tier(a) - tier(b) || codecs.indexOf(a.codec) - codecs.indexOf(b.codec) || (b.fps ?? 0) - (a.fps ?? 0),
  );
  const size = `${canvas.width}x${canvas.height}`;
  const anyHardware = input.probe.encoders.some((e) => e.hardware && e.state === 'working');
  const chosen = ranked[0];
  if (!chosen) {
    const what = codecs.length ? codecs.map(codecName).join('/') : 'a codec every destination takes';
    return {
      encoderId: null,
      label: 'none',
      reason: `No working encoder for ${what} at ${size}`,
      holdsRate: false,
      fallback: [],
      profile: '',
      warnings: codecs.length ? [] : ['The destinations have no codec in common'],
    };
  }
  const settings: VideoEncodeSettings = { ...wanted, codec: chosen.codec };
  const name = chosen.hardware ? chosen.label : `${chosen.label} ${nativePreset(chosen.family, settings.speedQuality)}`;
  const speed = chosen.fps === null ? 'speed not measured' : `${chosen.fps} fps at ${size}`;
  const noHardware = anyHardware ? '' : '; no hardware encoder works on this machine';
  let reason: string;
  if (holds(chosen)) reason = chosen.hardware ? `${name}: hardware, ${speed}` : `${name}: ${speed}${noHardware}`;
  else reason = `${name}: ${speed} — cannot hold ${canvas.fps} fps${noHardware || '; nothing here holds it'}`;
  const warnings = destinations.flatMap((d) => checkAgainstPreset(d, canvas, settings));
  if (!holds(chosen)) warnings.unshift(`No encoder holds ${canvas.fps} fps at ${size}: lower the canvas or add a hardware encoder`);
  return {
    encoderId: chosen.id,
    label: name,
    reason,
    holdsRate: holds(chosen),
    fallback: ranked.slice(1).map((e) => e.id),
    profile: describeProfile(chosen, canvas, settings),
    warnings,
  };
}
