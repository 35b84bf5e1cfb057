// One SRT session: one supervised ffmpeg carrying our MPEG-TS to the destination
// (`-c copy` over libsrt), and the muxer state of that TS. A session starts at a
// keyframe (PAT/PMT first, from MpegTsWriter) once audio flows, and writes audio in
// step with video. SrtOutput owns the policy: when to open, drop, give up or retry.
import type { Logger } from '../../logger';
import type { AudioConfig, EncodedAudioFrame, EncodedVideoFrame, VideoConfig } from '../../media/packets';
import { MpegTsWriter } from '../../mux/mpegtsWriter';
import { FfmpegProcess, type ProcessExit } from '../../process/ffmpegProcess';

/** Audio held for video of its time at most this long (video stalled or dropped). */
const HELD_AUDIO_MS = 1000;

export interface SrtSessionOptions {
  /** Contains the passphrase and stream id: never log it. */
  readonly ffmpegUrl: string;
  readonly ffmpegPath: string;
  readonly logger: Logger;
  readonly video: VideoConfig;
  readonly audio: AudioConfig | null;
  /** Input time that TS time 0 stands for (SrtOutput's timeline origin). */
  readonly originMs: () => number;
  /** ffmpeg opened the SRT connection (its first progress report). */
  readonly onLive: () => void;
  readonly onExit: (exit: ProcessExit) => void;
  /** Bytes ffmpeg took from us, for the bitrate meter. */
  readonly onWritten: (bytes: number) => void;
  /** Past this many queued bytes, audio that is due is dropped rather than written. */
  readonly audioLimitBytes: () => number;
}

/**
 * ffmpeg as the SRT transport: our TS in on stdin, the same packets out (`-c copy`).
 * -copyts keeps our clock, so a receiver sees the programme's timeline across
 * sessions; -muxdelay/-muxpreload 0 avoid ffmpeg's ~1.2 s TS offset. ffmpeg reads a
 * TS input for the whole -analyzeduration (of stream time) before it connects, and
 * that much becomes the receiver's latency: 200 ms, enough for a keyframe and the
 * audio beside it (measured: live ~0.3 s after the session's first keyframe at
 * 640x360). The byte cap is high so that a large 4K keyframe does not end the probe
 * before any audio, which ffmpeg cannot recover from ("sample rate not set").
 */
export function srtTransportArgs(url: string): string[] {
  return [
    '-probesize', '5000000', '-analyzeduration', '200000', '-f', 'mpegts', '-i', 'pipe:0',
    '-map', '0', '-c', 'copy', '-copyts', '-max_interleave_delta', '500000',
    '-f', 'mpegts', '-muxdelay', '0', '-muxpreload', '0', url,
  ];
}

export class SrtSession {
  private readonly process: FfmpegProcess;
  private readonly writer: MpegTsWriter;
  private liveValue = false;
  private joiningValue = true;
  /**
   * Audio waiting for video of its time: the audio encoder runs ahead of the video
   * one, and ffmpeg's probe of a TS stops once either stream spans -analyzeduration,
   * possibly before the keyframe is complete.
   */
  private heldAudio: EncodedAudioFrame[] = [];
  /** DTS of the latest video frame (sent or dropped): audio up to it may go. */
  private videoClockMs = -Infinity;

  /** Throws MpegTsMuxError when the stream cannot be carried in MPEG-TS. */
  constructor(private readonly options: SrtSessionOptions) {
    this.writer = new MpegTsWriter({ video: options.video, audio: options.audio });
    this.process = new FfmpegProcess({
      role: 'srt ffmpeg',
      ffmpegPath: options.ffmpegPath,
      args: srtTransportArgs(options.ffmpegUrl),
      logger: options.logger,
      stdinIsMedia: true,
    });
  }

  /** ffmpeg has connected and is sending. */
  get live(): boolean {
    return this.liveValue;
  }

  /** Nothing written yet: waiting for a keyframe with audio beside it. */
  get joining(): boolean {
    return this.joiningValue;
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  /** Bytes written to ffmpeg's stdin that it has not taken yet. */
  get queuedBytes(): number {
    return this.process.state === 'running' ? this.process.stdin.writableLength : 0;
  }

  start(): void {
    this.process.onProgress(() => {
      if (this.liveValue) return;
      this.liveValue = true;
      this.options.onLive();
    });
    this.process.onExit((exit) => this.options.onExit(exit));
    this.process.start();
  }

  /** A keyframe with audio beside it can open the session; anything can follow. */
  canTake(frame: EncodedVideoFrame): boolean {
    return !this.joiningValue || (frame.keyframe && this.heldAudio.length > 0);
  }

  /** Audio waits for video of its time (and is dropped when due while ffmpeg's stdin is full). */
  audio(frame: EncodedAudioFrame): void {
    this.heldAudio.push(frame);
    // While joining, older audio is of no use.
    if (this.joiningValue) while (this.heldAudio[0]!.dtsMs < frame.dtsMs - HELD_AUDIO_MS) this.heldAudio.shift();
    else this.releaseAudio();
  }

  /** A video frame the output dropped still moves the clock that releases audio. */
  skipVideo(frame: EncodedVideoFrame): void {
    this.videoClockMs = frame.dtsMs;
    this.releaseAudio();
  }

  /** Writes one access unit; throws (writing nothing) on a malformed one. */
  video(frame: EncodedVideoFrame): void {
    const origin = this.options.originMs();
    const ts = this.writer.writeVideo({ ptsMs: frame.ptsMs - origin, dtsMs: frame.dtsMs - origin, keyframe: frame.keyframe, data: frame.data });
    this.write(ts);
    if (this.joiningValue) {
      this.joiningValue = false;
      this.heldAudio = this.heldAudio.filter((audio) => audio.dtsMs >= frame.dtsMs);
    }
    this.skipVideo(frame);
  }

  /** Ends the input; ffmpeg flushes and closes the connection (then SIGTERM, SIGKILL). */
  async stop(): Promise<void> {
    await this.process.stop({ graceMs: 1500 });
  }

  kill(): void {
    this.process.kill();
  }

  private releaseAudio(): void {
    const held = this.heldAudio;
    while (held.length > 0 && (held[0]!.dtsMs <= this.videoClockMs || held.at(-1)!.dtsMs - held[0]!.dtsMs > HELD_AUDIO_MS)) {
      const audio = held.shift()!;
      const dtsMs = audio.dtsMs - this.options.originMs();
      if (dtsMs >= 0 && this.queuedBytes <= this.options.audioLimitBytes()) this.write(this.writer.writeAudio({ dtsMs, data: audio.data }));
    }
  }

  private write(ts: Buffer): void {
    this.process.stdin.write(ts, (err) => {
      if (!err) this.options.onWritten(ts.length);
    });
  }
}
