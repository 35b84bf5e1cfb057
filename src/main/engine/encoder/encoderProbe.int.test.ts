// The probe against this machine's real ffmpeg (Debian 12, ffmpeg 5.1, no GPU): every
// hardware family the build lists must come back unavailable with its real reason,
// quickly; the software encoders working with a measured speed.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EncoderProbeResult } from '../../../shared/model';
import { encoderCandidates } from './encoderFamilies';
import { parseEncoderList, probeEncoders } from './encoderProbe';
import { DEFAULT_VIDEO_SETTINGS, videoCodecArgs } from './encoderSettings';

const ffmpegPath = 'ffmpeg';
const canvas = { width: 1280, height: 720, fps: 30 } as const;
const dir = mkdtempSync(join(tmpdir(), 'cuecast-probe-'));
const cacheFile = join(dir, 'encoderProbe.json');
let first: EncoderProbeResult;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('probeEncoders on this machine', () => {
  it('reports every listed hardware encoder unavailable with ffmpeg\'s reason, in under 3 s', async () => {
    first = await probeEncoders({ ffmpegPath, canvas, cacheFile });
    const listed = parseEncoderList(spawnSync(ffmpegPath, ['-hide_banner', '-encoders'], { encoding: 'utf8' }).stdout);
    const hardware = first.encoders.filter((e) => e.hardware);
    // Every catalogued hardware encoder the build lists was tried (Debian's: NVENC, QSV, VA-API, V4L2 M2M).
    expect(hardware.map((e) => e.encoder).sort()).toEqual(encoderCandidates(listed, []).filter((c) => c.hardware).map((c) => c.encoder).sort());
    expect(hardware.length).toBeGreaterThanOrEqual(4);
    for (const e of hardware) {
      expect(e.state, e.id).toBe('unavailable');
      expect(e.reason, e.id).toBeTruthy();
      expect(e.reason, e.id).not.toMatch(/^Error initializing output stream/);
    }
    const reason = (enc: string) => hardware.find((e) => e.encoder === enc)?.reason;
    if (listed.includes('h264_nvenc')) expect(reason('h264_nvenc')).toMatch(/libcuda|CUDA|nvenc/i);
    if (listed.includes('h264_vaapi')) expect(reason('h264_vaapi')).toMatch(/VA display|renderD|No such file/i);
    console.log(`availability check: ${first.availabilityMs} ms for ${first.encoders.length} encoders; full probe ${first.totalMs} ms`);
    expect(first.availabilityMs).toBeLessThan(3000);
  });

  it('reports x264, x265 and SVT-AV1 working at the canvas with a measured speed', () => {
    for (const enc of ['libx264', 'libx265', 'libsvtav1']) {
      const e = first.encoders.find((x) => x.encoder === enc);
      expect(e, enc).toMatchObject({ state: 'working', acceptsCanvas: true, hardware: false });
      expect(e?.fps ?? 0, enc).toBeGreaterThan(0);
    }
    expect(first.fromCache).toBe(false);
  });

  it('reuses the cache for the same machine, ffmpeg and driver, and re-probes when forced', async () => {
    expect(Object.keys((JSON.parse(readFileSync(cacheFile, 'utf8')) as { entries: object }).entries)).toHaveLength(1);
    const t0 = Date.now();
    const cached = await probeEncoders({ ffmpegPath, canvas, cacheFile });
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(cached.fromCache).toBe(true);
    expect(cached.probedAt).toBe(first.probedAt);
    const forced = await probeEncoders({ ffmpegPath, canvas, cacheFile, force: true, measure: false });
    expect(forced.fromCache).toBe(false);
    expect(forced.encoders.find((e) => e.encoder === 'libx264')?.fps).toBeNull();
  });

  it('marks an encoder that fails only at this canvas as working but not accepting it', async () => {
    // No software encoder here refuses a canvas the contract allows, so a wrapper plays a
    // driver that refuses 1920x1080 for libx265 and passes everything else to the real ffmpeg.
    const wrapper = join(dir, 'ffmpeg-refuses-1080p');
    writeFileSync(
      wrapper,
      `#!/bin/sh\ncase "$*" in *size=1920x1080*libx265*) echo "[libx265 @ 0x55d0c1a0] Picture size 1920x1080 exceeds the hardware limit" >&2; exit 1;; esac\nexec ${ffmpegPath} "$@"\n`,
    );
    chmodSync(wrapper, 0o755);
    const hd = await probeEncoders({ ffmpegPath: wrapper, canvas: { width: 1920, height: 1080, fps: 30 }, cacheFile: null, measure: false });
    const x265 = hd.encoders.find((e) => e.encoder === 'libx265');
    expect(x265).toMatchObject({ state: 'working', acceptsCanvas: false, reason: 'does not accept 1920x1080: Picture size 1920x1080 exceeds the hardware limit' });
    expect(hd.encoders.find((e) => e.encoder === 'libx264')).toMatchObject({ state: 'working', acceptsCanvas: true });
  });

  it('produces live arguments that this ffmpeg accepts for each software family', () => {
    for (const enc of ['libx264', 'libx265', 'libsvtav1']) {
      const c = encoderCandidates([enc], [])[0];
      const args = videoCodecArgs(c, canvas, { ...DEFAULT_VIDEO_SETTINGS, codec: c.codec });
      const run = spawnSync(ffmpegPath, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30', '-frames:v', '5', ...args, '-f', 'null', '-'], {
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(run.status, `${enc}: ${run.stderr}`).toBe(0);
    }
  });
});
