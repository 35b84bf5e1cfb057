// When to restart a source process (STYLE.md rule 6: policy apart from the
// supervisor). Exponential backoff with jitter, so many sources that lost one
// network together do not reconnect in lockstep; the backoff resets once a source
// has stayed live long enough to count as recovered.
export interface RestartPolicyOptions {
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Live this long → the next failure starts again from initialDelayMs. */
  readonly resetAfterLiveMs?: number;
  /** ±fraction of the delay; 0.2 → 80%..120%. */
  readonly jitter?: number;
  /** For tests: a source of randomness in [0, 1). */
  readonly random?: () => number;
}

export class RestartPolicy {
  private failures = 0;
  private liveSince: number | null = null;
  private readonly initial: number;
  private readonly max: number;
  private readonly resetAfter: number;
  private readonly jitter: number;
  private readonly random: () => number;

  constructor(options: RestartPolicyOptions = {}) {
    this.initial = options.initialDelayMs ?? 500;
    this.max = options.maxDelayMs ?? 10_000;
    this.resetAfter = options.resetAfterLiveMs ?? 10_000;
    this.jitter = options.jitter ?? 0.2;
    this.random = options.random ?? Math.random;
  }

  /** Consecutive failures since the source was last stably live. */
  get attempts(): number {
    return this.failures;
  }

  /** The source delivered its first frame at `nowMs`. */
  noteLive(nowMs: number): void {
    if (this.liveSince === null) this.liveSince = nowMs;
  }

  /** The process ended at `nowMs`: how long to wait before starting it again. */
  nextDelayMs(nowMs: number): number {
    if (this.liveSince !== null && nowMs - this.liveSince >= this.resetAfter) this.failures = 0;
    this.liveSince = null;
    const base = Math.min(this.max, this.initial * 2 ** this.failures);
    this.failures++;
    const factor = 1 + this.jitter * (2 * this.random() - 1);
    return Math.round(Math.min(this.max, base * factor));
  }

  /**
   * Permanent errors are not retried: the input itself is wrong (validation), so
   * retrying cannot help. Everything a process reports is treated as transient,
   * because feeds, files and devices come back.
   */
  shouldGiveUp(error: { readonly permanent: boolean }): boolean {
    return error.permanent;
  }

  reset(): void {
    this.failures = 0;
    this.liveSince = null;
  }
}
