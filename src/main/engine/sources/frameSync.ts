// A frame synchroniser between one source and the programme clock. A source and the
// clock both run at the canvas rate but are not locked together, and a frame's arrival
// jitters by a few milliseconds (ffmpeg's pacing, the socket, our event loop). Taking
// "the latest frame" on each tick then judders whenever arrivals fall near tick times:
// one tick finds no new frame (a repeat), the next finds two (a skip). Measured with
// three 720p30 test patterns over 15 s: 1, 8 and 19 repeat/skip pairs, depending only on
// each camera's phase against the clock.
//
// Instead, source frame i is scheduled at offset + i × period, where the offset is the
// latest arrival delay (arrival − i × period) seen over the last couple of seconds, and
// each tick shows the newest frame scheduled at or before it. Jitter inside that window
// no longer reaches the picture. The offset rises at once when a frame comes later than
// any before it (one repeat, unavoidable), and falls only when the window has been
// earlier by a clear margin (one skip), so it does not flap. The extra delay is capped:
// a frame later than maxHoldMs past the window's earliest was held up, not jittered; it
// is shown as soon as it arrives, as before, and does not move the schedule. Frames
// that come early wait for their time. A source running at a slightly different clock
// (a real camera) drifts through the window and costs one repeat or skip per frame of
// drift, as it must.
export interface FrameSyncOptions<F> {
  /** The programme frame interval, ms. */
  readonly periodMs: number;
  /** Gives a frame back (to its pool) once the synchroniser no longer needs it. */
  readonly release: (frame: F) => void;
  /** Arrivals the offset is estimated over. Default two seconds' worth. */
  readonly windowFrames?: number;
  /**
   * Most delay added to absorb jitter, ms. Default one frame interval: with one core
   * busy, the cut bench's cameras repeated or skipped frames in 4 of 6 runs with half an
   * interval (up to 14 and 13 in ~500 frames), in 3 of 7 with a whole one (at most 2);
   * quiet, both in none of 4. It costs ~10–20 ms at the latency figure's median
   * (docs/architecture.md). A quarter interval judders more; 1.5 intervals added ~20 ms
   * at the median for no smoother picture.
   */
  readonly maxHoldMs?: number;
}

/**
 * How long before its time a frame may be handed here (a paced source's frames, and
 * frames leaving the lip-sync hold): they wait in `waiting` for their tick, so a timer
 * upstream that fires late does not cost a repeat. Two intervals: more than the 18 ms
 * lateness seen beside a 1080p encode, and well inside MAX_WAITING.
 */
export function handOnAheadMs(periodMs: number): number {
  return 2 * periodMs;
}

/** Early arrivals in a window that do not move the cap (a decoder's drained burst). */
const EARLY_OUTLIERS = 4;
/** A bound whatever the timing: frames are megabytes each. */
const MAX_WAITING = 6;

interface Waiting<F> {
  readonly frame: F;
  readonly index: number;
}

export class FrameSync<F> {
  private readonly periodMs: number;
  private readonly release: (frame: F) => void;
  private readonly windowFrames: number;
  private readonly maxHoldMs: number;
  private readonly lowerMarginMs: number;

  /** Arrived and not yet shown, oldest first. */
  private waiting: Waiting<F>[] = [];
  private shown: F | null = null;
  private shownIndex = -1;
  private nextIndex = 0;
  private delays: number[] = [];
  private offsetMs: number | null = null;
  private extraMs = 0;
  private lastDueAt = Number.NaN;

  constructor(options: FrameSyncOptions<F>) {
    this.periodMs = options.periodMs;
    this.release = options.release;
    this.windowFrames = options.windowFrames ?? Math.max(10, Math.round(2000 / options.periodMs));
    this.maxHoldMs = options.maxHoldMs ?? options.periodMs;
    this.lowerMarginMs = Math.max(2, options.periodMs / 4);
  }

  /** How long the earliest frames wait past their arrival, at most maxHoldMs; null before the first. */
  get holdMs(): number | null {
    if (this.offsetMs === null || !this.delays.length) return null;
    return Math.max(0, this.offsetMs - Math.min(...this.delays));
  }

  /**
   * A delay on top of the schedule, for every frame from now on (a remote feed's hold
   * for its sound, lipSync.ts). Changing it moves the schedule at once: a repeat or a
   * skip, rather than frames that look late or early to the jitter window.
   */
  setExtraDelay(ms: number): void {
    this.extraMs = ms;
  }

