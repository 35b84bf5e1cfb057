// Figure 3: what the studio costs. The whole studio (the headless host process and
// every ffmpeg it runs) publishing N live test-pattern cameras to nginx-rtmp, against
// the bare-ffmpeg equivalent measured in the same run: one ffmpeg generating the same
// N cameras (same filter graph) and encoding one of them with the same x264 settings
// to the same server. Also the encoder's frame rate on both sides, which at 4K shows
// how close to bare ffmpeg the studio's live path runs when the encoder is the limit.
import { spawn, type ChildProcess } from 'node:child_process';
import type { CanvasSettings, EncoderSettings, TestPatternSpec } from '../src/shared/model';
import { aacCodecArgs, x264VideoCodecArgs } from '../src/main/engine/encoder/x264Args';
import { FfmpegOutputParser } from '../src/main/engine/process/ffmpegOutput';
import { buildSourceArgs } from '../src/main/engine/sources/sourceArgs';
import { startNginxRtmp } from '../test/support/nginxRtmp';
import { startHostProcess } from './hostProcess';
import { benchShow, measureTreeCpu, measureTreeCpuByProcess, round, sleep, type ProcessCpu } from './support';

export interface CostResult {
  readonly canvas: string;
  readonly cameras: number;
  readonly studioCpuPercent: number;
  readonly bareCpuPercent: number;
  readonly cpuRatio: number;
  readonly studioEncoderFps: number;
  readonly bareEncoderFps: number;
  readonly fpsRatio: number;
  /** The studio's CPU by role, percent of a core: where the ratio comes from. */
  readonly studioByRole: Readonly<Record<StudioRole, number>>;
  /** Bare ffmpeg generating the same cameras with the same graph and encoding nothing. */
  readonly bareGenerateOnlyCpuPercent: number;
}

export type StudioRole = 'cameras' | 'host' | 'videoEncoder' | 'other';

/** Which part of the studio a process is, from its command line. */
export function studioRole(p: ProcessCpu, hostPid: number): StudioRole {
  if (p.pid === hostPid) return 'host';
  if (p.command.includes('testsrc2')) return 'cameras';
  if (/-c:v \S+/.test(p.command) && !p.command.includes('-vn')) return 'videoEncoder';
  return 'other';
}

/** The test pattern's video chain, exactly as a source worker builds it. */
function testPatternChain(spec: TestPatternSpec, canvas: CanvasSettings): string {
  const args = buildSourceArgs(spec, canvas);
  const graph = args[args.indexOf('-filter_complex') + 1];
  const first = graph.split(';')[0];
  return first.slice('[0:v]'.length, first.lastIndexOf(',split=2'));
}

function bareArgs(canvas: CanvasSettings, settings: EncoderSettings, cameras: TestPatternSpec[], url: string): string[] {
  const inputs: string[] = [];
  const chains: string[] = [];
  cameras.forEach((spec, i) => {
    inputs.push('-re', '-f', 'lavfi', '-i', `testsrc2=size=${canvas.width}x${canvas.height}:rate=${canvas.fps}`);
    inputs.push('-re', '-f', 'lavfi', '-i', `sine=frequency=${spec.toneHz}:sample_rate=48000`);
    chains.push(`[${2 * i}:v]${testPatternChain(spec, canvas)}[v${i}]`);
  });
  const codec = [...x264VideoCodecArgs(canvas, settings), ...aacCodecArgs(settings)];
  const discard = cameras.slice(1).flatMap((_, j) => ['-map', `[v${j + 1}]`, '-map', `${2 * (j + 1) + 1}:a`, '-f', 'null', '-']);
  return [
    '-hide_banner', '-loglevel', 'error', '-nostats', '-progress', 'pipe:2', ...inputs,
    '-filter_complex', chains.join(';'),
    '-map', '[v0]', '-map', '1:a', ...codec, '-f', 'flv', url,
    ...discard,
  ];
}

