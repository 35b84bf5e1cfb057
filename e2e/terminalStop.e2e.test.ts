// The terminal that runs the headless host, while the host is live on the rehearsal
// ingest and recording. Ctrl-C: a terminal sends SIGINT to its whole foreground
// process group, so the test does the same to the host's group. Only the studio may
// get it and stop outputs, encoder and sources in order: when the ffmpegs shared the
// group they all quit at once, the sources logged failures and began to reconnect,
// and the rehearsal ingest reported an error. Closing the terminal: SIGHUP, with the
// output gone; the studio must still stop in order rather than die of the signal or
// of a failed write. Either way nothing the host started may be left running. No
// browser: the host is driven over its HTTP API.
import { afterEach, describe, expect, it } from 'vitest';
import type { StudioSnapshot } from '../src/shared/model';
import { hostRequest } from '../test/support/hostApi';
import { commandOf, isAlive, processTree } from '../test/support/processTree';
import { startHostProcess, type HostProcess } from './support/hostProcess';

const token = 'terminal-stop-token';
let host: HostProcess | null = null;

afterEach(async () => {
  await host?.stop();
  host = null;
});

/** Every process below `root`, with its command line. */
function descendants(root: number): { pid: number; command: string }[] {
  return processTree(root)
    .filter((pid) => pid !== root)
    .map((pid) => ({ pid, command: commandOf(pid) }));
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${log()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A host live on the rehearsal ingest and recording, with media flowing to both. */
async function liveHost(): Promise<{ started: HostProcess; log: () => string; children: { pid: number; command: string }[] }> {
  const started = await startHostProcess(token);
  host = started;
  const log = (): string => started.output();
  const request = <T>(name: string, params: unknown = {}): Promise<T> => hostRequest<T>(started.url, token, name, params);
  const state = (): Promise<StudioSnapshot> => request<StudioSnapshot>('studio:getState');

  // The encoder probe's short ffmpegs are not supervised: let it finish first.
  await waitFor('the encoder probe', () => /Auto encoder:/.test(log()), 60_000, log);
  await waitFor('every source live', async () => (await state()).sources.every((s) => s.state === 'live'), 30_000, log);
  await request('output:startAll');
  // Media flowing to both, so the ingest has a stream to end and the recording a picture.
  await waitFor('every destination live and sending', async () => (await state()).outputs.every((o) => o.state === 'live' && o.bitrateKbps > 100), 30_000, log);
  await new Promise((r) => setTimeout(r, 2000));
  const children = descendants(started.pid);
  expect(children.filter((c) => /ffmpeg/.test(c.command)).length).toBeGreaterThanOrEqual(5); // 3 cameras, encoder, ingest
  return { started, log, children };
}

async function expectAllEnded(children: { pid: number; command: string }[], log: () => string): Promise<void> {
  await waitFor('every child of the host to end', () => children.every((c) => !isAlive(c.pid)), 3_000, () => `${JSON.stringify(children.filter((c) => isAlive(c.pid)))}\n${log()}`);
}

describe('the host\'s terminal', () => {
  it('Ctrl-C reaches only the studio, which stops everything in order and leaves nothing running', async () => {
    const { started, log, children } = await liveHost();
    const before = log().length;
    process.kill(-started.pid, 'SIGINT'); // the terminal's Ctrl-C: the host's whole process group
    await waitFor('the host to exit', () => !isAlive(started.pid), 20_000, log);
    const shutdown = log().slice(before);

    expect(shutdown).toMatch(/SIGINT: stopping outputs, encoder and sources/);
    // Nothing quit before the studio stopped it: no unrequested exit, no reconnect.
    expect(shutdown).not.toMatch(/exited code=/);
    expect(shutdown).not.toMatch(/reconnecting/);
    for (const name of ['Showroom', 'Farm', 'Factory']) expect(shutdown).toContain(`[cuecast:source ${name}] stopped`);
    expect(await started.exit).toEqual({ code: 0, signal: null });
    await expectAllEnded(children, log);
  });

  it('closing it (SIGHUP, output gone) still stops the studio in order', async () => {
    const { started, log, children } = await liveHost();
    started.closeOutput(); // what the host writes on its way out now fails (EPIPE)
    process.kill(-started.pid, 'SIGHUP'); // the shell hangs up its job's group
    // Exit code 0 is the end of the ordered shutdown; dying of the signal, or of a
    // failed write, is not.
    expect(await started.exit).toEqual({ code: 0, signal: null });
    await expectAllEnded(children, log);
  });
});
