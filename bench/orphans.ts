// Figure 5: no orphans. The studio (headless host) runs its cameras, encoder and
// rehearsal ingest; it is then ended by Ctrl-C (stop), SIGTERM (quit) or SIGKILL. Three
// seconds later none of the ffmpeg processes it had started may remain.
import { startHostProcess } from './hostProcess';
import { commandOf } from '../test/support/processTree';
import { benchShow, isAlive, processTree, sleep } from './support';

export interface OrphanResult {
  readonly how: 'stop (SIGINT)' | 'quit (SIGTERM)' | 'SIGKILL of main';
  readonly ffmpegBefore: number;
  readonly ffmpegAfter3s: number;
}

export async function runOrphans(): Promise<OrphanResult[]> {
  const results: OrphanResult[] = [];
  const cases: [OrphanResult['how'], NodeJS.Signals][] = [
    ['stop (SIGINT)', 'SIGINT'],
    ['quit (SIGTERM)', 'SIGTERM'],
    ['SIGKILL of main', 'SIGKILL'],
  ];
  for (const [how, signal] of cases) {
    const show = benchShow({ width: 640, height: 360, fps: 30 });
    const host = await startHostProcess(show);
    let ffmpegs: number[] = [];
    try {
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        const s = await host.state();
        if (s.sources.every((x) => x.state === 'live')) break;
        await sleep(200);
      }
      ffmpegs = processTree(host.pid).filter((pid) => pid !== host.pid && /ffmpeg/.test(commandOf(pid)));
      host.child.kill(signal);
      await sleep(3000);
      results.push({ how, ffmpegBefore: ffmpegs.length, ffmpegAfter3s: ffmpegs.filter(isAlive).length });
    } finally {
      await host.kill('SIGKILL');
      for (const pid of ffmpegs.filter(isAlive)) process.kill(pid, 'SIGKILL');
    }
  }
  return results;
}
