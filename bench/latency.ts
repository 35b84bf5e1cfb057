// Figure 4: latency the studio adds at 1080p30, from the moment a camera's frame
// reaches the studio to the moment the same frame arrives at a real nginx-rtmp ingest
// (our own RTMP player on the server, taking each video message's arrival), and, for
// reference, to the moment a viewer reading the ingest has decoded it. Frames are
// identified by the barcode every test pattern burns in, read by the decoding viewer,
// and joined to the player's arrivals by stream timestamp, so the measurement does not
// rely on the studio's own bookkeeping.
import { createMemoryLogger } from '../src/main/engine/logger';
import { RtmpPublisher } from '../src/main/engine/outputs/rtmp/rtmpPublisher';
import { parseRtmpPlayUrl, playRtmp } from '../src/main/engine/play/rtmpPlayer';
import { startNginxRtmp } from '../test/support/nginxRtmp';
import { startProgramReader } from '../test/support/programReader';
import { benchShow, benchStudio, percentile, round, sleep, waitFor } from './support';

export interface LatencyResult {
  /** Camera frame at the studio → the same frame's video message at the ingest. */
  readonly samples: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly maxMs: number;
  /** Camera frame at the studio → the same frame decoded by a viewer of the ingest. */
  readonly decoded: { readonly samples: number; readonly p50Ms: number; readonly p95Ms: number };
}

export async function runLatency(options: { seconds: number; width?: number; height?: number }): Promise<LatencyResult> {
  const canvas = { width: options.width ?? 1920, height: options.height ?? 1080, fps: 30 } as const;
  const nginx = await startNginxRtmp();
  const { studio } = await benchStudio(benchShow(canvas, [], 6000));
  const publisher = new RtmpPublisher({ name: 'bench nginx', url: nginx.url, streamKey: 'latency', logger: createMemoryLogger() });
  let reader: ReturnType<typeof startProgramReader> | null = null;
  const stopPlayer = new AbortController();
  let player: Promise<void> | null = null;
  try {
    await waitFor(() => studio.snapshot().sources.every((s) => s.state === 'live'), 20_000, 'live cameras');
    const arrivals = new Map<number, number>();
    studio.pipeline.sources.get('src-1')!.onFrame((seq, at) => arrivals.set(seq % 65536, at));
    studio.pipeline.encoder.addSink(publisher);
    publisher.start();
    await waitFor(() => publisher.state === 'live', 15_000, 'publisher live');
    // When each video message reached the ingest, by stream timestamp (the first copy).
    const atIngest = new Map<number, number>();
    player = playRtmp({
      target: parseRtmpPlayUrl(`${nginx.url}/latency`),
      connectTimeoutMs: 10_000,
      signal: stopPlayer.signal,
      onMedia: (typeId, timestampMs) => {
        if (typeId === 9 && !atIngest.has(timestampMs)) atIngest.set(timestampMs, performance.timeOrigin + performance.now());
      },
    });
    const latencies: number[] = [];
    const decodedLatencies: number[] = [];
    let decodedBeforeIngest = 0;
    let measuring = false;
    reader = startProgramReader({
      url: `${nginx.url}/latency`,
      width: canvas.width,
      height: canvas.height,
      onFrame: (f) => {
        const sent = arrivals.get(f.barcode);
        if (!measuring || sent === undefined) return;
        decodedLatencies.push(f.arrivedAtMs - sent);
        const ingested = atIngest.get(Math.round(f.ptsMs));
        if (ingested === undefined) return;
        latencies.push(ingested - sent);
        // The join by timestamp is only right if every frame reached the ingest before the viewer decoded it.
        if (f.arrivedAtMs < ingested) decodedBeforeIngest++;
      },
    });
    const r = reader;
    await waitFor(() => r.frames.length > 30, 20_000, 'the reader to decode').catch((err: Error) => {
      throw new Error(`${err.message}; reader said: ${r.stderrTail().slice(-600)}`);
    });
    await sleep(2000);
    measuring = true;
    await sleep(options.seconds * 1000);
    measuring = false;
    // A barcode seen long ago would give a bogus huge figure; the counter wraps every
    // 36 minutes, far beyond a run.
    const valid = latencies.filter((l) => l >= 0 && l < 10_000);
    const decoded = decodedLatencies.filter((l) => l >= 0 && l < 10_000);
    if (valid.length < decoded.length / 2) throw new Error(`only ${valid.length} of ${decoded.length} decoded frames matched a video message at the ingest`);
    if (decodedBeforeIngest > 0) throw new Error(`${decodedBeforeIngest} frames decoded before their video message reached the ingest: timestamps do not join`);
    return {
      samples: valid.length,
      p50Ms: round(percentile(valid, 50)),
      p95Ms: round(percentile(valid, 95)),
      maxMs: round(Math.max(...valid)),
      decoded: { samples: decoded.length, p50Ms: round(percentile(decoded, 50)), p95Ms: round(percentile(decoded, 95)) },
    };
  } finally {
    stopPlayer.abort();
    await player?.catch(() => undefined);
    await reader?.stop();
    await publisher.stop();
    await studio.dispose();
    await nginx.stop();
  }
}
