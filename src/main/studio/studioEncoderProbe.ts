// The studio's side of the encoder probe: runs it in the background (separate ffmpeg
// processes, never blocking a request), keeps its last answer, and recomputes Auto's
// choice from that answer for the canvas and destinations the show has now.
import { join } from 'node:path';
import type { EncoderProbeSnapshot } from '../../shared/model';
import { chooseAutoEncoder } from '../engine/encoder/autoEncoder';
import { destinationPreset, presetForIngestUrl } from '../engine/encoder/destinationPresets';
import { probeEncoders } from '../engine/encoder/encoderProbe';
import { videoEncodeSettingsOf } from './encoderSelection';
import type { OutputManager } from './outputManager';
import type { ShowConfig } from './showStore';

export interface EncoderProbeHost {
  readonly ffmpegPath: string;
  /** Where results are cached (dataDir/encoderProbe.json); null: not cached. */
  readonly dataDir: string | null;
  readonly outputs: OutputManager;
  /** The show as it is now (canvas, encoder settings). */
  currentShow(): ShowConfig;
  readonly isDisposed: () => boolean;
  log(level: 'info' | 'warn', message: string): void;
  changed(): void;
  /** A probe finished: the encoder it picks may differ from the one running. */
  onProbed(): void;
}

export class StudioEncoderProbe {
  private current: EncoderProbeSnapshot | null = null;
  private readonly abort = new AbortController();

  constructor(private readonly host: EncoderProbeHost) {}

  /** The last probe's state and result, as it was taken (Auto not recomputed). */
  get last(): EncoderProbeSnapshot | null {
    return this.current;
  }

  /** Starts a probe unless one is running, and answers with the current state. */
  start(force: boolean): EncoderProbeSnapshot {
    const host = this.host;
    if (this.current?.state === 'probing' || host.isDisposed()) return this.current ?? this.snapshot('failed', null);
    const canvas = host.currentShow().canvas;
    this.current = this.snapshot('probing', this.current?.result ?? null);
    host.changed();
    const cacheFile = host.dataDir ? join(host.dataDir, 'encoderProbe.json') : null;
    probeEncoders({ ffmpegPath: host.ffmpegPath, canvas, cacheFile, force, signal: this.abort.signal })
      .then((result) => {
        this.current = this.snapshot('done', result);
        host.onProbed();
        const auto = this.current.auto;
        if (!result.fromCache) host.log('info', `Encoder probe: ${result.encoders.filter((e) => e.state === 'working').length} working of ${result.encoders.length} in ${result.totalMs} ms`);
        if (auto) host.log(auto.holdsRate ? 'info' : 'warn', `Auto encoder: ${auto.reason}`);
      })
      .catch((err: unknown) => {
        this.current = { ...this.snapshot('failed', this.current?.result ?? null), error: (err as Error).message };
      })
      .finally(() => {
        host.changed();
        // The canvas changed while this probe ran: its result is for the old canvas.
        if (!host.isDisposed() && host.currentShow().canvas !== canvas) this.start(false);
      });
    return this.current;
  }

  /** The last probe with Auto's choice recomputed for the show as it is now. */
  forNow(): EncoderProbeSnapshot | null {
    return this.current && { ...this.snapshot(this.current.state, this.current.result), error: this.current.error };
  }

  /** Stops a probe in progress (its ffmpeg processes end). */
  dispose(): void {
    this.abort.abort();
  }

  private snapshot(state: EncoderProbeSnapshot['state'], result: EncoderProbeSnapshot['result']): EncoderProbeSnapshot {
    const { canvas, encoder } = this.host.currentShow();
    const sameCanvas = result && result.canvas.width === canvas.width && result.canvas.height === canvas.height && result.canvas.fps === canvas.fps;
    // The rehearsal ingest is ffmpeg 5.1 on this machine: it cannot read Enhanced RTMP.
    const rehearsal = { ...destinationPreset('custom'), name: 'Rehearsal (local)', codecs: ['h264' as const] };
    const destinations = this.host.outputs
      .info()
      .filter((o) => o.kind === 'rtmp')
      .map((o) => (o.rehearsal ? rehearsal : presetForIngestUrl(o.target)));
    const auto = result && sameCanvas ? chooseAutoEncoder({ probe: result, canvas, destinations, settings: videoEncodeSettingsOf(encoder) }) : null;
    return { state, result, auto, error: null };
  }
}
