// The encoder stage with real ffmpeg: an HEVC programme (x265) leaves ffmpeg as
// MPEG-TS, an AV1 one (SVT-AV1) as IVF; each becomes Enhanced FLV in a recording and
// decodes frame for frame; and the stage's frames carry programme timestamps.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { av1ObuStream, checkFlvFile, hevcAnnexB, type CheckedFlv } from '../../../../test/support/enhancedFlvCheck';
import { createMemoryLogger } from '../logger';
import type { EncodedFrame } from '../media/packets';
import { FlvRecorder } from '../outputs/flvRecorder';
import { solidFrame } from '../switcher/frameOps';
import { FfmpegProgramEncoder, type VideoEncoderChoice } from './programEncoder';

const canvas = { width: 640, height: 360, fps: 30 } as const;
const settings = { videoBitrateKbps: 1500, audioBitrateKbps: 128, keyframeIntervalSec: 1, x264Preset: 'ultrafast' } as const;
const svtAv1 = ['-c:v', 'libsvtav1', '-preset', '12', '-b:v', '1000k', '-g', '30', '-svtav1-params', 'pred-struct=1', '-pix_fmt', 'yuv420p'];
const x265 = ['-c:v', 'libx265', '-preset', 'ultrafast', '-tune', 'zerolatency', '-b:v', '1500k', '-g', '30', '-x265-params', 'log-level=error', '-pix_fmt', 'yuv420p'];

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** Feeds frames at the programme rate (or `fps`); returns how many the encoder took. */
async function feed(encoder: FfmpegProgramEncoder, frames: number, firstProgramFrame: number, fps: number = canvas.fps): Promise<number> {
  const colours = ['#c0392b', '#27ae60', '#2980b9'].map((c) => solidFrame(canvas, c));
  const audio = Buffer.alloc(1600 * 4);
  let accepted = 0;
  for (let i = 0; i < frames; i++) {
    // While ffmpeg starts, the stage refuses frames rather than queue them (as live).
    if (encoder.write(firstProgramFrame + i, colours[i % 3], audio)) accepted++;
    await new Promise((r) => setTimeout(r, 1000 / fps));
  }
  return accepted;
}

/** Runs the stage with `video`, records it as FLV and returns what was recorded. */
async function recordThroughStage(video: VideoEncoderChoice): Promise<{ encoder: FfmpegProgramEncoder; accepted: number; flv: CheckedFlv; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), `cuecast-${video.codec}-`));
  const encoder = new FfmpegProgramEncoder({ canvas, settings, ffmpegPath: 'ffmpeg', logger: createMemoryLogger(), video });
  const recorder = new FlvRecorder({ name: 'rec', folder: dir, logger: createMemoryLogger() });
  cleanup.push(async () => {
    await recorder.stop();
    await encoder.dispose();
    // The recorder writes the chapters file after stopping: let it, then remove the folder.
    await recorder.whenFinished();
    rmSync(dir, { recursive: true, force: true });
  });
  recorder.start();
  encoder.addSink(recorder);
  encoder.start();
  const accepted = await feed(encoder, 90, 0);
  await new Promise((r) => setTimeout(r, 1500));
  await recorder.stop();
  const file = join(dir, readdirSync(dir).find((f) => f.endsWith('.flv'))!);
  return { encoder, accepted, flv: checkFlvFile(file), dir };
}

