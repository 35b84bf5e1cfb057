// ffmpeg 5.1's progress `fps` and `speed` are averages since the process started: a
// minute after a long-running encoder falls behind they have hardly moved, and just
// after a start they read low for a while because the start-up counts. An operator's
// health figure has to say how the encoder is doing now, so we derive both from the
// change of the frame count and output time over the last few seconds.
import type { FfmpegProgress } from './ffmpegOutput';

/** ffmpeg reports every half second while it works; this long without one, it is stuck. */
const SILENT_MS = 2000;

interface Sample {
  readonly atMs: number;
  readonly frame: number;
  readonly outTimeMs: number | null;
}

export interface Rate {
  /** Frames per second over the window. */
  readonly fps: number;
  /** Media time produced per wall-clock time (1.0 = real time); null without out_time. */
  readonly speed: number | null;
}

export class ProgressRate {
  private readonly samples: Sample[] = [];

  /** `windowMs`: how far back "now" reaches; ffmpeg reports every 0.5 s. */
  constructor(private readonly windowMs = 3000) {}

  push(progress: FfmpegProgress, atMs = Date.now()): void {
    if (progress.frame === null) return;
    this.samples.push({ atMs, frame: progress.frame, outTimeMs: progress.outTimeMs });
    // Keep one sample at or beyond the window's start, so the window is always full.
    while (this.samples.length > 2 && atMs - this.samples[1].atMs >= this.windowMs) this.samples.shift();
  }

  /**
   * The rate over the window; null until two reports at least half a second apart.
   * An ffmpeg that has reported nothing for two seconds is producing nothing: 0.
   */
  current(nowMs = Date.now()): Rate | null {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || last.atMs - first.atMs < 500) return null;
    if (nowMs - last.atMs > SILENT_MS) return { fps: 0, speed: last.outTimeMs === null ? null : 0 };
    const seconds = (last.atMs - first.atMs) / 1000;
    const speed = first.outTimeMs !== null && last.outTimeMs !== null ? (last.outTimeMs - first.outTimeMs) / 1000 / seconds : null;
    return { fps: (last.frame - first.frame) / seconds, speed };
  }

  reset(): void {
    this.samples.length = 0;
  }
}
