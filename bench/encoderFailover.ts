// Encoder failover: the encoder process is killed mid-show. The studio must start a
// replacement within 2 s without dropping the ingest connection: the publisher stays
// connected, sends new sequence headers, and the timeline continues. Judged on the
// stream read back from nginx-rtmp by one uninterrupted reader.
import { startNginxRtmp } from '../test/support/nginxRtmp';
import { startProgramReader } from '../test/support/programReader';
import { benchShow, benchStudio, round, sleep, waitFor } from './support';

export interface FailoverResult {
  readonly largestGapMs: number;
  readonly framesAfterSwitch: number;
  readonly decodeErrors: readonly string[];
  readonly reconnects: number;
  readonly outputState: string;
  readonly operatorLog: readonly string[];
}

const DECODE_ERROR = /error while decoding|non-existing PPS|no frame!|Invalid NAL|missing picture|concealing/i;

export async function runEncoderFailover(): Promise<FailoverResult> {
  const canvas = { width: 640, height: 360, fps: 30 } as const;
  const nginx = await startNginxRtmp();
  const { studio } = await benchStudio(benchShow(canvas));
  let reader: ReturnType<typeof startProgramReader> | null = null;
  try {
    await waitFor(() => studio.snapshot().sources.every((s) => s.state === 'live'), 20_000, 'live cameras');
    const { id } = (await studio.request('output:add', { name: 'nginx', kind: 'rtmp', target: nginx.url, streamKey: 'failover' })) as { id: string };
    await studio.request('output:start', { id });
    const output = () => studio.snapshot().outputs.find((o) => o.id === id)!;
    await waitFor(() => output().state === 'live', 15_000, 'output live');
    reader = startProgramReader({ url: `${nginx.url}/failover`, width: canvas.width, height: canvas.height });
    const r = reader;
    await waitFor(() => r.frames.length > 30, 20_000, 'the reader to decode').catch((err: Error) => {
      throw new Error(`${err.message}; reader said: ${r.stderrTail().slice(-600)}`);
    });
    const before = r.frames.length;
    const pid = studio.pipeline.encoder.pid;
    if (!pid) throw new Error('no encoder process');
    process.kill(pid, 'SIGKILL');
    await sleep(5000);
    await reader.stop();
    let largest = 0;
    for (let i = 1; i < r.frames.length; i++) largest = Math.max(largest, r.frames[i].ptsMs - r.frames[i - 1].ptsMs);
    const decodeErrors = r.stderrTail().split('\n').filter((l) => DECODE_ERROR.test(l));
    return {
      largestGapMs: round(largest, 0),
      framesAfterSwitch: r.frames.length - before,
      decodeErrors,
      reconnects: output().reconnects,
      outputState: output().state,
      operatorLog: studio.snapshot().log.map((l) => l.message).filter((m) => /encoder/i.test(m)),
    };
  } finally {
    await reader?.stop();
    await studio.dispose();
    await nginx.stop();
  }
}
