// The probe against the real pipeline (issue 4 "Verifier"): FfmpegProgramEncoder →
// MetadataStage → FlvRecorder writes an FLV with real SEI; probeMetadata, with its own
// readers, must find each message on the access unit of its programme frame and the
// keyframe repeats (spec "Where an SEI goes in an access unit").
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stopsAfterEach } from '../../../test/support/cleanups';
import type { CommerceMetadata } from '../../shared/commerceMetadata';
import { FfmpegProgramEncoder } from '../engine/encoder/programEncoder';
import { createMemoryLogger } from '../engine/logger';
import { MetadataStage } from '../engine/mux/metadataStage';
import { FlvRecorder } from '../engine/outputs/flvRecorder';
import { solidFrame } from '../engine/switcher/frameOps';
import { probeMetadata, type ProbeMessage } from './metadataProbe';

const canvas = { width: 640, height: 360, fps: 30 } as const;
const settings = { videoBitrateKbps: 1500, audioBitrateKbps: 128, keyframeIntervalSec: 1, x264Preset: 'ultrafast' } as const;
const OFFSETS = [10, 25, 40];

const cleanups = stopsAfterEach();

function message(i: number): CommerceMetadata {
  if (i === 1) return { v: 1, kind: 'sales', sales: { orders: 3, units: 4, gmv: 59.5, currency: 'EUR' }, wallTimeMs: Date.now(), frame: 0 };
  return { v: 1, kind: 'product', product: { id: `p-${i}`, sku: `SKU-${i}`, title: `Product ${i}`, price: 19.99, currency: 'EUR' }, wallTimeMs: Date.now(), frame: 0 };
}

const framesOf = (m: ProbeMessage): number => (m.payload as CommerceMetadata).frame;

describe('probeMetadata', () => {
  it('finds every SEI on the access unit of its programme frame, and the keyframe repeats', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cuecast-probe-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const encoder = new FfmpegProgramEncoder({ canvas, settings, ffmpegPath: 'ffmpeg', logger: createMemoryLogger() });
    cleanups.push(() => encoder.dispose());
    const stage = new MetadataStage();
    // SEI only here: the recorder's cue points are tested in flvRecorder.int.test.ts.
    const recorder = new FlvRecorder({ name: 'rec', folder: dir, logger: createMemoryLogger(), cuePoints: false, chapters: false });
    cleanups.push(() => recorder.stop());
    // Programme frame of every coded video frame, in output order, and the keyframes.
    const coded: number[] = [];
    const keyframes = new Set<number>();
    stage.addSink({
      onConfig: () => undefined,
      onFrame: (f) => {
        if (f.type !== 'video') return;
        coded.push(f.frame);
        if (f.keyframe) keyframes.add(f.frame);
      },
    });
    stage.addSink(recorder);
    encoder.addSink(stage);
    recorder.start();
    encoder.start();

    // Paced frames as live; the messages are scheduled against the first frame the
    // encoder takes (it refuses frames while ffmpeg starts), before any is coded.
    const colours = ['#c0392b', '#27ae60', '#2980b9'].map((c) => solidFrame(canvas, c));
    const audio = Buffer.alloc(1600 * 4);
    const scheduled: number[] = [];
    for (let i = 0, taken = 0; i < 400 && taken < 60; i++) {
      if (encoder.write(i, colours[i % 3]!, audio)) {
        if (taken === 0) OFFSETS.forEach((o, k) => (stage.schedule(message(k), i + o), scheduled.push(i + o)));
        taken++;
      }
      await new Promise((r) => setTimeout(r, 1000 / canvas.fps));
    }
    await new Promise((r) => setTimeout(r, 1500));
    await recorder.stop();
    const file = join(dir, readdirSync(dir).find((f) => f.endsWith('.flv'))!);
    expect(coded.length).toBeGreaterThan(45);

    for (const mode of ['auto', 'ffmpeg'] as const) {
      const seen: ProbeMessage[] = [];
      const timeline = await probeMetadata({ input: file, ffmpegPath: 'ffmpeg', mode, onMessage: (m) => seen.push(m) });
      expect(seen).toEqual(timeline.messages);
      // The recorder writes a contiguous run from its first keyframe to the end (all
      // coded frames were delivered before it stopped): that names the programme
      // frame of recorded frame 0.
      expect(timeline.videoFrames, mode).toBeGreaterThan(45);
      expect(timeline.videoFrames).toBeLessThanOrEqual(coded.length);
      const first = coded[coded.length - timeline.videoFrames]!;
      expect(keyframes.has(first)).toBe(true);
      const got = JSON.stringify({ first, scheduled, stats: stage.stats(), got: timeline.messages.map((m) => [m.frameIndex, m.keyframe, framesOf(m)]) });
      expect(timeline.messages.every((m) => m.source === 'sei')).toBe(true);
      // 1. Each message on the access unit of its own frame, exactly once there.
      scheduled.forEach((frame, k) => {
        const at = timeline.messages.filter((m) => m.frameIndex === frame - first && framesOf(m) === frame);
        expect(at, `${mode}: message of programme frame ${frame} in ${got}`).toHaveLength(1);
        expect((at[0]!.payload as CommerceMetadata).kind).toBe(message(k).kind);
        expect(at[0]!.keyframe).toBe(keyframes.has(frame));
        expect(Math.abs(at[0]!.ptsMs - ((frame - first) * 1000) / canvas.fps)).toBeLessThanOrEqual(34);
      });
      // 2. Every other occurrence is a repeat on a real keyframe, of the latest state.
      const repeats = timeline.messages.filter((m) => framesOf(m) !== m.frameIndex + first);
      expect(repeats.length, `${mode}: keyframe repeats`).toBeGreaterThan(0);
      for (const r of repeats) {
        expect(r.keyframe).toBe(true);
        expect(keyframes.has(r.frameIndex + first)).toBe(true);
        expect(framesOf(r)).toBeLessThan(r.frameIndex + first);
      }
      // 3. Every keyframe after the first message carries a repeat (or the message itself).
      for (const k of keyframes) {
        if (k <= scheduled[0]!) continue;
        expect(timeline.messages.some((m) => m.frameIndex === k - first), `${mode}: keyframe ${k}`).toBe(true);
      }
    }
  }, 60_000);

  it('refuses an input it cannot read with a clear error', async () => {
    const missing = join(tmpdir(), 'cuecast-probe-missing', 'nothing.flv');
    await expect(probeMetadata({ input: missing })).rejects.toThrow(/^cannot read ".*nothing\.flv": no such file$/);
    await expect(probeMetadata({ input: 'file:///nonexistent/cuecast.flv', ffmpegPath: 'ffmpeg', timeoutMs: 15_000 })).rejects.toThrow(/^cannot read "file:\/\/\/nonexistent\/cuecast\.flv": .*(No such file|not found)/i);
    await expect(probeMetadata({ input: missing.replace('.flv', ''), ffmpegPath: '/nonexistent/ffmpeg', mode: 'ffmpeg' })).rejects.toThrow(/no such file/);
  }, 30_000);
});
