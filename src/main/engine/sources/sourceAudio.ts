// A source's audio on its way to the programme: the PCM queue the programme clock takes
// one tick's worth from, and the level meter the multiview shows. The meter follows
// what arrives, whether or not the programme takes it, so an off-air microphone still
// shows that it is live.
import { AUDIO_CHANNELS, AUDIO_RATE } from '../media/rawFormat';
import { PcmRing, SILENCE_DB, peakDb } from './pcmRing';

/** The meter shows the loudest peak of each window this long. */
const LEVEL_WINDOW_MS = 250;

/** Most audio a source may have queued: more is dropped, oldest first. */
const MAX_QUEUED_MS = 250;
/** How long sound may stay a tick off its picture before it is lined up again (takeFrom). */
const SETTLE_MS = 2000;

export class SourceAudio {
  private readonly ring: PcmRing;
  private levelDb = SILENCE_DB;
  private windowPeak = SILENCE_DB;
  private windowStart = 0;
  /** Samples taken since the sound went half a tick or more off its picture. */
  private offSamples = 0;
  /** Putting the sound back on its frame (takeFrom), until it is there. */
  private liningUp = false;

  /**
   * `leadMs`: audio that may be queued on purpose, on top of the usual bound (a paced
   * media file reads ahead; a remote feed's sound may come ahead of its picture).
   */
  constructor(leadMs = 0) {
    this.ring = new PcmRing({ sampleRate: AUDIO_RATE, channels: AUDIO_CHANNELS, maxLatencyMs: MAX_QUEUED_MS + leadMs });
  }

  /** PCM from the source's ffmpeg; `now` on performance.now()'s clock. */
  push(chunk: Buffer, now: number): void {
    this.ring.push(chunk);
    this.windowPeak = Math.max(this.windowPeak, peakDb(chunk));
    if (now - this.windowStart >= LEVEL_WINDOW_MS) {
      this.levelDb = this.windowPeak;
      this.windowPeak = SILENCE_DB;
      this.windowStart = now;
    }
  }

  /**
   * One tick's samples; silence while the source has no signal, emptying the queue
   * unless `keepQueued` (a stream whose first picture is still to come).
   */
  take(samplesPerChannel: number, hasSignal: boolean, keepQueued = false): { pcm: Buffer; peakDb: number } {
    if (!hasSignal) {
      if (!keepQueued) this.ring.skip(this.ring.queuedSamples);
      return { pcm: Buffer.alloc(Math.max(0, Math.floor(samplesPerChannel)) * 2 * AUDIO_CHANNELS), peakDb: SILENCE_DB };
    }
    const pcm = this.ring.take(samplesPerChannel);
    return { pcm, peakDb: this.ring.lastPeakDb };
  }

  /** Samples per channel received from the current process. */
  get receivedSamples(): number {
    return this.ring.receivedSamples;
  }

  /**
   * One tick's samples starting at `fromSample` of the stream (the sound of the frame
   * on the picture). A picture that repeats or skips one frame (jitter; the next step
   * usually undoes it) leaves the sound going on, a tick off; more than a tick off, or
   * off for SETTLE_MS, it is lined up again: sound behind is skipped, and sound ahead
   * waits while silence plays, as the picture holds.
   */
  takeFrom(fromSample: number, samplesPerChannel: number, hasSignal: boolean): { pcm: Buffer; peakDb: number } {
    if (!hasSignal) return this.take(samplesPerChannel, false);
    const ahead = this.ring.readPosition - fromSample;
    const off = Math.abs(ahead) >= samplesPerChannel / 2;
    this.offSamples = off ? this.offSamples + samplesPerChannel : 0;
    // Once lining up has begun, it goes on until the sound is on its frame: sound ahead
    // of a picture held for several ticks gets silence for all of them, not all but one.
    this.liningUp = off && (this.liningUp || Math.abs(ahead) > samplesPerChannel || this.offSamples >= (SETTLE_MS * AUDIO_RATE) / 1000);
    let silenceFirst = 0;
    if (this.liningUp) {
      this.offSamples = 0;
      if (ahead < 0) this.ring.skip(-ahead);
      else silenceFirst = ahead;
      // Done, unless more silence is owed than this tick holds, or the sound to skip has not all come.
      this.liningUp = ahead > samplesPerChannel || this.ring.readPosition < fromSample;
    }
    const pcm = this.ring.take(samplesPerChannel, silenceFirst);
    return { pcm, peakDb: this.ring.lastPeakDb };
  }

  /** The meter's reading, dBFS to a tenth; silence once nothing has arrived for two windows. */
  level(now: number, hasSignal: boolean): number {
    const level = hasSignal && now - this.windowStart <= 2 * LEVEL_WINDOW_MS ? this.levelDb : SILENCE_DB;
    return Math.round(level * 10) / 10;
  }

  /** A new process: forget audio queued from the old one. */
  clear(): void {
    this.offSamples = 0;
    this.liningUp = false;
    this.ring.clear();
  }
}