function generateOnlyArgs(canvas: CanvasSettings, cameras: TestPatternSpec[]): string[] {
  const inputs: string[] = [];
  const chains: string[] = [];
  const outputs: string[] = [];
  cameras.forEach((spec, i) => {
    inputs.push('-re', '-f', 'lavfi', '-i', `testsrc2=size=${canvas.width}x${canvas.height}:rate=${canvas.fps}`);
    inputs.push('-re', '-f', 'lavfi', '-i', `sine=frequency=${spec.toneHz}:sample_rate=48000`);
    chains.push(`[${2 * i}:v]${testPatternChain(spec, canvas)}[v${i}]`);
    outputs.push('-map', `[v${i}]`, '-map', `${2 * i + 1}:a`, '-f', 'null', '-');
  });
  return ['-hide_banner', '-loglevel', 'error', '-nostats', ...inputs, '-filter_complex', chains.join(';'), ...outputs];
}

export async function runCost(options: { canvas: CanvasSettings; cameras: number; seconds: number; bitrateKbps: number }): Promise<CostResult> {
  const { canvas, cameras, seconds } = options;
  const show = benchShow(canvas, [], options.bitrateKbps);
  const limited = { ...show, sources: show.sources.slice(0, cameras), preview: cameras > 1 ? 'src-2' : null };
  const nginx = await startNginxRtmp();
  try {
    // The studio, as a user runs it.
    const host = await startHostProcess(limited, [{ name: 'bench nginx', url: nginx.url, key: 'ours' }]);
    let studioCpu = 0;
    let studioFps = 0;
    const byRole: Record<StudioRole, number> = { cameras: 0, host: 0, videoEncoder: 0, other: 0 };
    try {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const s = await host.state();
        if (s.sources.every((x) => x.state === 'live')) break;
        if (Date.now() > deadline) throw new Error('cameras did not go live');
        await sleep(200);
      }
      await host.request('output:startAll');
      await sleep(4000);
      const perProcess = await measureTreeCpuByProcess(host.pid, seconds);
      studioCpu = perProcess.reduce((sum, p) => sum + p.percent, 0);
      for (const p of perProcess) byRole[studioRole(p, host.pid)] += p.percent;
      studioFps = (await host.state()).health.encoderFps ?? 0;
    } finally {
      await host.kill('SIGTERM');
    }

    // Bare ffmpeg doing the same work.
    const specs = limited.sources.map((s) => s.spec as TestPatternSpec);
    const bare: ChildProcess = spawn('ffmpeg', bareArgs(canvas, show.encoder, specs, `${nginx.url}/bare`), { stdio: ['ignore', 'ignore', 'pipe'] });
    let bareFps = 0;
    const parser = new FfmpegOutputParser();
    bare.stderr!.setEncoding('utf8');
    bare.stderr!.on('data', (t: string) => {
      for (const e of parser.push(t)) if (e.type === 'progress' && e.fps !== null) bareFps = e.fps;
    });
    const bareExit = new Promise((r) => bare.once('exit', r));
    let bareCpu = 0;
    try {
      await sleep(4000);
      bareCpu = await measureTreeCpu(bare.pid!, seconds);
    } finally {
      bare.kill('SIGKILL');
      await bareExit;
    }
    // The same cameras generated and thrown away: what the bare run spends before it encodes.
    const generate: ChildProcess = spawn('ffmpeg', generateOnlyArgs(canvas, specs), { stdio: ['ignore', 'ignore', 'pipe'] });
    generate.stderr!.resume();
    const generateExit = new Promise((r) => generate.once('exit', r));
    let generateCpu = 0;
    try {
      await sleep(3000);
      generateCpu = await measureTreeCpu(generate.pid!, seconds);
    } finally {
      generate.kill('SIGKILL');
      await generateExit;
    }
    return {
      canvas: `${canvas.width}x${canvas.height}@${canvas.fps}`,
      cameras,
      studioCpuPercent: round(studioCpu),
      bareCpuPercent: round(bareCpu),
      cpuRatio: round(studioCpu / bareCpu, 2),
      studioEncoderFps: round(studioFps),
      bareEncoderFps: round(bareFps),
      fpsRatio: round(studioFps / bareFps, 2),
      studioByRole: { cameras: round(byRole.cameras), host: round(byRole.host), videoEncoder: round(byRole.videoEncoder), other: round(byRole.other) },
      bareGenerateOnlyCpuPercent: round(generateCpu),
    };
  } finally {
    await nginx.stop();
  }
}
