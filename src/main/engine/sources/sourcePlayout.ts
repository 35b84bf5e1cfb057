// What the programme takes from one source, tick by tick: the frame scheduled for the
// tick (frameSync.ts) and the sound that goes with it. Frames and PCM arrive from the
// source's process as fast as it writes them; how they are kept in step depends on the
// kind of source:
//   - a paced source (a media file, an HLS feed): its pacer gives frames their times at
//     the canvas rate, reading a little ahead (mediaPacer.ts);
//   - a remote feed or a media file with its own sound (paced or not): each frame
//     waits for its sound, and each tick takes the sound of the frame it shows
//     (lipSync.ts), so a pacer that falls behind real time keeps its sound with it;
//   - everything else (test patterns, capture devices, a feed's generated silence):
//     sound and picture as they come.
// Frames reach the frame synchroniser a little before their time (handOnAheadMs), so
// the tick that shows a frame never depends on one of our timers firing on time.
import type { CanvasSettings, SourceSpec } from '../../../shared/model';
import { releaseFrame } from '../media/framePool';
import { AUDIO_RATE } from '../media/rawFormat';
import { FrameSync, handOnAheadMs } from './frameSync';
import { LipSync, MAX_SOUND_WAIT_MS } from './lipSync';
import { AUDIO_AHEAD_MS } from './mediaPacer';
import { pacedByMain } from './sourceArgs';
import { SourceAudio } from './sourceAudio';

export class SourcePlayout {
  private readonly paced: boolean;
  private readonly samplesPerFrame: number;
  private readonly frames: FrameSync<Buffer>;
  private readonly audio: SourceAudio;
  /** A feed's or a file's frames wait here for their sound (null: other kinds). */
  private readonly lipSync: LipSync<Buffer> | null;
  /** Whether the current stream's sound is the input's own (not generated silence). */
  private ownSound = false;
  private framesThisStream = 0;

  /** `now`: the clock frames and sound are timed on (performance.now(); a test's fake one). */
  constructor(spec: SourceSpec, canvas: CanvasSettings, onSoundGivenUp: (message: string) => void, now?: () => number) {
    const periodMs = 1000 / canvas.fps;
    this.paced = pacedByMain(spec);
    const timed = spec.kind === 'networkFeed' || spec.kind === 'mediaFile';
    this.samplesPerFrame = AUDIO_RATE / canvas.fps;
    // Their sound may come ahead of its picture by as much as the other way round, and a
    // paced source's runs ahead on purpose.
    this.audio = new SourceAudio(timed ? 2 * MAX_SOUND_WAIT_MS + AUDIO_AHEAD_MS : 0);
    this.frames = new FrameSync({ periodMs, release: releaseFrame });
    this.lipSync = timed
      ? new LipSync<Buffer>({
          periodMs,
          samplesPerFrame: this.samplesPerFrame,
          aheadMs: handOnAheadMs(periodMs),
          now,
          pass: (frame, arrivedAt) => {
            this.frames.setExtraDelay(this.lipSync!.currentHoldMs);
            this.frames.push(frame, arrivedAt);
          },
          release: releaseFrame,
          onGiveUp: () => onSoundGivenUp(`its sound comes more than ${MAX_SOUND_WAIT_MS} ms after its picture; playing the sound as it comes`),
        })
      : null;
  }

  /**
   * A new process: a new stream. Sound and held frames of the old one are dropped; its
   * last picture stays until the new one's first frame.
   */
  newStream(ownSound: boolean): void {
    this.ownSound = ownSound;
    this.framesThisStream = 0;
    this.audio.clear();
    this.lipSync?.reset();
  }

  /**
   * A whole frame from the process; ownership passes here. `at` on performance.now()'s
   * clock: when it came, or a paced source's frame's time (up to handOnAheadMs ahead).
   */
  video(frame: Buffer, at: number): void {
    // Frame numbers start again with the stream.
    if (this.framesThisStream++ === 0) this.frames.reset();
    if (this.lipSync && this.ownSound) this.lipSync.video(frame, at);
    else this.frames.push(frame, at);
  }

  sound(chunk: Buffer, now: number): void {
    this.audio.push(chunk, now);
    this.lipSync?.sound(this.audio.receivedSamples);
  }

  /** The frame for the tick due at `dueAt`; without one, the newest. Null before the first. */
  frameFor(dueAt?: number): Buffer | null {
    return dueAt === undefined ? this.frames.latest() : this.frames.frameAt(dueAt);
  }

  /** One tick's sound: a feed's or a file's is that of the frame frameFor(dueAt) shows; others', what came next. */
  takeAudio(samplesPerChannel: number, dueAt: number | undefined, hasSignal: boolean): { pcm: Buffer; peakDb: number } {
    if (this.lipSync?.aligned && this.ownSound) {
      const index = this.frames.indexAt(dueAt ?? Infinity);
      if (index !== null) return this.audio.takeFrom(index * this.samplesPerFrame, samplesPerChannel, hasSignal);
    }
    // A paced source's sound from before its first picture is the start of the same
    // stream: kept, so sound and picture start together.
    return this.audio.take(samplesPerChannel, hasSignal, this.paced && this.framesThisStream === 0);
  }

  /** The level meter's reading (SourceAudio.level). */
  level(now: number, hasSignal: boolean): number {
    return this.audio.level(now, hasSignal);
  }

  /** The source is gone: every frame back to its pool. */
  dispose(): void {
    this.lipSync?.reset();
    this.frames.reset();
  }
}
