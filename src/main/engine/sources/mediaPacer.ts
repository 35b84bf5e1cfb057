// Plays a media file's frames at the canvas rate from main, with a few frames in hand.
// ffmpeg's -re paces its input in ~10 ms steps and, at the end of a loop, drains and
// restarts its decoder: frames then came 75–115 ms late, and the programme showed two or
// three repeats at every loop (more with some files). Instead the file's ffmpeg runs
// without -re, as fast as we read, and this pacer reads LEAD_MS ahead and gives each
// frame its time on one timeline: a hiccup shorter than the lead never reaches the
// picture. When the queue is full it stops reading, so ffmpeg blocks on its next write
// and stays at most the lead ahead. Its sound comes from the same process and so runs at
// most the lead (and a pipe) ahead; each tick takes the sound of the frame it shows
// (lipSync.ts), so the pairing holds even when the pacer falls behind. An HLS feed is
// paced the same way: its ffmpeg reads a segment at a time as fast as it downloads
// (pacedByMain()).
//
// A frame is handed on `aheadMs` before its time, with that time: the frame synchroniser
// holds it to its tick. Handed on just in time, a timer that fired late (a busy event
// loop: 18 ms seen with a 1080p encode beside the studio) made the tick find no new
// frame, a repeat.
import { performance } from 'node:perf_hooks';

/** How far ahead of the picture a media file is read: more than the longest loop hiccup measured. */
export const LEAD_MS = 150;
/**
 * Frames later than their time are handed on at once and the ones behind them catch up,
 * so the picture stays on the timeline its sound keeps. Later than this, ffmpeg is slower
 * than real time: the schedule starts again from there instead.
 */
const RESCHEDULE_AFTER_MS = 500;
/**
 * How far a paced file's sound may run ahead of the picture it goes with: the lead, and
 * what ffmpeg decodes of the sound while its video decoder restarts at a loop. (Bounded
 * at 400 ms, sound was dropped at the first loop and stayed 33–67 ms ahead for good.)
 */
export const AUDIO_AHEAD_MS = 600;

export interface MediaPacerOptions<F> {
  readonly periodMs: number;
  /** How long before its time a frame is handed on. Default 0. */
  readonly aheadMs?: number;
  /** A frame is handed on, with its time (now()'s clock): ownership passes on. */
  readonly deliver: (frame: F, dueAt: number) => void;
  /** A frame dropped by reset(). */
  readonly release: (frame: F) => void;
  /** Stop and restart reading from ffmpeg (back-pressure). */
  readonly pauseReading: () => void;
  readonly resumeReading: () => void;
  readonly now?: () => number;
}

export class MediaPacer<F> {
  private readonly options: MediaPacerOptions<F>;
  private readonly leadFrames: number;
  private readonly aheadMs: number;
  private readonly now: () => number;
  private queue: F[] = [];
  /** When frame 0 was (or would have been) due; null until the first frame. */
  private anchor: number | null = null;
  private nextIndex = 0;
  private timer: NodeJS.Timeout | null = null;
  private paused = false;

  constructor(options: MediaPacerOptions<F>) {
    this.options = options;
    this.leadFrames = Math.max(2, Math.ceil(LEAD_MS / options.periodMs));
    this.aheadMs = options.aheadMs ?? 0;
    this.now = options.now ?? (() => performance.now());
  }

  /** A whole frame from ffmpeg. */
  push(frame: F): void {
    this.queue.push(frame);
    if (this.queue.length >= this.leadFrames && !this.paused) {
      this.paused = true;
      this.options.pauseReading();
    }
    this.schedule();
  }

  /** A new process: a new stream, on a new schedule. Frames held are released. */
  reset(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const frame of this.queue) this.options.release(frame);
    this.queue = [];
    this.anchor = null;
    this.nextIndex = 0;
    this.paused = false;
  }

  private schedule(): void {
    if (this.timer || this.queue.length === 0) return;
    const now = this.now();
    this.anchor ??= now;
    const handOnAt = this.dueAt(this.nextIndex) - this.aheadMs;
    if (handOnAt > now) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.deliverNext();
      }, handOnAt - now);
      return;
    }
    this.deliverNext();
  }

  private dueAt(index: number): number {
    return this.anchor! + index * this.options.periodMs;
  }

  private deliverNext(): void {
    const frame = this.queue.shift();
    if (frame === undefined) return;
    const now = this.now();
    if (now - this.dueAt(this.nextIndex) > RESCHEDULE_AFTER_MS) {
      this.anchor = now - this.nextIndex * this.options.periodMs;
    }
    this.options.deliver(frame, this.dueAt(this.nextIndex++));
    if (this.paused && this.queue.length < this.leadFrames) {
      this.paused = false;
      this.options.resumeReading();
    }
    this.schedule();
  }
}
