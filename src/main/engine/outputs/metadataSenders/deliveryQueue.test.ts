import { describe, expect, it } from 'vitest';
import type { CommerceMetadata, CommerceMetadataKind } from '../../../../shared/commerceMetadata';
import { DeliveryQueue, type PendingDelivery } from './deliveryQueue';

let next = 0;
function item(kind: CommerceMetadataKind, tag = ''): PendingDelivery {
  const message = { v: 1, kind, wallTimeMs: 0, frame: next, ...(kind === 'explaining' ? { explaining: tag } : {}) } as CommerceMetadata;
  return { id: `${kind}-${tag}-${next}`, kind, message, programTimeMs: next * 40, frame: next++, attempts: 0 };
}
const ids = (q: DeliveryQueue): string[] => q.snapshot().map((i) => i.id);

describe('DeliveryQueue', () => {
  it('keeps only the newest message of a coalescible kind, moved to the back', () => {
    const q = new DeliveryQueue(16);
    const s1 = item('sales', '1');
    const p = item('product');
    const s2 = item('sales', '2');
    expect(q.push(s1)).toEqual({ coalesced: 0, evicted: null });
    q.push(p);
    expect(q.push(s2)).toEqual({ coalesced: 1, evicted: null });
    expect(ids(q)).toEqual([p.id, s2.id]);
  });

  it('never coalesces explaining markers', () => {
    const q = new DeliveryQueue(16);
    const marks = [item('explaining', 'started'), item('explaining', 'ended'), item('explaining', 'started'), item('explaining', 'ended')];
    for (const m of marks) expect(q.push(m).coalesced).toBe(0);
    expect(ids(q)).toEqual(marks.map((m) => m.id));
  });

  it('when full, evicts the oldest coalescible message first, else the oldest marker', () => {
    const q = new DeliveryQueue(3);
    const a = item('explaining', 'started');
    const s = item('sales');
    const b = item('explaining', 'ended');
    q.push(a);
    q.push(s);
    q.push(b);
    const c = item('explaining', 'started');
    expect(q.push(c).evicted).toBe(s);
    expect(ids(q)).toEqual([a.id, b.id, c.id]);
    const d = item('explaining', 'ended');
    expect(q.push(d).evicted).toBe(a);
    expect(q.size).toBe(3);
  });

  it('puts a retried message back in front, where a newer one of its kind can still replace it', () => {
    const q = new DeliveryQueue(8);
    const s1 = item('sales');
    const m = item('explaining', 'started');
    q.push(m);
    q.unshift(s1);
    expect(q.peek()).toBe(s1);
    const s2 = item('sales');
    expect(q.push(s2).coalesced).toBe(1);
    expect(ids(q)).toEqual([m.id, s2.id]);
    expect(q.clear()).toBe(2);
    expect(q.shift()).toBeUndefined();
  });
});
