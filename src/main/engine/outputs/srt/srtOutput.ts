// Pushes the programme to one SRT destination. We mux MPEG-TS ourselves (so the mux
// stage's SEI rides in every access unit byte for byte) and let one supervised ffmpeg
// per session carry it over libsrt (`-c copy`, no re-encode). Like RtmpPublisher it
// owns reconnecting (a new ffmpeg after backoff, starting at a keyframe with PAT/PMT),
// backpressure (drop non-key video rather than buffer without bound), a timeline that
// stays monotonic across sessions, and errors that name the destination and never
// contain the passphrase or stream id (STYLE.md rule 10).
import type { Logger } from '../../logger';
import type { AudioConfig, EncodedFrame, EncodedStreamSink, VideoConfig } from '../../media/packets';
import type { ProcessExit } from '../../process/ffmpegProcess';
import { formatDelay, redactAll, redactingLogger } from '../../redact';
import { BitrateMeter } from '../bitrateMeter';
import type { OutputState, OutputStats } from '../outputStats';
import { ReconnectBackoff, type BackoffSettings } from '../rtmp/reconnectBackoff';
import { SrtSession } from './srtSession';
import { parseSrtUrl, SrtUrlError, type SrtTarget } from './srtUrl';

export interface SrtOutputOptions {
  /** The destination's name as the operator sees it ("Douyin SRT"). */
  readonly name: string;
  /** srt://host:port[?options], options as ffmpeg's libsrt reads them (latency in µs). */
  readonly url: string;
  /** Sent as the SRT stream id (where platforms put the stream key); a secret. */
  readonly streamKey?: string;
  readonly logger: Logger;
  readonly reconnect?: BackoffSettings;
  /** ffmpeg with libsrt (default: `ffmpeg` on PATH). */
  readonly ffmpegPath?: string;
  /** A session not sending this long after its first keyframe is restarted (default 10 s). */
  readonly connectTimeoutMs?: number;
  /** ffmpeg taking nothing from a full pipe for this long counts as a lost link (default 10 s). */
  readonly stallTimeoutMs?: number;
}

const DEFAULT_BACKOFF: BackoffSettings = { initialDelayMs: 1000, maxDelayMs: 30_000 };
// Backpressure as in RtmpPublisher: ~2 s of the configured bitrate queued in
// ffmpeg's stdin, at least 1 MB, before non-key video is dropped; audio at twice that.
const SOFT_LIMIT_SECONDS = 2;
const MIN_SOFT_LIMIT = 1024 * 1024;
/**
 * Our TS clock starts this long after the origin, so audio that precedes the first
 * video frame (AAC priming, ~21 ms) and B-frame DTS never go below zero.
 */
const TS_TIME_LEAD_MS = 1000;

export class SrtOutput implements EncodedStreamSink {
  private readonly log: Logger;
  private readonly target: SrtTarget | null;
  private readonly urlError: string | null;
  private readonly secrets: readonly string[];
  private readonly backoff: ReconnectBackoff;
  private readonly meter = new BitrateMeter();
  private readonly stateListeners = new Set<(state: OutputState) => void>();
  private stateValue: OutputState = 'idle';
  private session: SrtSession | null = null;
  private connectTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private running = false;
  private video: VideoConfig | null = null;
  private audio: AudioConfig | null = null;
  private baseMs: number | null = null;
  private waitForKeyframe = true;
  private dropped = 0;
  private reconnectCount = 0;
  private lastErrorText: string | null = null;
  private stalledSince: number | null = null;

  constructor(private readonly options: SrtOutputOptions) {
    let target: SrtTarget | null = null;
    let urlError: string | null = null;
    try {
      target = parseSrtUrl(options.url, { streamKey: options.streamKey });
    } catch (err) {
      if (!(err instanceof SrtUrlError)) throw err;
      urlError = err.message;
    }
    this.target = target;
    this.urlError = urlError;
    this.secrets = [...(target?.secrets ?? []), ...(options.streamKey ? [options.streamKey] : [])];
    this.log = redactingLogger(options.logger.child(`srt ${options.name}`), this.secrets);
    this.backoff = new ReconnectBackoff(options.reconnect ?? DEFAULT_BACKOFF);
  }

  get state(): OutputState {
    return this.stateValue;
  }

