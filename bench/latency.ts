// Figure 4: latency the studio adds at 1080p30, from the moment a camera's frame
// reaches the studio to the moment the same frame, read back from a real nginx-rtmp
// ingest, is decoded by a viewer. Frames are identified by the barcode every test
// pattern burns in, so the measurement does not rely on the studio's own bookkeeping.
import { createMemoryLogger } from '../src/main/engine/logger';
import { RtmpPublisher } from '../src/main/engine/outputs/rtmp/rtmpPublisher';
import { startNginxRtmp } from '../test/support/nginxRtmp';
import { startProgramReader } from '../test/support/programReader';
import { benchShow, benchStudio, percentile, round, sleep, waitFor } from './support';

export interface LatencyResult {
  readonly samples: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly maxMs: number;
}

export async function runLatency(options: { seconds: number; width?: number; height?: number }): Promise<LatencyResult> {
  const canvas = { width: options.width ?? 1920, height: options.height ?? 1080, fps: 30 } as const;
  const nginx = await startNginxRtmp();
  const { studio } = await benchStudio(benchShow(canvas, [], 6000));
  const publisher = new RtmpPublisher({ name: 'bench nginx', url: nginx.url, streamKey: 'latency', logger: createMemoryLogger() });
  let reader: ReturnType<typeof startProgramReader> | null = null;
  try {
    await waitFor(() => studio.snapshot().sources.every((s) => s.state === 'live'), 20_000, 'live cameras');
    const arrivals = new Map<number, number>();
    studio.pipeline.sources.get('src-1')!.onFrame((seq, at) => arrivals.set(seq % 65536, at));
    studio.pipeline.encoder.addSink(publisher);
    publisher.start();
    await waitFor(() => publisher.state === 'live', 15_000, 'publisher live');
    const latencies: number[] = [];
    let measuring = false;
    reader = startProgramReader({
      url: `${nginx.url}/latency`,
      width: canvas.width,
      height: canvas.height,
      onFrame: (f) => {
        const sent = arrivals.get(f.barcode);
        if (measuring && sent !== undefined) latencies.push(f.arrivedAtMs - sent);
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
    return { samples: valid.length, p50Ms: round(percentile(valid, 50)), p95Ms: round(percentile(valid, 95)), maxMs: round(Math.max(...valid)) };
  } finally {
    await reader?.stop();
    await publisher.stop();
    await studio.dispose();
    await nginx.stop();
  }
}
