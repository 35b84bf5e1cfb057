// `cuecast probe`: reads a stream as a platform would and lists the commerce metadata
// in it (issue 4 "Verifier"). Deliberately independent of the writer: its own FLV
// tag reader, NAL walker and SEI parser (under probe/), and a player and AMF0 decoder
// (engine/play/) that share nothing with the publisher's chunk or AMF0 code, so a bug
// in the writing side shows up here instead of being mirrored.
// Facts: /work/shared/specs/flv-rtmp-sei.md.
import { probeMpegtsMetadata } from './probeMpegts';
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { readThroughFfmpeg } from './probe/ffmpegRemux';
import { FlvMetadataReader } from './probe/flvMetadataReader';
import { isHttpFlvUrl, readHttpFlv } from '../engine/play/httpFlv';
import { readLive } from './probe/liveRead';
import { ProbeError, type ProbeMessage, type ProbeTimeline } from './probe/probeTypes';
import { FlvTagTimeline } from './probe/tagTimeline';
import { parseRtmpPlayUrl, playRtmp } from '../engine/play/rtmpPlayer';

export { readAmf0, type Amf0Value } from '../engine/play/amf0Codec';
export { FlvMetadataReader } from './probe/flvMetadataReader';
export { ProbeError, type ProbeCuePoint, type ProbeMessage, type ProbeTimeline } from './probe/probeTypes';
export { stripEmulationPrevention, userDataPayloads } from './probe/seiPayloads';

export interface ProbeOptions {
  /** rtmp(s)://, http(s)://….flv, srt:// or any ffmpeg URL, or a file path. */
  readonly input: string;
  readonly ffmpegPath?: string;
  /** Read at most this much stream time (ffmpeg `-t` on the ffmpeg path). */
  readonly seconds?: number;
  readonly onMessage?: (msg: ProbeMessage) => void;
  /**
   * 'auto' reads what it can byte for byte — a local FLV file, rtmp(s):// (as a
   * player), http(s)://….flv — because ffmpeg's FLV remux drops onCuePoint (spec
   * "AMF0" last point); everything else goes through ffmpeg. 'ffmpeg' always remuxes.
   */
  readonly mode?: 'auto' | 'ffmpeg';
  /** Gives up after this long (resolving if video arrived); default seconds + 20 s, or none. */
  readonly timeoutMs?: number;
  /** Ends a live read; the promise then resolves with what arrived. */
  readonly signal?: AbortSignal;
  /** The server has accepted us as a player (RTMP NetStream.Play.Start, HTTP-FLV 200); not called on the ffmpeg path. */
  readonly onPlaying?: () => void;
}

/** How a probe input is read. */
export type ProbeRoute = 'flv-file' | 'rtmp' | 'http-flv' | 'mpegts' | 'ffmpeg';

const isUrl = (input: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(input);

/**
 * The one place that decides which reader takes an input. A new reader (MPEG-TS
 * for srt://, udp:// and .ts files) is routed here and dispatched in probeMetadata.
 */
export function probeRoute(input: string, mode: 'auto' | 'ffmpeg' = 'auto'): ProbeRoute {
  if (mode === 'ffmpeg') return 'ffmpeg';
  if (/^rtmps?:\/\//i.test(input)) return 'rtmp';
  if (isHttpFlvUrl(input)) return 'http-flv';
  if (!isUrl(input) && existsSync(input) && startsWithFlv(input)) return 'flv-file';
  // MPEG-TS (SRT, UDP, .ts files): ffmpeg only carries it; our own TS reader parses it.
  if (/^(srt|udp):\/\//i.test(input) || (!isUrl(input) && /\.(ts|m2ts|mts)$/i.test(input))) return 'mpegts';
  return 'ffmpeg';
}

function startsWithFlv(path: string): boolean {
  const head = Buffer.alloc(3);
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    return readSync(fd, head, 0, 3, 0) === 3 && head.toString('latin1') === 'FLV';
  } catch {
    return false; // a folder or an unreadable file: ffmpeg says why
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** Connecting (socket, handshake, play) must finish within this, or the timeout if shorter. */
const CONNECT_TIMEOUT_MS = 10_000;

export async function probeMetadata(options: ProbeOptions): Promise<ProbeTimeline> {
  const { input } = options;
  if (!isUrl(input) && !existsSync(input)) throw new ProbeError(`cannot read "${input}": no such file`);
  const connectTimeoutMs = Math.min(CONNECT_TIMEOUT_MS, options.timeoutMs ?? CONNECT_TIMEOUT_MS);
  const limits = { seconds: options.seconds, timeoutMs: options.timeoutMs, signal: options.signal };
  switch (probeRoute(input, options.mode)) {
    case 'flv-file': {
      const reader = new FlvMetadataReader(options.onMessage);
      reader.push(readFileSync(input));
      reader.finish();
      return { messages: reader.messages, videoFrames: reader.videoFrames };
    }
    case 'rtmp': {
      const target = parseRtmpPlayUrl(input);
      const timeline = new FlvTagTimeline(options.onMessage);
      await readLive({ ...limits, shown: target.shown }, () => timeline.videoFrames, ({ signal, noteTime }) =>
        playRtmp({
          target,
          connectTimeoutMs,
          signal,
          onPlaying: options.onPlaying,
          onMedia: (type, timestampMs, payload) => {
            const frames = timeline.videoFrames;
            timeline.tag(type, timestampMs, payload);
            // Counted from the first picture: a server's cached headers may carry time 0.
            if (timeline.videoFrames > frames) noteTime(timestampMs);
          },
        }),
      );
      timeline.finish();
      return { messages: timeline.messages, videoFrames: timeline.videoFrames };
    }
    case 'http-flv': {
      const reader = new FlvMetadataReader(options.onMessage);
      const shown = input.replace(/\/[^/?#]*(\?.*)?$/, '/***');
      await readLive({ ...limits, shown }, () => reader.videoFrames, ({ signal, noteTime }) =>
        readHttpFlv({
          url: input,
          connectTimeoutMs,
          signal,
          onPlaying: options.onPlaying,
          onBytes: (chunk) => {
            reader.push(chunk);
            if (reader.lastFrameTimestampMs !== null) noteTime(reader.lastFrameTimestampMs);
          },
        }),
      );
      reader.finish();
      return { messages: reader.messages, videoFrames: reader.videoFrames };
    }
    case 'mpegts':
      return probeMpegtsMetadata(options);
    case 'ffmpeg': {
      const reader = new FlvMetadataReader(options.onMessage);
      await readThroughFfmpeg({ ...limits, input, ffmpegPath: options.ffmpegPath }, reader);
      reader.finish();
      return { messages: reader.messages, videoFrames: reader.videoFrames };
    }
  }
}