  /**
   * The input dtsMs that the TS clock counts from, or null before the first frame
   * after start(): TS time = input time − origin (the first frame sits at 1 s), across sessions.
   */
  get timelineOriginMs(): number | null {
    return this.baseMs;
  }

  /** The current session's ffmpeg, for CPU accounting. */
  get pid(): number | undefined {
    return this.session?.pid;
  }

  onState(cb: (state: OutputState) => void): () => void {
    this.stateListeners.add(cb);
    return () => this.stateListeners.delete(cb);
  }

  stats(): OutputStats {
    return {
      state: this.stateValue,
      bitrateKbps: this.meter.kbps(),
      droppedFrames: this.dropped,
      reconnects: this.reconnectCount,
      lastError: this.lastErrorText,
      bytesSent: this.meter.totalBytes,
      queuedBytes: this.queuedBytes(),
    };
  }

  /** Connects (once the stream's configuration is known), and keeps reconnecting until stop(). */
  start(): void {
    if (this.running) return;
    if (!this.target) {
      this.reportError(`bad server URL: ${this.urlError}`);
      this.setState('error');
      return;
    }
    this.running = true;
    this.lastErrorText = null;
    this.baseMs = null;
    this.dropped = 0;
    this.reconnectCount = 0;
    this.backoff.reset();
    if (this.video && !this.refuseCodec(this.video)) return;
    if (this.video && this.audio) this.openSession('connecting');
    else this.setState('connecting');
  }

  /** Ends the session (ffmpeg flushes and closes the connection) and stops reconnecting. */
  async stop(): Promise<void> {
    if (!this.running) {
      if (this.stateValue === 'error') this.setState('idle');
      return;
    }
    this.running = false;
    this.setState('stopping');
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    await this.endSession();
    this.setState('idle');
  }

  onConfig(video: VideoConfig, audio: AudioConfig): void {
    const changed = !this.video || !sameConfig(this.video, this.audio, video, audio);
    this.video = video;
    this.audio = audio;
    if (!this.running || !this.refuseCodec(video)) return;
    if (this.session && changed) {
      // A TS cannot change codec or parameter sets mid-stream under `-c copy`: new session.
      void this.endSession();
      this.openSession('reconnecting');
    } else if (!this.session && !this.retryTimer) {
      this.openSession(this.stateValue === 'live' ? 'reconnecting' : 'connecting');
    }
  }

  onFrame(frame: EncodedFrame): void {
    const session = this.session;
    if (!session || !this.video) return;
    this.baseMs ??= frame.dtsMs - TS_TIME_LEAD_MS;
    const pending = session.queuedBytes;
    const soft = this.softLimit();
    if (pending > 2 * soft) {
      const now = Date.now();
      this.stalledSince ??= now;
      if (now - this.stalledSince > (this.options.stallTimeoutMs ?? 10_000)) {
        this.loseSession(session, `ffmpeg stopped taking data for ${formatDelay(now - this.stalledSince)}`);
        return;
      }
    } else {
      this.stalledSince = null;
    }
    if (frame.type === 'audio') {
      session.audio(frame);
      return;
    }
    // ffmpeg's probe of our TS must see audio beside the first keyframe, or it cannot
    // set up the audio stream and gives up: a session opens at a keyframe once audio flows.
    if (!session.canTake(frame)) return;
    const joining = session.joining;
    // Once a frame is gone its dependants are undecodable: drop until the next
    // keyframe. Every video frame lost to backpressure, and its dependants, counts.
    if ((this.waitForKeyframe && !frame.keyframe) || pending > 2 * soft || (pending > soft && !frame.keyframe)) {
      this.dropped++;
      this.waitForKeyframe = true;
      session.skipVideo(frame);
      return;
    }
    try {
      session.video(frame);
    } catch (err) {
      // A malformed access unit: skip it and what depends on it, keep the session.
      this.log.warn(`access unit of frame ${frame.frame} not sent: ${(err as Error).message}`);
      this.dropped++;
      this.waitForKeyframe = true;
      session.skipVideo(frame);
      return;
    }
    this.waitForKeyframe = false;
    if (joining) this.startConnectTimer(session);
  }

