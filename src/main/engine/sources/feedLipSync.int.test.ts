// Sound and picture of a remote feed stay together on the programme, over transports
// that deliver them differently: RTMP (nginx-rtmp) interleaves sound and picture
// closely; MPEG-TS over SRT (srt-live-transmit) carries sound in PES packets of a few
// hundred milliseconds, so it arrives in bursts behind its picture; HLS (nginx as a web
// server) brings two seconds of both at once, a segment at a time. The remote
// encoder sends a white flash and a 1 kHz beep together at the start of every second;
// the test reads the worker the way the programme clock does (a tick takes the frame
// scheduled for it and that tick's sound) and checks that every beep starts with its
// flash: within a tick on average, and within two ticks each (the studio lets sound run
// a tick off through a single repeated or skipped frame rather than cut it). Every process is stopped after each test, even on failure.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { stopChild } from '../../../../test/support/childProcess';
import { stopsAfterEach } from '../../../../test/support/cleanups';
import { beepOffsets, firstLoudSample } from '../../../../test/support/flashBeep';
import { startNginxHttp } from '../../../../test/support/nginxHttp';
import { startNginxRtmp } from '../../../../test/support/nginxRtmp';
import { SrtRelay } from '../../../../test/support/srtRelay';
import type { CanvasSettings } from '../../../shared/model';
import { createMemoryLogger } from '../logger';
import { SourceWorker } from './sourceWorker';

const canvas: CanvasSettings = { width: 320, height: 180, fps: 30 };
const PERIOD_MS = 1000 / canvas.fps;
const SAMPLES_PER_TICK = 48_000 / canvas.fps;
/** Ticks read once the feed is live: 10 s, ten flashes. */
const TICKS = 300;

const cleanups = stopsAfterEach();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A remote camera: black with a 100 ms white flash and a 100 ms beep at each whole second; 1 s GOP. */
function flashBeepEncoder(output: readonly string[]): ChildProcess {
  const child = spawn('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    '-re', '-f', 'lavfi', '-i', "color=black:s=640x360:r=30,drawbox=w=640:h=360:color=white:t=fill:enable='lt(mod(t\\,1)\\,0.1)'",
    '-re', '-f', 'lavfi', '-i', "aevalsrc='if(lt(mod(t\\,1)\\,0.1)\\,0.5*sin(2*PI*1000*t)\\,0)':s=48000",
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p', '-g', '30', '-b:v', '500k',
    '-c:a', 'aac', '-b:a', '96k', ...output,
  ], { stdio: 'ignore' });
  cleanups.push(() => stopChild(child));
  return child;
}

function feedWorker(url: string): SourceWorker {
  const w = new SourceWorker({ id: 'remote', spec: { kind: 'networkFeed', name: 'Remote', url }, canvas, ffmpegPath: 'ffmpeg', logger: createMemoryLogger() });
  cleanups.push(() => w.dispose());
  return w;
}

interface Onsets {
  readonly flashes: number[];
  /** Where each beep starts, in ticks, to the sample (tick + sample / samples per tick). */
  readonly beeps: number[];
  /** Ticks that showed the same frame as the tick before. */
  repeats: number;
}

/** Waits for the feed, then ticks like the programme clock and notes where each flash and beep begins. */
async function watch(w: SourceWorker): Promise<Onsets> {
  const start = Date.now();
  while (!(w.state === 'live' && w.info().hasAudio) && Date.now() - start < 20_000) await sleep(25);
  expect(w.state).toBe('live');
  // The first seconds settle the schedule; watch after them.
  await sleep(2000);
  const centre = (canvas.height / 2) * canvas.width + canvas.width / 2;
  const onsets: Onsets = { flashes: [], beeps: [], repeats: 0 };
  let previous: Buffer | null = null;
  let flashing = false;
  let beeping = false;
  let due = performance.now();
  for (let tick = 1; tick <= TICKS; tick++) {
    due += PERIOD_MS;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const { pcm, peakDb } = w.takeAudio(SAMPLES_PER_TICK, due);
    const frame = w.frameForTick(due);
    if (frame === previous) onsets.repeats++;
    previous = frame;
    const flash = frame[centre]! > 160;
    if (flash && !flashing) onsets.flashes.push(tick);
    flashing = flash;
    const beep = peakDb > -30;
    if (beep && !beeping) onsets.beeps.push(tick + firstLoudSample(pcm, -30) / SAMPLES_PER_TICK);
    beeping = beep;
  }
  return onsets;
}

/** Every flash has one beep onset near it (within a tick on average, two at most), and there are no others. */
function expectLipSync({ flashes, beeps }: Onsets): void {
  const said = `flashes at ticks ${flashes.join(' ')}; beeps at ${beeps.map((b) => b.toFixed(2)).join(' ')}`;
  expect(flashes.length, said).toBeGreaterThanOrEqual(9);
  const offsets = beepOffsets(flashes, beeps);
  const shown = `beep − flash in ticks: ${offsets.map((o) => o.toFixed(2)).join(' ')}; ${said}`;
  // Before sound was paired with its picture: 2–3 ticks late over RTMP, 2–5 over SRT.
  const mean = offsets.reduce((a, b) => a + b, 0) / offsets.length;
  expect(Math.abs(mean), shown).toBeLessThanOrEqual(1);
  for (const offset of offsets) expect(Math.abs(offset), shown).toBeLessThanOrEqual(2);
  // A beep cut in two (sound dropped or a gap inserted inside it) shows as an extra onset.
  expect(beeps.length, said).toBeLessThanOrEqual(flashes.length + 1);
}

describe('a remote feed keeps its sound with its picture', () => {
  it('over RTMP from nginx-rtmp', async () => {
    const nginx = await startNginxRtmp();
    cleanups.push(() => nginx.stop());
    flashBeepEncoder(['-f', 'flv', `${nginx.url}/cam`]);
    await sleep(1000);
    const w = feedWorker(`${nginx.url}/cam`);
    w.start();
    expectLipSync(await watch(w));
  });

  it('over SRT through srt-live-transmit, whose MPEG-TS brings the sound in bursts', async () => {
    const relay = await SrtRelay.start();
    cleanups.push(() => relay.kill());
    flashBeepEncoder(['-f', 'mpegts', relay.publisherUrl]);
    await sleep(1000);
    const w = feedWorker(relay.readerUrl);
    w.start();
    expectLipSync(await watch(w));
  });

  it('over HLS from a web server, whose segments come two seconds at a time, with the picture paced', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cuecast-hls-sync-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const playlist = join(dir, 'live.m3u8');
    flashBeepEncoder(['-f', 'hls', '-hls_time', '2', '-hls_list_size', '5', '-hls_flags', 'delete_segments', playlist]);
    const start = Date.now();
    while (!(existsSync(playlist) && (readFileSync(playlist, 'utf8').match(/\.ts/g)?.length ?? 0) >= 2) && Date.now() - start < 15_000) await sleep(100);
    const web = await startNginxHttp(dir);
    cleanups.push(() => web.stop());
    const w = feedWorker(`${web.httpUrl}/live.m3u8`);
    w.start();
    const seen = await watch(w);
    expectLipSync(seen);
    // Unpaced, the segments' frames came in bursts: 261 of 300 ticks repeated a frame.
    expect(seen.repeats).toBeLessThanOrEqual(3);
  });
});