  /**
   * A frame from the source, in order; `arrivedAt` on performance.now()'s clock (a paced
   * source's frame comes with its time, up to handOnAheadMs before it).
   */
  push(frame: F, arrivedAt: number): void {
    const index = this.nextIndex++;
    this.delays.push(arrivedAt - index * this.periodMs);
    if (this.delays.length > this.windowFrames) this.delays.shift();
    this.updateOffset();
    this.waiting.push({ frame, index });
    this.dropUnreachable(arrivedAt);
  }

  /**
   * The frame for the tick due at `dueAt` (performance.now() clock): the newest frame
   * scheduled by then, else the one shown last. Asking again for the same tick gives
   * the same frame; ticks are asked in order.
   */
  frameAt(dueAt: number): F | null {
    if (dueAt === this.lastDueAt) return this.shown;
    this.lastDueAt = dueAt;
    const pick = this.pick(dueAt);
    if (pick < 0) return this.shown;
    const chosen = this.waiting[pick];
    for (let k = 0; k < pick; k++) this.release(this.waiting[k].frame);
    this.waiting = this.waiting.slice(pick + 1);
    if (this.shown !== null) this.release(this.shown);
    this.shown = chosen.frame;
    this.shownIndex = chosen.index;
    return this.shown;
  }

  /**
   * The index (in arrival order, from 0 at the last reset) of the frame frameAt(dueAt)
   * gives or would give, without taking it; null before the first frame.
   */
  indexAt(dueAt: number): number | null {
    const pick = dueAt === this.lastDueAt ? -1 : this.pick(dueAt);
    if (pick >= 0) return this.waiting[pick].index;
    return this.shown === null ? null : this.shownIndex;
  }

  /** The newest frame that arrived, for callers without a clock. */
  latest(): F | null {
    return this.waiting.length ? this.waiting[this.waiting.length - 1].frame : this.shown;
  }

  /** A new stream begins (the source's process restarted): let go of everything. */
  reset(): void {
    for (const w of this.waiting) this.release(w.frame);
    if (this.shown !== null) this.release(this.shown);
    this.waiting = [];
    this.shown = null;
    this.shownIndex = -1;
    this.nextIndex = 0;
    this.delays = [];
    this.offsetMs = null;
    this.extraMs = 0;
    this.lastDueAt = Number.NaN;
  }

  /** Where in `waiting` the frame for `dueAt` is: -1 to keep showing the last one. */
  private pick(dueAt: number): number {
    let pick = -1;
    for (let k = 0; k < this.waiting.length; k++) {
      if (this.scheduledAt(this.waiting[k].index) <= dueAt) pick = k;
      else break;
    }
    // The very first frame is shown at once: there is nothing older to step back to.
    if (pick < 0 && this.shown === null && this.waiting.length) pick = 0;
    return pick;
  }

  private scheduledAt(index: number): number {
    return (this.offsetMs ?? 0) + this.extraMs + index * this.periodMs;
  }

  private updateOffset(): void {
    // The cap counts from the earliest arrivals, leaving out the few earliest of all: a
    // looping file drains its decoder in a burst at the end of each pass, and those
    // frames are simply held to their time. (The median instead held every frame for
    // the jitter below it: ~35 ms more latency at 1080p.)
    const sorted = [...this.delays].sort((a, b) => a - b);
    const early = sorted[Math.min(EARLY_OUTLIERS, sorted.length - 1)];
    // Frames later than the cap were held up (a stall), not jittered: they are shown
    // when they come and must not hold every other frame back with them.
    let target = early;
    for (const d of this.delays) if (d > target && d <= early + this.maxHoldMs) target = d;
    if (this.offsetMs === null || target > this.offsetMs || target < this.offsetMs - this.lowerMarginMs) {
      this.offsetMs = target;
    }
  }

  /**
   * A waiting frame is unreachable once a newer one is scheduled by the earliest tick
   * still to come: the one after the last tick asked for, or, for a source nobody has
   * asked lately (off air), two intervals ago. Those go back to the pool at once, so a
   * source holds its shown frame plus the few inside its hold window.
   */
  private dropUnreachable(now: number): void {
    const nextDue = Number.isNaN(this.lastDueAt) ? -Infinity : this.lastDueAt + this.periodMs;
    const horizon = Math.max(nextDue, now - 2 * this.periodMs);
    let keepFrom = 0;
    for (let k = 1; k < this.waiting.length; k++) {
      if (this.scheduledAt(this.waiting[k].index) <= horizon) keepFrom = k;
      else break;
    }
    keepFrom = Math.max(keepFrom, this.waiting.length - MAX_WAITING);
    if (keepFrom <= 0) return;
    for (let k = 0; k < keepFrom; k++) this.release(this.waiting[k].frame);
    this.waiting = this.waiting.slice(keepFrom);
  }
}