  /** ffmpeg connects once it has probed the first keyframe: from then on, it has this long. */
  private startConnectTimer(session: SrtSession): void {
    const timeout = this.options.connectTimeoutMs ?? 10_000;
    this.connectTimer = setTimeout(() => {
      this.connectTimer = null;
      if (this.session === session && !session.live) this.loseSession(session, `no connection to ${this.target!.displayUrl} within ${formatDelay(timeout)}`);
    }, timeout);
  }

  private queuedBytes(): number {
    return this.session?.queuedBytes ?? 0;
  }

  private softLimit(): number {
    const kbps = (this.video?.bitrateKbps ?? 0) + (this.audio?.bitrateKbps ?? 0);
    return Math.max(MIN_SOFT_LIMIT, (kbps * 1000 * SOFT_LIMIT_SECONDS) / 8);
  }

  /** AV1 has no MPEG-TS mapping that ffmpeg 5.1 reads back: refuse it for good, clearly. */
  private refuseCodec(video: VideoConfig): boolean {
    if (video.codec === 'h264' || video.codec === 'hevc') return true;
    this.running = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    void this.endSession();
    this.reportError(`SRT carries H.264 or HEVC; this programme is ${video.codec.toUpperCase()}. Choose an H.264 or HEVC encoder for this destination`);
    this.setState('error');
    return false;
  }

  private openSession(state: 'connecting' | 'reconnecting'): void {
    let session: SrtSession;
    try {
      session = new SrtSession({
        ffmpegUrl: this.target!.ffmpegUrl,
        ffmpegPath: this.options.ffmpegPath ?? 'ffmpeg',
        logger: this.log,
        video: this.video!,
        audio: this.audio,
        originMs: () => this.baseMs!,
        onLive: () => this.onSending(session),
        onExit: (exit) => this.onSessionExit(session, exit),
        onWritten: (bytes) => this.meter.add(bytes),
        audioLimitBytes: () => 2 * this.softLimit(),
      });
    } catch (err) {
      this.running = false;
      this.reportError(`cannot mux the programme as MPEG-TS: ${(err as Error).message}`);
      this.setState('error');
      return;
    }
    this.setState(state);
    this.session = session;
    this.waitForKeyframe = true;
    this.stalledSince = null;
    session.start();
  }

  private onSending(session: SrtSession): void {
    if (this.session !== session) return;
    this.clearConnectTimer();
    this.backoff.reset();
    // lastError stays: "last" is what the operator wants to read after a recovery.
    this.setState('live');
  }

  private onSessionExit(session: SrtSession, exit: ProcessExit): void {
    if (this.session !== session || !this.running || exit.requested) return;
    this.session = null;
    this.clearConnectTimer();
    const why = exit.reason ?? (exit.signal ? `ffmpeg was killed (${exit.signal})` : `ffmpeg exited with code ${exit.code}`);
    const display = this.target!.displayUrl;
    this.scheduleRetry(session.live ? `the connection to ${display} was lost: ${why}` : `cannot connect to ${display}: ${why}`);
  }

  /** Gives up on a session that is stuck (no connection, or a pipe nobody reads). */
  private loseSession(session: SrtSession, reason: string): void {
    if (this.session !== session) return;
    this.session = null;
    this.clearConnectTimer();
    session.kill();
    this.scheduleRetry(reason);
  }

  private clearConnectTimer(): void {
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.connectTimer = null;
  }

  private scheduleRetry(reason: string): void {
    const delay = this.backoff.next();
    this.reportError(`${reason}; retrying in ${formatDelay(delay)}`);
    this.setState('reconnecting');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.running) return;
      this.reconnectCount++;
      this.openSession('reconnecting');
    }, delay);
  }

  private async endSession(): Promise<void> {
    const session = this.session;
    this.session = null;
    this.clearConnectTimer();
    await session?.stop();
  }

  private reportError(message: string): void {
    const text = redactAll(`Destination "${this.options.name}": ${message}`, this.secrets);
    this.lastErrorText = text;
    this.log.warn(text);
  }

  private setState(state: OutputState): void {
    if (state === this.stateValue) return;
    this.stateValue = state;
    for (const cb of this.stateListeners) cb(state);
  }
}

function sameConfig(a: VideoConfig, aAudio: AudioConfig | null, b: VideoConfig, bAudio: AudioConfig): boolean {
  return a.codec === b.codec && a.decoderConfig.equals(b.decoderConfig) && !!aAudio && aAudio.audioSpecificConfig.equals(bAudio.audioSpecificConfig);
}
