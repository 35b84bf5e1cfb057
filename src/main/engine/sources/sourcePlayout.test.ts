// The playout chain with a fake clock, as a media file and a remote feed use it: the
// pacer or the lip-sync hold hands frames to the frame synchroniser, and a programme
// tick asks for its frame. A tick can run before the timers that were due just ahead of
// it (the event loop was busy: 18 ms seen beside a 1080p encode); it must still find its
// frame there, or the programme repeats one.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CanvasSettings, SourceSpec } from '../../../shared/model';
import { MediaPacer } from './mediaPacer';
import { handOnAheadMs } from './frameSync';
import { SourcePlayout } from './sourcePlayout';

const canvas: CanvasSettings = { width: 320, height: 180, fps: 25 };
const PERIOD = 1000 / canvas.fps;
const SAMPLES = 48_000 / canvas.fps;
const file: SourceSpec = { kind: 'mediaFile', name: 'Clip', path: '/clip.mp4' };
const feed: SourceSpec = { kind: 'networkFeed', name: 'Farm', url: 'srt://127.0.0.1:9000' };

/** A distinct one-byte frame per index, so the test can tell which one a tick shows. */
const frame = (i: number): Buffer => Buffer.from([i % 256]);
/** `frames` frames' worth of stereo s16le silence. */
const sound = (frames: number): Buffer => Buffer.alloc(frames * SAMPLES * 4);

describe('SourcePlayout', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it("gives a media file's tick its frame even when the tick runs before the pacer's timer", () => {
    const playout = new SourcePlayout(file, canvas, () => {}, () => Date.now());
    playout.newStream(true);
    const pacer = new MediaPacer<Buffer>({
      periodMs: PERIOD,
      aheadMs: handOnAheadMs(PERIOD),
      deliver: (f, dueAt) => playout.video(f, dueAt),
      release: () => {},
      pauseReading: () => {},
      resumeReading: () => {},
      now: () => Date.now(),
    });
    // ffmpeg reads ahead: the sound of 60 frames and the first frames, at once.
    playout.sound(sound(60), 0);
    let read = 0;
    const readAhead = () => {
      while (read < 60 && read * PERIOD < Date.now() + 150) pacer.push(frame(read++));
    };
    readAhead();
    // Ticks 10 ms after each frame's time. Before tick k, the clock is run only to
    // 12 ms before the tick: every timer due in those last 12 ms (the pacer's frame k
    // among them) has not fired, as when the event loop was busy until the tick.
    const shown: number[] = [];
    for (let k = 1; k < 50; k++) {
      const due = k * PERIOD + 10;
      vi.advanceTimersByTime(due - 12 - Date.now());
      readAhead();
      shown.push(playout.frameFor(due)![0]);
      vi.advanceTimersByTime(12);
    }
    expect(shown).toEqual(Array.from({ length: 49 }, (_, i) => i + 1));
  });

  it("gives a remote feed's tick its frame when the lip-sync hold's timer has not fired yet", () => {
    const playout = new SourcePlayout(feed, canvas, () => {}, () => Date.now());
    playout.newStream(true);
    // Frames come on time. The sound of the first ten comes 20 ms after each frame, the
    // rest 5 ms after: for the next two seconds every frame is held 20 ms, by a timer
    // due 15 ms after its sound. Each tick is due 25 ms after its frame came and runs
    // with the clock only at 17 ms, before that timer.
    const shown: number[] = [];
    for (let k = 0; k < 50; k++) {
      vi.advanceTimersByTime(k * PERIOD - Date.now());
      playout.video(frame(k), Date.now());
      vi.advanceTimersByTime(k < 10 ? 20 : 5);
      playout.sound(sound(1), Date.now());
      if (k < 12) continue;
      vi.advanceTimersByTime(k * PERIOD + 17 - Date.now());
      shown.push(playout.frameFor(k * PERIOD + 25)![0]);
    }
    expect(shown).toEqual(Array.from({ length: 38 }, (_, i) => i + 12));
  });
});
