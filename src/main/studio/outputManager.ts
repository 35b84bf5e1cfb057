// Destinations: RTMP(S) and SRT ingests and local recordings, each attached to the
// programme's coded stream (after the metadata stage) while it runs, each with its own
// connection, queue and reconnect, so one slow or dead ingest never touches the others.
// An optional out-of-band metadata sender rides along with a destination. Secrets are
// held sealed and opened only to hand to a sink; nothing here logs or returns them.
import { join } from 'node:path';
import { StudioError } from '../../shared/contract';
import type { MetadataSenderInfo, OutputInfo, OutputKind, OutputState } from '../../shared/model';
import type { EncodedStreamSink } from '../engine/media/packets';
import type { Logger } from '../engine/logger';
import { finalizeRecording, findUnfinishedRecordings } from '../engine/outputs/recording/finalizeRecording';
import { createDestinationSink, createMetadataSender, validateDestination, type DestinationSink, type MetadataSenderSink } from './destinationFactory';
import type { SecretBox } from './secretBox';
import type { StoredMetadataSender, StoredOutput } from './showStore';

interface RunningOutput {
  readonly sink: DestinationSink;
  readonly sender: MetadataSenderSink | null;
  detach: () => void;
}

interface OutputEntry extends StoredOutput {
  running: RunningOutput | null;
  /** The last run's stats, kept so an error stays readable after the sink is gone. */
  lastRun: { sink: DestinationSink; sender: MetadataSenderSink | null } | null;
}

export interface OutputManagerOptions {
  readonly logger: Logger;
  readonly secrets: SecretBox;
  readonly ffmpegPath: string;
  /** Where outputs take the coded programme from (the metadata stage after the encoder). */
  readonly programStream: { addSink(sink: EncodedStreamSink): () => void };
  readonly onChange: () => void;
  /** A destination or recording starts while none runs: a new session begins. */
  readonly onSessionStart?: () => void;
  readonly onLog: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export class OutputManager {
  private readonly entries = new Map<string, OutputEntry>();

  constructor(private readonly options: OutputManagerOptions) {}

  /** Checks a new destination before it is stored: clear reasons, nothing half-added. */
  static validate(kind: OutputKind, target: string, carriers: { cuePoints?: boolean; metadataSender?: unknown } = {}): void {
    validateDestination(kind, target, carriers);
  }

  add(stored: StoredOutput): void {
    this.entries.set(stored.id, { ...stored, running: null, lastRun: null });
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  stored(): StoredOutput[] {
    return [...this.entries.values()].map(({ running: _running, lastRun: _lastRun, ...rest }) => rest);
  }

  get anyRunning(): boolean {
    return [...this.entries.values()].some((e) => e.running !== null);
  }

  /** Changes the carriers of a stopped destination. */
  configure(id: string, change: { cuePoints?: boolean; metadataSender?: StoredMetadataSender | null }): void {
    const entry = this.require(id);
    if (entry.running) throw new StudioError('conflict', `Stop "${entry.name}" before changing it`);
    validateDestination(entry.kind, entry.target, { cuePoints: change.cuePoints, metadataSender: change.metadataSender ?? undefined });
    this.entries.set(id, {
      ...entry,
      ...(change.cuePoints !== undefined ? { cuePoints: change.cuePoints } : {}),
      ...(change.metadataSender !== undefined ? { metadataSender: change.metadataSender } : {}),
    });
  }

  async remove(id: string): Promise<void> {
    await this.stop(id);
    this.entries.delete(id);
  }

  start(id: string): void {
    const entry = this.require(id);
    if (entry.running) {
      // A destination that gave up (a refused key) is started afresh; a running one is left alone.
      if (entry.running.sink.stats().state !== 'error') return;
      entry.running.detach();
      void entry.running.sink.stop();
      void entry.running.sender?.stop();
      entry.running = null;
    }
    const logger = this.options.logger.child(`output ${entry.name}`);
    const open = (sealed: string, what: string): string => {
      try {
        return this.options.secrets.decrypt(sealed);
      } catch {
        throw new StudioError('unavailable', `Destination "${entry.name}": its ${what} cannot be opened on this machine; enter it again`);
      }
    };
    const sink = createDestinationSink(entry, { logger, ffmpegPath: this.options.ffmpegPath, open });
    if (!this.anyRunning) this.options.onSessionStart?.();
    const sender = entry.metadataSender ? createMetadataSender(entry.name, entry.metadataSender, { logger, open }) : null;
    sink.onState((state: string) => {
      if (state === 'error') this.options.onLog('error', sink.stats().lastError ?? `Destination "${entry.name}" failed`);
      this.options.onChange();
    });
    sink.start();
    sender?.start();
    const detachSink = this.options.programStream.addSink(sink);
    const detachSender = sender ? this.options.programStream.addSink(sender) : () => undefined;
    entry.running = {
      sink,
      sender,
      detach: () => {
        detachSink();
        detachSender();
      },
    };
    entry.lastRun = { sink, sender };
    const verb = entry.kind === 'record' ? 'Recording to' : 'Publishing to';
    this.options.onLog('info', `${verb} "${entry.name}"`);
    this.options.onChange();
  }

  async stop(id: string): Promise<void> {
    const entry = this.require(id);
    const running = entry.running;
    if (!running) return;
    entry.running = null;
    running.detach();
    await Promise.all([running.sink.stop(), running.sender?.stop()]);
    this.options.onLog('info', `Stopped "${entry.name}"`);
    this.options.onChange();
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.entries.keys()].map((id) => this.stop(id)));
  }

