import { describe, expect, it } from 'vitest';
import { encoderCandidates } from './encoderFamilies';
import { av1LevelFor, DEFAULT_VIDEO_SETTINGS, describeProfile, hevcLevelFor, nativePreset, validateEncoderSettings, videoCodecArgs, type VideoEncodeSettings } from './encoderSettings';

const c = (name: string) => encoderCandidates([name], ['/dev/dri/renderD128'])[0];
const uhd30 = { width: 3840, height: 2160, fps: 30 } as const;
const uhd60 = { width: 3840, height: 2160, fps: 60 } as const;
const hd60 = { width: 1920, height: 1080, fps: 60 } as const;
const s = (over: Partial<VideoEncodeSettings>): VideoEncodeSettings => ({ ...DEFAULT_VIDEO_SETTINGS, ...over });
const after = (args: readonly string[], flag: string): string | undefined => args[args.indexOf(flag) + 1];

describe('levels fit the canvas (specs/flv-rtmp-sei.md: H.264 5.1/5.2, HEVC 5.0/5.1)', () => {
  it('H.264 2160p30 → 5.1, 2160p60 → 5.2 (h264LevelFor, reused)', () => {
    expect(after(videoCodecArgs(c('libx264'), uhd30, s({ bitrateKbps: 30_000 })), '-level:v')).toBe('5.1');
    expect(after(videoCodecArgs(c('h264_nvenc'), uhd60, s({ bitrateKbps: 35_000 })), '-level')).toBe('5.2');
  });

  it('HEVC 2160p30 → 5.0, 2160p60 → 5.1, 1080p60 → 4.1, portrait 4K fits 5.0', () => {
    expect(hevcLevelFor(uhd30, 20_000)).toBe('5.0');
    expect(hevcLevelFor(uhd60, 35_000)).toBe('5.1');
    expect(hevcLevelFor(hd60, 6000)).toBe('4.1');
    expect(hevcLevelFor({ width: 2160, height: 3840, fps: 30 }, 20_000)).toBe('5.0');
    // Main tier 5.0 caps at 25 Mbps: YouTube's 35 Mbps HEVC needs 5.1.
    expect(hevcLevelFor(uhd30, 35_000)).toBe('5.1');
  });

  it('AV1 seq level: 2160p30 → 5.0, 2160p60 → 5.1, 1080p60 → 4.1, 720p30 → 3.1', () => {
    expect(av1LevelFor(uhd30, 20_000)).toBe('5.0');
    expect(av1LevelFor(uhd60, 35_000)).toBe('5.1');
    expect(av1LevelFor(hd60, 6000)).toBe('4.1');
    expect(av1LevelFor({ width: 1280, height: 720, fps: 30 }, 3000)).toBe('3.1');
  });
});

describe('the speed↔quality scale maps to native presets', () => {
  it.each([
    ['x264', 1, 'ultrafast'], ['x264', 3, 'veryfast'], ['x264', 6, 'medium'], ['x265', 1, 'ultrafast'],
    ['svtav1', 1, 'preset 12'], ['svtav1', 7, 'preset 6'], ['nvenc', 1, 'p1'], ['nvenc', 7, 'p7'],
    ['qsv', 1, 'veryfast'], ['qsv', 7, 'slow'], ['amf', 1, 'speed'], ['amf', 4, 'balanced'], ['amf', 7, 'quality'],
    ['videotoolbox', 2, 'realtime'],
  ] as const)('%s %i → %s', (family, scale, preset) => {
    expect(nativePreset(family, scale)).toBe(preset);
  });

  it('NVENC uses p-presets with the low-latency tune and CBR', () => {
    const args = videoCodecArgs(c('hevc_nvenc'), uhd30, s({ codec: 'hevc', speedQuality: 4, bitrateKbps: 20_000 }));
    expect(after(args, '-preset')).toBe('p4');
    expect(after(args, '-tune')).toBe('ll');
    expect(after(args, '-rc')).toBe('cbr');
    expect(after(args, '-level')).toBe('5.0');
    expect(after(args, '-g')).toBe('60');
  });

  it('x264 CBR keeps a keyframe every N seconds exactly, zerolatency only without B-frames', () => {
    const cbr = videoCodecArgs(c('libx264'), hd60, s({ keyframeIntervalSec: 2 }));
    expect(after(cbr, '-g')).toBe('120');
    expect(after(cbr, '-keyint_min')).toBe('120');
    expect(after(cbr, '-x264-params')).toContain('nal-hrd=cbr');
    expect(cbr).toContain('zerolatency');
    const withB = videoCodecArgs(c('libx264'), hd60, s({ bFrames: true, rateControl: 'vbr' }));
    expect(withB).not.toContain('zerolatency');
    expect(after(withB, '-x264-params')).toContain('bframes=2');
  });

  it('VA-API uploads frames and sets its rate-control mode', () => {
    const args = videoCodecArgs(c('h264_vaapi'), hd60, s({}));
    expect(args.slice(0, 2)).toEqual(['-vf', 'format=nv12,hwupload']);
    expect(after(args, '-rc_mode')).toBe('CBR');
  });

  it('VideoToolbox runs in real time at the fast end of the scale', () => {
    const args = videoCodecArgs({ ...c('h264_nvenc'), encoder: 'h264_videotoolbox', family: 'videotoolbox' }, hd60, s({ rateControl: 'vbr', speedQuality: 2 }));
    expect(after(args, '-realtime')).toBe('1');
  });
});

describe('settings a family cannot honour are refused, not changed', () => {
  it('refuses a codec the encoder does not make', () => {
    expect(validateEncoderSettings(c('libx264'), s({ codec: 'av1' }))).toBe('libx264 encodes H.264, not AV1');
    expect(() => videoCodecArgs(c('h264_qsv'), hd60, s({ codec: 'hevc' }))).toThrow('h264_qsv encodes H.264, not HEVC');
  });

  it('refuses CBR on VideoToolbox (ffmpeg 5.1) and V4L2 M2M', () => {
    expect(validateEncoderSettings({ encoder: 'hevc_videotoolbox', family: 'videotoolbox', codec: 'hevc' }, s({ codec: 'hevc' }))).toMatch(/cannot do CBR/);
    expect(validateEncoderSettings(c('h264_v4l2m2m'), s({}))).toMatch(/cannot guarantee CBR/);
    expect(validateEncoderSettings(c('h264_v4l2m2m'), s({ rateControl: 'vbr' }))).toBeNull();
  });

  it('refuses B-frames where the encoder or configuration has none', () => {
    expect(validateEncoderSettings(c('libsvtav1'), s({ codec: 'av1', bFrames: true }))).toMatch(/without B-frames/);
    expect(validateEncoderSettings(c('h264_v4l2m2m'), s({ rateControl: 'vbr', bFrames: true }))).toMatch(/has no B-frames/);
    expect(validateEncoderSettings({ encoder: 'hevc_amf', family: 'amf', codec: 'hevc' }, s({ codec: 'hevc', bFrames: true }))).toMatch(/B-frames are not supported/);
    expect(validateEncoderSettings(c('h264_nvenc'), s({ bFrames: true }))).toBeNull();
  });
});

it('describes the chosen profile in words', () => {
  expect(describeProfile(c('libx264'), uhd30, s({ bitrateKbps: 30_000 }))).toBe('H.264 High@5.1, CBR 30000 kbps, keyframe 2 s, no B-frames, x264 veryfast');
});
