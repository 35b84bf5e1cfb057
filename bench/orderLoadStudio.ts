// Orders into the running studio (issue 5 figure 1 beside the live path): the same
// signed webhook load as orderLoad.ts, but into a studio that is putting a 720p30
// programme on air. The order desk runs in its own process at a lower priority
// (remoteOrderDesk.ts), so what matters here is the programme: frames produced on
// time and none dropped at the encoder while the desk is flooded; acknowledgements
// are reported as they came (on this 2-core machine they wait for the programme).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { GeneratorConfig, GeneratorResult } from './orderLoadGenerator';
import { LOAD_SECRET } from './orderLoadOrders';
import { benchShow, benchStudio, sleep } from './support';

export interface StudioOrderLoadResult {
  readonly ratePerSec: number;
  readonly seconds: number;
  readonly programFrames: number;
  readonly expectedFrames: number;
  readonly droppedFrames: number;
  readonly lowestFps: number;
  readonly eventLoopDelayP99Ms: number;
  readonly answered200: number;
  readonly sent: number;
  readonly countedOrders: number;
  readonly acceptedAnswers: number;
  readonly ackP50Ms: number;
  readonly ackP99Ms: number;
}

export async function runOrderLoadInStudio(options: { ratePerSec?: number; seconds?: number } = {}): Promise<StudioOrderLoadResult> {
  const ratePerSec = options.ratePerSec ?? 5000;
  const seconds = options.seconds ?? 20;
  const { studio } = await benchStudio(benchShow({ width: 1280, height: 720, fps: 30 }));
  const generator = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'orderLoadGenerator.ts')], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const loop = monitorEventLoopDelay({ resolution: 5 });
  try {
    const { url } = (await studio.request('orders:addWebhook', { id: 'shop', kind: 'shopify', secret: LOAD_SECRET })) as { url: string };
    const startedAt = Date.now();
    while (!studio.snapshot().sources.every((s) => s.state === 'live')) {
      if (Date.now() - startedAt > 30_000) throw new Error('cameras did not go live');
      await sleep(100);
    }
    await sleep(3000);
    const fps: number[] = [];
    const before = studio.snapshot().health;
    const ordersBefore = studio.snapshot().commerce.orders.orders;
    loop.enable();
    const sampler = setInterval(() => fps.push(studio.snapshot().health.programFps), 500);
    const t0 = performance.now();
    const config: GeneratorConfig = {
      port: Number(new URL(url).port),
      ratePerSec,
      seconds,
      warmupSeconds: 0,
      duplicateShare: 0.05,
      badSignatureShare: 0.01,
      sockets: 128,
      redeliverFailed: false,
      graceSeconds: 30,
    };
    const result = await new Promise<GeneratorResult>((resolve, reject) => {
      generator.on('message', (m: { type: string; result?: GeneratorResult; error?: string }) => {
        if (m.type === 'done') resolve(m.result!);
        if (m.type === 'failed') reject(new Error(`load generator: ${m.error}`));
      });
      generator.once('exit', (code) => reject(new Error(`load generator exited (${code})`)));
      generator.send({ type: 'run', config });
    });
    const elapsed = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    loop.disable();
    // The desk's last update reaches the studio within 100 ms.
    await sleep(500);
    const after = studio.snapshot().health;
    return {
      ratePerSec,
      seconds,
      programFrames: after.programFrame - before.programFrame,
      expectedFrames: Math.round(elapsed * 30),
      droppedFrames: after.droppedFrames - before.droppedFrames,
      lowestFps: Math.min(...fps.slice(2)),
      eventLoopDelayP99Ms: Math.round(loop.percentile(99) / 1e5) / 10,
      answered200: result.statuses['200'] ?? 0,
      sent: result.deliveries.good + result.deliveries.duplicate + result.deliveries.badSignature,
      countedOrders: studio.snapshot().commerce.orders.orders - ordersBefore,
      acceptedAnswers: result.answeredAccepted,
      ackP50Ms: result.latencyMs.p50,
      ackP99Ms: result.latencyMs.p99,
    };
  } finally {
    generator.kill('SIGKILL');
    await studio.dispose();
  }
}
