// MpegTsWriter against the real encoder stage and a real decoder: a few seconds of
// x264 (and x265) programme with commerce SEI, muxed by us into a .ts file, must be
// read by ffprobe and decoded by ffmpeg frame for frame, with no error, at the right
// duration, and every SEI NAL unit must come out byte for byte.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stopsAfterEach } from '../../../../test/support/cleanups';
import type { CommerceMetadata } from '../../../shared/commerceMetadata';
import { FfmpegProgramEncoder, type VideoEncoderChoice } from '../encoder/programEncoder';
import { createMemoryLogger } from '../logger';
import type { AudioConfig, EncodedFrame, EncodedVideoFrame, VideoConfig } from '../media/packets';
import { solidFrame } from '../switcher/frameOps';
import { MetadataStage } from './metadataStage';
import { MpegTsReader } from './mpegtsReader';
import { MpegTsWriter, splitLengthPrefixed } from './mpegtsWriter';

const canvas = { width: 640, height: 360, fps: 30 } as const;
const settings = { videoBitrateKbps: 1500, audioBitrateKbps: 128, keyframeIntervalSec: 1, x264Preset: 'ultrafast' } as const;
const x265: VideoEncoderChoice = {
  codec: 'hevc',
  label: 'x265',
  codecArgs: ['-c:v', 'libx265', '-preset', 'ultrafast', '-tune', 'zerolatency', '-b:v', '1500k', '-g', '30', '-x265-params', 'log-level=error', '-pix_fmt', 'yuv420p'],
};

const cleanups = stopsAfterEach();

interface Recorded {
  readonly video: VideoConfig;
  readonly audio: AudioConfig;
  readonly frames: EncodedFrame[];
}

/** Runs the encoder stage with SEI on some frames for ~`seconds` of paced frames. */
async function record(seconds: number, choice?: VideoEncoderChoice): Promise<Recorded> {
  const encoder = new FfmpegProgramEncoder({ canvas, settings, ffmpegPath: 'ffmpeg', logger: createMemoryLogger(), video: choice });
  cleanups.push(() => encoder.dispose());
  const stage = new MetadataStage();
  let config: { video: VideoConfig; audio: AudioConfig } | null = null;
  const frames: EncodedFrame[] = [];
  stage.addSink({ onConfig: (video, audio) => (config = { video, audio }), onFrame: (f) => frames.push(f) });
  encoder.addSink(stage);
  encoder.start();
  const colours = ['#c0392b', '#27ae60', '#2980b9'].map((c) => solidFrame(canvas, c));
  const audio = Buffer.alloc(1600 * 4);
  for (let i = 0, taken = 0; i < 400 && taken < seconds * canvas.fps; i++) {
    if (encoder.write(i, colours[i % 3]!, audio)) {
      if (taken === 0) for (const offset of [5, 20, 31, 50]) stage.schedule(product(offset), i + offset);
      taken++;
    }
    await new Promise((r) => setTimeout(r, 1000 / canvas.fps));
  }
  await new Promise((r) => setTimeout(r, 1000));
  await encoder.dispose();
  expect(config).not.toBeNull();
  return { ...config!, frames };
}

function product(i: number): CommerceMetadata {
  return { v: 1, kind: 'product', product: { id: `p-${i}`, sku: `SKU-${i}`, title: `Product ${i}`, price: 19.99, currency: 'EUR' }, wallTimeMs: Date.now(), frame: 0 };
}

/** Our muxer over the recording from its first keyframe; returns the TS and the video frames written. */
function mux(rec: Recorded): { ts: Buffer; video: EncodedVideoFrame[]; audioFrames: number } {
  const writer = new MpegTsWriter({ video: rec.video, audio: rec.audio });
  const first = rec.frames.find((f): f is EncodedVideoFrame => f.type === 'video' && f.keyframe)!;
  const origin = first.dtsMs - 1000;
  const parts: Buffer[] = [];
  const video: EncodedVideoFrame[] = [];
  let audioFrames = 0;
  let started = false;
  for (const f of rec.frames) {
    if (f.type === 'video') {
      started ||= f === first;
      if (!started) continue;
      video.push(f);
      parts.push(writer.writeVideo({ ...f, ptsMs: f.ptsMs - origin, dtsMs: f.dtsMs - origin }));
    } else if (started) {
      audioFrames++;
      parts.push(writer.writeAudio({ ...f, dtsMs: f.dtsMs - origin }));
    }
  }
  return { ts: Buffer.concat(parts), video, audioFrames };
}

