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

  it("takes the sound of the frame on the picture: skipping sound behind it, and waiting in silence for sound ahead of it", () => {
    const audio = new SourceAudio(1000);
    // Samples 0–4799 (three frames of 1600): a different level in each frame.
    audio.push(Buffer.concat([pcm(1600, 1000), pcm(1600, 2000), pcm(1600, 3000)]), 0);
    expect(audio.receivedSamples).toBe(4800);
    // The picture is already on frame 1: frame 0's sound is skipped.
    expect(audio.takeFrom(1600, 1600, true).pcm.readInt16LE(0)).toBe(2000);
    // The picture holds frame 1 (now 1 600 samples behind the sound): silence, nothing taken.
    const held = audio.takeFrom(1600, 1600, true);
    expect(held.peakDb).toBe(SILENCE_DB);
    expect(held.pcm.length).toBe(1600 * 4);
    // It moves on to frame 2: frame 2's sound, in step again.
    expect(audio.takeFrom(3200, 1600, true).pcm.readInt16LE(0)).toBe(3000);
    // Within half a frame either way, the sound just goes on (no click for jitter).
    audio.push(pcm(3200, 500), 10);
    expect(audio.takeFrom(4800 + 700, 1600, true).pcm.readInt16LE(0)).toBe(500);
  });
});
