// Keeps a remote feed's (and a media file's) sound with its picture. A feed's ffmpeg writes picture and
// sound to separate pipes as soon as it decodes them, so the order they arrive in is
// the order the transport carried them, not their timestamps: RTMP brought the sound
// 67–100 ms behind the picture, and MPEG-TS over SRT brings it in bursts of a few
// hundred milliseconds (its PES packets), up to ~300 ms behind.
//
// The feed's ffmpeg puts both on one timeline from zero (sourceArgs.ts: the fps filter
// pads the picture from 0, aresample the sound), so frame i is the picture of samples
// [i·S, (i+1)·S), S = samples per frame. A frame is complete once the sound received
// reaches its end. Each frame is held until it is complete, and a little longer: all
// frames wait as long as the longest wait of the last two seconds, so the picture keeps
// its cadence while the sound comes in bursts (the delay rises at once and falls only
// by a clear margin, as in frameSync.ts). The frame synchroniser schedules frames by
// their arrival here plus that hold, so a change of hold moves the schedule once
// instead of looking like two seconds of late frames. The programme then takes each
// tick's sound from the sample of the frame it shows (SourceAudio.takeFrom).
//
// A frame whose sound is complete goes on `aheadMs` before the end of its hold: the frame
// synchroniser keeps it to its schedule, so no timer of ours has to fire on time for
// the frame to make its tick (mediaPacer.ts says what a late one cost).
//
// Sound that is never coming must not hold the picture: a frame waits at most
// MAX_SOUND_WAIT_MS. When every frame has waited that long for two seconds, the feed's
// sound is taken as it comes for the rest of the process (aligned: false).
import { performance } from 'node:perf_hooks';

/** Longest a frame is held for its sound. The SRT bursts measured reached ~300 ms. */
export const MAX_SOUND_WAIT_MS = 500;
/** Frames timed out in a row, as seconds of picture, before alignment is given up. */
const GIVE_UP_AFTER_MS = 2000;
/** Frames whose waits set the hold: two seconds. */
const WINDOW_MS = 2000;

export interface LipSyncOptions<F> {
  readonly periodMs: number;
  /** Samples per channel in one frame interval. */
  readonly samplesPerFrame: number;
  /** How long before the end of its hold a complete frame goes on. Default 0. */
  readonly aheadMs?: number;
  /**
   * A frame goes on (to the frame synchroniser), with when it arrived here
   * (performance.now()'s clock; a paced source's frames come with their time, which may be
   * a little ahead): its cadence is the feed's, and currentHoldMs says how much later
   * than that it may be shown.
   */
  readonly pass: (frame: F, arrivedAt: number) => void;
  /** A held frame dropped by reset(). */
  readonly release: (frame: F) => void;
  /** Called once when the sound is given up on for this stream. */
  readonly onGiveUp?: () => void;
  readonly now?: () => number;
}

interface Held<F> {
  readonly frame: F;
  readonly index: number;
  readonly arrivedAt: number;
  completeAt: number | null;
}

export class LipSync<F> {
  private readonly options: LipSyncOptions<F>;
  private readonly now: () => number;
  private readonly windowFrames: number;
  private readonly giveUpFrames: number;
  private readonly lowerMarginMs: number;
  private readonly aheadMs: number;
  private held: Held<F>[] = [];
  private nextIndex = 0;
  private samplesIn = 0;
  private waits: number[] = [];
  private holdMs = 0;
  private timedOutInARow = 0;
  private alignedValue = true;
  private timer: NodeJS.Timeout | null = null;

  constructor(options: LipSyncOptions<F>) {
    this.options = options;
    this.now = options.now ?? (() => performance.now());
    this.windowFrames = Math.max(10, Math.round(WINDOW_MS / options.periodMs));
    this.giveUpFrames = Math.max(10, Math.round(GIVE_UP_AFTER_MS / options.periodMs));
    this.lowerMarginMs = Math.max(2, options.periodMs / 4);
    this.aheadMs = options.aheadMs ?? 0;
  }

  /** False once this stream's sound was given up on: take it as it comes. */
  get aligned(): boolean {
    return this.alignedValue;
  }

  /** How long frames are held now, ms. */
  get currentHoldMs(): number {
    return this.holdMs;
  }

  /** A frame from the feed, in order; `arrivedAt` on performance.now()'s clock. */
  video(frame: F, arrivedAt: number): void {
    const index = this.nextIndex++;
    if (!this.alignedValue) {
      this.options.pass(frame, arrivedAt);
      return;
    }
    this.held.push({ frame, index, arrivedAt, completeAt: null });
    this.process();
  }

  /** The feed's sound so far: samples per channel received from this stream. */
  sound(totalSamples: number): void {
    this.samplesIn = totalSamples;
    if (this.held.length) this.process();
  }

  /** A new stream (process): held frames are released, and timing starts again. */
  reset(): void {
    this.clearTimer();
    for (const h of this.held) this.options.release(h.frame);
    this.held = [];
    this.nextIndex = 0;
    this.samplesIn = 0;
    this.waits = [];
    this.holdMs = 0;
    this.timedOutInARow = 0;
    this.alignedValue = true;
  }

  private process(): void {
    this.clearTimer();
    const now = this.now();
    const S = this.options.samplesPerFrame;
    for (const h of this.held) {
      if (h.completeAt === null && this.samplesIn >= (h.index + 1) * S) {
        h.completeAt = now;
        this.timedOutInARow = 0;
        this.noteWait(Math.max(0, now - h.arrivedAt));
      }
    }
    while (this.held.length) {
      const head = this.held[0];
      let dueAt: number;
      if (head.completeAt !== null) {
        dueAt = head.arrivedAt + this.holdMs - this.aheadMs;
      } else {
        dueAt = head.arrivedAt + MAX_SOUND_WAIT_MS;
        if (now >= dueAt) this.timedOut();
        if (!this.alignedValue) return;
      }
      if (now < dueAt) {
        this.timer = setTimeout(() => {
          this.timer = null;
          this.process();
        }, dueAt - now);
        return;
      }
      this.held.shift();
      this.options.pass(head.frame, head.arrivedAt);
    }
  }

  private noteWait(waitMs: number): void {
    this.waits.push(Math.min(waitMs, MAX_SOUND_WAIT_MS));
    if (this.waits.length > this.windowFrames) this.waits.shift();
    const longest = Math.max(...this.waits);
    if (longest > this.holdMs || longest < this.holdMs - this.lowerMarginMs) this.holdMs = longest;
  }

  private timedOut(): void {
    this.noteWait(MAX_SOUND_WAIT_MS);
    if (++this.timedOutInARow < this.giveUpFrames) {
      this.held[0].completeAt = this.now();
      return;
    }
    this.alignedValue = false;
    this.holdMs = 0;
    this.options.onGiveUp?.();
    for (const h of this.held) this.options.pass(h.frame, h.arrivedAt);
    this.held = [];
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
