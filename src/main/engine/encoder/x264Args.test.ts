import { describe, expect, it } from 'vitest';
import { h264LevelFor, previewSize, resolveX264Preset, samplesPerFrame, x264EncoderArgs } from './x264Args';

const enc = { videoBitrateKbps: 2500, audioBitrateKbps: 128, keyframeIntervalSec: 2, x264Preset: 'auto' as const };

describe('x264Args', () => {
  it('chooses the lowest H.264 level that fits the canvas (Table A-1)', () => {
    expect(h264LevelFor({ width: 1280, height: 720, fps: 30 }, 2500)).toBe('3.1');
    expect(h264LevelFor({ width: 1280, height: 720, fps: 60 }, 4500)).toBe('3.2');
    expect(h264LevelFor({ width: 1920, height: 1080, fps: 30 }, 6000)).toBe('4.0');
    expect(h264LevelFor({ width: 1920, height: 1080, fps: 30 }, 30000)).toBe('4.1');
    expect(h264LevelFor({ width: 1080, height: 1920, fps: 30 }, 6000)).toBe('4.0');
    expect(h264LevelFor({ width: 1920, height: 1080, fps: 60 }, 9000)).toBe('4.2');
    expect(h264LevelFor({ width: 3840, height: 2160, fps: 30 }, 30000)).toBe('5.1');
    expect(h264LevelFor({ width: 3840, height: 2160, fps: 60 }, 35000)).toBe('5.2');
    expect(h264LevelFor({ width: 2160, height: 3840, fps: 30 }, 30000)).toBe('5.1');
  });

  it('keeps a keyframe every N seconds exactly and CBR', () => {
    const args = x264EncoderArgs({ width: 1920, height: 1080, fps: 25 }, enc);
    expect(args[args.indexOf('-g') + 1]).toBe('50');
    expect(args[args.indexOf('-sc_threshold') + 1]).toBe('0');
    expect(args).toContain('nal-hrd=cbr:force-cfr=1');
    expect(args[args.indexOf('-maxrate') + 1]).toBe('2500k');
  });

  it('picks a real-time preset for the canvas when auto', () => {
    expect(resolveX264Preset(enc, { width: 1280, height: 720, fps: 30 })).toBe('veryfast');
    expect(resolveX264Preset(enc, { width: 1920, height: 1080, fps: 30 })).toBe('ultrafast');
    expect(resolveX264Preset({ ...enc, x264Preset: 'fast' }, { width: 3840, height: 2160, fps: 30 })).toBe('fast');
  });

  it('sizes audio per frame and previews per orientation', () => {
    expect(samplesPerFrame(30)).toBe(1600);
    expect(samplesPerFrame(25)).toBe(1920);
    expect(previewSize({ width: 1920, height: 1080, fps: 30 })).toEqual({ width: 320, height: 180 });
    expect(previewSize({ width: 1080, height: 1920, fps: 30 })).toEqual({ width: 180, height: 320 });
  });
});
