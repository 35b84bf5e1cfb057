// A remote feed on programme keeps its sound with its picture all the way to the
// ingest. The remote camera sends MPEG-TS over SRT (its sound comes in bursts behind its
// picture) with a white flash and a beep together at every whole second; the studio
// puts it on air and publishes to a real nginx-rtmp; what nginx delivers is recorded
// and ffmpeg finds where each flash (blackdetect) and each beep (silencedetect) starts
// on the stream's own timeline. Every process is stopped after the test, even on failure.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchShow, benchStudio, waitFor } from '../../../bench/support';
import { stopChild } from '../../../test/support/childProcess';
import { stopsAfterEach } from '../../../test/support/cleanups';
import { freePort, startNginxRtmp } from '../../../test/support/nginxRtmp';
import { createMemoryLogger } from '../engine/logger';
import { RtmpPublisher } from '../engine/outputs/rtmp/rtmpPublisher';

const cleanups = stopsAfterEach();

/** Where flashes and beeps begin in a recording, seconds on its timeline. */
function onsets(file: string): { flashes: number[]; beeps: number[] } {
  const r = spawnSync('ffmpeg', [
    '-hide_banner', '-nostats', '-i', file,
    '-vf', 'blackdetect=d=0.05:pix_th=0.3', '-af', 'silencedetect=n=-30dB:d=0.05', '-f', 'null', '-',
  ], { encoding: 'utf8' });
  const all = (re: RegExp): number[] => [...r.stderr.matchAll(re)].map((m) => Number(m[1]));
  return { flashes: all(/black_end:([\d.]+)/g), beeps: all(/silence_end: ([\d.]+)/g) };
}

describe('a remote feed on air', () => {
  it('reaches the ingest with every beep on its flash (SRT, sound in bursts)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cuecast-lipsync-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const feedPort = await freePort();
    const camera: ChildProcess = spawn('ffmpeg', [
      '-hide_banner', '-loglevel', 'error', '-nostdin',
      '-re', '-f', 'lavfi', '-i', "color=black:s=640x360:r=30,drawbox=w=640:h=360:color=white:t=fill:enable='lt(mod(t\\,1)\\,0.1)'",
      '-re', '-f', 'lavfi', '-i', "aevalsrc='if(lt(mod(t\\,1)\\,0.1)\\,0.5*sin(2*PI*1000*t)\\,0)':s=48000",
      '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '30', '-b:v', '500k', '-c:a', 'aac',
      '-f', 'mpegts', `srt://127.0.0.1:${feedPort}?mode=listener&latency=50000`,
    ], { stdio: 'ignore' });
    cleanups.push(() => stopChild(camera));
    const nginx = await startNginxRtmp();
    cleanups.push(() => nginx.stop());
    const canvas = { width: 640, height: 360, fps: 30 } as const;
    const show = { ...benchShow(canvas, [{ id: 'src-9', spec: { kind: 'networkFeed', name: 'Farm feed', url: `srt://127.0.0.1:${feedPort}` } }]), program: 'src-9' };
    const { studio, dataDir } = await benchStudio(show);
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    cleanups.push(() => studio.dispose());
    const publisher = new RtmpPublisher({ name: 'nginx', url: nginx.url, streamKey: 'lipsync', logger: createMemoryLogger() });
    cleanups.push(() => publisher.stop());

    await waitFor(() => studio.snapshot().sources.find((s) => s.id === 'src-9')?.state === 'live', 20_000, 'the remote feed live');
    studio.pipeline.encoder.addSink(publisher);
    publisher.start();
    await waitFor(() => publisher.state === 'live', 15_000, 'publisher live');
    const file = join(dir, 'ingest.flv');
    const recorder = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', `${nginx.url}/lipsync`, '-t', '10', '-c', 'copy', '-y', file], { stdio: 'ignore' });
    cleanups.push(() => stopChild(recorder));
    await new Promise((resolve) => recorder.once('exit', resolve));

    const { flashes, beeps } = onsets(file);
    const said = `flashes at ${flashes.join(' ')} s; beeps at ${beeps.join(' ')} s`;
    expect(flashes.length, said).toBeGreaterThanOrEqual(7);
    // The first second or two settle the feed's hold; judge the rest.
    const judged = flashes.slice(2);
    const offsetsMs = judged.map((f) => Math.round(1000 * (beeps.reduce((best, b) => (Math.abs(b - f) < Math.abs(best - f) ? b : best), -1e9) - f)));
    // One frame either way (and the programme's own AAC priming, 21 ms, on the sound).
    // Before sound was paired with picture by position, beeps came 67–167 ms late here.
    for (const ms of offsetsMs) expect(Math.abs(ms), `beep − flash, ms: ${offsetsMs.join(' ')}; ${said}`).toBeLessThanOrEqual(50);
  }, 90_000);
});
