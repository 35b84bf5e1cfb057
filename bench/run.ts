// `npm run bench`: the figures the live switching studio must show, measured against
// real ffmpeg and a real nginx-rtmp ingest on this machine, side by side with bare
// ffmpeg in the same run. Prints a table and writes bench/results.json.
//   BENCH_ONLY=probe,throughput,cuts,stall,failover,cost,latency,orphans,
//              metacuts,outage,muxcost,destcost,take,overlay,orders,ordersstudio   run a subset
//   BENCH_QUICK=1                                 shorter runs (smoke check)
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { runCost, type CostResult } from './cost';
import { runCutAccuracy } from './cutAccuracy';
import { runEncoderFailover } from './encoderFailover';
import { runEncodeThroughput, type ThroughputResult } from './encodeThroughput';
import { runLatency } from './latency';
import { commerceFigures } from './commerceFigures';
import { metadataFigures, type Row } from './metadataFigures';
import { runNoStall } from './noStall';
import { runOrphans } from './orphans';
import { runProbeBench } from './probe';

const only = new Set((process.env.BENCH_ONLY ?? 'probe,throughput,cuts,stall,failover,cost,latency,orphans,metacuts,outage,muxcost,destcost,take,overlay,orders,ordersstudio').split(','));
const quick = process.env.BENCH_QUICK === '1';

async function main(): Promise<void> {
  const rows: Row[] = [];
  const results: Record<string, unknown> = {
    machine: { cpus: cpus().length, model: cpus()[0]?.model, ffmpeg: execFileSync('ffmpeg', ['-version']).toString().split('\n')[0] },
    startedAt: new Date().toISOString(),
  };
  const step = async <T>(name: string, run: () => Promise<T>): Promise<T | null> => {
    if (!only.has(name)) return null;
    process.stderr.write(`bench: ${name}...\n`);
    try {
      const r = await run();
      results[name] = r;
      return r;
    } catch (err) {
      results[name] = { error: (err as Error).message };
      rows.push({ figure: name, measured: `failed: ${(err as Error).message}`, target: '', pass: false });
      return null;
    }
  };

  const probe = await step('probe', () => runProbeBench('ffmpeg'));
  if (probe) {
    rows.push({
      figure: 'encoder probe (720p30 canvas)',
      measured: `availability of every listed encoder in ${probe.availabilityCheckMs} ms; with speeds ${probe.fullProbeMs} ms; working: ${probe.working.join(', ')}; ${probe.unavailable} unavailable`,
      target: 'availability < 3000 ms',
      pass: probe.availabilityCheckMs < 3000,
    });
  }
  const throughput = await step('throughput', async () => {
    const list: ThroughputResult[] = [];
    list.push(await runEncodeThroughput({ width: 1920, height: 1080, fps: 30 }, quick ? 150 : 300));
    list.push(await runEncodeThroughput({ width: 3840, height: 2160, fps: 30 }, quick ? 45 : 90));
    return list;
  });
  for (const t of throughput ?? []) {
    rows.push({
      figure: `encode throughput ${t.canvas}, x264 ultrafast`,
      measured: `studio ${t.studioFps} fps vs bare ${t.bareFps} fps (×${t.ratio}) over ${t.frames} frames`,
      target: '≥ 0.9× bare',
      pass: t.ratio >= 0.9,
    });
  }
  const cuts = await step('cuts', () => runCutAccuracy({ cuts: quick ? 8 : 30 }));
  if (cuts) {
    rows.push({
      figure: '1. cut accuracy, 720p30 via nginx-rtmp',
      measured:
        `${cuts.cutsVerified}/${cuts.cuts} cuts decoded; max ${cuts.maxFramesLate} frames late; programme frames ${cuts.programmeFramesMissing} missing, ` +
        `${cuts.programmeFramesRepeated} repeated, ${cuts.timestampGapsOverOneFrame} gaps; camera frames around cuts ${cuts.sourceFramesAroundCuts.repeated} repeated, ` +
        `${cuts.sourceFramesAroundCuts.skipped} skipped (whole stream ${cuts.sourceFramesAll.repeated}, ${cuts.sourceFramesAll.skipped})`,
      target: 'all cuts 0 frames late; 0 frames missing/repeated around them',
      pass:
        cuts.cutsVerified === cuts.cuts && cuts.maxFramesLate === 0 && cuts.wrongCameraBeforeCut === 0 && cuts.programmeFramesMissing === 0 &&
        cuts.programmeFramesRepeated === 0 && cuts.sourceFramesAroundCuts.repeated === 0 && cuts.sourceFramesAroundCuts.skipped === 0,
    });
  }
  const stall = await step('stall', () => runNoStall());
  if (stall) {
    rows.push({
      figure: '2. feed killed mid-show',
      measured: `NO SIGNAL after ${stall.noSignalAfterKillMs} ms; back ${stall.backAfterRestartMs} ms after restart; largest gap ${stall.largestTimestampGapMs} ms (${stall.gapsOverOneFrame} over one frame); programme ${stall.programmeFpsDuringOutage} fps in the outage`,
      target: 'NO SIGNAL ≤ 1500 ms; no gap > 1 frame',
      pass: stall.noSignalAfterKillMs <= 1500 && stall.gapsOverOneFrame === 0,
    });
  }
  const failover = await step('failover', () => runEncoderFailover());
  if (failover) {
    rows.push({
      figure: 'encoder killed mid-show (failover)',
      measured: `largest timestamp gap ${failover.largestGapMs} ms; ${failover.reconnects} reconnects; ${failover.decodeErrors.length} decode errors; ${failover.framesAfterSwitch} frames after`,
      target: 'same connection, gap ≤ 2000 ms, clean decode',
      pass: failover.reconnects === 0 && failover.largestGapMs <= 2000 && failover.decodeErrors.length === 0,
    });
  }
  const cost = await step('cost', async () => {
    const s = quick ? 6 : 15;
    const list: CostResult[] = [];
    list.push(await runCost({ canvas: { width: 1920, height: 1080, fps: 30 }, cameras: 3, seconds: s, bitrateKbps: 6000 }));
    list.push(await runCost({ canvas: { width: 1280, height: 720, fps: 30 }, cameras: 3, seconds: s, bitrateKbps: 2500 }));
    list.push(await runCost({ canvas: { width: 3840, height: 2160, fps: 30 }, cameras: 1, seconds: s, bitrateKbps: 20000 }));
    return list;
  });
  for (const c of cost ?? []) {
    const is1080 = c.canvas.startsWith('1920x1080');
    rows.push({
      figure: `3. cost ${c.canvas}, ${c.cameras} camera(s)`,
      measured:
        `CPU ${c.studioCpuPercent}% vs bare ${c.bareCpuPercent}% (×${c.cpuRatio}); encoder ${c.studioEncoderFps} vs ${c.bareEncoderFps} fps (×${c.fpsRatio}); ` +
        `studio: cameras ${c.studioByRole.cameras}, host ${c.studioByRole.host}, video encoder ${c.studioByRole.videoEncoder}, other ${c.studioByRole.other}; ` +
        `bare generating the cameras only ${c.bareGenerateOnlyCpuPercent}`,
      target: is1080 ? 'CPU ≤ 1.3× bare' : 'reported',
      pass: is1080 ? c.cpuRatio <= 1.3 : null,
    });
  }
  const latency = await step('latency', () => runLatency({ seconds: quick ? 5 : 15 }));
  if (latency) {
    rows.push({
      figure: '4. latency 1080p30, camera → ingest',
      measured:
        `at the ingest: p50 ${latency.p50Ms} ms, p95 ${latency.p95Ms} ms, max ${latency.maxMs} ms (${latency.samples} frames); ` +
        `decoded by a viewer: p50 ${latency.decoded.p50Ms} ms, p95 ${latency.decoded.p95Ms} ms`,
      target: 'p95 ≤ 150 ms',
      pass: latency.p95Ms <= 150,
    });
  }
  const orphans = await step('orphans', () => runOrphans());
  for (const o of orphans ?? []) {
    rows.push({ figure: `5. orphans after ${o.how}`, measured: `${o.ffmpegBefore} ffmpeg before, ${o.ffmpegAfter3s} after 3 s`, target: '0 after 3 s', pass: o.ffmpegAfter3s === 0 });
  }

  rows.push(...(await metadataFigures(step, quick)));
  rows.push(...(await commerceFigures(step, quick)));

  // A partial run (BENCH_ONLY) keeps the other figures of the last run.
  if (process.env.BENCH_ONLY) mergePrevious(results, rows);
  results.rows = rows;
  results.finishedAt = new Date().toISOString();
  writeFileSync('bench/results.json', `${JSON.stringify(results, null, 2)}\n`);
  const w = [44, 100, 40];
  console.log(['figure'.padEnd(w[0]), 'measured'.padEnd(w[1]), 'target'.padEnd(w[2]), 'ok'].join(' | '));
  for (const r of rows) {
    console.log([r.figure.padEnd(w[0]), r.measured.padEnd(w[1]), r.target.padEnd(w[2]), r.pass === null ? '—' : r.pass ? 'yes' : 'NO'].join(' | '));
  }
  console.log('written: bench/results.json');
}

