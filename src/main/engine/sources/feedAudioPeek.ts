// A network feed's first look at whether it carries sound. ffmpeg cannot be told "map
// the audio if there is any", and its FLV probe waits its whole window (6 s of stream
// time) for a second stream that a video-only feed never sends; only then does the
// worker learn there is no audio and start again with generated silence. The server
// says far sooner: its onMetaData names the audio codec (nginx-rtmp writes
// audiocodecid 0 for a publisher without audio; ffmpeg and OBS leave it out), and a
// feed with sound sends audio at once. So, beside the first ffmpeg, a small player
// of our own plays the same stream for a moment (RTMP, RTMPS or HTTP-FLV, whose
// header says "audio and video" either way); when it finds no audio the worker
// restarts the feed with silence straight away (sourceWorker.ts).
// Like ffmpeg (its tls_verify is off unless asked for), the peek reads rtmps:// and
// https:// feeds without checking the certificate: private relays often have a
// self-signed one, ffmpeg plays them, and a peek that refused would leave the
// decision to ffmpeg's 6 s probe. It sends nothing that ffmpeg does not send too.
import { performance } from 'node:perf_hooks';
import { AmfEcmaArray } from '../mux/amf0';
import { FLV_TAG_AUDIO, FLV_TAG_SCRIPT, FLV_TAG_VIDEO, FlvReader } from '../mux/flvTags';
import { readAllAmf0 } from '../play/amf0Codec';
import { isHttpFlvUrl, readHttpFlv } from '../play/httpFlv';
import { parseRtmpPlayUrl, playRtmp } from '../play/rtmpPlayer';
import { isFlvFeed } from './sourceArgs';

export type FeedAudio = 'audio' | 'noAudio' | 'unknown';

/** After metadata that names no audio codec, how long an audio message may still take. */
export const METADATA_GRACE_MS = 300;
/** Without metadata: this much video (its own timestamps) and no audio means none. */
export const VIDEO_ONLY_SPAN_MS = 1000;
/** The whole look, connection included; past it, ffmpeg's own probe decides. */
const PEEK_TIMEOUT_MS = 4000;
const TICK_MS = 50;

/** The verdict from the first tags of an FLV stream, as they arrive (no I/O). */
export class FeedAudioVerdict {
  private noAudioInMetadataAt: number | null = null;
  private firstVideoMs: number | null = null;

  audio(): FeedAudio {
    return 'audio';
  }

  video(timestampMs: number): FeedAudio | null {
    this.firstVideoMs ??= timestampMs;
    return timestampMs - this.firstVideoMs >= VIDEO_ONLY_SPAN_MS ? 'noAudio' : null;
  }

  /** A data message / script tag, as decoded AMF0 values. */
  data(values: readonly unknown[], nowMs: number): FeedAudio | null {
    const codec = metadataAudioCodec(values);
    // A named codec: ffmpeg will find the stream; nothing to change.
    if (codec === 'named') return 'audio';
    if (codec === 'none') this.noAudioInMetadataAt ??= nowMs;
    return null;
  }

  /** Call now and then: metadata without audio, and no audio message since, decides. */
  tick(nowMs: number): FeedAudio | null {
    return this.noAudioInMetadataAt !== null && nowMs - this.noAudioInMetadataAt >= METADATA_GRACE_MS ? 'noAudio' : null;
  }
}

/**
 * What onMetaData (bare, or behind @setDataFrame; an object or an ECMA array) says of
 * audio: 'named' (a codec id or name), 'none' (absent, 0 or empty), or null when the
 * values are not metadata.
 */
function metadataAudioCodec(values: readonly unknown[]): 'named' | 'none' | null {
  const at = values.indexOf('onMetaData');
  let meta = at >= 0 ? values[at + 1] : undefined;
  if (meta instanceof AmfEcmaArray) meta = meta.properties;
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta) || meta instanceof Date) return null;
  const codec = (meta as Record<string, unknown>).audiocodecid;
  if (codec === undefined || codec === null || codec === 0 || codec === '') return 'none';
  return 'named';
}

/**
 * Plays `url` (RTMP, RTMPS or HTTP-FLV) until the verdict, PEEK_TIMEOUT_MS, or
 * `signal`. Never rejects: a feed it cannot read is 'unknown', and ffmpeg's own
 * connection reports why.
 */
export async function peekFeedAudio(url: string, signal: AbortSignal): Promise<FeedAudio> {
  if (!isFlvFeed(url) || signal.aborted) return 'unknown';
  const stop = new AbortController();
  const verdict = new FeedAudioVerdict();
  let result: FeedAudio = 'unknown';
  const settle = (found: FeedAudio | null): void => {
    if (found === null || result !== 'unknown') return;
    result = found;
    stop.abort();
  };
  const onAbort = (): void => stop.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => stop.abort(), PEEK_TIMEOUT_MS);
  const ticker = setInterval(() => settle(verdict.tick(performance.now())), TICK_MS);
  try {
    if (isHttpFlvUrl(url)) {
      const reader = new FlvReader();
      await readHttpFlv({
        url,
        connectTimeoutMs: PEEK_TIMEOUT_MS,
        signal: stop.signal,
        verifyCertificate: false,
        onBytes: (chunk) => {
          for (const tag of reader.push(chunk)) {
            if (tag.kind === 'audio') settle(verdict.audio());
            else if (tag.kind === 'video') settle(verdict.video(tag.timestampMs));
            else settle(verdict.data(tag.values, performance.now()));
          }
        },
      });
    } else {
      await playRtmp({
        target: parseRtmpPlayUrl(url),
        connectTimeoutMs: PEEK_TIMEOUT_MS,
        signal: stop.signal,
        verifyCertificate: false,
        onMedia: (typeId, timestampMs, payload) => {
          if (typeId === FLV_TAG_AUDIO) settle(verdict.audio());
          else if (typeId === FLV_TAG_VIDEO) settle(verdict.video(timestampMs));
          else if (typeId === FLV_TAG_SCRIPT) settle(verdict.data(readAllAmf0(payload), performance.now()));
        },
      });
    }
  } catch {
    // Refused, unreachable, no such stream, unreadable: ffmpeg meets the same and says so.
  } finally {
    clearTimeout(timer);
    clearInterval(ticker);
    signal.removeEventListener('abort', onAbort);
  }
  return result;
}
