// Pushes the programme to one RTMP(S) destination. Owns reconnecting (backoff with
// jitter), backpressure (drop non-key video rather than buffer without bound), a
// timeline that stays monotonic across reconnects, and operator-facing errors that
// name the destination and never contain the stream key (STYLE.md rule 10).
import type { Logger } from '../../logger';
import type { CommerceMetadata } from '../../../../shared/commerceMetadata';
import type { AudioConfig, EncodedFrame, EncodedStreamSink, EncodedVideoFrame, VideoConfig } from '../../media/packets';
import { AmfEcmaArray, encodeAmf0 } from '../../mux/amf0';
import { flvVideoCodecId, flvVideoFrameBody, flvVideoSequenceHeaderBody } from '../../mux/enhancedFlv';
import { AAC_RAW, AAC_SEQUENCE_HEADER, aacAudioBody, FLV_SOUND_AAC } from '../../mux/flvTags';
import { BitrateMeter } from '../bitrateMeter';
import { commerceCuePointBody } from './cuePoint';
import type { OutputState, OutputStats } from '../outputStats';
import { formatDelay, redactingLogger, redactSecret } from '../../redact';
import { ReconnectBackoff, type BackoffSettings } from './reconnectBackoff';
import { RtmpConnection } from './rtmpConnection';
import { CSID_AUDIO, CSID_DATA, CSID_VIDEO, MSG_AUDIO, MSG_DATA_AMF0, MSG_VIDEO, RtmpError } from './rtmpMessages';
import { parseRtmpUrl, RtmpUrlError, type RtmpTarget } from './rtmpUrl';

export interface RtmpPublisherOptions {
  /** The destination's name as the operator sees it ("YouTube"). */
  readonly name: string;
  /** rtmp[s]://host[:port]/app[/...] */
  readonly url: string;
  readonly streamKey: string;
  readonly logger: Logger;
  readonly reconnect?: BackoffSettings;
  /** Socket + handshake + publish must finish within this (default 10 s). */
  readonly connectTimeoutMs?: number;
  /** Consecutive rejections (bad key) before giving up (default 3). */
  readonly maxRejections?: number;
  /** Extra trust for RTMPS (a private CA); the system store otherwise. */
  readonly tlsCa?: string | Buffer;
  /** An ingest that takes nothing from a full socket for this long is treated as lost (default 10 s). */
  readonly stallTimeoutMs?: number;
  /**
   * Send each commerce metadata change (`frame.metadata`) as an AMF0 onCuePoint data
   * message just before its video message, followed by onMetaData again (default
   * false; see sendCues). Only for ingests that relay data messages:
   * node-media-server does; nginx-rtmp and SRS drop them (spec "AMF0"). SEI in the
   * picture is sent either way.
   */
  readonly cuePoints?: boolean;
}

const DEFAULT_BACKOFF: BackoffSettings = { initialDelayMs: 1000, maxDelayMs: 30_000 };
// Backpressure: ~2 s of the configured bitrate queued in the socket, at least 1 MB,
// before non-key video is dropped; audio only stops at twice that.
const SOFT_LIMIT_SECONDS = 2;
const MIN_SOFT_LIMIT = 1024 * 1024;
// Changes waiting for a video frame that goes out (joining, drops, an outage). Bounded
// so a long outage cannot grow it: the SEI keyframe repeats carry the state anyway.
const MAX_HELD_CUE_POINTS = 64;

export class RtmpPublisher implements EncodedStreamSink {
  private readonly log: Logger;
  private readonly target: RtmpTarget | null;
  private readonly urlError: string | null;
  private readonly backoff: ReconnectBackoff;
  private readonly meter = new BitrateMeter();
  private readonly stateListeners = new Set<(state: OutputState) => void>();
  private stateValue: OutputState = 'idle';
  private connection: RtmpConnection | null = null;
  private live: RtmpConnection | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private running = false;
  private video: VideoConfig | null = null;
  private audio: AudioConfig | null = null;
  private baseMs: number | null = null;
  private lastTimestamp = 0;
  private waitForKeyframe = true;
  /** A fresh session starts at a keyframe; frames before it are not drops (as in OBS). */
  private joining = true;
  private dropped = 0;
  private reconnectCount = 0;
  private rejections = 0;
  private lastErrorText: string | null = null;
  private stalledSince: number | null = null;
  /** Metadata of video frames not sent, for the next one that is (cuePoints only). */
  private heldCues: CommerceMetadata[] = [];

  constructor(private readonly options: RtmpPublisherOptions) {
    this.log = redactingLogger(options.logger.child(`rtmp ${options.name}`), [options.streamKey]);
    this.backoff = new ReconnectBackoff(options.reconnect ?? DEFAULT_BACKOFF);
    try {
      this.target = parseRtmpUrl(options.url);
      this.urlError = null;
    } catch (err) {
      if (!(err instanceof RtmpUrlError)) throw err;
      this.target = null;
      this.urlError = err.message;
    }
  }

