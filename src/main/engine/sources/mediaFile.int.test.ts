// A looping media file with real ffmpeg, read the way the programme reads it: a tick at
// the canvas rate takes the frame scheduled for it and one tick's sound. The file's
// loop must not reach the picture (ffmpeg restarts its decoder there) and sound must
// stay with picture across loops. Clips are made here by ffmpeg, 3–4 s so the test sees
// several loops.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import type { CanvasSettings } from '../../../shared/model';
import { stopsAfterEach } from '../../../../test/support/cleanups';
import { beepOffsets, firstLoudSample } from '../../../../test/support/flashBeep';
import { createMemoryLogger } from '../logger';
import { SourceWorker } from './sourceWorker';

const canvas: CanvasSettings = { width: 320, height: 180, fps: 30 };
const PERIOD_MS = 1000 / canvas.fps;
const SAMPLES_PER_TICK = 48_000 / canvas.fps;
const dir = mkdtempSync(join(tmpdir(), 'cuecast-media-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cleanups = stopsAfterEach();

/** A 720p H.264 + AAC clip made by ffmpeg from lavfi sources. */
function clip(name: string, seconds: number, video: string, audio: string): string {
  const path = join(dir, name);
  const made = spawnSync('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', video, '-f', 'lavfi', '-i', audio,
    '-t', String(seconds), '-c:v', 'libx264', '-preset', 'veryfast', '-g', '60', '-c:a', 'aac', '-ac', '2', path,
  ]);
  if (made.status !== 0) throw new Error(`ffmpeg could not make ${name}: ${made.stderr.toString()}`);
  return path;
}

function mediaWorker(path: string): SourceWorker {
  const w = new SourceWorker({ id: 'clip', spec: { kind: 'mediaFile', name: 'Clip', path }, canvas, ffmpegPath: 'ffmpeg', logger: createMemoryLogger() });
  cleanups.push(() => w.dispose());
  return w;
}

/** Ticks like the programme clock from the moment the source starts, `ticks` times. */
async function play(w: SourceWorker, ticks: number, onTick: (frame: Buffer, sound: { pcm: Buffer; peakDb: number }, tick: number) => void): Promise<void> {
  let due = performance.now();
  for (let tick = 1; tick <= ticks; tick++) {
    due += PERIOD_MS;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    // In the programme's order: the tick's sound, then its frame.
    const sound = w.takeAudio(SAMPLES_PER_TICK, due);
    onTick(w.frameForTick(due), sound, tick);
  }
}

describe('a looping media file', () => {
  it('plays through its loops without repeating frames, and its sound never breaks up', async () => {
    const path = clip('loop.mp4', 3, 'testsrc2=size=1280x720:rate=30', 'sine=frequency=1000:sample_rate=48000');
    const w = mediaWorker(path);
    w.start();
    const t0 = Date.now();
    while (w.state !== 'live' && Date.now() - t0 < 15_000) await new Promise((r) => setTimeout(r, 20));
    expect(w.state).toBe('live');
    let previous: Buffer | null = null;
    const repeats: number[] = [];
    let quietTicks = 0;
    // 12 s: four loops. With ffmpeg's -re pacing this showed 10 repeats (three at each loop).
    await play(w, 360, (frame, { peakDb }, tick) => {
      if (frame === previous) repeats.push(tick);
      previous = frame;
      if (peakDb < -40) quietTicks++;
    });
    expect(repeats.length, `repeated on ticks ${repeats.join(' ')}`).toBeLessThanOrEqual(2);
    expect(quietTicks).toBe(0);
  });

  it('keeps its sound with its picture across loops (a flash and a beep at each second)', async () => {
    // A white frame and a 33 ms beep at the start of every second of a 4 s clip. The
    // beep comes from aevalsrc, to the sample (volume's enable is judged per 1024-sample
    // frame and moved it by up to 21 ms).
    const path = clip(
      'sync.mp4',
      4,
      "color=black:s=1280x720:r=30,drawbox=x=0:y=0:w=1280:h=720:color=white:t=fill:enable='lt(mod(t\\,1)\\,0.03)'",
      "aevalsrc='if(lt(mod(t\\,1)\\,0.0333)\\,0.5*sin(2*PI*1000*t)\\,0)':s=48000",
    );
    const w = mediaWorker(path);
    w.start();
    const centre = (canvas.height / 2) * canvas.width + canvas.width / 2;
    const flashes: number[] = [];
    const beeps: number[] = [];
    let flashing = false;
    let beeping = false;
    // 13 s from start: three loops, and the sound's lead measured at every flash.
    await play(w, 390, (frame, { pcm, peakDb }, tick) => {
      const flash = frame[centre]! > 200;
      if (flash && !flashing) flashes.push(tick);
      flashing = flash;
      const beep = peakDb > -40;
      // Where in the tick the beep begins, to the sample.
      if (beep && !beeping) beeps.push(tick + firstLoudSample(pcm, -40) / SAMPLES_PER_TICK);
      beeping = beep;
    });
    expect(flashes.length).toBeGreaterThanOrEqual(10);
    // Each flash's nearest beep, in ticks (negative: sound first): within a tick on
    // average and two at most. With -re the sound wandered from 2 ticks late to 3 early.
    const offsets = beepOffsets(flashes, beeps);
    const shown = `sound − picture, ticks: ${offsets.map((o) => o.toFixed(2)).join(' ')}`;
    expect(Math.abs(offsets.reduce((a, b) => a + b, 0) / offsets.length), shown).toBeLessThanOrEqual(1);
    for (const offset of offsets) expect(Math.abs(offset), shown).toBeLessThanOrEqual(2);
  });
});
