// Issue 4, figure 3: three destinations live and a recording; one ingest is killed
// for a while and restarted. The dead destination must come back by itself within its
// backoff cap; the two others must not lose a frame; the programme must not stall; the
// recording must have no gap. Judged from what the ingests delivered (decoded by
// separate ffmpeg readers) and from the recorded file, not from our own counters.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OutputInfo } from '../src/shared/model';
import { startNginxRtmp, type NginxRtmp } from '../test/support/nginxRtmp';
import { startProgramReader, type ProgramReader } from '../test/support/programReader';
import { benchShow, benchStudio, sleep, waitFor } from './support';

export interface OutageResult {
  readonly outageMs: number;
  /** From the ingest's restart until the destination was live again. */
  readonly reconnectedAfterRestartMs: number;
  readonly backoffCapMs: number;
  readonly reconnects: number;
  /** Per surviving destination: frames decoded, and programme frames missing (PTS steps over one frame). */
  readonly survivors: readonly { readonly frames: number; readonly missing: number; readonly largestArrivalGapMs: number }[];
  readonly programmeFpsMin: number;
  readonly recording: { readonly frames: number; readonly gapsOverOneFrame: number; readonly decodeErrors: number };
}

/** The backoff cap of an RTMP destination (rtmpPublisher.ts DEFAULT_BACKOFF). */
const BACKOFF_CAP_MS = 30_000;

export async function runDestinationOutage(options: { outageMs: number; width?: number; height?: number }): Promise<OutageResult> {
  const canvas = { width: options.width ?? 1280, height: options.height ?? 720, fps: 30 } as const;
  const fps = canvas.fps;
  const servers: NginxRtmp[] = [];
  const readers: ProgramReader[] = [];
  const recordDir = mkdtempSync(join(tmpdir(), 'cuecast-outage-'));
  for (let i = 0; i < 3; i++) servers.push(await startNginxRtmp());
  const { studio } = await benchStudio(benchShow(canvas));
  try {
    const ids: string[] = [];
    for (const [i, server] of servers.entries()) {
      const { id } = (await studio.request('output:add', { name: `Ingest ${i + 1}`, kind: 'rtmp', target: server.url, streamKey: `show${i}`, preset: 'nginx-rtmp' })) as { id: string };
      ids.push(id);
    }
    const rec = (await studio.request('output:add', { name: 'Recording', kind: 'record', target: recordDir })) as { id: string };
    await waitFor(() => studio.snapshot().sources.every((s) => s.state === 'live'), 20_000, 'cameras live');
    await studio.request('output:startAll', {});
    const info = (id: string): OutputInfo => studio.snapshot().outputs.find((o) => o.id === id)!;
    await waitFor(() => ids.every((id) => info(id).state === 'live'), 20_000, 'three destinations live');
    for (let i = 1; i < 3; i++) readers.push(startProgramReader({ url: `${servers[i]!.url}/show${i}`, width: canvas.width, height: canvas.height }));
    await waitFor(() => readers.every((r) => r.frames.length >= fps), 20_000, 'both surviving ingests to deliver a second');
    await sleep(2000);

    let programmeFpsMin = Infinity;
    const sampler = setInterval(() => {
      programmeFpsMin = Math.min(programmeFpsMin, studio.snapshot().health.programFps);
    }, 1000);
    // Kill the first ingest outright (SIGKILL: no goodbye on the socket) and bring it back on the same port.
    const port = servers[0]!.port;
    await servers[0]!.stop('SIGKILL');
    await sleep(options.outageMs);
    servers[0] = await startNginxRtmp({ port });
    const restartedAt = performance.now();
    const reconnectedAfterRestartMs = await waitFor(() => info(ids[0]!).state === 'live', BACKOFF_CAP_MS + 10_000, 'the killed destination to come back').then(
      () => performance.now() - restartedAt,
    );
    await sleep(3000);
    clearInterval(sampler);
    await Promise.all(readers.map((r) => r.stop()));
    const reconnects = info(ids[0]!).reconnects;
    await studio.request('output:stopAll', {});

    const survivors = readers.map((r) => {
      let missing = 0;
      let largestArrivalGapMs = 0;
      for (let i = 1; i < r.frames.length; i++) {
        const step = Math.round(((r.frames[i]!.ptsMs - r.frames[i - 1]!.ptsMs) * fps) / 1000);
        if (step > 1) missing += step - 1;
        largestArrivalGapMs = Math.max(largestArrivalGapMs, r.frames[i]!.arrivedAtMs - r.frames[i - 1]!.arrivedAtMs);
      }
      return { frames: r.frames.length, missing, largestArrivalGapMs: Math.round(largestArrivalGapMs) };
    });
    const file = readdirSync(recordDir).find((f) => f.endsWith('.flv'));
    if (!file) throw new Error(`no recording in ${recordDir} (output ${rec.id})`);
    return {
      outageMs: options.outageMs,
      reconnectedAfterRestartMs: Math.round(reconnectedAfterRestartMs),
      backoffCapMs: BACKOFF_CAP_MS,
      reconnects,
      survivors,
      programmeFpsMin: Number.isFinite(programmeFpsMin) ? programmeFpsMin : 0,
      recording: recordingContinuity(join(recordDir, file), fps),
    };
  } finally {
    await Promise.all(readers.map((r) => r.stop()));
    await studio.dispose();
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(recordDir, { recursive: true, force: true });
  }
}

/** Decodes the whole recording with ffmpeg: frame count, timestamp gaps, decode errors. */
function recordingContinuity(file: string, fps: number): OutageResult['recording'] {
  const out = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const pts = out.split('\n').filter(Boolean).map(Number).sort((a, b) => a - b);
  let gaps = 0;
  for (let i = 1; i < pts.length; i++) if (pts[i]! - pts[i - 1]! > 1.5 / fps) gaps++;
  const decode = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-'], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  const decodeErrors = decode.stderr.split('\n').filter(Boolean).length + (decode.status === 0 ? 0 : 1);
  return { frames: pts.length, gapsOverOneFrame: gaps, decodeErrors };
}
