// Product images, prepared once per content: a small JPEG thumbnail for the
// rundown panel and an on-air version sized for the product card at up to 4K.
// Files are named by the hash of their content, so a renamed or re-imported image
// is not processed twice and an edited one never shows a stale version.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Rundown } from '../../../shared/rundown';
import { resolveImagePath } from './validateRundown';

/** Thumbnail edge for the UI's rundown list (square, cropped). */
export const THUMBNAIL_PX = 160;
/**
 * On-air edge: the card's image box is 260 px on a 1080p canvas (see
 * graphics/overlayLayout.ts), so 520 px covers 4K without upscaling.
 */
export const ON_AIR_PX = 520;
/** Bigger source files are refused rather than decoded (a product photo is a few MB). */
export const MAX_SOURCE_BYTES = 50 * 1024 * 1024;
/** Pixels above this are refused before decoding (10k x 10k). */
const MAX_SOURCE_PIXELS = 100_000_000;
/** Part of the cache key: bump when the processing below changes. */
const PROCESSING_VERSION = 'v1';

export interface PreparedProductImage {
  /** Absolute path of the original file. */
  readonly source: string;
  /** Hex SHA-256 of the file's bytes (and the processing version); names the cached files. */
  readonly hash: string;
  /** THUMBNAIL_PX square JPEG on white. */
  readonly thumbnailPath: string;
  /** ON_AIR_PX square: JPEG cropped to fill, or PNG with the transparency of a cut-out kept. */
  readonly onAirPath: string;
  readonly hasAlpha: boolean;
}

export class ProductImageError extends Error {
  override readonly name = 'ProductImageError';
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`product image ${file}: ${reason}`);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Writes beside the target and renames, so a crash never leaves half a cached file. */
async function writeAtomically(path: string, data: Buffer): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

/**
 * Makes (or finds in `cacheDir`) the thumbnail and on-air versions of one image.
 * Throws ProductImageError naming the file when it cannot be read or decoded.
 */
export async function prepareProductImage(source: string, cacheDir: string): Promise<PreparedProductImage> {
  let bytes: Buffer;
  try {
    const info = await stat(source);
    if (!info.isFile()) throw new ProductImageError(source, 'is not a file');
    if (info.size > MAX_SOURCE_BYTES) throw new ProductImageError(source, `is ${(info.size / 1048576).toFixed(0)} MB; at most ${MAX_SOURCE_BYTES / 1048576} MB`);
    bytes = await readFile(source);
  } catch (err) {
    if (err instanceof ProductImageError) throw err;
    throw new ProductImageError(source, `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const hash = createHash('sha256').update(PROCESSING_VERSION).update(bytes).digest('hex');

  let hasAlpha: boolean;
  try {
    const meta = await sharp(bytes, { limitInputPixels: MAX_SOURCE_PIXELS }).metadata();
    hasAlpha = meta.hasAlpha === true;
  } catch (err) {
    throw new ProductImageError(source, `is not an image that can be decoded (JPEG, PNG, WebP, AVIF, GIF, TIFF, SVG): ${(err as Error).message}`);
  }
  const thumbnailPath = join(cacheDir, `${hash}.thumb${THUMBNAIL_PX}.jpg`);
  const onAirPath = join(cacheDir, `${hash}.onair${ON_AIR_PX}.${hasAlpha ? 'png' : 'jpg'}`);
  const prepared: PreparedProductImage = { source, hash, thumbnailPath, onAirPath, hasAlpha };
  if ((await exists(thumbnailPath)) && (await exists(onAirPath))) return prepared;

  await mkdir(cacheDir, { recursive: true });
  try {
    // rotate(): apply the EXIF orientation a phone photo carries.
    const base = () => sharp(bytes, { limitInputPixels: MAX_SOURCE_PIXELS }).rotate();
    const thumb = await base()
      .resize(THUMBNAIL_PX, THUMBNAIL_PX, { fit: 'cover', position: sharp.strategy.attention })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 82, mozjpeg: true })
      .toBuffer();
    // A cut-out (alpha) is shown whole on the card; a photo fills the box, cropped
    // around its most salient part.
    const onAir = hasAlpha
      ? await base().resize(ON_AIR_PX, ON_AIR_PX, { fit: 'contain', background: { r: 0, g: 0, b: 0, alpha: 0 } }).png().toBuffer()
      : await base().resize(ON_AIR_PX, ON_AIR_PX, { fit: 'cover', position: sharp.strategy.attention }).jpeg({ quality: 90 }).toBuffer();
    await writeAtomically(thumbnailPath, thumb);
    await writeAtomically(onAirPath, onAir);
  } catch (err) {
    throw new ProductImageError(source, `could not be processed: ${(err as Error).message}`);
  }
  return prepared;
}

export type PreparedRundownImages =
  | { readonly ok: true; /** Keyed by the image reference as written in the rundown. */ readonly images: Map<string, PreparedProductImage> }
  | { readonly ok: false; readonly errors: ProductImageError[] };

/**
 * Prepares every image of a rundown (relative paths against `baseDir`). Any bad
 * image fails the whole call, listing all of them, so an import can be refused whole.
 */
export async function prepareRundownImages(rundown: Rundown, options: { baseDir: string; cacheDir: string }): Promise<PreparedRundownImages> {
  const refs = [...new Set(rundown.segments.flatMap((s) => s.images))];
  const images = new Map<string, PreparedProductImage>();
  const errors: ProductImageError[] = [];
  // One at a time: sharp already uses the cores for each image, and this runs
  // while the studio may be on air.
  for (const ref of refs) {
    try {
      images.set(ref, await prepareProductImage(resolveImagePath(options.baseDir, ref), options.cacheDir));
    } catch (err) {
      if (err instanceof ProductImageError) errors.push(err);
      else throw err;
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, images };
}
