// For the recorder's integration tests only: a short show through the real chain
// (FfmpegProgramEncoder → MetadataStage → FlvRecorder) with commerce metadata bound
// to chosen programme frames, and ffmpeg/ffprobe readers that judge what was written.
import { execFile } from 'node:child_process';
import type { CommerceMetadata } from '../../../../shared/commerceMetadata';
import { FfmpegProgramEncoder, type VideoEncoderChoice } from '../../encoder/programEncoder';
import { createMemoryLogger } from '../../logger';
import { MetadataStage } from '../../mux/metadataStage';
import { solidFrame } from '../../switcher/frameOps';
import { FlvRecorder, type FlvRecorderOptions } from '../flvRecorder';

export const canvas = { width: 640, height: 360, fps: 30 } as const;
const settings = { videoBitrateKbps: 1500, audioBitrateKbps: 128, keyframeIntervalSec: 1, x264Preset: 'ultrafast' } as const;

export function product(n: number): CommerceMetadata {
  return { v: 1, kind: 'product', product: { id: `p-${n}`, sku: `SKU-${n}`, title: `Product ${n}`, price: 19.99, currency: 'EUR' }, wallTimeMs: Date.now(), frame: 0 };
}

/** The frame a change bound to `frame` rides on: its own, or the next coded one if it was dropped. */
export function carrierFrame(coded: readonly number[], frame: number): number | undefined {
  return coded.filter((f) => f >= frame).sort((a, b) => a - b)[0];
}

export function explaining(what: 'started' | 'ended'): CommerceMetadata {
  return { v: 1, kind: 'explaining', explaining: what, wallTimeMs: Date.now(), frame: 0 };
}

export interface ShowStep {
  /** Frames after the first frame the encoder takes. */
  readonly offset: number;
  readonly message: CommerceMetadata;
}

export interface RecordedShow {
  readonly recorder: FlvRecorder;
  readonly logger: ReturnType<typeof createMemoryLogger>;
  /** Each step as scheduled: its programme frame and the message as the stage binds it. */
  readonly scheduled: readonly { readonly frame: number; readonly message: CommerceMetadata }[];
  /**
   * Programme frame of every coded video frame, in the order the stage sent them out.
   * The encoder drops frames when it falls behind (a busy machine): frame numbers skip,
   * and a change bound to a dropped frame rides on the next one.
   */
  readonly coded: readonly number[];
  readonly flvFile: string;
}

export interface RecordShowOptions {
  readonly folder: string;
  /** Programme frames to encode (paced at the canvas rate, as live). */
  readonly frames: number;
  readonly steps: readonly ShowStep[];
  readonly video?: VideoEncoderChoice;
  readonly recorder?: Partial<FlvRecorderOptions>;
  /** Start the recorder only after this many frames (a recording begun mid-show); default 0. */
  readonly startRecorderAfter?: number;
  /** Registers a clean-up that runs even when the test fails. */
  readonly cleanup: (fn: () => Promise<unknown> | void) => void;
}

/** Records a show; the recorder is left running (the test stops it, or "crashes"). */
export async function recordShow(options: RecordShowOptions): Promise<RecordedShow> {
  const logger = createMemoryLogger();
  const encoder = new FfmpegProgramEncoder({ canvas, settings, ffmpegPath: 'ffmpeg', logger: createMemoryLogger(), video: options.video });
  options.cleanup(() => encoder.dispose());
  const stage = new MetadataStage();
  const recorder = new FlvRecorder({ name: 'Programme', folder: options.folder, logger, ffmpegPath: 'ffmpeg', ...options.recorder });
  options.cleanup(() => recorder.dispose());
  const coded: number[] = [];
  stage.addSink({ onConfig: () => undefined, onFrame: (f) => void (f.type === 'video' && coded.push(f.frame)) });
  stage.addSink(recorder);
  encoder.addSink(stage);
  if (!options.startRecorderAfter) recorder.start();
  encoder.start();

  const colours = ['#c0392b', '#27ae60', '#2980b9'].map((c) => solidFrame(canvas, c));
  const audio = Buffer.alloc(1600 * 4);
  const scheduled: { frame: number; message: CommerceMetadata }[] = [];
  for (let i = 0, taken = 0; i < options.frames + 300 && taken < options.frames; i++) {
    if (encoder.write(i, colours[Math.floor(i / 10) % 3]!, audio)) {
      if (taken === 0) {
        for (const step of options.steps) {
          stage.schedule(step.message, i + step.offset);
          scheduled.push({ frame: i + step.offset, message: { ...step.message, frame: i + step.offset } });
        }
      }
      taken++;
      if (taken === options.startRecorderAfter) recorder.start();
    }
    await new Promise((r) => setTimeout(r, 1000 / canvas.fps));
  }
  // Let the last coded frames reach the recorder.
  await new Promise((r) => setTimeout(r, 1500));
  const flvFile = recorder.stats().file;
  if (!flvFile) throw new Error('the recorder has no file');
  return { recorder, logger, scheduled, coded, flvFile };
}

function run(command: string, args: readonly string[], timeoutMs = 60_000): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${command} failed: ${err.message} ${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

/** Decodes every video frame with `ffmpeg -f null`; returns how many, and any error lines. */
export async function decodeVideo(file: string): Promise<{ frames: number; errors: string }> {
  const { stdout, stderr } = await run('ffmpeg', ['-hide_banner', '-nostdin', '-v', 'error', '-i', file, '-map', '0:v:0', '-f', 'null', '-', '-progress', 'pipe:1']);
  const frames = [...stdout.matchAll(/^frame=(\d+)$/gm)].map((m) => Number(m[1]));
  return { frames: frames.at(-1) ?? 0, errors: stderr.trim() };
}

export interface ProbedChapter {
  readonly startMs: number;
  readonly endMs: number;
  readonly tags: Readonly<Record<string, string>>;
}

/** `ffprobe -show_chapters -of json`. */
export async function probeChapters(file: string): Promise<ProbedChapter[]> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_chapters', '-of', 'json', file]);
  const parsed = JSON.parse(stdout) as { chapters?: { start_time: string; end_time: string; tags?: Record<string, string> }[] };
  // ffprobe prints seconds with 6 decimals: back to ms without float noise.
  const ms = (s: string): number => Math.round(Number(s) * 1e6) / 1e3;
  return (parsed.chapters ?? []).map((c) => ({ startMs: ms(c.start_time), endMs: ms(c.end_time), tags: c.tags ?? {} }));
}
