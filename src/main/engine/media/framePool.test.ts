import { describe, expect, it } from 'vitest';
import { FramePool, releaseFrame, retainFrame } from './framePool';

describe('FramePool', () => {
  it('reuses a buffer only after every holder let go', () => {
    const pool = new FramePool(16);
    const a = pool.acquire();
    retainFrame(a); // queued to the encoder too
    releaseFrame(a); // the source moved on to a newer frame
    const b = pool.acquire();
    expect(b).not.toBe(a);
    releaseFrame(a); // the encoder finished writing it
    expect(pool.acquire()).toBe(a);
    expect(pool.inUse).toBe(2);
  });

  it('ignores buffers it does not own and double releases', () => {
    const pool = new FramePool(8);
    const foreign = Buffer.alloc(8);
    retainFrame(foreign);
    releaseFrame(foreign);
    const a = pool.acquire();
    releaseFrame(a);
    releaseFrame(a);
    expect(pool.inUse).toBe(0);
  });

  it('keeps a bounded number of free buffers', () => {
    const pool = new FramePool(8, 2);
    const all = [pool.acquire(), pool.acquire(), pool.acquire()];
    all.forEach(releaseFrame);
    const again = [pool.acquire(), pool.acquire(), pool.acquire()];
    expect(again.filter((b) => all.includes(b)).length).toBe(2);
  });
});
