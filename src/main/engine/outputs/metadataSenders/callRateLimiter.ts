// At most N calls in any one-second window, as platforms state their limits ("5
// requests per second per channel", IVS PutMetadata). A token bucket that refills
// continuously lets 2N calls through in the first second (N at once, N refilled);
// here each spent token comes back exactly one second after it was spent, so no
// window of 1 s ever holds more than N calls, while a burst of N still goes at once.

const WINDOW_MS = 1000;

export class CallRateLimiter {
  /** Times of the calls in the current window, oldest first (at most `perSecond`). */
  private readonly spent: number[] = [];

  constructor(private readonly perSecond: number) {
    if (!Number.isInteger(perSecond) || perSecond < 1) throw new RangeError(`calls per second must be a whole number ≥ 1, got ${perSecond}`);
  }

  /** Milliseconds until a call may be made (0: now). */
  waitMs(now: number): number {
    this.forget(now);
    if (this.spent.length < this.perSecond) return 0;
    return this.spent[0]! + WINDOW_MS - now;
  }

  /** Records a call made at `now`; the caller checked waitMs() first. */
  take(now: number): void {
    this.forget(now);
    this.spent.push(now);
  }

  private forget(now: number): void {
    while (this.spent.length > 0 && this.spent[0]! + WINDOW_MS <= now) this.spent.shift();
  }
}
