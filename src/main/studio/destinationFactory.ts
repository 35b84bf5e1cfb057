// Turns a stored destination into the engine object that serves it: an RTMP(S)
// publisher, an SRT output or a recorder, plus its optional out-of-band metadata
// sender. Also the one place that says whether a destination's settings make sense,
// so output:add and output:configure refuse the same things with the same words.
import { StudioError } from '../../shared/contract';
import type { OutputKind } from '../../shared/model';
import type { Logger } from '../engine/logger';
import type { EncodedStreamSink } from '../engine/media/packets';
import { FlvRecorder } from '../engine/outputs/flvRecorder';
import { checkMetadataSenderConfig, createMetadataSender as createEngineSender, type MetadataSenderConfig } from '../engine/outputs/metadataSenders/createMetadataSender';
import type { OutputStats } from '../engine/outputs/outputStats';
import { RtmpPublisher } from '../engine/outputs/rtmp/rtmpPublisher';
import { parseRtmpUrl } from '../engine/outputs/rtmp/rtmpUrl';
import { SrtOutput } from '../engine/outputs/srt/srtOutput';
import { parseSrtUrl } from '../engine/outputs/srt/srtUrl';
import type { StoredMetadataSender, StoredOutput } from './showStore';

/** What every destination offers the manager. */
export interface DestinationSink extends EncodedStreamSink {
  start(): void;
  stop(): Promise<void>;
  stats(): OutputStats;
  onState(cb: (state: string) => void): () => void;
  /** On quit: stop, and cancel background work (a recording's chaptered copy, redone at next start). */
  dispose?(): Promise<void>;
}

export interface MetadataSenderStats {
  readonly state: 'idle' | 'ok' | 'retrying' | 'failing';
  readonly sent: number;
  readonly failed: number;
  readonly retries: number;
  readonly coalesced: number;
  readonly refusedOversize: number;
  readonly queueDepth: number;
  readonly lastError: string | null;
}

export interface MetadataSenderSink extends EncodedStreamSink {
  start(): void;
  stop(): Promise<void>;
  stats(): MetadataSenderStats;
}

export interface SinkContext {
  readonly logger: Logger;
  readonly ffmpegPath: string;
  /** Opens a sealed secret; throws a StudioError naming `what` when it cannot. */
  readonly open: (sealed: string, what: string) => string;
}

export function validateDestination(kind: OutputKind, target: string, carriers: { cuePoints?: boolean; metadataSender?: unknown }): void {
  if (kind === 'rtmp') {
    try {
      parseRtmpUrl(target);
    } catch (err) {
      throw new StudioError('badRequest', `Invalid ingest URL: ${(err as Error).message}`);
    }
  } else if (kind === 'srt') {
    try {
      parseSrtUrl(target);
    } catch (err) {
      throw new StudioError('badRequest', `Invalid ingest URL: ${(err as Error).message}`);
    }
  } else if (!target.trim()) {
    throw new StudioError('badRequest', 'A recording needs a folder');
  }
  if (carriers.cuePoints && kind !== 'rtmp') throw new StudioError('badRequest', 'Cue points are an RTMP data message: only RTMP destinations can send them');
  const sender = carriers.metadataSender as { kind: 'webhook'; url: string } | { kind: 'ivs'; channelArn: string; accessKeyId: string } | undefined;
  if (sender && kind === 'record') {
    throw new StudioError('badRequest', 'A recording keeps its metadata in its sidecar file; a webhook belongs to a live destination');
  }
  if (sender) {
    // The secret is not needed to judge the URL or the ARN; a placeholder keeps it out of here.
    const problem = checkMetadataSenderConfig(sender.kind === 'webhook' ? { kind: 'webhook', url: sender.url, secret: '' } : { ...sender, secret: 'x' });
    if (problem) throw new StudioError('badRequest', `Metadata sender: ${problem}`);
  }
}

export function createDestinationSink(entry: StoredOutput, ctx: SinkContext): DestinationSink {
  if (entry.kind === 'rtmp') {
    const streamKey = entry.sealedKey ? ctx.open(entry.sealedKey, 'stream key') : '';
    return new RtmpPublisher({ name: entry.name, url: entry.target, streamKey, logger: ctx.logger, cuePoints: entry.cuePoints === true });
  }
  if (entry.kind === 'srt') {
    const streamKey = entry.sealedKey ? ctx.open(entry.sealedKey, 'stream key') : undefined;
    return new SrtOutput({ name: entry.name, url: entry.target, streamKey, logger: ctx.logger, ffmpegPath: ctx.ffmpegPath });
  }
  // With ffmpeg, a stopped recording also gets a chaptered .mkv copy (one chapter per product).
  return new FlvRecorder({ name: entry.name, folder: entry.target, logger: ctx.logger, ffmpegPath: ctx.ffmpegPath });
}

export function createMetadataSender(name: string, stored: StoredMetadataSender, ctx: Omit<SinkContext, 'ffmpegPath'>): MetadataSenderSink {
  const tuning = stored.maxPerSecond !== undefined ? { maxPerSecond: stored.maxPerSecond } : {};
  const config: MetadataSenderConfig =
    stored.kind === 'webhook'
      ? { kind: 'webhook', url: stored.url, secret: stored.sealedSecret ? ctx.open(stored.sealedSecret, 'webhook secret') : '' }
      : { kind: 'ivs', channelArn: stored.channelArn, accessKeyId: stored.accessKeyId, secret: ctx.open(stored.sealedSecretAccessKey, 'AWS secret access key') };
  const sender = createEngineSender(name, config, ctx.logger, tuning);
  return {
    onConfig: (video, audio) => sender.onConfig(video, audio),
    onFrame: (frame) => sender.onFrame(frame),
    start: () => sender.start(),
    // The show's last change (an "explaining ended") still gets out, within 2 s.
    stop: () => sender.stop({ drainMs: SENDER_DRAIN_MS }),
    stats: () => sender.stats(),
  };
}

/** How long stopping a destination waits for its sender's queued messages. */
const SENDER_DRAIN_MS = 2000;
