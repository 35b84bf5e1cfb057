// The set of counted orders ("store:orderId"), split over 64 Sets. One Set of
// 500,000 keys stalls the event loop 20–40 ms each time it doubles and rehashes
// (measured here), which is the p99.9 of a busy show; 64 small ones rehash in well
// under a millisecond each.

const SHARDS = 64;

export class OrderKeySet {
  private readonly shards = Array.from({ length: SHARDS }, () => new Set<string>());
  private count = 0;

  private shard(key: string): Set<string> {
    const n = key.length;
    // The last characters of an order id vary most (sequential numbers).
    const h = (key.charCodeAt(n - 1) * 31 + key.charCodeAt(n - 2) * 7 + key.charCodeAt(n - 3)) & (SHARDS - 1);
    return this.shards[h]!;
  }

  has(key: string): boolean {
    return this.shard(key).has(key);
  }

  /** False when it was there already. */
  add(key: string): boolean {
    const s = this.shard(key);
    if (s.has(key)) return false;
    s.add(key);
    this.count += 1;
    return true;
  }

  get size(): number {
    return this.count;
  }

  *values(): IterableIterator<string> {
    for (const s of this.shards) yield* s;
  }
}
