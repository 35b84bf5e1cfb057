import { describe, expect, it } from 'vitest';
import { JpegSplitter } from './jpegSplitter';

// A minimal JPEG-shaped byte sequence: SOI, a header segment (APP0-like, whose
// payload holds FF D9 on purpose), SOS header, entropy data with stuffed FF 00 and an
// RST marker, then EOI. The splitter cares about markers, not pixels.
function fakeJpeg(tag: number): Buffer {
  const app = [0xff, 0xe0, 0x00, 0x08, 0x4a, 0xff, 0xd9, tag, 0x00, 0x00];
  const sos = [0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00];
  const data = [0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56, tag, 0xff, 0xff, 0x00];
  return Buffer.from([0xff, 0xd8, ...app, ...sos, ...data, 0xff, 0xd9]);
}

function splitAll(splitter: JpegSplitter, data: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < data.length; at += size) out.push(...splitter.push(data.subarray(at, at + size)));
  return out;
}

describe('JpegSplitter', () => {
  const images = [fakeJpeg(1), fakeJpeg(2), fakeJpeg(3)];
  const stream = Buffer.concat(images);

  it.each([1, 2, 3, 7, 16, 1000])('splits a stream fed in %i-byte chunks', (size) => {
    const out = splitAll(new JpegSplitter(), stream, size);
    expect(out).toHaveLength(3);
    out.forEach((img, i) => expect(img.equals(images[i])).toBe(true));
  });

  it('is not fooled by FF D9 inside a header segment', () => {
    const out = new JpegSplitter().push(images[0]);
    expect(out).toHaveLength(1);
    expect(out[0].length).toBe(images[0].length);
  });

  it('skips garbage before the first SOI (joined mid-stream)', () => {
    const out = new JpegSplitter().push(Buffer.concat([Buffer.from([0x00, 0xff, 0x12, 0xd9]), images[1].subarray(5), images[2]]));
    expect(out).toHaveLength(1);
    expect(out[0].equals(images[2])).toBe(true);
  });

  it('keeps an incomplete image until its EOI arrives', () => {
    const splitter = new JpegSplitter();
    expect(splitter.push(images[0].subarray(0, images[0].length - 1))).toHaveLength(0);
    expect(splitter.push(images[0].subarray(images[0].length - 1))).toHaveLength(1);
  });

  it('splits real ffmpeg MJPEG output', async () => {
    const { execFileSync } = await import('node:child_process');
    const mjpeg = execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=10', '-frames:v', '5', '-c:v', 'mjpeg', '-q:v', '8', '-f', 'image2pipe', '-']);
    const out = splitAll(new JpegSplitter(), mjpeg, 4096);
    expect(out).toHaveLength(5);
    expect(Buffer.concat(out).equals(mjpeg)).toBe(true);
    for (const img of out) expect(img.subarray(-2).equals(Buffer.from([0xff, 0xd9]))).toBe(true);
  });
});
