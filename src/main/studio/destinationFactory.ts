// Turns a stored destination into the engine object that serves it: an RTMP(S)
// publisher, an SRT output or a recorder, plus its optional out-of-band metadata
// sender. Also the one place that says whether a destination's settings make sense,
// so output:add and output:configure refuse the same things with the same words.
import { StudioError } from '../../shared/contract';
import type { OutputKind } from '../../shared/model';
import type { Logger } from '../engine/logger';
import type { EncodedStreamSink } from '../engine/media/packets';
import { FlvRecorder } from '../engine/outputs/flvRecorder';
import type { OutputStats } from '../engine/outputs/outputStats';
import { RtmpPublisher } from '../engine/outputs/rtmp/rtmpPublisher';
import { parseRtmpUrl } from '../engine/outputs/rtmp/rtmpUrl';
import type { StoredMetadataSender, StoredOutput } from './showStore';

/** What every destination offers the manager. */
export interface DestinationSink extends EncodedStreamSink {
  start(): void;
  stop(): Promise<void>;
  stats(): OutputStats;
  onState(cb: (state: string) => void): () => void;
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
    if (!/^srt:\/\//i.test(target.trim())) throw new StudioError('badRequest', 'Invalid ingest URL: an SRT destination starts with srt://');
  } else if (!target.trim()) {
    throw new StudioError('badRequest', 'A recording needs a folder');
  }
  if (carriers.cuePoints && kind !== 'rtmp') throw new StudioError('badRequest', 'Cue points are an RTMP data message: only RTMP destinations can send them');
  if (carriers.metadataSender && kind === 'record') {
    throw new StudioError('badRequest', 'A recording keeps its metadata in its sidecar file; a webhook belongs to a live destination');
  }
}

export function createDestinationSink(entry: StoredOutput, ctx: SinkContext): DestinationSink {
  if (entry.kind === 'rtmp') {
    const streamKey = entry.sealedKey ? ctx.open(entry.sealedKey, 'stream key') : '';
    return new RtmpPublisher({ name: entry.name, url: entry.target, streamKey, logger: ctx.logger });
  }
  if (entry.kind === 'srt') throw new StudioError('unavailable', 'SRT destinations are not available in this build');
  return new FlvRecorder({ name: entry.name, folder: entry.target, logger: ctx.logger });
}

export function createMetadataSender(name: string, stored: StoredMetadataSender, ctx: Omit<SinkContext, 'ffmpegPath'>): MetadataSenderSink {
  void name;
  void stored;
  void ctx;
  throw new StudioError('unavailable', 'Metadata senders are not available in this build');
}
