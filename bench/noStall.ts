// Figure 2: no stall. A remote feed (a separate ffmpeg serving SRT) is killed mid-show
// while another camera is on air, then restarted. The stream read back from nginx-rtmp
// must keep its frame rate (no timestamp gap over one frame interval), the feed must
// show NO SIGNAL within 1.5 s and come back by itself.
import { spawn, type ChildProcess } from 'node:child_process';
import { createMemoryLogger } from '../src/main/engine/logger';
import { RtmpPublisher } from '../src/main/engine/outputs/rtmp/rtmpPublisher';
import { freePort, startNginxRtmp } from '../test/support/nginxRtmp';
import { startProgramReader } from '../test/support/programReader';
import { benchShow, benchStudio, round, sleep, waitFor } from './support';

export interface NoStallResult {
  readonly noSignalAfterKillMs: number;
  readonly backAfterRestartMs: number;
  readonly largestTimestampGapMs: number;
  readonly gapsOverOneFrame: number;
  readonly decodedFrames: number;
  readonly programmeFpsDuringOutage: number;
}

function serveFeed(port: number): ChildProcess {
  return spawn(
    'ffmpeg',
    [
      '-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30',
      '-f', 'lavfi', '-i', 'sine=frequency=300:sample_rate=48000',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '30', '-c:a', 'aac',
      '-f', 'mpegts', `srt://127.0.0.1:${port}?mode=listener&latency=50000`,
    ],
    { stdio: 'ignore' },
  );
}

async function kill(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await gone;
}

export async function runNoStall(): Promise<NoStallResult> {
  const canvas = { width: 1280, height: 720, fps: 30 } as const;
  const feedPort = await freePort();
  let feed: ChildProcess | null = serveFeed(feedPort);
  const nginx = await startNginxRtmp();
  const { studio } = await benchStudio(benchShow(canvas, [{ id: 'src-9', spec: { kind: 'networkFeed', name: 'Remote farm', url: `srt://127.0.0.1:${feedPort}` } }]));
  const publisher = new RtmpPublisher({ name: 'bench nginx', url: nginx.url, streamKey: 'nostall', logger: createMemoryLogger() });
  let reader: ReturnType<typeof startProgramReader> | null = null;
  try {
    const remote = studio.pipeline.sources.get('src-9')!;
    await waitFor(() => studio.snapshot().sources.every((s) => s.state === 'live'), 30_000, 'all sources live, the remote feed included');
    await studio.request('switcher:preview', { input: 'src-9' });
    studio.pipeline.encoder.addSink(publisher);
    publisher.start();
    await waitFor(() => publisher.state === 'live', 15_000, 'publisher live');
    reader = startProgramReader({ url: `${nginx.url}/nostall`, width: canvas.width, height: canvas.height });
    const r = reader;
    await waitFor(() => r.frames.length > 30, 20_000, 'the reader to decode').catch((err: Error) => {
      throw new Error(`${err.message}; reader said: ${r.stderrTail().slice(-600)}`);
    });
    await sleep(2000);

    const framesBefore = studio.pipeline.frameCount;
    const killedAt = performance.now();
    await kill(feed);
    feed = null;
    const noSignalAfterKillMs = await waitFor(() => remote.info().state !== 'live', 10_000, 'NO SIGNAL on the remote feed');
    await sleep(Math.max(0, 4000 - (performance.now() - killedAt)));
    const outageSeconds = (performance.now() - killedAt) / 1000;
    const programmeFpsDuringOutage = (studio.pipeline.frameCount - framesBefore) / outageSeconds;

    feed = serveFeed(feedPort);
    const backAfterRestartMs = await waitFor(() => remote.info().state === 'live', 30_000, 'the remote feed to come back by itself');
    await sleep(2000);
    await reader.stop();

    let largest = 0;
    let gaps = 0;
    const interval = 1000 / canvas.fps;
    for (let i = 1; i < reader.frames.length; i++) {
      const gap = reader.frames[i].ptsMs - reader.frames[i - 1].ptsMs;
      largest = Math.max(largest, gap);
      if (gap > interval + 1) gaps++;
    }
    return {
      noSignalAfterKillMs: round(noSignalAfterKillMs, 0),
      backAfterRestartMs: round(backAfterRestartMs, 0),
      largestTimestampGapMs: largest,
      gapsOverOneFrame: gaps,
      decodedFrames: reader.frames.length,
      programmeFpsDuringOutage: round(programmeFpsDuringOutage),
    };
  } finally {
    await reader?.stop();
    await kill(feed);
    await publisher.stop();
    await studio.dispose();
    await nginx.stop();
  }
}
