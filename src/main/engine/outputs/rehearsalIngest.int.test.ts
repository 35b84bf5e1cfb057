// The built-in rehearsal ingest against real publishers (ffmpeg pushing RTMP): it
// shows what it decoded while a session runs, re-arms for the next one, and shows
// nothing between sessions, so a picture on its monitor always means "received now".
import { spawn, type ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { stopChild } from '../../../../test/support/childProcess';
import { stopsAfterEach } from '../../../../test/support/cleanups';
import { createMemoryLogger } from '../logger';
import { REHEARSAL_KEY, RehearsalIngest } from './rehearsalIngest';

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
});
