// The programme clock owns time (DESIGN.md §1): it ticks at the canvas rate against
// a fixed origin, so frame N always means origin + N/fps and the encoder's
// constant-frame-rate timestamps stay in step with the wall clock. It never waits for
// a source. If the event loop was held up, missed ticks are emitted at once (the
// programme repeats a frame rather than leaving a timestamp gap), up to a bound past
// which it re-anchors and says so.

export interface ClockTick {
  /** Programme frame number, from 0 at clock start. */
  readonly frame: number;
  /** performance.now() at which this frame was due. */
  readonly dueAt: number;
  /** How late the tick ran, ms. */
  readonly lateMs: number;
}

export type TickHandler = (tick: ClockTick) => void;

const MAX_CATCH_UP_FRAMES = 15;

export class ProgramClock {
  private timer: NodeJS.Timeout | null = null;
  private origin = 0;
  private nextFrame = 0;
  private readonly periodMs: number;
  private resyncs = 0;

  constructor(
    readonly fps: number,
    private readonly onTick: TickHandler,
    private readonly onResync: (skipped: number) => void = () => undefined,
  ) {
    this.periodMs = 1000 / fps;
  }

  /** The number the next tick will carry: a command received now lands on this frame. */
  get upcomingFrame(): number {
    return this.nextFrame;
  }

  get running(): boolean {
    return this.timer !== null;
  }

  get resyncCount(): number {
    return this.resyncs;
  }

  /** performance.now() at which `frame` is due. */
  dueTime(frame: number): number {
    return this.origin + frame * this.periodMs;
  }

  start(): void {
    if (this.timer) return;
    this.origin = performance.now() - this.nextFrame * this.periodMs;
    this.schedule();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    const wait = Math.max(0, this.dueTime(this.nextFrame) - performance.now());
    this.timer = setTimeout(() => this.run(), wait);
  }

  private run(): void {
    const now = performance.now();
    let behind = Math.floor((now - this.dueTime(this.nextFrame)) / this.periodMs);
    if (behind > MAX_CATCH_UP_FRAMES) {
      // The process was frozen (debugger, swap): do not burst seconds of frames into
      // the encoder. Re-anchor time and report the gap.
      this.resyncs++;
      this.origin += behind * this.periodMs;
      this.onResync(behind);
      behind = 0;
    }
    for (let i = 0; i <= behind && this.timer !== null; i++) {
      const frame = this.nextFrame++;
      const dueAt = this.dueTime(frame);
      this.onTick({ frame, dueAt, lateMs: performance.now() - dueAt });
    }
    if (this.timer !== null) this.schedule();
  }
}
