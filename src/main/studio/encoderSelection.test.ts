import { describe, expect, it } from 'vitest';
import type { EncoderCapability, EncoderProbeSnapshot } from '../../shared/model';
import { liveEncoderChain, pickLiveEncoder, refuseEncoderSettings, videoEncodeSettingsOf } from './encoderSelection';

const canvas = { width: 1920, height: 1080, fps: 30 } as const;
const settings = { videoBitrateKbps: 6000, audioBitrateKbps: 128, keyframeIntervalSec: 2, x264Preset: 'auto' } as const;

function cap(id: string, codec: 'h264' | 'hevc' | 'av1', state: 'working' | 'unavailable' = 'working', acceptsCanvas = true): EncoderCapability {
  const encoder = id.split('@')[0];
  return {
    id,
    encoder,
    family: encoder.includes('nvenc') ? 'nvenc' : encoder.includes('x265') ? 'x265' : encoder.includes('svtav1') ? 'svtav1' : 'x264',
    label: id,
    codec,
    hardware: encoder.includes('nvenc'),
    device: null,
    state,
    acceptsCanvas,
    reason: state === 'working' ? null : 'Cannot load libcuda.so.1',
    fps: 100,
  } as unknown as EncoderCapability;
}

function probe(encoders: EncoderCapability[], auto: string | null, fallback: string[]): EncoderProbeSnapshot {
  return {
    state: 'done',
    error: null,
    result: { encoders } as unknown as EncoderProbeSnapshot['result'],
    auto: auto ? ({ encoderId: auto, fallback, label: auto, reason: '', holdsRate: true, profile: '', warnings: [] } as EncoderProbeSnapshot['auto']) : null,
  };
}

describe('encoder selection for the live path', () => {
  const snapshot = probe(
    [cap('hevc_nvenc', 'hevc'), cap('h264_nvenc', 'h264'), cap('libsvtav1', 'av1'), cap('libx264', 'h264'), cap('h264_qsv', 'h264', 'unavailable')],
    'hevc_nvenc',
    ['h264_nvenc', 'libsvtav1', 'libx264', 'h264_qsv'],
  );

  it("follows Auto's chain, skipping what is not working; AV1 goes live over Enhanced RTMP", () => {
    expect(liveEncoderChain(settings, snapshot)).toEqual(['hevc_nvenc', 'h264_nvenc', 'libsvtav1', 'libx264']);
  });

  it("puts the operator's pick first and always ends with x264", () => {
    expect(liveEncoderChain({ ...settings, encoder: 'h264_nvenc' }, snapshot)).toEqual(['h264_nvenc', 'hevc_nvenc', 'libsvtav1', 'libx264']);
    expect(liveEncoderChain(settings, null)).toEqual(['libx264']);
  });

  it('moves down the chain with each failure and stays on the last', () => {
    const first = pickLiveEncoder(canvas, settings, snapshot, 0);
    expect(first.id).toBe('hevc_nvenc');
    expect(first.video?.codec).toBe('hevc');
    expect(first.video?.codecArgs).toContain('hevc_nvenc');
    expect(pickLiveEncoder(canvas, settings, snapshot, 1).video?.codecArgs).toContain('h264_nvenc');
    const av1 = pickLiveEncoder(canvas, settings, snapshot, 2);
    expect(av1).toMatchObject({ id: 'libsvtav1', video: { codec: 'av1' } });
    expect(av1.video?.codecArgs).toContain('libsvtav1');
    expect(pickLiveEncoder(canvas, settings, snapshot, 3)).toMatchObject({ id: 'libx264', video: undefined });
    expect(pickLiveEncoder(canvas, settings, snapshot, 9).id).toBe('libx264');
  });

  it('skips an encoder that does not accept the canvas', () => {
    const s = probe([cap('hevc_nvenc', 'hevc', 'working', false), cap('libx264', 'h264')], 'hevc_nvenc', ['libx264']);
    expect(liveEncoderChain(settings, s)).toEqual(['libx264']);
  });
});

describe('encoder settings refusals', () => {
  const snapshot = probe([cap('libx264', 'h264'), cap('libx265', 'hevc'), cap('libsvtav1', 'av1'), cap('h264_nvenc', 'h264', 'unavailable')], 'libx264', ['libx265']);

  it('refuses what the chosen encoder cannot honour, with the reason', () => {
    expect(refuseEncoderSettings({ ...settings, encoder: 'libx264', codec: 'hevc' }, snapshot)).toMatch(/HEVC|hevc/);
    expect(refuseEncoderSettings({ ...settings, encoder: 'h264_nvenc' }, snapshot)).toMatch(/unavailable: Cannot load libcuda/);
    expect(refuseEncoderSettings({ ...settings, encoder: 'h265_magic' }, snapshot)).toMatch(/No encoder "h265_magic"/);
    // AV1 has a live path now; an encoder that cannot make it is still refused.
    expect(refuseEncoderSettings({ ...settings, encoder: 'libx264', codec: 'av1' }, snapshot)).toMatch(/AV1/);
    expect(refuseEncoderSettings({ ...settings, encoder: 'libx265', codec: 'av1' }, snapshot)).toMatch(/AV1/);
  });

  it('accepts what the encoder can do', () => {
    expect(refuseEncoderSettings({ ...settings, encoder: 'libx265', codec: 'hevc', bFrames: true, rateControl: 'vbr' }, snapshot)).toBeNull();
    expect(refuseEncoderSettings({ ...settings, speedQuality: 5 }, snapshot)).toBeNull();
    expect(refuseEncoderSettings({ ...settings, codec: 'av1' }, snapshot)).toBeNull();
    expect(refuseEncoderSettings({ ...settings, encoder: 'libsvtav1', codec: 'av1' }, snapshot)).toBeNull();
  });

  it('encodes x264 with the shared model once the operator sets it, else with its own preset logic', () => {
    expect(pickLiveEncoder(canvas, settings, snapshot, 0).video).toBeUndefined();
    const tuned = pickLiveEncoder(canvas, { ...settings, speedQuality: 1, bFrames: true }, snapshot, 0);
    expect(tuned.video?.codecArgs).toContain('libx264');
    expect(tuned.video?.codecArgs.join(' ')).toMatch(/bframes=2/);
    expect(videoEncodeSettingsOf({ ...settings, rateControl: 'vbr' })).toMatchObject({ codec: 'h264', rateControl: 'vbr', speedQuality: 3, bFrames: false, bitrateKbps: 6000 });
  });
});
