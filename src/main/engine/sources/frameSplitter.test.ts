import { describe, expect, it } from 'vitest';
import { FrameSplitter } from './frameSplitter';

/** n frames of `size` bytes; every byte of frame k is k+1. */
function stream(frames: number, size: number): Buffer {
  const b = Buffer.alloc(frames * size);
  for (let k = 0; k < frames; k++) b.fill(k + 1, k * size, (k + 1) * size);
  return b;
}

function chunked(data: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  for (let i = 0; at < data.length; i++) {
    const n = sizes[i % sizes.length];
    out.push(data.subarray(at, at + n));
    at += n;
  }
  return out;
}

describe('FrameSplitter', () => {
  it.each([
    ['one chunk per frame', [6]],
    ['chunks smaller than a frame', [4]],
    ['chunks larger than a frame', [13]],
    ['ragged chunks', [1, 7, 2, 11, 5, 6]],
    ['single bytes', [1]],
  ])('emits whole frames in order with %s', (_name, sizes) => {
    const data = stream(10, 6);
    const splitter = new FrameSplitter(6);
    const frames = chunked(data, sizes).flatMap((c) => splitter.push(c));
    expect(frames).toHaveLength(10);
    frames.forEach((f, k) => expect([...f]).toEqual(new Array(6).fill(k + 1)));
    expect(splitter.pendingBytes).toBe(0);
  });

  it('hands out slices (no copy) when a frame lies inside one chunk', () => {
    const chunk = stream(2, 6);
    const [a, b] = new FrameSplitter(6).push(chunk);
    expect(a.buffer).toBe(chunk.buffer);
    expect(b.byteOffset - a.byteOffset).toBe(6);
  });

  it('never overwrites a frame it handed out', () => {
    const splitter = new FrameSplitter(6);
    const data = stream(5, 6);
    const frames: Buffer[] = [];
    for (const c of chunked(data, [4])) frames.push(...splitter.push(Buffer.from(c)));
    const snapshot = frames.map((f) => Buffer.from(f));
    // More input after the frames were taken must leave them as they were.
    splitter.push(Buffer.alloc(20, 0xee));
    frames.forEach((f, k) => expect(f.equals(snapshot[k])).toBe(true));
    // Assembled frames own distinct memory (small ones may share Node's pool slab).
    const ranges = frames.map((f) => [f.buffer, f.byteOffset] as const);
    expect(new Set(ranges.map(([b, o]) => `${o}:${frames.findIndex((g) => g.buffer === b)}`)).size).toBe(frames.length);
  });

  it('drops a half frame on reset', () => {
    const splitter = new FrameSplitter(6);
    splitter.push(Buffer.alloc(4, 9));
    splitter.reset();
    const [frame] = splitter.push(stream(1, 6));
    expect([...frame]).toEqual(new Array(6).fill(1));
  });

  it('rejects a nonsensical frame size', () => {
    expect(() => new FrameSplitter(0)).toThrow();
    expect(() => new FrameSplitter(1.5)).toThrow();
  });
});
