// Destinations: RTMP(S) ingests and local recordings, each attached to the programme
// encoder's coded stream while it runs. Keys are held sealed and opened only to hand
// to a publisher; nothing here logs or returns them.
import { join } from 'node:path';
import { StudioError } from '../../shared/contract';
import type { OutputInfo, OutputKind, OutputState } from '../../shared/model';
import type { EncodedStreamSink } from '../engine/media/packets';
import type { Logger } from '../engine/logger';
import { FlvRecorder } from '../engine/outputs/flvRecorder';
import { RtmpPublisher } from '../engine/outputs/rtmp/rtmpPublisher';
import { parseRtmpUrl } from '../engine/outputs/rtmp/rtmpUrl';
import type { SecretBox } from './secretBox';
import type { StoredOutput } from './showStore';

interface RunningOutput {
  readonly sink: RtmpPublisher | FlvRecorder;
  detach: () => void;
}

interface OutputEntry extends StoredOutput {
  running: RunningOutput | null;
}

export interface OutputManagerOptions {
  readonly logger: Logger;
  readonly secrets: SecretBox;
  /** Where outputs take the coded programme from (the metadata stage after the encoder). */
  readonly programStream: { addSink(sink: EncodedStreamSink): () => void };
  readonly onChange: () => void;
  readonly onLog: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export class OutputManager {
  private readonly entries = new Map<string, OutputEntry>();

  constructor(private readonly options: OutputManagerOptions) {}

  /** Check a new destination before it is stored: clear reasons, nothing half-added. */
  static validate(kind: OutputKind, target: string): void {
    if (kind === 'rtmp') {
      try {
        parseRtmpUrl(target);
      } catch (err) {
        throw new StudioError('badRequest', `Invalid ingest URL: ${(err as Error).message}`);
      }
    } else if (!target.trim()) {
      throw new StudioError('badRequest', 'A recording needs a folder');
    }
  }

  add(stored: StoredOutput): void {
    this.entries.set(stored.id, { ...stored, running: null });
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  stored(): StoredOutput[] {
    return [...this.entries.values()].map(({ running: _running, ...rest }) => rest);
  }

  get anyRunning(): boolean {
    return [...this.entries.values()].some((e) => e.running !== null);
  }

  async remove(id: string): Promise<void> {
    await this.stop(id);
    this.entries.delete(id);
  }

  start(id: string): void {
    const entry = this.require(id);
    if (entry.running) return;
    const logger = this.options.logger.child(`output ${entry.name}`);
    let sink: RtmpPublisher | FlvRecorder;
    if (entry.kind === 'rtmp') {
      let streamKey = '';
      if (entry.sealedKey) {
        try {
          streamKey = this.options.secrets.decrypt(entry.sealedKey);
        } catch {
          throw new StudioError('unavailable', `Destination "${entry.name}": its stream key cannot be opened on this machine; enter it again`);
        }
      }
      sink = new RtmpPublisher({ name: entry.name, url: entry.target, streamKey, logger });
    } else {
      sink = new FlvRecorder({ name: entry.name, folder: entry.target, logger });
    }
    sink.onState?.((state: string) => {
      if (state === 'error') this.options.onLog('error', sink.stats().lastError ?? `Destination "${entry.name}" failed`);
      this.options.onChange();
    });
    sink.start();
    const running: RunningOutput = { sink, detach: this.options.programStream.addSink(sink) };
    entry.running = running;
    this.options.onLog('info', `${entry.kind === 'rtmp' ? 'Publishing to' : 'Recording to'} "${entry.name}"`);
    this.options.onChange();
  }

  async stop(id: string): Promise<void> {
    const entry = this.require(id);
    const running = entry.running;
    if (!running) return;
    entry.running = null;
    running.detach();
    await running.sink.stop();
    this.options.onLog('info', `Stopped "${entry.name}"`);
    this.options.onChange();
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.entries.keys()].map((id) => this.stop(id)));
  }

  startAll(): void {
    for (const id of this.entries.keys()) this.start(id);
  }

  info(): OutputInfo[] {
    return [...this.entries.values()].map((e) => {
      const stats = e.running?.sink.stats();
      const state: OutputState = (stats?.state as OutputState | undefined) ?? 'idle';
      return {
        id: e.id,
        name: e.name,
        kind: e.kind,
        target: e.target,
        hasKey: e.sealedKey !== null,
        state,
        lastError: stats?.lastError ?? null,
        bitrateKbps: Math.round(stats?.bitrateKbps ?? 0),
        droppedFrames: stats?.droppedFrames ?? 0,
        reconnects: stats?.reconnects ?? 0,
        file: stats && 'file' in stats ? ((stats.file as string | null) ?? null) : null,
        rehearsal: e.builtIn === true,
      };
    });
  }

  private require(id: string): OutputEntry {
    const entry = this.entries.get(id);
    if (!entry) throw new StudioError('notFound', `No output with id ${id}`);
    return entry;
  }
}

export function defaultRecordingFolder(dataDir: string): string {
  return join(dataDir, 'recordings');
}
