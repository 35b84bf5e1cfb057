import { describe, expect, it } from 'vitest';
import { rgbToYuv, sampleYuv, solidFrame } from './frameOps';
import { Switcher, type FrameSource } from './switcher';

const g = { width: 64, height: 36 };
const SPF = 1600;
const BLACK = rgbToYuv('#000000');

function toneSource(color: string, level: number): FrameSource {
  const frame = solidFrame(g, color);
  const pcm = Buffer.alloc(SPF * 4);
  for (let i = 0; i < SPF * 2; i++) pcm.writeInt16LE(level, i * 2);
  return { frameForTick: () => frame, takeAudio: () => ({ pcm, peakDb: 20 * Math.log10(level / 32768) }) };
}

/** A switcher on 10-frame fades (a third of a second at 30 fps), camera a on air. */
function make(): { sw: Switcher; changes: number[] } {
  const changes: number[] = [];
  const sw = new Switcher(g, SPF, (f) => changes.push(f));
  sw.addSource('a', toneSource('#ff0000', 8000));
  sw.addSource('b', toneSource('#0000ff', 8000));
  sw.cut(0, 'a');
  sw.setPreview('b');
  sw.setTransition({ kind: 'mix', durationMs: 333, dipColor: '#ffffff' });
  return { sw, changes };
}

const peak = (pcm: Buffer) => Math.max(...Array.from({ length: pcm.length / 2 }, (_, i) => Math.abs(pcm.readInt16LE(i * 2))));

describe('Fade to black', () => {
  it('takes picture and sound down over the duration, from the frame asked for, and holds black', () => {
    const { sw, changes } = make();
    const fade = sw.fadeToBlack(5, 30);
    expect(fade).toEqual({ toBlack: true, startFrame: 5, endFrame: 15 });
    expect(changes).toContain(5);
    expect(sampleYuv(g, sw.render(4).video, 32, 18)).toEqual(rgbToYuv('#ff0000'));
    const first = sw.render(5);
    expect(sampleYuv(g, first.video, 32, 18)).toEqual(rgbToYuv('#ff0000')); // level 0 on its first frame
    let lastLuma = Infinity;
    let lastPeak = Infinity;
    for (let f = 6; f < 15; f++) {
      const out = sw.render(f);
      const [y] = sampleYuv(g, out.video, 32, 18);
      expect(y).toBeLessThan(lastLuma);
      expect(peak(out.audio)).toBeLessThan(lastPeak);
      lastLuma = y;
      lastPeak = peak(out.audio);
    }
    for (const f of [15, 16, 100]) {
      const out = sw.render(f);
      expect(sampleYuv(g, out.video, 32, 18)).toEqual(BLACK);
      expect(peak(out.audio)).toBe(0);
    }
    expect(changes).toContain(15);
    expect(sw.fadeToBlackState(100)).toEqual({ black: true, progress: null });
  });

  it('covers graphics and transitions too, and reveals what was cut underneath on the way up', () => {
    const { sw } = make();
    sw.fadeToBlack(0, 30);
    for (let f = 0; f <= 10; f++) sw.render(f);
    sw.setOverlay('productCard', { x: 0, y: 0, width: g.width, height: g.height, rgba: Buffer.alloc(g.width * g.height * 4, 255) }, 11);
    sw.cut(11); // b on programme while black
    expect(sampleYuv(g, sw.render(11).video, 32, 18)).toEqual(BLACK);
    const up = sw.fadeToBlack(12, 30);
    expect(up).toMatchObject({ toBlack: false, startFrame: 12, endFrame: 22 });
    expect(sw.fadeToBlackState(17)).toEqual({ black: false, progress: 0.5 });
    for (let f = 12; f < 22; f++) sw.render(f);
    // Back up on the white graphic over camera b.
    expect(sampleYuv(g, sw.render(22).video, 32, 18)).toEqual(rgbToYuv('#ffffff'));
    expect(sw.fadeToBlackState(22)).toEqual({ black: false, progress: null });
  });

  it('turns round mid-fade from the level reached, taking only the time left', () => {
    const { sw } = make();
    sw.fadeToBlack(0, 30);
    for (let f = 0; f <= 4; f++) sw.render(f);
    const [yHalf] = sampleYuv(g, sw.render(5).video, 32, 18);
    const back = sw.fadeToBlack(5, 30);
    expect(back).toEqual({ toBlack: false, startFrame: 5, endFrame: 10 });
    // No jump: the first frame of the way back is as dark as the last of the way down.
    expect(sampleYuv(g, sw.render(5).video, 32, 18)[0]).toBe(yHalf);
    expect(sampleYuv(g, sw.render(10).video, 32, 18)).toEqual(rgbToYuv('#ff0000'));
  });
});
