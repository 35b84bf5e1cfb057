import { describe, expect, it } from 'vitest';
import { rgbToYuv, sampleYuv, solidFrame } from './frameOps';
import { Switcher, SwitcherError, type FrameSource } from './switcher';

const g = { width: 64, height: 36 };
const SPF = 1600;

function fakeSource(color: string, level = 1000): FrameSource {
  const frame = solidFrame(g, color);
  const pcm = Buffer.alloc(SPF * 4);
  for (let i = 0; i < SPF * 2; i++) pcm.writeInt16LE(level, i * 2);
  return { frameForTick: () => frame, takeAudio: () => ({ pcm, peakDb: 20 * Math.log10(level / 32768) }) };
}

function colourAt(sw: Switcher, frame: number): [number, number, number] {
  return sampleYuv(g, sw.render(frame).video, 32, 18);
}

function make(): { sw: Switcher; changes: number[] } {
  const changes: number[] = [];
  const sw = new Switcher(g, SPF, (f) => changes.push(f));
  sw.addSource('a', fakeSource('#ff0000', 1000));
  sw.addSource('b', fakeSource('#0000ff', 8000));
  return { sw, changes };
}

describe('Switcher', () => {
  it('cuts preview to programme and swaps the buses, on the frame given', () => {
    const { sw, changes } = make();
    sw.cut(0, 'a');
    sw.setPreview('b');
    expect(colourAt(sw, 1)).toEqual(rgbToYuv('#ff0000'));
    sw.cut(2);
    expect(changes).toContain(2);
    expect(sw.program).toBe('b');
    expect(sw.preview).toBe('a');
    expect(colourAt(sw, 2)).toEqual(rgbToYuv('#0000ff'));
    expect(sw.tally()).toEqual({ a: { program: false, preview: true }, b: { program: true, preview: false } });
  });

  it('refuses a cut with nothing on preview and unknown inputs', () => {
    const { sw } = make();
    expect(() => sw.cut(0)).toThrow(SwitcherError);
    expect(() => sw.setPreview('nope')).toThrow(/no source or layout/);
  });

  it('runs a mix over the set duration and lands on the preview', () => {
    const { sw } = make();
    sw.cut(0, 'a');
    sw.setPreview('b');
    sw.setTransition({ kind: 'mix', durationMs: 100, dipColor: '#000000' });
    const t = sw.auto(10, 30);
    expect(t.endFrame - t.startFrame).toBe(3);
    const red = rgbToYuv('#ff0000');
    const mid = colourAt(sw, 11);
    expect(mid[2]).toBeLessThan(red[2]);
    expect(sw.transitionProgress(11)).toBeCloseTo(1 / 3);
    expect(sw.tally().a.program).toBe(true);
    expect(colourAt(sw, 13)).toEqual(rgbToYuv('#0000ff'));
    expect(sw.program).toBe('b');
    expect(sw.preview).toBe('a');
    expect(sw.activeTransition).toBeNull();
  });

  it('dips through the dip colour at the midpoint', () => {
    const { sw } = make();
    sw.cut(0, 'a');
    sw.setPreview('b');
    sw.setTransition({ kind: 'dip', durationMs: 400, dipColor: '#ffffff' });
    sw.auto(0, 10);
    expect(colourAt(sw, 2)).toEqual(rgbToYuv('#ffffff'));
  });

  it('puts both sources of a layout on programme tally and follows its first source for audio', () => {
    const { sw } = make();
    sw.addScene('s', { layout: 'sideBySide', sources: ['a', 'b'] });
    sw.cut(0, 's');
    expect(sw.tally()).toEqual({ a: { program: true, preview: false }, b: { program: true, preview: false } });
    const out = sw.render(1);
    expect(out.audio.readInt16LE(0)).toBe(1000);
    sw.setAudio({ mode: 'fixed', fixedSourceId: 'b' });
    expect(sw.render(2).audio.readInt16LE(0)).toBe(8000);
  });

  it('keeps rendering black when the programme source is removed', () => {
    const { sw } = make();
    sw.cut(0, 'a');
    sw.removeSource('a');
    expect(sw.program).toBeNull();
    expect(colourAt(sw, 1)).toEqual(rgbToYuv('#000000'));
  });
});