  /** On quit: every destination stopped, background work (chaptered copies) cancelled. */
  async dispose(): Promise<void> {
    await this.stopAll();
    await Promise.all([...this.entries.values()].map((e) => e.lastRun?.sink.dispose?.()));
  }

  /**
   * Recordings a crash or a quit left without their chaptered copy are finished in the
   * background (lowest priority), before any recorder of that folder starts again.
   */
  finishLeftoverRecordings(): void {
    const folders = new Set([...this.entries.values()].filter((e) => e.kind === 'record').map((e) => e.target));
    for (const folder of folders) {
      for (const flvFile of findUnfinishedRecordings(folder)) {
        const logger = this.options.logger.child('recording');
        void finalizeRecording({ flvFile, ffmpegPath: this.options.ffmpegPath, logger }).then((r) => {
          if (r.mkv === 'written') this.options.onLog('info', `Finished an interrupted recording: ${r.mkvFile} (${r.chapters.length} chapters)`);
          else if (r.mkv === 'failed') this.options.onLog('warn', `Could not finish the interrupted recording ${flvFile}: ${r.reason ?? 'unknown reason'}`);
        });
      }
    }
  }

  /** Go Live: every destination at once; one that cannot start does not stop the others. */
  startAll(): string[] {
    const problems: string[] = [];
    for (const id of this.entries.keys()) {
      try {
        this.start(id);
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
    return problems;
  }

  /** How the live destinations carry metadata now (for the metadata timeline). */
  carrierCounts(): { destinations: number; cuePoints: number; webhooks: number } {
    const live = [...this.entries.values()].filter((e) => e.running && e.kind !== 'record');
    return {
      destinations: live.length,
      cuePoints: live.filter((e) => e.kind === 'rtmp' && e.cuePoints === true).length,
      webhooks: live.filter((e) => e.running?.sender).length,
    };
  }

  info(): OutputInfo[] {
    return [...this.entries.values()].map((e) => {
      const run = e.running ?? e.lastRun;
      const stats = run?.sink.stats();
      const state: OutputState = e.running ? ((stats?.state as OutputState | undefined) ?? 'idle') : stats?.state === 'error' ? 'error' : 'idle';
      const extra = (stats ?? {}) as { file?: string | null; sidecarFile?: string | null; chaptersFile?: string | null };
      return {
        id: e.id,
        name: e.name,
        kind: e.kind,
        target: e.target,
        hasKey: e.sealedKey !== null,
        state,
        lastError: stats?.lastError ?? null,
        bitrateKbps: e.running ? Math.round(stats?.bitrateKbps ?? 0) : 0,
        droppedFrames: stats?.droppedFrames ?? 0,
        reconnects: stats?.reconnects ?? 0,
        file: extra.file ?? null,
        rehearsal: e.builtIn === true,
        presetId: e.presetId ?? (e.kind === 'srt' ? 'custom-srt' : 'custom-rtmp'),
        cuePoints: e.cuePoints === true,
        queuedBytes: e.running ? (stats?.queuedBytes ?? 0) : 0,
        metadataSender: e.metadataSender ? senderInfo(e.metadataSender, run?.sender ?? null) : null,
        sidecarFile: extra.sidecarFile ?? null,
        chaptersFile: extra.chaptersFile ?? null,
      };
    });
  }

  private require(id: string): OutputEntry {
    const entry = this.entries.get(id);
    if (!entry) throw new StudioError('notFound', `No output with id ${id}`);
    return entry;
  }
}

function senderInfo(stored: StoredMetadataSender, sender: MetadataSenderSink | null): MetadataSenderInfo {
  const s = sender?.stats();
  return {
    kind: stored.kind,
    target: stored.kind === 'webhook' ? displayUrl(stored.url) : stored.channelArn,
    state: s?.state ?? 'idle',
    sent: s?.sent ?? 0,
    failed: s?.failed ?? 0,
    retries: s?.retries ?? 0,
    coalesced: s?.coalesced ?? 0,
    refusedOversize: s?.refusedOversize ?? 0,
    queueDepth: s?.queueDepth ?? 0,
    lastError: s?.lastError ?? null,
  };
}

/** A webhook URL as the operator may see it: no credentials, no query (tokens live there). */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

export function defaultRecordingFolder(dataDir: string): string {
  return join(dataDir, 'recordings');
}
