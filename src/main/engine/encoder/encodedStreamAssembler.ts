// Joins the coded video and audio of the programme, which come from separate encoder
// processes and parsers, into one EncodedStreamSink stream: one onConfig once both
// configurations are known (again when either changes), then frames. Frames that
// arrive before the other stream's configuration are held, not dropped: losing the
// first keyframe would leave viewers waiting a whole GOP.
import type { AudioConfig, EncodedFrame, EncodedStreamSink, VideoConfig } from '../media/packets';

/** About 4 s of video and audio at 30 fps: more means a configuration is not coming. */
const MAX_HELD = 300;

export class EncodedStreamAssembler {
  private video: VideoConfig | null = null;
  private audio: AudioConfig | null = null;
  private announced = false;
  private held: EncodedFrame[] = [];
  private droppedWhileWaiting = 0;

  constructor(private readonly sink: EncodedStreamSink) {}

  get heldDropped(): number {
    return this.droppedWhileWaiting;
  }

  setVideo(config: VideoConfig): void {
    if (this.video && sameVideo(this.video, config)) return;
    this.video = config;
    this.announce();
  }

  setAudio(config: AudioConfig): void {
    if (this.audio && this.audio.audioSpecificConfig.equals(config.audioSpecificConfig)) return;
    this.audio = config;
    this.announce();
  }

  frame(frame: EncodedFrame): void {
    if (this.announced) {
      this.sink.onFrame(frame);
      return;
    }
    this.held.push(frame);
    if (this.held.length > MAX_HELD) {
      this.held.shift();
      this.droppedWhileWaiting++;
    }
  }

  private announce(): void {
    if (!this.video || !this.audio) return;
    this.sink.onConfig(this.video, this.audio);
    this.announced = true;
    const held = this.held;
    this.held = [];
    for (const f of held) this.sink.onFrame(f);
  }
}

function sameVideo(a: VideoConfig, b: VideoConfig): boolean {
  return a.codec === b.codec && a.width === b.width && a.height === b.height && a.decoderConfig.equals(b.decoderConfig);
}
