import { describe, expect, it } from 'vitest';
import type { CanvasSettings, EncoderCapability, EncoderProbeResult } from '../../../shared/model';
import { chooseAutoEncoder } from './autoEncoder';
import { checkAgainstPreset, destinationPreset, presetForIngestUrl } from './destinationPresets';
import { DEFAULT_VIDEO_SETTINGS } from './encoderSettings';

const uhd30 = { width: 3840, height: 2160, fps: 30 } as const;
const hd60 = { width: 1920, height: 1080, fps: 60 } as const;

function cap(id: string, over: Partial<EncoderCapability>): EncoderCapability {
  const labels: Record<string, [EncoderCapability['family'], EncoderCapability['codec'], boolean, string]> = {
    libx264: ['x264', 'h264', false, 'x264'],
    libx265: ['x265', 'hevc', false, 'x265'],
    libsvtav1: ['svtav1', 'av1', false, 'SVT-AV1'],
    h264_nvenc: ['nvenc', 'h264', true, 'NVENC H.264'],
    hevc_nvenc: ['nvenc', 'hevc', true, 'NVENC HEVC'],
    h264_qsv: ['qsv', 'h264', true, 'Quick Sync H.264'],
  };
  const [family, codec, hardware, label] = labels[id];
  return { id, encoder: id, family, codec, hardware, label, device: null, state: 'working', acceptsCanvas: true, reason: null, fps: 100, ...over };
}

const probe = (encoders: EncoderCapability[], canvas: CanvasSettings = uhd30): EncoderProbeResult => ({
  canvas, ffmpegVersion: 'ffmpeg version 5.1', probedAt: 0, fromCache: false, availabilityMs: 200, totalMs: 9000, families: [], encoders,
});

// This Debian machine at 4K: no GPU, x264 veryfast ~7 fps (DESIGN.md §4).
const noGpu4k = [
  cap('h264_nvenc', { state: 'unavailable', acceptsCanvas: false, reason: 'Cannot load libcuda.so.1', fps: null }),
  cap('h264_qsv', { state: 'unavailable', acceptsCanvas: false, reason: 'Error initializing an internal MFX session: unsupported (-3)', fps: null }),
  cap('libx264', { fps: 7.2 }),
  cap('libx265', { fps: 2.1 }),
  cap('libsvtav1', { fps: 5.5 }),
];

describe('chooseAutoEncoder', () => {
  it('says in words that software cannot hold 4K30 and no hardware works', () => {
    const auto = chooseAutoEncoder({ probe: probe(noGpu4k), canvas: uhd30, destinations: [] });
    expect(auto.encoderId).toBe('libx264');
    expect(auto.reason).toBe('x264 veryfast: 7.2 fps at 3840x2160 — cannot hold 30 fps; no hardware encoder works on this machine');
    expect(auto.holdsRate).toBe(false);
    expect(auto.warnings[0]).toMatch(/No encoder holds 30 fps at 3840x2160/);
    // Nothing holds the rate: the most widely played codec first, hardware never (none works).
    expect(auto.fallback).toEqual(['libx265', 'libsvtav1']);
  });

  it('prefers hardware that holds the rate with margin, with software as the fallback', () => {
    const encoders = [cap('libx264', { fps: 7 }), cap('hevc_nvenc', { fps: 240 }), cap('h264_nvenc', { fps: 31 })];
    const auto = chooseAutoEncoder({ probe: probe(encoders), canvas: uhd30, destinations: [destinationPreset('youtube')], settings: { ...DEFAULT_VIDEO_SETTINGS, codec: 'hevc', bitrateKbps: 20_000 } });
    expect(auto.encoderId).toBe('hevc_nvenc');
    expect(auto.reason).toBe('NVENC HEVC: hardware, 240 fps at 3840x2160');
    expect(auto.profile).toBe('HEVC Main@5.0, CBR 20000 kbps, keyframe 2 s, no B-frames, NVENC HEVC p3');
    // 31 fps is no margin over 30 (RATE_MARGIN): NVENC H.264 ranks below the one that holds.
    expect(auto.fallback).toEqual(['h264_nvenc', 'libx264']);
    expect(auto.warnings).toEqual([]);
  });

  it('keeps to a codec every destination takes (Twitch: H.264 only) and warns on its limits', () => {
    const encoders = [cap('hevc_nvenc', { fps: 400 }), cap('h264_nvenc', { fps: 300 }), cap('libx264', { fps: 90 })];
    const auto = chooseAutoEncoder({
      probe: probe(encoders, hd60), canvas: hd60, destinations: [destinationPreset('youtube'), destinationPreset('twitch')],
      settings: { ...DEFAULT_VIDEO_SETTINGS, codec: 'hevc', bitrateKbps: 8000 },
    });
    expect(auto.encoderId).toBe('h264_nvenc');
    expect(auto.fallback).toEqual(['libx264']);
    expect(auto.warnings).toEqual(['Twitch allows at most 6000 kbps for H264 at 60 fps; the profile sends 8000 kbps']);
  });

  it('takes software that holds the rate when no hardware works, and says so', () => {
    const encoders = [cap('h264_nvenc', { state: 'unavailable', fps: null, acceptsCanvas: false }), cap('libx264', { fps: 147 })];
    const auto = chooseAutoEncoder({ probe: probe(encoders, { width: 1280, height: 720, fps: 30 }), canvas: { width: 1280, height: 720, fps: 30 }, destinations: [] });
    expect(auto.reason).toBe('x264 veryfast: 147 fps at 1280x720; no hardware encoder works on this machine');
    expect(auto.holdsRate).toBe(true);
  });

  it('skips an encoder that works but does not accept the canvas', () => {
    const encoders = [cap('h264_nvenc', { acceptsCanvas: false, reason: 'does not accept 3840x2160: Width 3840 exceeds 2048', fps: null }), cap('libx264', { fps: 7 })];
    expect(chooseAutoEncoder({ probe: probe(encoders), canvas: uhd30, destinations: [] }).encoderId).toBe('libx264');
  });

  it('answers "none" with a reason when nothing works', () => {
    const auto = chooseAutoEncoder({ probe: probe([cap('libx264', { state: 'unavailable', fps: null })]), canvas: uhd30, destinations: [] });
    expect(auto).toMatchObject({ encoderId: null, reason: 'No working encoder for H.264/HEVC/AV1 at 3840x2160' });
  });
});

