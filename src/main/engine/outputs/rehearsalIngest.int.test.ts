// The built-in rehearsal ingest against real publishers (ffmpeg pushing RTMP): it
// shows what it decoded while a session runs, re-arms for the next one, and shows
// nothing between sessions, so a picture on its monitor always means "received now".
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { stopChild } from '../../../../test/support/childProcess';
import { stopsAfterEach } from '../../../../test/support/cleanups';
import { createMemoryLogger } from '../logger';
import { freeLoopbackPort, REHEARSAL_KEY, RehearsalIngest } from './rehearsalIngest';

const stops = stopsAfterEach();

/** A publisher of `seconds` of solid `color` at 320x180, as a platform's encoder would push. */
function publish(ingest: RehearsalIngest, color: string, seconds: number): ChildProcess {
  const child = spawn('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', `color=c=${color}:s=320x180:r=30:d=${seconds}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '15', '-pix_fmt', 'yuv420p', '-f', 'flv', `${ingest.url}/${REHEARSAL_KEY}`,
  ], { stdio: 'ignore' });
  stops.push(() => stopChild(child));
  return child;
}

async function waitFor(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('RehearsalIngest', () => {
  it('shows each session\'s picture while it runs and none between sessions', async () => {
    const ingest = await RehearsalIngest.start('ffmpeg', createMemoryLogger());
    stops.push(() => ingest.dispose());
    expect(ingest.latestPreview()).toBeNull();
    // A probe connection would take the listener's one session: give it time to listen.
    await new Promise((r) => setTimeout(r, 1000));

    const first = publish(ingest, 'red', 2);
    const firstListener = ingest.pid;
    await waitFor('the first session\'s picture', () => ingest.latestPreview() !== null, 10_000);
    expect(ingest.latestPreview()!.subarray(0, 2).equals(Buffer.from([0xff, 0xd8]))).toBe(true); // a JPEG
    await new Promise((r) => first.once('exit', r));

    // The publisher left: the listener ends and a new one is armed for the next session.
    await waitFor('a new listener', () => ingest.pid !== undefined && ingest.pid !== firstListener, 5_000);
    expect(ingest.latestPreview()).toBeNull();

    await new Promise((r) => setTimeout(r, 1000));
    publish(ingest, 'blue', 2);
    await waitFor('the second session\'s picture', () => ingest.latestPreview() !== null, 10_000);
  });

  it('takes a session that ends before it is read as routine, and serves the next', async () => {
    const logger = createMemoryLogger();
    const ingest = await RehearsalIngest.start('ffmpeg', logger);
    stops.push(() => ingest.dispose());
    await new Promise((r) => setTimeout(r, 1000));
    const listener = ingest.pid;

    // Go Live, then End at once: the publisher leaves before the listener has probed.
    const early = publish(ingest, 'red', 5);
    await new Promise((r) => setTimeout(r, 300));
    early.kill('SIGKILL');
    await waitFor('a new listener', () => ingest.pid !== undefined && ingest.pid !== listener, 5_000);

    expect(logger.lines.filter((l) => l.startsWith('warn') || l.startsWith('error'))).toEqual([]);
    expect(logger.lines.some((l) => l.startsWith('info') && l.includes('a session ended before its stream could be read'))).toBe(true);
    await new Promise((r) => setTimeout(r, 1000));
    publish(ingest, 'blue', 2);
    await waitFor('the next session\'s picture', () => ingest.latestPreview() !== null, 10_000);
  });

  it('warns and backs off while its port is taken, then listens once it is free', async () => {
    const port = await freeLoopbackPort();
    const squatter = createServer();
    await new Promise<void>((r) => squatter.listen(port, '127.0.0.1', r));
    const closeSquatter = () => new Promise<void>((r) => squatter.close(() => r()));
    stops.push(closeSquatter);

    const logger = createMemoryLogger();
    const ingest = await RehearsalIngest.start('ffmpeg', logger, port);
    stops.push(() => ingest.dispose());
    await new Promise((r) => setTimeout(r, 3000));
    const warnings = logger.lines.filter((l) => l.startsWith('warn'));
    // 0.4 + 0.8 + 1.6 s: at most four tries in three seconds, not one every 200 ms.
    expect(warnings.length).toBeGreaterThanOrEqual(2);
    expect(warnings.length).toBeLessThanOrEqual(4);
    expect(warnings[0]).toContain(`cannot listen on 127.0.0.1:${port}`);

    await closeSquatter();
    await new Promise((r) => setTimeout(r, 4000)); // the next try comes within 3.2 s
    publish(ingest, 'blue', 2);
    await waitFor('a picture once the port is free', () => ingest.latestPreview() !== null, 10_000);
  });
});
