// Fade to black (FTB), the last stage of the programme as on a hardware switcher: it
// takes everything on air (cameras, layouts, transitions and graphics) to black and
// the sound to silence, over a set number of frames, and back again. Used to open and
// close a show and for breaks. The buses go on underneath: a cut made while black is
// what the fade back up reveals.
import { mixPcm } from './audioOps';
import { blend } from './frameOps';

interface Fade {
  /** Black level (0 = picture, 1 = black) when the fade started, and where it goes. */
  readonly fromLevel: number;
  readonly toLevel: 0 | 1;
  readonly startFrame: number;
  readonly endFrame: number;
}

export class FadeToBlack {
  private fade: Fade | null = null;
  /** The level once the fade (if any) is over. */
  private settled: 0 | 1 = 0;

  /** True when black is where the programme is or is going. */
  get towardBlack(): boolean {
    return (this.fade?.toLevel ?? this.settled) === 1;
  }

  /**
   * Starts a fade from `frame` to the other side: down to black, or back up. Pressed
   * during a fade, it turns round from the level reached, as the button on a desk does.
   */
  toggle(frame: number, frames: number): { toBlack: boolean; startFrame: number; endFrame: number } {
    const fromLevel = this.levelOn(frame);
    const toLevel: 0 | 1 = this.towardBlack ? 0 : 1;
    // A fade turned round part way takes only the part of the time it has left to go.
    const length = Math.max(1, Math.round(frames * Math.abs(toLevel - fromLevel)));
    this.fade = { fromLevel, toLevel, startFrame: frame, endFrame: frame + length };
    return { toBlack: toLevel === 1, startFrame: frame, endFrame: frame + length };
  }

  /** 0 (picture) … 1 (black) on programme frame `frame`. */
  levelOn(frame: number): number {
    const f = this.fade;
    if (!f) return this.settled;
    if (frame >= f.endFrame) return f.toLevel;
    const p = Math.max(0, (frame - f.startFrame) / (f.endFrame - f.startFrame));
    return f.fromLevel + (f.toLevel - f.fromLevel) * p;
  }

  /** Settles a fade that is over by `frame`; true when that happened now. */
  finishIfDue(frame: number): boolean {
    if (!this.fade || frame < this.fade.endFrame) return false;
    this.settled = this.fade.toLevel;
    this.fade = null;
    return true;
  }

  /** 0..1 progress while fading, else null. */
  progress(frame: number): number | null {
    const f = this.fade;
    if (!f) return null;
    return Math.min(1, Math.max(0, (frame - f.startFrame) / (f.endFrame - f.startFrame)));
  }

  /** The programme's picture and sound on `frame` after the fade stage. */
  apply(frame: number, video: Buffer, audio: Buffer, black: Buffer): { video: Buffer; audio: Buffer } {
    const level = this.levelOn(frame);
    if (level <= 0) return { video, audio };
    if (level >= 1) return { video: black, audio: Buffer.alloc(audio.length) };
    return { video: blend(video, black, level), audio: mixPcm(audio, Buffer.alloc(audio.length), level) };
  }
}
