import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { releaseFrame, retainFrame } from '../media/framePool';
import { rgbToYuv, sampleYuv, solidFrame } from './frameOps';
import type { OverlayImage } from './overlays';
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

function box(x: number, y: number, width: number, height: number, rgb: readonly [number, number, number], alpha = 255): OverlayImage {
  const rgba = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) rgba.set([...rgb, alpha], i * 4);
  return { x, y, width, height, rgba };
}

const card = box(4, 4, 20, 12, [255, 255, 255]);
const ticker = box(0, 28, 64, 6, [0, 255, 0]);
const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');
const lumaAt = (video: Buffer, x: number, y: number) => video[y * g.width + x];

describe('Switcher overlays', () => {
  it('cuts and puts the card and ticker up on the same frame, over the new camera', () => {
    const { sw } = make();
    sw.cut(0, 'a');
    sw.render(0);
    // Graphics can be scheduled ahead; cut() acts at once, so it comes between ticks.
    sw.setOverlay('productCard', card, 5);
    sw.setOverlay('salesTicker', ticker, 5);
    const before = sw.render(4).video;
    expect(sampleYuv(g, before, 32, 18)).toEqual(rgbToYuv('#ff0000'));
    expect(sampleYuv(g, before, 12, 10)).toEqual(rgbToYuv('#ff0000'));
    expect(sampleYuv(g, before, 32, 30, 2)).toEqual(rgbToYuv('#ff0000'));
    expect(sw.overlaysOnFrame()).toEqual([]);

    sw.cut(5, 'b');
    const after = sw.render(5).video;
    expect(sampleYuv(g, after, 32, 18)).toEqual(rgbToYuv('#0000ff'));
    expect(sampleYuv(g, after, 12, 10)).toEqual(rgbToYuv('#ffffff'));
    expect(sampleYuv(g, after, 32, 30, 2)).toEqual(rgbToYuv('#00ff00'));
    // The card's edge is exact: the column left of it is the camera.
    expect(lumaAt(after, 3, 10)).toBe(rgbToYuv('#0000ff')[0]);
    expect(lumaAt(after, 4, 10)).toBe(rgbToYuv('#ffffff')[0]);
    expect(sw.overlaysOnFrame()).toEqual(['productCard', 'salesTicker']);
  });

  it('holds changes for future frames, reports them and announces each on its frame', () => {
    const { sw } = make();
    const announced: [number, readonly string[]][] = [];
    sw.onOverlayChange((frame, visible) => announced.push([frame, visible]));
    sw.cut(0, 'a');
    // Asked for out of frame order: they land in frame order.
    sw.setOverlay('productCard', null, 20);
    sw.setOverlay('salesTicker', ticker, 10);
    sw.setOverlay('productCard', card, 12);
    expect(sw.overlaysOnFrame(15)).toEqual(['productCard', 'salesTicker']);
    expect(sw.overlaysOnFrame(25)).toEqual(['salesTicker']);
    expect(sw.pendingOverlays()).toEqual([
      { slot: 'salesTicker', visible: true, fromFrame: 10 },
      { slot: 'productCard', visible: true, fromFrame: 12 },
      { slot: 'productCard', visible: false, fromFrame: 20 },
    ]);
    for (let f = 0; f <= 22; f++) {
      const video = sw.render(f).video;
      expect(lumaAt(video, 10, 10), `card on frame ${f}`).toBe(rgbToYuv(f >= 12 && f < 20 ? '#ffffff' : '#ff0000')[0]);
    }
    expect(announced).toEqual([[10, ['salesTicker']], [12, ['productCard', 'salesTicker']], [20, ['salesTicker']]]);
    expect(sw.pendingOverlays()).toEqual([]);
  });

  it('draws the ticker over the card where they overlap, after layouts and transitions', () => {
    const { sw } = make();
    sw.addScene('s', { layout: 'sideBySide', sources: ['a', 'b'] });
    sw.cut(0, 's');
    sw.setOverlay('salesTicker', box(0, 8, 64, 4, [0, 255, 0]), 0);
    sw.setOverlay('productCard', card, 0);
    const video = sw.render(0).video;
    expect(sampleYuv(g, video, 12, 10, 2)).toEqual(rgbToYuv('#00ff00'));
    expect(sampleYuv(g, video, 12, 14, 2)).toEqual(rgbToYuv('#ffffff'));
    expect(sampleYuv(g, video, 50, 20)).toEqual(rgbToYuv('#0000ff'));
    sw.setPreview('a');
    sw.setTransition({ kind: 'mix', durationMs: 100, dipColor: '#000000' });
    sw.auto(1, 30);
    expect(sampleYuv(g, sw.render(2).video, 12, 14, 2)).toEqual(rgbToYuv('#ffffff'));
  });

  it('never writes into a source frame, the black frame or a cached dip frame', () => {
    const frames = { a: solidFrame(g, '#ff0000'), b: solidFrame(g, '#0000ff') };
    const sums = { a: sha1(frames.a), b: sha1(frames.b) };
    const sw = new Switcher(g, SPF);
    const pcm = Buffer.alloc(SPF * 4);
    sw.addSource('a', { frameForTick: () => frames.a, takeAudio: () => ({ pcm, peakDb: -120 }) });
    sw.addSource('b', { frameForTick: () => frames.b, takeAudio: () => ({ pcm, peakDb: -120 }) });
    sw.setOverlay('productCard', card, 0);
    sw.setOverlay('salesTicker', ticker, 0);
    // No programme: the black frame is under the graphics.
    expect(lumaAt(sw.render(0).video, 10, 10)).toBe(235);
    sw.cut(1, 'a');
    sw.render(1);
    sw.setPreview('b');
    sw.setTransition({ kind: 'dip', durationMs: 400, dipColor: '#ffff00' });
    sw.auto(2, 10);
    // The midpoint of a dip is the cached dip frame itself.
    expect(sampleYuv(g, sw.render(4).video, 40, 18)).toEqual(rgbToYuv('#ffff00'));
    sw.render(6);
    expect({ a: sha1(frames.a), b: sha1(frames.b) }).toEqual(sums);

    sw.setOverlay('productCard', null, 7);
    sw.setOverlay('salesTicker', null, 7);
    sw.removeSource('b');
    sw.addSource('b', { frameForTick: () => frames.b, takeAudio: () => ({ pcm, peakDb: -120 }) });
    sw.cut(7, 'b');
    expect(sha1(sw.render(7).video)).toBe(sums.b);
    sw.setPreview('a');
    sw.auto(8, 10);
    expect(sw.render(10).video.equals(solidFrame(g, '#ffff00'))).toBe(true);
    sw.removeSource('a');
    sw.removeSource('b');
    expect(sw.render(12).video.equals(solidFrame(g, '#000000'))).toBe(true);
  });

  it('passes the source frame through untouched, without a copy, while no graphics are up', () => {
    const frame = solidFrame(g, '#ff0000');
    const sw = new Switcher(g, SPF);
    const pcm = Buffer.alloc(SPF * 4);
    sw.addSource('a', { frameForTick: () => frame, takeAudio: () => ({ pcm, peakDb: -120 }) });
    sw.cut(0, 'a');
    for (let f = 0; f < 5; f++) expect(sw.render(f).video).toBe(frame);
    sw.setOverlay('productCard', card, 5);
    sw.setOverlay('productCard', null, 8);
    const seen = new Set<Buffer>();
    for (let f = 5; f < 8; f++) seen.add(sw.render(f).video);
    expect(seen.has(frame)).toBe(false);
    // Two programme buffers take turns: no allocation per frame once warm.
    for (let f = 8; f < 30; f++) expect(sw.render(f).video).toBe(frame);
    sw.setOverlay('productCard', card, 30);
    for (let f = 30; f < 60; f++) seen.add(sw.render(f).video);
    expect(seen.size).toBe(2);
  });

  it('does not reuse a programme buffer while the encoder still holds it', () => {
    // A camera whose every frame differs (its frame number in the luma), like a live one.
    const camera = solidFrame(g, '#808080');
    let n = 0;
    const sw = new Switcher(g, SPF);
    const pcm = Buffer.alloc(SPF * 4);
    sw.addSource('cam', {
      frameForTick: () => camera.fill(n++ & 0xff, 0, g.width * g.height),
      takeAudio: () => ({ pcm, peakDb: -120 }),
    });
    sw.cut(0, 'cam');
    sw.setOverlay('productCard', card, 0);
    const held: { buffer: Buffer; sum: string; frame: number }[] = [];
    const distinct = new Set<Buffer>();
    const backlog = 5;
    for (let f = 0; f < 60; f++) {
      const video = sw.render(f).video;
      distinct.add(video);
      // As FfmpegProgramEncoder.write: a reference until stdin has taken the frame.
      retainFrame(video);
      held.push({ buffer: video, sum: sha1(video), frame: f });
      for (const h of held) expect(sha1(h.buffer), `frame ${h.frame} while held, at frame ${f}`).toBe(h.sum);
      if (held.length > backlog) releaseFrame(held.shift()!.buffer);
    }
    for (const h of held) releaseFrame(h.buffer);
    // The backlog plus the layer's own two, reused ever after.
    expect(distinct.size).toBeLessThanOrEqual(backlog + 2);
  });

  it('refuses an unknown slot and a malformed overlay', () => {
    const { sw } = make();
    expect(() => sw.setOverlay('lowerThird' as never, card, 0)).toThrow(/no overlay slot/);
    expect(() => sw.setOverlay('productCard', { ...card, rgba: Buffer.alloc(3) }, 0)).toThrow(SwitcherError);
    expect(() => sw.setOverlay('productCard', card, 1.5)).toThrow(/whole frame/);
  });
});
