// Removing a source mid-show: the studio keeps reporting state (snapshots every few
// hundred ms, to every client) while the source's ffmpeg stops. A snapshot taken in
// between once listed the source with its worker already gone, and the TypeError in
// that timer ended the whole host process; state reporting now also survives its own bugs.
import { describe, expect, it, vi } from 'vitest';
import { stopsAfterEach } from '../../../test/support/cleanups';
import { benchShow, benchStudio } from '../../../bench/support';
import { freePort, waitUntil } from '../../../test/support/nginxRtmp';
import type { Studio } from './studio';

const cleanups = stopsAfterEach();

async function liveStudio(): Promise<Studio> {
  const { studio } = await benchStudio(benchShow({ width: 320, height: 180, fps: 30 }));
  cleanups.push(() => studio.dispose());
  await waitUntil(() => studio.snapshot().sources.every((s) => s.state === 'live'), 20_000, 'cameras live');
  return studio;
}

describe('removing a source', () => {
  it('leaves every snapshot whole while its ffmpeg stops, whether it was live or reconnecting', async () => {
    const studio = await liveStudio();
    const port = await freePort();
    const { id: feed } = (await studio.request('source:add', {
      spec: { kind: 'networkFeed', name: 'Farm gate', url: `rtmp://127.0.0.1:${port}/live/gate` },
    })) as { id: string };
    await waitUntil(() => studio.snapshot().sources.find((s) => s.id === feed)?.state === 'reconnecting', 15_000, 'the feed reconnecting');
    const live = studio.snapshot().sources.find((s) => s.id !== feed && s.id !== studio.snapshot().switcher.program)!.id;

    for (const id of [feed, live]) {
      const removing = studio.request('source:remove', { id });
      // The request is under way: its worker is stopping.
      const during = studio.snapshot();
      expect(during.sources.map((s) => s.id)).not.toContain(id);
      await removing;
      expect(studio.snapshot().sources.map((s) => s.id)).not.toContain(id);
    }
    expect(studio.snapshot().sources).toHaveLength(2);
  });
});

describe('reporting state', () => {
  it('a failure while reporting state is logged, and the studio goes on', async () => {
    const studio = await liveStudio();
    const frame = studio.snapshot().health.programFrame;
    vi.spyOn(studio, 'snapshot').mockImplementationOnce(() => {
      throw new TypeError("Cannot read properties of undefined (reading 'info')");
    });
    studio.changed();
    await waitUntil(() => studio.logEntriesCopy().some((e) => e.message.startsWith("Could not report the studio's state: Cannot read")), 2000, 'the error logged');
    await waitUntil(() => studio.snapshot().health.programFrame > frame + 15, 5000, 'the programme going on');
  });
});
