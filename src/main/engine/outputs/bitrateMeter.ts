// Bitrate over a sliding window of bytes actually handed to the OS (write callbacks),
// which is what the operator wants to see: what left the machine, not what was queued.

export class BitrateMeter {
  private readonly samples: { readonly at: number; readonly bytes: number }[] = [];
  private total = 0;

  constructor(
    private readonly windowMs = 2000,
    private readonly now: () => number = () => Date.now(),
  ) {}

  add(bytes: number): void {
    this.total += bytes;
    this.samples.push({ at: this.now(), bytes });
    this.prune();
  }

  get totalBytes(): number {
    return this.total;
  }

  kbps(): number {
    this.prune();
    let bytes = 0;
    for (const s of this.samples) bytes += s.bytes;
    return Math.round((bytes * 8) / this.windowMs);
  }

  private prune(): void {
    const cutoff = this.now() - this.windowMs;
    while (this.samples.length > 0 && this.samples[0]!.at < cutoff) this.samples.shift();
  }
}
