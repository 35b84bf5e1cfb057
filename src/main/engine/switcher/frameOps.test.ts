import { describe, expect, it } from 'vitest';
import { blend, defaultInset, frameSize, pictureInPicture, rgbToYuv, sampleYuv, sideBySide, solidFrame } from './frameOps';

const g = { width: 96, height: 54 };

describe('frameOps', () => {
  it('makes solid frames in BT.709 limited range', () => {
    expect(rgbToYuv('#000000')).toEqual([16, 128, 128]);
    expect(rgbToYuv('#ffffff')).toEqual([235, 128, 128]);
    const red = solidFrame(g, '#ff0000');
    expect(red.length).toBe(frameSize(g));
    expect(sampleYuv(g, red, 48, 26)).toEqual(rgbToYuv('#ff0000'));
  });

  it('blends linearly and returns the inputs at the ends', () => {
    const a = solidFrame(g, '#000000');
    const b = solidFrame(g, '#ffffff');
    expect(blend(a, b, 0)).toBe(a);
    expect(blend(a, b, 1)).toBe(b);
    const mid = blend(a, b, 0.5);
    expect(mid[0]).toBe((16 + 235) >> 1);
  });

  it('puts the centre halves side by side', () => {
    const left = solidFrame(g, '#ff0000');
    const right = solidFrame(g, '#0000ff');
    const out = sideBySide(g, left, right);
    expect(sampleYuv(g, out, 20, 26)).toEqual(rgbToYuv('#ff0000'));
    expect(sampleYuv(g, out, 76, 26)).toEqual(rgbToYuv('#0000ff'));
  });

  it('insets a third-size picture bottom right with the background elsewhere', () => {
    const bg = solidFrame(g, '#00ff00');
    const inset = solidFrame(g, '#ff00ff');
    const box = defaultInset(g);
    const out = pictureInPicture(g, bg, inset, box);
    expect(sampleYuv(g, out, 10, 10)).toEqual(rgbToYuv('#00ff00'));
    const cx = box.x + Math.floor(g.width / 6);
    const cy = box.y + Math.floor(g.height / 6);
    const [y, u, v] = sampleYuv(g, out, cx & ~1, cy & ~1, 2);
    const [ey, eu, ev] = rgbToYuv('#ff00ff');
    expect(Math.abs(y - ey)).toBeLessThanOrEqual(1);
    expect(Math.abs(u - eu)).toBeLessThanOrEqual(1);
    expect(Math.abs(v - ev)).toBeLessThanOrEqual(1);
  });
});
