import { describe, expect, it } from 'vitest';
import type { FfmpegProgress } from './ffmpegOutput';
import { ProgressRate } from './progressRate';

function report(frame: number, outTimeMs: number | null, cumulativeFps = 0): FfmpegProgress {
  return { type: 'progress', frame, fps: cumulativeFps, speed: 1, bitrateKbps: null, outTimeMs, dropFrames: 0, dupFrames: 0, state: 'continue' };
}

describe('ProgressRate', () => {
  it('has no figure before two reports half a second apart', () => {
    const rate = new ProgressRate();
    expect(rate.current(0)).toBeNull();
    rate.push(report(0, 0), 0);
    rate.push(report(6, 200), 200);
    expect(rate.current(200)).toBeNull();
  });

  it('reads real time for an encoder keeping up, whatever its start-up cost', () => {
    const rate = new ProgressRate(3000);
    // Started two seconds late: ffmpeg's own averages would say ~0.6x for a while.
    for (let t = 0; t <= 10_000; t += 500) rate.push(report(30 * (t / 1000), t), 2000 + t);
    const now = rate.current(12_000)!;
    expect(now.fps).toBeCloseTo(30, 5);
    expect(now.speed).toBeCloseTo(1, 5);
  });

  it('shows a slowdown within the window, not diluted by the hour before it', () => {
    const rate = new ProgressRate(3000);
    let frame = 0;
    let t = 0;
    for (; t < 3_600_000; t += 500) rate.push(report((frame += 15), t * 1), t); // an hour at 30 fps
    for (const end = t + 4000; t < end; t += 500) rate.push(report((frame += 10), (frame * 1000) / 30), t); // 20 fps now
    const now = rate.current(t - 500)!;
    expect(now.fps).toBeCloseTo(20, 5);
    expect(now.speed).toBeCloseTo(20 / 30, 5);
  });

  it('reads zero when ffmpeg has stopped reporting', () => {
    const rate = new ProgressRate();
    for (let t = 0; t <= 2000; t += 500) rate.push(report(t / 33, t), t);
    expect(rate.current(2500)!.fps).toBeGreaterThan(0);
    expect(rate.current(4500)).toEqual({ fps: 0, speed: 0 });
  });

  it('gives no speed when ffmpeg gives no output time', () => {
    const rate = new ProgressRate();
    rate.push(report(0, null), 0);
    rate.push(report(30, null), 1000);
    expect(rate.current(1000)).toEqual({ fps: 30, speed: null });
  });
});