function seiNals(data: Buffer, codec: 'h264' | 'hevc', lengthSize: number): string[] {
  return splitLengthPrefixed(data, lengthSize)
    .filter((n) => (codec === 'h264' ? (n[0]! & 0x1f) === 6 : ((n[0]! >> 1) & 0x3f) === 39))
    .map((n) => n.toString('hex'));
}

async function checkDecodes(codec: 'h264' | 'hevc', rec: Recorded): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), `cuecast-ts-${codec}-`));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const { ts, video, audioFrames } = mux(rec);
  const file = join(dir, 'programme.ts');
  writeFileSync(file, ts);
  expect(video.length).toBeGreaterThan(75);

  // ffprobe sees both streams with the right codecs and counts every frame.
  const probe = JSON.parse(
    execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-show_entries', 'stream=codec_name,nb_read_frames,width,height:format=duration', '-of', 'json', file], { encoding: 'utf8' }),
  ) as { streams: { codec_name: string; nb_read_frames: string; width?: number }[]; format: { duration: string } };
  const v = probe.streams.find((s) => s.codec_name === codec)!;
  const a = probe.streams.find((s) => s.codec_name === 'aac')!;
  expect(v.width).toBe(canvas.width);
  expect(Number(v.nb_read_frames)).toBe(video.length);
  expect(Number(a.nb_read_frames)).toBe(audioFrames);
  const expectedSeconds = (video.at(-1)!.ptsMs - video[0]!.ptsMs + 1000 / canvas.fps) / 1000;
  expect(Math.abs(Number(probe.format.duration) - expectedSeconds)).toBeLessThan(0.1);

  // ffmpeg decodes every picture and every audio frame without one error (-xerror stops at the first).
  const decoded = execFileSync('ffmpeg', ['-v', 'error', '-xerror', '-i', file, '-map', '0:v', '-f', 'framemd5', '-'], { encoding: 'utf8' });
  expect(decoded.split('\n').filter((l) => /^\d/.test(l)).length).toBe(video.length);
  execFileSync('ffmpeg', ['-v', 'error', '-xerror', '-i', file, '-map', '0:a', '-f', 'null', '-']);

  // Access units read back in order, timestamps as written, each SEI NAL byte-identical.
  const lengthSize = codec === 'h264' ? (rec.video.decoderConfig[4]! & 3) + 1 : (rec.video.decoderConfig[21]! & 3) + 1;
  const reader = new MpegTsReader();
  const units = [...reader.push(readFileSync(file)), ...reader.flush()].filter((u) => u.kind === 'video');
  expect(units).toHaveLength(video.length);
  const origin = video[0]!.dtsMs - 1000;
  let withSei = 0;
  units.forEach((u, i) => {
    expect(u.ptsMs).toBe(video[i]!.ptsMs - origin);
    expect(u.dtsMs).toBe(video[i]!.dtsMs - origin);
    const want = seiNals(video[i]!.data, codec, lengthSize);
    if (want.length > 0) withSei++;
    for (const nal of want) expect(u.data.toString('hex')).toContain(`00000001${nal}`);
  });
  // The four scheduled messages, and keyframe repeats after them.
  expect(withSei).toBeGreaterThanOrEqual(5);
}

describe('MpegTsWriter with the real encoder', () => {
  it('writes H.264 + AAC that ffprobe counts and ffmpeg decodes, SEI intact', async () => {
    const rec = await record(3.5);
    expect(rec.video.codec).toBe('h264');
    await checkDecodes('h264', rec);
  }, 40_000);

  it('writes HEVC + AAC that ffprobe counts and ffmpeg decodes, SEI intact', async () => {
    const rec = await record(3.5, x265);
    expect(rec.video.codec).toBe('hevc');
    await checkDecodes('hevc', rec);
  }, 40_000);
});
