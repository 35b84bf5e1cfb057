import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ON_AIR_PX, prepareProductImage, ProductImageError, THUMBNAIL_PX } from './productImages';
import { importRundownText } from './rundownImport';

let dir: string;
let cache: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cuecast-images-'));
  cache = join(dir, 'cache');
  // A landscape photo: left half red, right half blue.
  const photo = await sharp({ create: { width: 800, height: 400, channels: 3, background: '#0000ff' } })
    .composite([{ input: { create: { width: 400, height: 400, channels: 3, background: '#ff0000' } }, left: 0, top: 0 }])
    .jpeg()
    .toBuffer();
  await writeFile(join(dir, 'photo.jpg'), photo);
  await writeFile(join(dir, 'same-photo.jpg'), photo);
  // A cut-out: an opaque green disc on transparency, wider than tall.
  const disc = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="600" height="300"><circle cx="300" cy="150" r="140" fill="#00ff00"/></svg>');
  await writeFile(join(dir, 'cutout.png'), await sharp(disc).png().toBuffer());
  await writeFile(join(dir, 'broken.jpg'), 'this is not a JPEG');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function pixel(path: string, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(path).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * 4;
  return [...data.subarray(at, at + 4)];
}

describe('prepareProductImage', () => {
  it('makes a square thumbnail and on-air version, cached by content', async () => {
    const a = await prepareProductImage(join(dir, 'photo.jpg'), cache);
    expect(a.hasAlpha).toBe(false);
    expect(await sharp(a.thumbnailPath).metadata()).toMatchObject({ format: 'jpeg', width: THUMBNAIL_PX, height: THUMBNAIL_PX });
    expect(await sharp(a.onAirPath).metadata()).toMatchObject({ format: 'jpeg', width: ON_AIR_PX, height: ON_AIR_PX });
    // Cropped to fill: no letterbox bars, the box's corners are picture.
    const [r, g, b] = await pixel(a.onAirPath, 2, 2);
    expect(r! + g! + b!).toBeGreaterThan(200);

    const mtime = (await stat(a.onAirPath)).mtimeMs;
    const b2 = await prepareProductImage(join(dir, 'same-photo.jpg'), cache);
    expect(b2.hash).toBe(a.hash);
    expect(b2.onAirPath).toBe(a.onAirPath);
    expect((await stat(a.onAirPath)).mtimeMs).toBe(mtime);
  });

  it('keeps the transparency of a cut-out and shows it whole', async () => {
    const p = await prepareProductImage(join(dir, 'cutout.png'), cache);
    expect(p.hasAlpha).toBe(true);
    expect(await sharp(p.onAirPath).metadata()).toMatchObject({ format: 'png', width: ON_AIR_PX, height: ON_AIR_PX, hasAlpha: true });
    expect((await pixel(p.onAirPath, 5, 5))[3]).toBe(0);
    expect(await pixel(p.onAirPath, ON_AIR_PX / 2, ON_AIR_PX / 2)).toEqual([0, 255, 0, 255]);
    // Thumbnails are flattened on white for the UI.
    expect((await pixel(p.thumbnailPath, 2, 2)).slice(0, 3).every((v) => v > 240)).toBe(true);
  });

  it('names the file that cannot be decoded or read', async () => {
    await expect(prepareProductImage(join(dir, 'broken.jpg'), cache)).rejects.toThrow(
      new RegExp(`^product image ${join(dir, 'broken.jpg')}: is not an image that can be decoded`),
    );
    const missing = prepareProductImage(join(dir, 'gone.jpg'), cache);
    await expect(missing).rejects.toBeInstanceOf(ProductImageError);
    await expect(missing).rejects.toThrow(`product image ${join(dir, 'gone.jpg')}: cannot be read (ENOENT)`);
  });
});

describe('an import with an image cache folder', () => {
  const header = 'id,sku,title,price,currency,stock,input,targetDurationSec,images';
  it('prepares every image of a good rundown', async () => {
    const r = await importRundownText(`${header}\na,A,Ring,10,EUR,1,src-1,60,photo.jpg|cutout.png\n`, 'csv', { imageBaseDir: dir, imageCacheDir: cache });
    expect(r.ok).toBe(true);
    if (r.ok) expect([...r.images!.keys()]).toEqual(['photo.jpg', 'cutout.png']);
  });

  it('rejects the import when an image cannot be decoded, on the lines that use it', async () => {
    const text = `${header}\na,A,Ring,10,EUR,1,src-1,60,photo.jpg\nb,B,Chain,10,EUR,1,src-1,60,cutout.png|broken.jpg\n`;
    const r = await importRundownText(text, 'csv', { imageBaseDir: dir, imageCacheDir: cache });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.issues).toHaveLength(1);
      expect(r.issues[0]).toMatchObject({ line: 3, field: 'images[1]' });
      expect(r.issues[0]!.message).toMatch(new RegExp(`^line 3: product image ${join(dir, 'broken.jpg')}: is not an image that can be decoded`));
    }
  });
});