describe('checkAgainstPreset', () => {
  const s = DEFAULT_VIDEO_SETTINGS;
  it('YouTube 2160p30 H.264 takes 30 Mbps, not 35; 2160p60 takes 35', () => {
    expect(checkAgainstPreset(destinationPreset('youtube'), uhd30, { ...s, bitrateKbps: 30_000 })).toEqual([]);
    expect(checkAgainstPreset(destinationPreset('youtube'), uhd30, { ...s, bitrateKbps: 35_000 })).toEqual([
      'YouTube allows at most 30000 kbps for H264 at 30 fps; the profile sends 35000 kbps',
    ]);
    expect(checkAgainstPreset(destinationPreset('youtube'), { ...uhd30, fps: 60 }, { ...s, bitrateKbps: 35_000 })).toEqual([]);
    expect(checkAgainstPreset(destinationPreset('youtube'), uhd30, { ...s, codec: 'hevc', bitrateKbps: 6000 })[0]).toMatch(/at least 8000 kbps/);
  });

  it('Twitch: H.264 only, 1080p60, 6 Mbps, strict CBR, keyframe 2 s', () => {
    const w = checkAgainstPreset(destinationPreset('twitch'), uhd30, { ...s, codec: 'hevc', rateControl: 'vbr', keyframeIntervalSec: 4, bitrateKbps: 20_000 });
    expect(w).toEqual([
      'Twitch takes H264 only, not HEVC',
      'Twitch takes up to 1080p; the canvas is 3840x2160',
      'Twitch requires strict CBR',
      'Twitch requires a keyframe every 2 s; the profile has 4 s',
    ]);
  });

  it('Facebook 9 Mbps, IVS Standard 8.5 Mbps at 1080p; Alibaba 4–30 Mbps, warns above 25', () => {
    expect(checkAgainstPreset(destinationPreset('facebook'), hd60, { ...s, bitrateKbps: 9500 })).toHaveLength(1);
    expect(checkAgainstPreset(destinationPreset('ivsStandard'), hd60, { ...s, bitrateKbps: 8500 })).toEqual([]);
    expect(checkAgainstPreset(destinationPreset('alibaba'), uhd30, { ...s, bitrateKbps: 28_000 })).toEqual(['Alibaba Cloud Live: cloud recording can fail above ~25 Mbps']);
    expect(checkAgainstPreset(destinationPreset('custom'), uhd30, { ...s, codec: 'av1', bitrateKbps: 60_000 })).toEqual([]);
  });

  it('recognises platforms by ingest host', () => {
    expect(presetForIngestUrl('rtmps://a.rtmp.youtube.com/live2').id).toBe('youtube');
    expect(presetForIngestUrl('rtmp://live.twitch.tv/app').id).toBe('twitch');
    expect(presetForIngestUrl('rtmps://live-api-s.facebook.com:443/rtmp/').id).toBe('facebook');
    expect(presetForIngestUrl('rtmps://abc.global-contribute.live-video.net:443/app/').id).toBe('ivsStandard');
    expect(presetForIngestUrl('rtmp://push.example.alivecdn.com/live').id).toBe('alibaba');
    expect(presetForIngestUrl('rtmp://127.0.0.1:1935/live').id).toBe('custom');
  });
});