describe('FfmpegProgramEncoder', () => {
  it('records an HEVC programme as Enhanced FLV that decodes frame for frame', async () => {
    const { accepted, flv, dir } = await recordThroughStage({ codec: 'hevc', codecArgs: x265, label: 'x265' });
    expect(flv.videoCodecId).toBe(0x68766331); // 'hvc1'
    const coded = flv.video.filter((t) => t.packetType !== 0);
    // Every frame the encoder took is recorded, but the last: an MPEG-TS video PES is
    // complete only when the next one starts.
    expect(accepted).toBeGreaterThan(45);
    expect(coded.length).toBe(accepted - 1);
    expect(coded[0].keyframe).toBe(true);
    const annexB = join(dir, 'out.hevc');
    writeFileSync(annexB, hevcAnnexB(flv));
    const decoded = execFileSync('ffmpeg', ['-v', 'error', '-xerror', '-f', 'hevc', '-i', annexB, '-f', 'framemd5', '-'], { encoding: 'utf8' });
    expect(decoded.split('\n').filter((l) => /^0,/.test(l)).length).toBe(coded.length);
  }, 30_000);

  it('records an AV1 programme as Enhanced FLV that decodes frame for frame', async () => {
    const { encoder, accepted, flv, dir } = await recordThroughStage({ codec: 'av1', codecArgs: svtAv1, label: 'SVT-AV1' });
    expect(encoder.stats().state).toBe('running');
    expect(flv.videoCodecId).toBe(0x61763031); // 'av01'
    expect(flv.video[0]).toMatchObject({ codec: 'av01', enhanced: true, packetType: 0, keyframe: true });
    const coded = flv.video.filter((t) => t.packetType !== 0);
    expect(coded.every((t) => t.enhanced && t.codec === 'av01' && (t.packetType === 1 || t.packetType === 3))).toBe(true);
    expect(accepted).toBeGreaterThan(45);
    // IVF frames are whole temporal units, but SVT-AV1 may still hold a few at the end.
    expect(coded.length).toBeGreaterThan(accepted - 10);
    expect(coded.length).toBeLessThanOrEqual(accepted);
    expect(coded[0].keyframe).toBe(true);
    // A key frame every GOP (-g 30), and only there.
    expect(coded.filter((t) => t.keyframe).length).toBe(Math.ceil(coded.length / 30));
    const obu = join(dir, 'out.obu');
    writeFileSync(obu, av1ObuStream(flv));
    const decoded = execFileSync('ffmpeg', ['-v', 'error', '-xerror', '-f', 'obu', '-i', obu, '-f', 'framemd5', '-'], { encoding: 'utf8' });
    expect(decoded.split('\n').filter((l) => /^0,/.test(l)).length).toBe(coded.length);
  }, 30_000);

  it('puts coded frames on the programme timeline and numbers them with programme frames', async () => {
    const encoder = new FfmpegProgramEncoder({ canvas, settings, ffmpegPath: 'ffmpeg', logger: createMemoryLogger() });
    cleanup.push(() => encoder.dispose());
    const frames: EncodedFrame[] = [];
    encoder.addSink({ onConfig: () => undefined, onFrame: (f) => frames.push(f) });
    encoder.start();
    const accepted = await feed(encoder, 45, 300);
    await new Promise((r) => setTimeout(r, 1000));
    const video = frames.filter((f) => f.type === 'video');
    expect(video.length).toBe(accepted);
    // The first frame the encoder took, whatever it refused while starting.
    const first = video[0].type === 'video' ? video[0].frame : -1;
    expect(first).toBeGreaterThanOrEqual(300);
    expect(video[0]).toMatchObject({ keyframe: true, dtsMs: Math.round((first * 1000) / canvas.fps) });
    video.forEach((f, i) => expect(f.type === 'video' && f.frame).toBe(first + i));
    const audio = frames.filter((f) => f.type === 'audio');
    expect(audio.length).toBeGreaterThan(20);
    // Audio sits on the same timeline (within AAC's priming of the first picture).
    expect(Math.abs(audio[0].dtsMs - (first * 1000) / canvas.fps)).toBeLessThanOrEqual(22);
  }, 30_000);

  it('reports the rate it encodes at now, not an average since it started', async () => {
    const encoder = new FfmpegProgramEncoder({ canvas, settings, ffmpegPath: 'ffmpeg', logger: createMemoryLogger() });
    cleanup.push(() => encoder.dispose());
    encoder.start();
    // Four seconds starved to 10 fps (a busy machine), then four at the full rate:
    // ffmpeg's own since-start averages would still read ~20 fps (0.67x).
    await feed(encoder, 40, 0, 10);
    const started = Date.now();
    const accepted = await feed(encoder, 120, 40);
    const fedFps = accepted / ((Date.now() - started) / 1000);
    const { fps, speed } = encoder.stats();
    expect(fps).not.toBeNull();
    expect(fps!).toBeGreaterThan(0.8 * fedFps);
    expect(speed!).toBeGreaterThan(0.8 * (fedFps / canvas.fps));
    expect(speed!).toBeLessThan(1.2);
  }, 30_000);

  for (const [which, pidIndex, reason] of [
    ['video', 0, /^encoder x264 hung: no picture for [45] s while fed frames$/],
    ['audio', 1, /^audio encoder hung: no sound for [45] s while fed frames$/],
  ] as const) {
    it(`fails the stage when its ${which} encoder is fed but gives nothing back (hung), so the studio can move on`, async () => {
      const encoder = new FfmpegProgramEncoder({ canvas, settings, ffmpegPath: 'ffmpeg', logger: createMemoryLogger() });
      cleanup.push(() => encoder.dispose());
      const failures: string[] = [];
      encoder.onFailure((r) => failures.push(r));
      encoder.start();
      await feed(encoder, 30, 0);
      expect(failures).toEqual([]);
      // A hung encoder: its process is there, but takes and gives nothing.
      process.kill(encoder.pids[pidIndex], 'SIGSTOP');
      const stoppedAt = Date.now();
      let frame = 30;
      while (!failures.length && Date.now() - stoppedAt < 8000) await feed(encoder, 3, (frame += 3));
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatch(reason);
      expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(4000);
      expect(encoder.stats().state).toBe('failed');
    }, 30_000);
  }
});

