// Issue 4, figure 5: what the metadata and the destinations cost.
// - The mux stage per access unit: real coded 1080p frames from the programme encoder
//   pushed through MetadataStage with a product change every second and keyframe
//   repeats, against the same frames handed on without the stage, in the same run.
// - CPU of the studio (this process and its ffmpegs; the ingest server excluded)
//   publishing to five destinations, relative to one.
import { randomBytes } from 'node:crypto';
import { FfmpegProgramEncoder } from '../src/main/engine/encoder/programEncoder';
import { createMemoryLogger } from '../src/main/engine/logger';
import type { AudioConfig, EncodedFrame, EncodedStreamSink, VideoConfig } from '../src/main/engine/media/packets';
import { MetadataStage } from '../src/main/engine/mux/metadataStage';
import { processCpuSeconds } from '../src/main/studio/cpuMonitor';
import { startNginxRtmp } from '../test/support/nginxRtmp';
import { benchShow, benchStudio, processTree, round, sleep, waitFor } from './support';

export interface MuxCostResult {
  readonly canvas: string;
  readonly frames: number;
  readonly messages: number;
  readonly stageMicrosPerFrame: number;
  readonly passThroughMicrosPerFrame: number;
  /** Stage time per frame as a share of the frame interval. */
  readonly shareOfFrameInterval: number;
}

export interface DestinationsCostResult {
  readonly canvas: string;
  readonly oneDestinationCpuPercent: number;
  readonly fiveDestinationsCpuPercent: number;
  readonly ratio: number;
  readonly perExtraDestinationCpuPercent: number;
}

/** Coded frames from the real encoder, to replay through the stage. */
async function codedFrames(count: number): Promise<{ video: VideoConfig; audio: AudioConfig; frames: EncodedFrame[] }> {
  const canvas = { width: 1920, height: 1080, fps: 30 } as const;
  const encoder = new FfmpegProgramEncoder({
    canvas,
    settings: { videoBitrateKbps: 6000, audioBitrateKbps: 128, keyframeIntervalSec: 2, x264Preset: 'ultrafast' },
    ffmpegPath: 'ffmpeg',
    logger: createMemoryLogger(),
  });
  const frames: EncodedFrame[] = [];
  let config: { video: VideoConfig; audio: AudioConfig } | null = null;
  encoder.addSink({ onConfig: (video, audio) => (config = { video, audio }), onFrame: (f) => frames.push(f) });
  try {
    encoder.start();
    // Noise, so access units have the sizes of real pictures at this bitrate.
    const pictures = [0, 1, 2].map(() => randomBytes((canvas.width * canvas.height * 3) / 2));
    const silence = Buffer.alloc((48_000 / canvas.fps) * 4);
    for (let n = 0, taken = 0; taken < count + 10 && n < 20 * count; n++) {
      if (encoder.write(n, pictures[n % 3]!, silence)) taken++;
      else await sleep(10);
    }
    await waitFor(() => frames.filter((f) => f.type === 'video').length >= count, 60_000, 'coded frames');
  } finally {
    await encoder.dispose();
  }
  if (!config) throw new Error('encoder gave no configuration');
  const { video, audio } = config;
  return { video, audio, frames };
}

export async function runMuxCost(options: { frames: number }): Promise<MuxCostResult> {
  const { video, audio, frames } = await codedFrames(options.frames);
  const videoFrames = frames.filter((f) => f.type === 'video');
  const sink: EncodedStreamSink = { onConfig: () => undefined, onFrame: () => undefined };
  const rounds = 20;
  // Warm up both paths, then time them interleaved.
  let stageNs = 0n;
  let passNs = 0n;
  let messages = 0;
  for (let r = 0; r < rounds + 2; r++) {
    const stage = new MetadataStage({ downstream: [sink] });
    stage.onConfig(video, audio);
    const t0 = process.hrtime.bigint();
    for (const f of videoFrames) {
      if (f.type === 'video' && f.frame % 30 === 0) {
        stage.schedule({ v: 1, kind: 'product', product: { id: `p${f.frame}`, sku: `SKU-${f.frame}`, title: 'Gold ring 18k', price: 199, promoPrice: 149, currency: 'EUR', stock: 12 }, wallTimeMs: Date.now(), frame: 0 }, f.frame);
        if (r === 0) messages++;
      }
      stage.onFrame(f);
    }
    const t1 = process.hrtime.bigint();
    for (const f of videoFrames) sink.onFrame(f);
    const t2 = process.hrtime.bigint();
    if (r >= 2) {
      stageNs += t1 - t0;
      passNs += t2 - t1;
    }
  }
  const perFrame = (ns: bigint): number => Number(ns) / 1000 / (rounds * videoFrames.length);
  const stageMicros = perFrame(stageNs);
  return {
    canvas: '1920x1080@30',
    frames: videoFrames.length,
    messages,
    stageMicrosPerFrame: round(stageMicros, 2),
    passThroughMicrosPerFrame: round(perFrame(passNs), 3),
    shareOfFrameInterval: round(stageMicros / (1e6 / 30), 5),
  };
}

/** CPU of this process and its children, minus the trees of `exclude` (the ingest server). */
async function studioCpu(exclude: number[], seconds: number): Promise<number> {
  const pids = (): number[] => {
    const skip = new Set(exclude.flatMap((pid) => processTree(pid)));
    return processTree(process.pid).filter((pid) => !skip.has(pid));
  };
  const sample = (): Map<number, number> => new Map(pids().flatMap((pid) => {
    const s = processCpuSeconds(pid);
    return s === null ? [] : [[pid, s] as [number, number]];
  }));
  const before = sample();
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const after = sample();
  const elapsed = (performance.now() - t0) / 1000;
  let used = 0;
  for (const [pid, s] of after) used += s - (before.get(pid) ?? 0);
  return (used / elapsed) * 100;
}

export async function runDestinationsCost(options: { seconds: number }): Promise<DestinationsCostResult> {
  const canvas = { width: 1280, height: 720, fps: 30 } as const;
  const nginx = await startNginxRtmp();
  const { studio } = await benchStudio(benchShow(canvas));
  try {
    await waitFor(() => studio.snapshot().sources.every((s) => s.state === 'live'), 20_000, 'cameras live');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { id } = (await studio.request('output:add', { name: `Platform ${i + 1}`, kind: 'rtmp', target: nginx.url, streamKey: `dest${i}` })) as { id: string };
      ids.push(id);
    }
    const live = (n: number) => () => studio.snapshot().outputs.filter((o) => o.state === 'live').length === n;
    await studio.request('output:start', { id: ids[0]! });
    await waitFor(live(1), 15_000, 'one destination live');
    await sleep(2000);
    const one = await studioCpu([nginx.pid], options.seconds);
    for (const id of ids.slice(1)) await studio.request('output:start', { id });
    await waitFor(live(5), 15_000, 'five destinations live');
    await sleep(2000);
    const five = await studioCpu([nginx.pid], options.seconds);
    await studio.request('output:stopAll', {});
    return {
      canvas: '1280x720@30, 3 cameras',
      oneDestinationCpuPercent: round(one),
      fiveDestinationsCpuPercent: round(five),
      ratio: round(five / one, 3),
      perExtraDestinationCpuPercent: round((five - one) / 4, 2),
    };
  } finally {
    await studio.dispose();
    await nginx.stop();
  }
}
