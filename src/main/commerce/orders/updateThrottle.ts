// Subscribers (teleprompter, orders panel, ticker, metadata counters) get at most
// one update per interval, however many orders arrive: at 5,000 orders/s a
// per-order event would cost more than the orders. Counters stay exact; only the
// rate of snapshots is limited.

export class UpdateThrottle<T> {
  private readonly listeners = new Set<(value: T) => void>();
  private timer: NodeJS.Timeout | null = null;
  private lastEmit = -Infinity;
  private emitted = 0;

  constructor(
    private readonly build: () => T,
    private readonly intervalMs: number,
    private readonly onListenerError: (err: unknown) => void,
  ) {}

  subscribe(cb: (value: T) => void): () => void {
    this.listeners.add(cb);
    return () => void this.listeners.delete(cb);
  }

  /** Something changed: an update goes out within one interval. */
  notify(): void {
    if (this.timer || this.listeners.size === 0) return;
    this.arm();
  }

  get count(): number {
    return this.emitted;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.listeners.clear();
  }

  private arm(): void {
    const due = this.lastEmit + this.intervalMs - performance.now();
    this.timer = setTimeout(() => this.emit(), due > 0 ? Math.ceil(due) : 0);
  }

  private emit(): void {
    this.timer = null;
    // libuv times timers from the start of the loop turn, so one armed late in a
    // busy turn fires early by our clock (gaps of 95 ms were seen): wait the rest.
    if (performance.now() - this.lastEmit < this.intervalMs) return this.arm();
    const value = this.build();
    // Timed after building, so listeners are called ≥ interval apart however long a build takes.
    this.lastEmit = performance.now();
    this.emitted += 1;
    for (const cb of this.listeners) {
      try {
        cb(value);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }
}
