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
import { ProgressRate } from '../src/main/engine/process/progressRate';
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
  // The audio encoder names no video codec; cameras (mjpeg thumbnails) are matched above.
  if (p.command.includes('-c:v ')) return 'videoEncoder';
  return 'other';
}

/** The test pattern's video chain, exactly as a source worker builds it. */
function testPatternChain(spec: TestPatternSpec, canvas: CanvasSettings): string {
  const args = buildSourceArgs(spec, canvas);
  const graph = args[args.indexOf('-filter_complex') + 1];
  const first = graph.split(';')[0];
  return first.slice('[0:v]'.length, first.lastIndexOf(',split=2'));
}

/**
 * The cameras as one bare ffmpeg generates them: inputs (video and tone per camera) and
 * a graph labelling camera i's picture [v{i}]; its tone is input 2i+1.
 */
function bareCameras(canvas: CanvasSettings, cameras: TestPatternSpec[]): { inputs: string[]; graph: string } {
  const inputs: string[] = [];
  const chains: string[] = [];
  cameras.forEach((spec, i) => {
    inputs.push('-re', '-f', 'lavfi', '-i', `testsrc2=size=${canvas.width}x${canvas.height}:rate=${canvas.fps}`);
    inputs.push('-re', '-f', 'lavfi', '-i', `sine=frequency=${spec.toneHz}:sample_rate=48000`);
    chains.push(`[${2 * i}:v]${testPatternChain(spec, canvas)}[v${i}]`);
  });
  return { inputs, graph: chains.join(';') };
}

/** Camera i (picture and tone) thrown away. */
const discardCamera = (i: number) => ['-map', `[v${i}]`, '-map', `${2 * i + 1}:a`, '-f', 'null', '-'];

function bareArgs(canvas: CanvasSettings, settings: EncoderSettings, cameras: TestPatternSpec[], url: string): string[] {
  const { inputs, graph } = bareCameras(canvas, cameras);
  const codec = [...x264VideoCodecArgs(canvas, settings), ...aacCodecArgs(settings)];
  return [
    '-hide_banner', '-loglevel', 'error', '-nostats', '-progress', 'pipe:2', ...inputs,
    '-filter_complex', graph,
    '-map', '[v0]', '-map', '1:a', ...codec, '-f', 'flv', url,
    ...cameras.slice(1).flatMap((_, j) => discardCamera(j + 1)),
  ];
}

/** The same cameras generated and thrown away: what the bare run spends before it encodes. */
function generateOnlyArgs(canvas: CanvasSettings, cameras: TestPatternSpec[]): string[] {
  const { inputs, graph } = bareCameras(canvas, cameras);
  return ['-hide_banner', '-loglevel', 'error', '-nostats', ...inputs, '-filter_complex', graph, ...cameras.flatMap((_, i) => discardCamera(i))];
}

/** Runs ffmpeg, lets it settle, and measures its CPU (percent of a core); always ends it. */
async function measureBareFfmpeg(args: string[], settleMs: number, seconds: number, onStderr: (text: string) => void = () => undefined): Promise<number> {
  const child: ChildProcess = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', onStderr);
  const exited = new Promise((r) => child.once('exit', r));
  try {
    await sleep(settleMs);
    return await measureTreeCpu(child.pid!, seconds);
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
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
    // Over the last seconds, as the studio's health figure is: ffmpeg's own fps averages since start.
    let bareFps = 0;
    const parser = new FfmpegOutputParser();
    const bareRate = new ProgressRate();
    const bareCpu = await measureBareFfmpeg(bareArgs(canvas, show.encoder, specs, `${nginx.url}/bare`), 4000, seconds, (text) => {
      for (const e of parser.push(text)) if (e.type === 'progress') bareRate.push(e);
      bareFps = bareRate.current()?.fps ?? bareFps;
    });
    const generateCpu = await measureBareFfmpeg(generateOnlyArgs(canvas, specs), 3000, seconds);
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