  get state(): OutputState {
    return this.stateValue;
  }

  /**
   * The input dtsMs that the ingest sees as time 0 (the first frame after start()),
   * or null before it: ingest time = input dtsMs − origin, across reconnects.
   */
  get timelineOriginMs(): number | null {
    return this.baseMs;
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
      queuedBytes: this.live?.pendingBytes ?? 0,
    };
  }

  /** Connects, and keeps reconnecting by itself until stop() or a permanent error. */
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
    this.lastTimestamp = 0;
    this.dropped = 0;
    this.reconnectCount = 0;
    this.rejections = 0;
    this.heldCues = [];
    this.backoff.reset();
    this.attempt('connecting');
  }

  /** Unpublishes cleanly, closes the socket and stops reconnecting. */
  async stop(): Promise<void> {
    if (!this.running) {
      if (this.stateValue === 'error') this.setState('idle');
      return;
    }
    this.running = false;
    this.setState('stopping');
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const connection = this.connection;
    this.connection = null;
    this.live = null;
    if (connection) await connection.close();
    this.setState('idle');
  }

  onConfig(video: VideoConfig, audio: AudioConfig): void {
    this.video = video;
    this.audio = audio;
    if (this.live) this.sendHeaders(this.live);
  }

  onFrame(frame: EncodedFrame): void {
    const connection = this.live;
    if (!connection || !this.video) {
      if (frame.type === 'video') this.holdCues(frame);
      return;
    }
    this.baseMs ??= frame.dtsMs;
    const timestamp = Math.max(0, Math.round(frame.dtsMs - this.baseMs));
    const pending = connection.pendingBytes;
    const soft = this.softLimit();
    if (pending > 2 * soft) {
      // A half-open TCP connection never errors: a socket that stays full is a lost ingest.
      const now = Date.now();
      this.stalledSince ??= now;
      if (now - this.stalledSince > (this.options.stallTimeoutMs ?? 10_000)) {
        this.live = null;
        this.connection = null;
        connection.destroy();
        this.scheduleRetry(`the ingest stopped taking data for ${formatDelay(now - this.stalledSince)}`);
        if (frame.type === 'video') this.holdCues(frame);
        return;
      }
    } else {
      this.stalledSince = null;
    }
    if (frame.type === 'audio') {
      if (pending > 2 * soft) return;
      this.lastTimestamp = timestamp;
      connection.send(CSID_AUDIO, MSG_AUDIO, timestamp, aacAudioBody(AAC_RAW, frame.data));
      return;
    }
    if (this.joining && !frame.keyframe) return this.holdCues(frame);
    // Once a frame is gone its dependants are undecodable: drop until the next
    // keyframe. Every video frame lost to backpressure, and its dependants, counts.
    if ((this.waitForKeyframe && !frame.keyframe) || pending > 2 * soft || (pending > soft && !frame.keyframe)) {
      this.dropped++;
      this.waitForKeyframe = true;
      this.holdCues(frame);
      return;
    }
    this.waitForKeyframe = false;
    this.joining = false;
    this.lastTimestamp = timestamp;
    this.sendCues(connection, timestamp, frame);
    // HEVC goes out as Enhanced RTMP, H.264 as legacy AVC (enhancedFlv.ts).
    connection.send(CSID_VIDEO, MSG_VIDEO, timestamp, flvVideoFrameBody(this.video, frame));
  }

  private holdCues(frame: EncodedVideoFrame): void {
    if (!this.options.cuePoints || !frame.metadata?.length) return;
    this.heldCues.push(...frame.metadata);
    if (this.heldCues.length > MAX_HELD_CUE_POINTS) this.heldCues.splice(0, this.heldCues.length - MAX_HELD_CUE_POINTS);
  }

  /**
   * One onCuePoint per change, on the data chunk stream at the video message's own
   * timestamp, just before it. `time` is that access unit's PTS on the ingest
   * timeline exactly as its video message declares it — RTMP timestamp (DTS − origin)
   * plus the composition time rounded as flvVideoFrameBody rounds it — so a player
   * finds the cue point's time on the picture that carries the same message's SEI.
   * Held changes (their own frame was not sent) go with this frame, at its time.
   */
  private sendCues(connection: RtmpConnection, timestamp: number, frame: EncodedVideoFrame): void {
    if (!this.options.cuePoints) return;
    const changes = this.heldCues.length > 0 ? [...this.heldCues, ...(frame.metadata ?? [])] : frame.metadata;
    this.heldCues = [];
    if (!changes?.length) return;
    const timeSec = (timestamp + Math.round(frame.ptsMs - frame.dtsMs)) / 1000;
    for (const message of changes) connection.send(CSID_DATA, MSG_DATA_AMF0, timestamp, commerceCuePointBody(message, timeSec));
    // node-media-server hands late joiners the stream's last data message as its
    // metadata (spec "AMF0"): measured, a player joining after a cue point got that
    // stale cue point and no onMetaData. Putting onMetaData back keeps it the last one.
    connection.send(CSID_DATA, MSG_DATA_AMF0, timestamp, this.metadataBody());
  }

  private softLimit(): number {
    const kbps = (this.video?.bitrateKbps ?? 0) + (this.audio?.bitrateKbps ?? 0);
    return Math.max(MIN_SOFT_LIMIT, (kbps * 1000 * SOFT_LIMIT_SECONDS) / 8);
  }

  private attempt(state: 'connecting' | 'reconnecting'): void {
    const target = this.target!;
    this.setState(state);
    const connection = new RtmpConnection({
      target,
      streamKey: this.options.streamKey,
      timeoutMs: this.options.connectTimeoutMs ?? 10_000,
      logger: this.log,
      tlsCa: this.options.tlsCa,
      onWritten: (bytes) => this.meter.add(bytes),
    });
    this.connection = connection;
    connection.open().then(
      () => this.onPublished(connection),
      (err: unknown) => this.onAttemptFailed(connection, err),
    );
  }

  private onPublished(connection: RtmpConnection): void {
    if (!this.running || this.connection !== connection) {
      void connection.close();
      return;
    }
    this.live = connection;
    this.stalledSince = null;
    this.rejections = 0;
    this.backoff.reset();
    // lastError stays: "last" is what the operator wants to read after a recovery.
    connection.onClose((err) => this.onLost(connection, err));
    // Whatever the ingest had before is gone: headers again, and video waits for a keyframe.
    this.waitForKeyframe = true;
    this.joining = true;
    if (this.video && this.audio) this.sendHeaders(connection);
    this.setState('live');
  }

  private onAttemptFailed(connection: RtmpConnection, err: unknown): void {
    if (!this.running || this.connection !== connection) return;
    this.connection = null;
    const error = err instanceof RtmpError ? err : new RtmpError('protocol', String(err));
    if (error.kind === 'rejected') {
      this.rejections++;
      const max = this.options.maxRejections ?? 3;
      if (this.rejections >= max) {
        this.running = false;
        this.reportError(error.message);
        this.log.error(`giving up after ${this.rejections} rejected attempts`);
        this.setState('error');
        return;
      }
    }
    this.scheduleRetry(error.message);
  }

  private onLost(connection: RtmpConnection, err: RtmpError | null): void {
    if (!this.running || this.live !== connection) return;
    this.live = null;
    this.connection = null;
    this.scheduleRetry(err?.message ?? 'the connection closed');
  }

  private scheduleRetry(reason: string): void {
    const delay = this.backoff.next();
    this.reportError(`${reason}; retrying in ${formatDelay(delay)}`);
    this.setState('reconnecting');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.running) return;
      this.reconnectCount++;
      this.attempt('reconnecting');
    }, delay);
  }

  private sendHeaders(connection: RtmpConnection): void {
    const video = this.video!;
    const audio = this.audio!;
    // At the last timestamp sent, so the ingest's timeline never steps back.
    const ts = this.lastTimestamp;
    connection.send(CSID_DATA, MSG_DATA_AMF0, ts, this.metadataBody());
    connection.send(CSID_VIDEO, MSG_VIDEO, ts, flvVideoSequenceHeaderBody(video));
    connection.send(CSID_AUDIO, MSG_AUDIO, ts, aacAudioBody(AAC_SEQUENCE_HEADER, audio.audioSpecificConfig));
    this.waitForKeyframe = true;
  }

  /** `@setDataFrame onMetaData {…}`: the stream's metadata as an ingest stores it. */
  private metadataBody(): Buffer {
    const video = this.video!;
    const audio = this.audio!;
    const metadata = new AmfEcmaArray({
      width: video.width,
      height: video.height,
      framerate: video.fps,
      videocodecid: flvVideoCodecId(video),
      videodatarate: video.bitrateKbps,
      audiocodecid: FLV_SOUND_AAC,
      audiodatarate: audio.bitrateKbps,
      audiosamplerate: audio.sampleRate,
      audiosamplesize: 16,
      stereo: audio.channels > 1,
      encoder: 'Cuecast',
    });
    return encodeAmf0('@setDataFrame', 'onMetaData', metadata);
  }

  private reportError(message: string): void {
    const text = redactSecret(`Destination "${this.options.name}": ${message}`, this.options.streamKey);
    this.lastErrorText = text;
    this.log.warn(text);
  }

  private setState(state: OutputState): void {
    if (state === this.stateValue) return;
    this.stateValue = state;
    for (const cb of this.stateListeners) cb(state);
  }
}
