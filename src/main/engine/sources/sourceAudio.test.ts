import { describe, expect, it } from 'vitest';
import { SILENCE_DB } from './pcmRing';
import { SourceAudio } from './sourceAudio';

/** `samples` stereo s16le sample frames at a constant amplitude (full scale = 32767). */
function pcm(samples: number, amplitude: number): Buffer {
  const b = Buffer.alloc(samples * 4);
  for (let i = 0; i < samples * 2; i++) b.writeInt16LE(amplitude, i * 2);
  return b;
}

describe('SourceAudio', () => {
  it('meters the loudest peak of each quarter second, and falls to silence when nothing comes', () => {
    const audio = new SourceAudio();
    audio.push(pcm(480, 3277), 0); // -20 dBFS
    audio.push(pcm(480, 3277), 300);
    expect(audio.level(300, true)).toBeCloseTo(-20, 0);
    expect(audio.level(300, false)).toBe(SILENCE_DB);
    expect(audio.level(900, true)).toBe(SILENCE_DB);
  });

  it('hands the programme what arrived, and silence with an emptied queue while there is no signal', () => {
    const audio = new SourceAudio();
    audio.push(pcm(1600, 1000), 0);
    const lost = audio.take(1600, false);
    expect(lost.pcm.length).toBe(1600 * 4);
    expect(lost.pcm.every((b) => b === 0)).toBe(true);
    expect(lost.peakDb).toBe(SILENCE_DB);
    audio.push(pcm(1600, 1000), 10);
    const back = audio.take(1600, true);
    expect(back.pcm.readInt16LE(0)).toBe(1000);
    expect(back.peakDb).toBeGreaterThan(-31);
  });

  it('takes the sound of the frame on the picture, riding over a one-frame repeat or skip', () => {
    const audio = new SourceAudio(1000);
    const frame = (level: number): Buffer => pcm(1600, level);
    const first = (r: { pcm: Buffer }): number => r.pcm.readInt16LE(0);
    // Frames 0–4 (1 600 samples each), each with its own level.
    audio.push(Buffer.concat([frame(1000), frame(2000), frame(3000), frame(4000), frame(5000)]), 0);
    expect(audio.receivedSamples).toBe(8000);
    // The picture is already on frame 2: the sound of frames 0–1 is skipped.
    expect(first(audio.takeFrom(3200, 1600, true))).toBe(3000);
    // It repeats frame 2 once (a tick off): the sound goes on, no gap.
    expect(first(audio.takeFrom(3200, 1600, true))).toBe(4000);
    // A second repeat (two ticks off): silence while the picture holds, nothing taken.
    const held = audio.takeFrom(3200, 1600, true);
    expect(held.peakDb).toBe(SILENCE_DB);
    expect(held.pcm.length).toBe(1600 * 4);
    expect(first(audio.takeFrom(6400, 1600, true))).toBe(5000);
  });

  it('lines the sound up again once it has been a tick off its picture for two seconds', () => {
    const audio = new SourceAudio(1000);
    // Each tick's 1 600 samples at the level of its frame number + 1, a little ahead.
    let pushed = 0;
    const pushTo = (frames: number): void => {
      for (; pushed < frames; pushed++) audio.push(pcm(1600, pushed + 1), 0);
    };
    // The picture stays one frame behind the sound: tolerated for 2 s (60 ticks)…
    const levels: number[] = [];
    for (let tick = 0; tick < 61; tick++) {
      pushTo(tick + 3);
      levels.push(audio.takeFrom(Math.max(0, tick - 1) * 1600, 1600, true).pcm.readInt16LE(0));
    }
    expect(levels.slice(0, 59)).toEqual(Array.from({ length: 59 }, (_, i) => i + 1));
    // …then one tick of silence puts it back on its frame.
    expect(levels.slice(59)).toContain(0);
    pushTo(64);
    expect(audio.takeFrom(60 * 1600, 1600, true).pcm.readInt16LE(0)).toBe(61);
  });

  it('once the sound is more than a tick ahead of a held picture, stays silent until the picture has caught up', () => {
    const audio = new SourceAudio(1000);
    audio.push(Buffer.concat([1000, 2000, 3000, 4000].map((level) => pcm(1600, level))), 0);
    // The picture holds frame 0 for four ticks (a feed's sound hold rising by three frames), then moves on.
    const levels = [0, 0, 0, 0, 1, 2].map((frame) => audio.takeFrom(frame * 1600, 1600, true).pcm.readInt16LE(0));
    // One tick off is let run; from two, silence until the sound is back on its frame.
    expect(levels).toEqual([1000, 2000, 0, 0, 0, 3000]);
  });
});