/** Which step measured a row of the table, from its figure's name. */
function stepOfFigure(figure: string): string {
  const prefixes: [string, string][] = [
    ['encoder probe', 'probe'], ['encode throughput', 'throughput'], ['1. cut', 'cuts'], ['2. feed', 'stall'], ['encoder killed', 'failover'],
    ['3. cost', 'cost'], ['4. latency', 'latency'], ['5. orphans', 'orphans'], ['M1.', 'metacuts'], ['M3.', 'outage'], ['M5a.', 'muxcost'],
    ['M5b.', 'destcost'], ['R3.', 'take'], ['R5.', 'overlay'], ['O1.', 'orders'], ['O2.', 'orders'],
  ];
  return prefixes.find(([prefix]) => figure.startsWith(prefix))?.[1] ?? figure;
}

function mergePrevious(results: Record<string, unknown>, rows: Row[]): void {
  let previous: Record<string, unknown>;
  try {
    previous = JSON.parse(readFileSync('bench/results.json', 'utf8')) as Record<string, unknown>;
  } catch {
    return;
  }
  for (const [key, value] of Object.entries(previous)) {
    if (!(key in results) && key !== 'rows') results[key] = value;
  }
  const kept = ((previous.rows as Row[] | undefined) ?? []).filter((r) => !only.has(stepOfFigure(r.figure)));
  rows.unshift(...kept);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
