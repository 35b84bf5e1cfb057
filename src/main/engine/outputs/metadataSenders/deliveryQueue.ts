// The messages a sender still has to deliver, in order. When the platform's call
// limit holds them back, a newer message of the same kind makes an older one
// pointless (a sales counter, the current product, the programme state): the older
// one is dropped and the newer one goes to the back, so what is delivered is always
// the latest value and never older than what came before it. "Explaining" started /
// ended markers are never coalesced: platforms cut clips on them, so each one counts.
import type { CommerceMetadata, CommerceMetadataKind } from '../../../../shared/commerceMetadata';

export interface PendingDelivery {
  /** Stable across retries: receivers de-duplicate on it (X-Cuecast-Delivery). */
  readonly id: string;
  readonly kind: CommerceMetadataKind;
  readonly message: CommerceMetadata;
  /** Milliseconds since the sender's timeline origin (see MetadataSender). */
  readonly programTimeMs: number;
  /** The programme frame number of the access unit that carried the change. */
  readonly frame: number;
  /** Attempts made so far. */
  attempts: number;
}

export interface PushResult {
  /** Older pending messages of the same kind that this one replaced. */
  readonly coalesced: number;
  /** A message evicted because the queue was full, if any. */
  readonly evicted: PendingDelivery | null;
}

export function isCoalescible(kind: CommerceMetadataKind): boolean {
  return kind !== 'explaining';
}

export class DeliveryQueue {
  private items: PendingDelivery[] = [];

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`queue capacity must be a whole number ≥ 1, got ${capacity}`);
  }

  get size(): number {
    return this.items.length;
  }

  push(item: PendingDelivery): PushResult {
    let coalesced = 0;
    if (isCoalescible(item.kind)) {
      const before = this.items.length;
      this.items = this.items.filter((i) => i.kind !== item.kind);
      coalesced = before - this.items.length;
    }
    this.items.push(item);
    let evicted: PendingDelivery | null = null;
    if (this.items.length > this.capacity) {
      // Only explaining markers can pile up this far (the rest is one per kind): the
      // oldest coalescible message goes first, else the oldest marker.
      const index = this.items.findIndex((i) => isCoalescible(i.kind));
      [evicted] = this.items.splice(index >= 0 ? index : 0, 1);
    }
    return { coalesced, evicted: evicted ?? null };
  }

  /** Puts back a message whose attempt failed, at the front (it was the oldest). */
  unshift(item: PendingDelivery): void {
    this.items.unshift(item);
  }

  shift(): PendingDelivery | undefined {
    return this.items.shift();
  }

  peek(): PendingDelivery | undefined {
    return this.items[0];
  }

  /** Empties the queue and returns how many messages it held. */
  clear(): number {
    const n = this.items.length;
    this.items = [];
    return n;
  }

  /** Read-only view, oldest first (tests, diagnostics). */
  snapshot(): readonly PendingDelivery[] {
    return [...this.items];
  }
}
