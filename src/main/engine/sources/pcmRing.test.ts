import { describe, expect, it } from 'vitest';
import { PcmRing, SILENCE_DB, peakDb } from './pcmRing';

/** Stereo s16le with sample i = (start + i) on both channels. */
function ramp(start: number, samples: number): Buffer {
  const b = Buffer.alloc(samples * 4);
  for (let i = 0; i < samples; i++) {
    b.writeInt16LE(start + i, i * 4);
    b.writeInt16LE(start + i, i * 4 + 2);
  }
  return b;
}

function left(b: Buffer): number[] {
  const out: number[] = [];
  for (let i = 0; i < b.length; i += 4) out.push(b.readInt16LE(i));
  return out;
}

describe('PcmRing', () => {
  it('returns what was pushed, in order, exactly the size asked', () => {
    const ring = new PcmRing();
    ring.push(ramp(1, 100));
    expect(left(ring.take(60))).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(left(ring.take(40))).toEqual(Array.from({ length: 40 }, (_, i) => i + 61));
    expect(ring.queuedSamples).toBe(0);
  });

  it('pads with silence on underflow', () => {
    const ring = new PcmRing();
    ring.push(ramp(1, 10));
    const out = ring.take(16);
    expect(out.length).toBe(64);
    expect(left(out)).toEqual([...Array.from({ length: 10 }, (_, i) => i + 1), 0, 0, 0, 0, 0, 0]);
    expect(left(ring.take(4))).toEqual([0, 0, 0, 0]);
    expect(ring.lastPeakDb).toBe(SILENCE_DB);
  });

  it('drops the oldest audio beyond maxLatencyMs', () => {
    const ring = new PcmRing({ sampleRate: 1000, maxLatencyMs: 100 }); // 100 samples
    ring.push(ramp(0, 80));
    ring.push(ramp(80, 50));
    expect(ring.queuedSamples).toBe(100);
    expect(ring.droppedSamples).toBe(30);
    expect(left(ring.take(100))[0]).toBe(30);
    ring.push(ramp(0, 250));
    expect(left(ring.take(100))[0]).toBe(150);
  });

  it('wraps around the ring across many pushes and takes', () => {
    const ring = new PcmRing({ sampleRate: 1000, maxLatencyMs: 50 });
    const got: number[] = [];
    let next = 0;
    for (let round = 0; round < 40; round++) {
      ring.push(ramp(next, 7));
      next += 7;
      got.push(...left(ring.take(7)));
    }
    expect(got).toEqual(Array.from({ length: 280 }, (_, i) => i));
  });

  it('reassembles sample frames split across chunks', () => {
    const ring = new PcmRing();
    const data = ramp(100, 5);
    ring.push(data.subarray(0, 3));
    ring.push(data.subarray(3, 9));
    ring.push(data.subarray(9));
    expect(left(ring.take(5))).toEqual([100, 101, 102, 103, 104]);
  });

  it('reports the peak of what was taken in dBFS', () => {
    const ring = new PcmRing();
    const b = Buffer.alloc(8);
    b.writeInt16LE(16384, 0);
    b.writeInt16LE(-32768, 6);
    ring.push(b);
    ring.take(2);
    expect(ring.lastPeakDb).toBeCloseTo(0, 5);
    expect(peakDb(Buffer.from([0x00, 0x40]))).toBeCloseTo(-6.02, 1);
    expect(peakDb(Buffer.alloc(16))).toBe(SILENCE_DB);
  });

  it('counts its position in the stream across takes, skips and drops, from zero at clear()', () => {
    const ring = new PcmRing({ maxLatencyMs: 10 }); // 480 samples
    ring.push(ramp(0, 300));
    expect(ring.readPosition).toBe(0);
    ring.take(100);
    ring.skip(50);
    expect(ring.readPosition).toBe(150);
    expect(left(ring.take(2))).toEqual([150, 151]);
    ring.push(ramp(300, 400)); // 548 queued > 480: the oldest 68 are dropped
    expect(ring.receivedSamples).toBe(700);
    expect(ring.readPosition).toBe(220);
    expect(left(ring.take(1))).toEqual([220]);
    ring.skip(10_000);
    expect(ring.readPosition).toBe(700);
    ring.clear();
    expect([ring.receivedSamples, ring.readPosition]).toEqual([0, 0]);
  });

  it('starts a take with silence when asked, and takes only what follows it', () => {
    const ring = new PcmRing();
    ring.push(ramp(1, 10));
    expect(left(ring.take(5, 3))).toEqual([0, 0, 0, 1, 2]);
    expect(ring.readPosition).toBe(2);
    expect(left(ring.take(4, 9))).toEqual([0, 0, 0, 0]);
    expect(ring.readPosition).toBe(2);
  });
});
