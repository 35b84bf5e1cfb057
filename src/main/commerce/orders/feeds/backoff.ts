// Reconnect delays for feeds: doubling from minMs to maxMs with ±20% jitter, so
// that several studios reconnecting to one server do not arrive in step.

export interface BackoffOptions {
  readonly minMs?: number;
  readonly maxMs?: number;
}

export class Backoff {
  private attempt = 0;
  private readonly minMs: number;
  private readonly maxMs: number;

  constructor(options: BackoffOptions = {}, private readonly random: () => number = Math.random) {
    this.minMs = options.minMs ?? 500;
    this.maxMs = Math.max(this.minMs, options.maxMs ?? 30_000);
  }

  next(): number {
    const base = Math.min(this.maxMs, this.minMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    return Math.round(Math.min(this.maxMs, base * (0.8 + 0.4 * this.random())));
  }

  reset(): void {
    this.attempt = 0;
  }
}
