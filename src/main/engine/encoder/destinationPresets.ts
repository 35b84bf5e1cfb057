// Platform limits per destination (specs/flv-rtmp-sei.md, "Levels and platform
// figures for 4K"), so the studio can warn before the show when the chosen profile
// exceeds what an ingest takes.
import type { CanvasSettings, VideoCodec } from '../../../shared/model';
import type { VideoEncodeSettings } from './encoderSettings';

export interface BitrateLimit {
  readonly codec: VideoCodec;
  /** Applies to canvases up to this frame rate. */
  readonly upToFps: number;
  readonly minKbps: number;
  readonly maxKbps: number;
}

export interface DestinationPreset {
  readonly id: 'youtube' | 'twitch' | 'facebook' | 'ivsStandard' | 'alibaba' | 'custom';
  readonly name: string;
  readonly codecs: readonly VideoCodec[];
  /** The short side: "1080p" covers 1920x1080 and 1080x1920 portrait. */
  readonly maxShortSide: number;
  readonly maxFps: number;
  readonly bitrates: readonly BitrateLimit[];
  readonly strictCbr: boolean;
  /** Required keyframe interval in seconds, or null. */
  readonly keyframeSec: number | null;
  /** A soft limit worth a warning, e.g. Alibaba's recording above ~25 Mbps. */
  readonly softMaxKbps: { readonly kbps: number; readonly why: string } | null;
}

const upTo = (codec: VideoCodec, upToFps: number, minKbps: number, maxKbps: number): BitrateLimit => ({ codec, upToFps, minKbps, maxKbps });

export const DESTINATION_PRESETS: readonly DestinationPreset[] = [
  {
    id: 'youtube',
    name: 'YouTube',
    codecs: ['h264', 'hevc', 'av1'],
    maxShortSide: 2160,
    maxFps: 60,
    // 2160p30 H.264 30 Mbps, 2160p60 35 Mbps; HEVC/AV1 8–35 at 30 fps, 10–40 at 60.
    bitrates: [upTo('h264', 30, 0, 30_000), upTo('h264', 60, 0, 35_000), upTo('hevc', 30, 8000, 35_000), upTo('hevc', 60, 10_000, 40_000), upTo('av1', 30, 8000, 35_000), upTo('av1', 60, 10_000, 40_000)],
    strictCbr: false,
    keyframeSec: null,
    softMaxKbps: null,
  },
  {
    id: 'twitch',
    name: 'Twitch',
    codecs: ['h264'],
    maxShortSide: 1080,
    maxFps: 60,
    bitrates: [upTo('h264', 60, 0, 6000)],
    strictCbr: true,
    keyframeSec: 2,
    softMaxKbps: null,
  },
  { id: 'facebook', name: 'Facebook Live', codecs: ['h264'], maxShortSide: 1080, maxFps: 60, bitrates: [upTo('h264', 60, 0, 9000)], strictCbr: false, keyframeSec: null, softMaxKbps: null },
  { id: 'ivsStandard', name: 'Amazon IVS Standard', codecs: ['h264'], maxShortSide: 1080, maxFps: 60, bitrates: [upTo('h264', 60, 0, 8500)], strictCbr: false, keyframeSec: null, softMaxKbps: null },
  {
    id: 'alibaba',
    name: 'Alibaba Cloud Live',
    codecs: ['h264', 'hevc'],
    maxShortSide: 2160,
    maxFps: 60,
    bitrates: [upTo('h264', 60, 4000, 30_000), upTo('hevc', 60, 4000, 30_000)],
    strictCbr: false,
    keyframeSec: null,
    softMaxKbps: { kbps: 25_000, why: 'cloud recording can fail above ~25 Mbps' },
  },
  { id: 'custom', name: 'Custom RTMP', codecs: ['h264', 'hevc', 'av1'], maxShortSide: 4320, maxFps: 60, bitrates: [], strictCbr: false, keyframeSec: null, softMaxKbps: null },
];

export function destinationPreset(id: DestinationPreset['id']): DestinationPreset {
  const found = DESTINATION_PRESETS.find((p) => p.id === id);
  if (!found) throw new Error(`unknown destination preset ${id}`);
  return found;
}

/** Every way the profile exceeds the destination's limits, in the operator's words. */
export function checkAgainstPreset(preset: DestinationPreset, canvas: CanvasSettings, settings: VideoEncodeSettings): string[] {
  const warnings: string[] = [];
  const name = preset.name;
  if (!preset.codecs.includes(settings.codec)) {
    warnings.push(`${name} takes ${preset.codecs.map((c) => c.toUpperCase()).join('/')} only, not ${settings.codec.toUpperCase()}`);
  }
  const shortSide = Math.min(canvas.width, canvas.height);
  if (shortSide > preset.maxShortSide) warnings.push(`${name} takes up to ${preset.maxShortSide}p; the canvas is ${canvas.width}x${canvas.height}`);
  if (canvas.fps > preset.maxFps) warnings.push(`${name} takes up to ${preset.maxFps} fps; the canvas is ${canvas.fps} fps`);
  const limit = preset.bitrates.find((b) => b.codec === settings.codec && canvas.fps <= b.upToFps);
  if (limit && settings.bitrateKbps > limit.maxKbps) {
    warnings.push(`${name} allows at most ${limit.maxKbps} kbps for ${settings.codec.toUpperCase()} at ${canvas.fps} fps; the profile sends ${settings.bitrateKbps} kbps`);
  }
  if (limit && settings.bitrateKbps < limit.minKbps) {
    warnings.push(`${name} expects at least ${limit.minKbps} kbps for ${settings.codec.toUpperCase()} here; the profile sends ${settings.bitrateKbps} kbps`);
  }
  if (preset.softMaxKbps && settings.bitrateKbps > preset.softMaxKbps.kbps) warnings.push(`${name}: ${preset.softMaxKbps.why}`);
  if (preset.strictCbr && settings.rateControl !== 'cbr') warnings.push(`${name} requires strict CBR`);
  if (preset.keyframeSec !== null && settings.keyframeIntervalSec !== preset.keyframeSec) {
    warnings.push(`${name} requires a keyframe every ${preset.keyframeSec} s; the profile has ${settings.keyframeIntervalSec} s`);
  }
  return warnings;
}

/** Outputs carry only an ingest URL: recognise the big platforms by host, else custom. */
export function presetForIngestUrl(url: string): DestinationPreset {
  const host = /^[a-z]+:\/\/([^/:?]+)/i.exec(url)?.[1]?.toLowerCase() ?? '';
  const rules: readonly [RegExp, DestinationPreset['id']][] = [
    [/(^|\.)youtube\.com$/, 'youtube'],
    [/(^|\.)twitch\.tv$/, 'twitch'],
    [/(^|\.)facebook\.com$/, 'facebook'],
    [/(^|\.)live-video\.net$/, 'ivsStandard'],
    [/(^|\.)(alivecdn\.com|aliyuncs\.com|aliyun\.com)$/, 'alibaba'],
  ];
  return destinationPreset(rules.find(([re]) => re.test(host))?.[1] ?? 'custom');
}
