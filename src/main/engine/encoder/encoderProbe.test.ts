import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encoderCandidates, familyInfos, testEncodeArgs } from './encoderFamilies';
import { decideCapability, ffmpegVersionLine, fpsFromProgress, judgeTestEncode, measureSettings, parseEncoderList } from './encoderProbe';

const fixture = (name: string): string => readFileSync(join(__dirname, 'fixtures', name), 'utf8');
const errors = JSON.parse(fixture('errors.json')) as Record<string, string>;
const failed = (stderr: string) => judgeTestEncode({ code: 1, timedOut: false, stderr }, 10_000);
const canvas4k = { width: 3840, height: 2160, fps: 30 } as const;

describe('parseEncoderList', () => {
  it('lists the video encoders of the Debian 12 build (ffmpeg 5.1), hardware ones included', () => {
    const names = parseEncoderList(fixture('encoders-debian12-ffmpeg5.1.txt'));
    for (const n of ['libx264', 'libx265', 'libsvtav1', 'h264_nvenc', 'hevc_nvenc', 'h264_qsv', 'hevc_qsv', 'h264_vaapi', 'hevc_vaapi', 'h264_v4l2m2m']) {
      expect(names).toContain(n);
    }
    // Audio and the legend lines are not encoders; the build has no AMF, no hardware AV1.
    expect(names).not.toContain('aac');
    expect(names).not.toContain('=');
    expect(names.some((n) => n.endsWith('_amf') || n.startsWith('av1_'))).toBe(false);
  });

  it('makes one candidate per catalogued encoder and one VA-API candidate per render node', () => {
    const listed = parseEncoderList(fixture('encoders-debian12-ffmpeg5.1.txt'));
    const none = encoderCandidates(listed, []);
    expect(none.map((c) => c.id)).toEqual([
      'libsvtav1', 'libx264', 'h264_nvenc', 'h264_qsv', 'h264_v4l2m2m', 'h264_vaapi@/dev/dri/renderD128', 'libx265', 'hevc_nvenc', 'hevc_qsv', 'hevc_vaapi@/dev/dri/renderD128',
    ]);
    const two = encoderCandidates(listed, ['/dev/dri/renderD128', '/dev/dri/renderD129']).filter((c) => c.family === 'vaapi');
    expect(two).toHaveLength(4);
    expect(two[1].inputArgs).toEqual(['-vaapi_device', '/dev/dri/renderD129']);
    expect(testEncodeArgs(two[0])).toEqual(['-vf', 'format=nv12,hwupload', '-c:v', 'h264_vaapi']);
    const families = familyInfos(listed);
    expect(families.find((f) => f.family === 'amf')?.listed).toBe(false);
    expect(families.find((f) => f.family === 'nvenc')?.listed).toBe(true);
  });

  it('reads a Windows build with NVENC, QSV and AMF, AV1 on all three', () => {
    const listed = parseEncoderList(fixture('encoders-win-nvenc-ffmpeg6.1.txt'));
    const candidates = encoderCandidates(listed, []);
    expect(candidates.filter((c) => c.codec === 'av1' && c.hardware).map((c) => c.encoder).sort()).toEqual(['av1_amf', 'av1_nvenc', 'av1_qsv']);
    // MediaFoundation is not catalogued: it is not offered.
    expect(candidates.some((c) => c.encoder === 'h264_mf')).toBe(false);
    const vt = { ...candidates[0], family: 'videotoolbox' as const, encoder: 'h264_videotoolbox' };
    expect(testEncodeArgs(vt)).toEqual(['-pix_fmt', 'yuv420p', '-c:v', 'h264_videotoolbox', '-realtime', '1']);
  });

  it('keeps the version line without the copyright', () => {
    expect(ffmpegVersionLine('ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026 the FFmpeg developers\nbuilt with gcc')).toBe('ffmpeg version 5.1.9-0+deb12u1');
  });
});

describe('judgeTestEncode', () => {
  it.each([
    ['nvencNoDriver', 'Cannot load libcuda.so.1'],
    ['nvencOldDriver', 'Driver does not support the required nvenc API version. Required: 12.1 Found: 11.1'],
    ['nvencNoAv1OnTuring', 'Codec not supported'],
    ['qsvMediaSdk', 'Error initializing an internal MFX session: unsupported (-3)'],
    ['qsvOneVpl', 'Error creating a MFX session: -9.'],
    ['amfNoDriver', 'DLL amfrt64.dll failed to open'],
    ['videotoolboxNoHevc', 'Error: cannot create compression session: -12908'],
    ['vaapiNoDisplay', 'No VA display found for device /dev/dri/renderD128.'],
    ['v4l2m2mNoDevice', 'Could not find a valid device'],
  ])('keeps the first real error line of %s', (key, reason) => {
    expect(failed(errors[key])).toEqual({ ok: false, reason });
  });

  it('judges by exit code, not by what stderr says', () => {
    expect(judgeTestEncode({ code: 0, timedOut: false, stderr: '[libx264 @ 0x1] Error? no, a warning' }, 1000)).toEqual({ ok: true, reason: null });
    expect(judgeTestEncode({ code: 1, timedOut: false, stderr: '' }, 1000)).toEqual({ ok: false, reason: 'ffmpeg exited with code 1' });
    expect(judgeTestEncode({ code: null, timedOut: true, stderr: '' }, 1500).reason).toBe('test encode did not finish within 1500 ms');
  });
});

describe('decideCapability', () => {
  const nvenc = encoderCandidates(['h264_nvenc'], [])[0];

  it('is working and accepts the canvas when the canvas test encode passes', () => {
    const cap = decideCapability(nvenc, canvas4k, { ok: true, reason: null }, null);
    expect(cap).toMatchObject({ state: 'working', acceptsCanvas: true, reason: null, hardware: true, codec: 'h264', label: 'NVENC H.264' });
  });

  it('is "working, does not accept this canvas" when only 1280x720 passes', () => {
    const cap = decideCapability(nvenc, canvas4k, failed(errors.nvencCanvasTooWide), { ok: true, reason: null });
    expect(cap).toMatchObject({ state: 'working', acceptsCanvas: false, reason: 'does not accept 3840x2160: Width 3840 exceeds 2048' });
  });

  it('is unavailable with the reason when both fail', () => {
    const cap = decideCapability(nvenc, canvas4k, failed(errors.nvencNoDriver), failed(errors.nvencNoDriver));
    expect(cap).toMatchObject({ state: 'unavailable', acceptsCanvas: false, reason: 'Cannot load libcuda.so.1', fps: null });
  });
});

describe('speed measurement', () => {
  it('counts frames between the first and the last progress report', () => {
    expect(fpsFromProgress([{ atMs: 1000, frame: 10 }, { atMs: 1500, frame: 14 }, { atMs: 3000, frame: 24 }])).toBe(7);
    expect(fpsFromProgress([{ atMs: 1000, frame: 10 }])).toBeNull();
  });

  it('times with the live defaults, VBR where a family has no CBR', () => {
    expect(measureSettings({ encoder: 'libx264', family: 'x264', codec: 'h264' })).toMatchObject({ rateControl: 'cbr', speedQuality: 3 });
    expect(measureSettings({ encoder: 'hevc_videotoolbox', family: 'videotoolbox', codec: 'hevc' })).toMatchObject({ rateControl: 'vbr', codec: 'hevc' });
  });
});
