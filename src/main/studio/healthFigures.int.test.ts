// The health strip's encoder figures with a real encoder that really falls behind: its
// ffmpeg is paused (SIGSTOP), so frames back up and the studio drops them, as on a
// machine that cannot keep up. ENC must say so now, and DROP must count the session
// the operator is in, not the hour of rehearsal before it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchShow, benchStudio } from '../../../bench/support';
import { stopsAfterEach } from '../../../test/support/cleanups';
import { waitUntil } from '../../../test/support/nginxRtmp';
import { isAlive } from '../../../test/support/processTree';
import type { Studio } from './studio';

const cleanups = stopsAfterEach();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Pauses the studio's video encoder for `ms` and lets it go on, whatever happens. */
async function stallEncoder(studio: Studio, ms: number, whileStalled: () => Promise<void> = async () => undefined): Promise<void> {
  const pid = studio.pipeline.encoder.pid!;
  process.kill(pid, 'SIGSTOP');
  try {
    await sleep(ms);
    await whileStalled();
  } finally {
    process.kill(pid, 'SIGCONT');
  }
}

describe('health figures', () => {
  it('ENC reads the encoder now, and DROP counts from the start of the session', async () => {
    const { studio } = await benchStudio(benchShow({ width: 320, height: 180, fps: 30 }));
    cleanups.push(() => studio.dispose());
    await waitUntil(() => (studio.snapshot().health.encoderSpeed ?? 0) > 0.9, 20_000, 'the encoder at speed');

    // Off air, the encoder stalls: it reads 0 while stuck, and frames are dropped.
    await stallEncoder(studio, 2600, async () => {
      expect(studio.snapshot().health.encoderSpeed).toBe(0);
    });
    await waitUntil(() => studio.snapshot().health.droppedFrames > 30, 3000, 'the stall counted as drops');
    // Three seconds later it reads real time again, not an average dragged down by the stall.
    await sleep(3500);
    const recovered = studio.snapshot().health;
    expect(recovered.encoderSpeed!).toBeGreaterThan(0.9);
    expect(recovered.encoderFps!).toBeGreaterThan(27);
    const before = recovered.droppedFrames;

    // A session starts (here a recording): what was dropped before it is not its own.
    const folder = mkdtempSync(join(tmpdir(), 'cuecast-health-'));
    cleanups.push(async () => rmSync(folder, { recursive: true, force: true }));
    const { id } = (await studio.request('output:add', { name: 'Local copy', kind: 'record', target: folder })) as { id: string };
    await studio.request('output:start', { id });
    expect(studio.snapshot().health.droppedFrames).toBe(0);
    await stallEncoder(studio, 1000);
    await waitUntil(() => studio.snapshot().health.droppedFrames > 10, 3000, 'drops in the session');
    expect(studio.snapshot().health.droppedFrames).toBeLessThan(before);
    await studio.request('output:stop', { id });
  }, 60_000);

  it('moves to a new encoder when the one running hangs, and ENC shows it back at speed', async () => {
    const { studio } = await benchStudio(benchShow({ width: 320, height: 180, fps: 30 }));
    cleanups.push(() => studio.dispose());
    await waitUntil(() => (studio.snapshot().health.encoderSpeed ?? 0) > 0.9, 20_000, 'the encoder at speed');
    const hung = studio.pipeline.encoder.pid!;
    process.kill(hung, 'SIGSTOP');
    cleanups.push(async () => {
      try {
        process.kill(hung, 'SIGCONT');
      } catch {
        // Gone: the studio killed it, as it should.
      }
    });
    await waitUntil(() => studio.pipeline.encoder.pid !== hung, 10_000, 'a new encoder');
    expect(studio.logEntriesCopy().some((e) => e.level === 'error' && /^encoder x264 hung: no picture for \d s while fed frames; moving to the next encoder$/.test(e.message))).toBe(true);
    await waitUntil(() => (studio.snapshot().health.encoderSpeed ?? 0) > 0.9, 10_000, 'the new encoder at speed');
    // The hung process is ended, not left behind.
    await waitUntil(() => !isAlive(hung), 6000, 'the hung encoder gone');
  }, 60_000);
});

