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
});
