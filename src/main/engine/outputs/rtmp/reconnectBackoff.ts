// Exponential backoff with jitter, capped: many studios reconnecting to one ingest
// after an outage should not all knock at the same instant.

export interface BackoffSettings {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export class ReconnectBackoff {
  private failures = 0;

  constructor(
    private readonly settings: BackoffSettings,
    private readonly random: () => number = Math.random,
  ) {}

  /** Delay before the next attempt; each call counts one more failure. */
  next(): number {
    const { initialDelayMs, maxDelayMs } = this.settings;
    const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(this.failures, 30));
    this.failures++;
    // "Equal jitter": half fixed, half random, so the delay still grows.
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }

  reset(): void {
    this.failures = 0;
  }
}
