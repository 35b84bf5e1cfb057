// Which audio a source's next ffmpeg asks for: the input's own ('input') or generated
// silence. ffmpeg cannot be told "the input's audio if it has any", so an input without
// audio costs one connection to learn that: ffmpeg says "matches no streams" and ends,
// and the same input runs again with silence. For an FLV feed the peek
// (feedAudioPeek.ts) usually learns it within half a second, long before ffmpeg's probe
// gives up; the worker then ends that first process at once.
import type { SourceSpec } from '../../../shared/model';
import { peekFeedAudio } from './feedAudioPeek';
import { isFlvFeed, type AudioMode } from './sourceArgs';

export class InputAudioChoice {
  private modeValue: AudioMode = 'input';
  /** The current process's input has no audio stream to map. */
  private lacksAudio = false;
  private peek: AbortController | null = null;

  constructor(private readonly spec: SourceSpec) {}

  get mode(): AudioMode {
    return this.modeValue;
  }

  /** Whether the source has sound of its own, as far as is known (before the first connection: yes). */
  get hasAudio(): boolean {
    const spec = this.spec;
    if (spec.kind === 'testPattern') return spec.toneHz > 0;
    if (spec.kind === 'captureDevice' && !spec.audioDevice && spec.backend !== 'decklink') return false;
    return this.modeValue === 'input';
  }

  /**
   * A process is starting with `mode`. For an FLV feed asking for its input's audio, a
   * peek runs beside it; `onNoAudio` is called if the feed turns out to have none.
   */
  processStarting(onNoAudio: () => void): void {
    this.stopPeek();
    this.lacksAudio = false;
    if (this.spec.kind !== 'networkFeed' || this.modeValue !== 'input' || !isFlvFeed(this.spec.url)) return;
    const peek = new AbortController();
    this.peek = peek;
    void peekFeedAudio(this.spec.url, peek.signal).then((audio) => {
      if (this.peek !== peek) return;
      this.peek = null;
      if (audio !== 'noAudio') return;
      this.lacksAudio = true;
      onNoAudio();
    });
  }

  /** One line of the process's log. */
  noteLog(text: string): void {
    if (/:a(:\d+)?\W.*matches no streams/.test(text)) this.lacksAudio = true;
  }

  /**
   * The process ended having delivered `frames` frames. True: its input has no audio;
   * run it again at once with silence (until the operator restarts the source).
   */
  processEnded(frames: number): boolean {
    this.stopPeek();
    if (this.modeValue === 'input' && frames === 0 && this.lacksAudio) {
      this.modeValue = 'silence';
      return true;
    }
    // A remote encoder that comes back may carry audio again: a lost feed, or a silent
    // retry that showed nothing (its brief probe may have seen only audio), asks for the
    // input's audio on the next connection rather than staying silent for the show.
    if (this.spec.kind === 'networkFeed') this.modeValue = 'input';
    return false;
  }

  /** The operator restarted the source: ask for the input's audio again. */
  reset(): void {
    this.stopPeek();
    this.modeValue = 'input';
  }

  stopPeek(): void {
    this.peek?.abort();
    this.peek = null;
  }
}
