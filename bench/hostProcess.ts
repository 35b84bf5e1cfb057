// Runs the built headless host (dist/host.mjs) as its own process, the way a user
// does, and talks to it over its HTTP API. Used where the whole studio's processes
// must be measured or killed.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StudioSnapshot } from '../src/shared/model';
import type { ShowConfig } from '../src/main/studio/showStore';
import { createFileKeySecretBox } from '../src/main/studio/secretBox';
import { hostRequest } from '../test/support/hostApi';

export interface HostProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  request<T = unknown>(name: string, params?: unknown): Promise<T>;
  state(): Promise<StudioSnapshot>;
  /** Sends a signal and waits for the host itself to exit (bounded). */
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Starts the host on a show; `rtmpOutputs` are added with their keys sealed for this data dir. */
export async function startHostProcess(show: ShowConfig, rtmpOutputs: { name: string; url: string; key: string }[] = []): Promise<HostProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cuecast-host-'));
  const box = createFileKeySecretBox(dataDir);
  const outputs = rtmpOutputs.map((o, i) => ({ id: `out-${90 + i}`, name: o.name, kind: 'rtmp' as const, target: o.url, sealedKey: box.encrypt(o.key) }));
  writeFileSync(join(dataDir, 'show.json'), JSON.stringify({ ...show, outputs: [...show.outputs, ...outputs] }));
  const token = 'benchtoken';
  // HOST_NODE_ARGS passes flags to the host's node, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const child = spawn(process.execPath, [...(process.env.HOST_NODE_ARGS ? process.env.HOST_NODE_ARGS.split(' ') : []), 'dist/host.mjs', 'serve', '--port', '0', '--token', token, '--data-dir', dataDir, '--quiet', '--no-encoder-probe'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`host did not print its URL: ${out}`)), 20_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /127\.0\.0\.1:(\d+)\/\?token=/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => reject(new Error(`host exited ${code}: ${out}`)));
  });
  const request = <T>(name: string, params: unknown = {}): Promise<T> => hostRequest<T>(`http://127.0.0.1:${port}`, token, name, params);
  return {
    pid: child.pid!,
    child,
    request,
    state: () => request<StudioSnapshot>('studio:getState'),
    async kill(signal) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
