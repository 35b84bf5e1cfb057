// Chapters of a recording, one per product shown (issue 4 "chapters per product"),
// built from the sidecar's timeline, and written as an FFMETADATA file, the input
// ffmpeg's muxers take chapters from (ffmpeg-formats "Metadata file format").
import type { CommerceProduct } from '../../../../shared/commerceMetadata';
import type { SidecarEntry } from './recordingSidecar';

export interface TimeSpan {
  readonly startMs: number;
  readonly endMs: number;
}

export interface RecordingChapter extends TimeSpan {
  /** "SKU — title". */
  readonly title: string;
  readonly product: CommerceProduct;
  /** The parts of "explaining" spans that fall inside this chapter. */
  readonly explaining: readonly TimeSpan[];
}

/**
 * One chapter per product shown: from the presentation time of the frame it was
 * taken on to the next product's, the last one to `endMs` (the end of the file).
 * Taking the product already on air again (a price update) continues its chapter; a
 * product shown twice gets two. Changes at or after `endMs` are left out: after a
 * crash the timeline may name frames that never reached the file.
 */
export function buildChapters(entries: readonly SidecarEntry[], endMs: number): RecordingChapter[] {
  const inFile = [...entries].filter((e) => e.ptsMs < endMs).sort((a, b) => a.ptsMs - b.ptsMs);
  const products: { startMs: number; product: CommerceProduct }[] = [];
  const spans: TimeSpan[] = [];
  let explainingSince: number | null = null;
  for (const { ptsMs, message } of inFile) {
    if (message.kind === 'product' && message.product) {
      const last = products.at(-1);
      if (last && last.startMs === ptsMs) last.product = message.product; // the later of two on one frame wins
      else if (!last || last.product.id !== message.product.id) products.push({ startMs: ptsMs, product: message.product });
    } else if (message.kind === 'explaining') {
      if (message.explaining === 'started' && explainingSince === null) explainingSince = ptsMs;
      if (message.explaining === 'ended' && explainingSince !== null) {
        if (ptsMs > explainingSince) spans.push({ startMs: explainingSince, endMs: ptsMs });
        explainingSince = null;
      }
    }
  }
  if (explainingSince !== null && endMs > explainingSince) spans.push({ startMs: explainingSince, endMs });
  // Two products on one frame collapse above; the same product straddling that collapse merges here.
  const merged = products.filter((p, i) => i === 0 || p.product.id !== products[i - 1]!.product.id);
  return merged.map(({ startMs, product }, i) => {
    const end = merged[i + 1]?.startMs ?? endMs;
    const explaining = spans
      .map((s) => ({ startMs: Math.max(s.startMs, startMs), endMs: Math.min(s.endMs, end) }))
      .filter((s) => s.endMs > s.startMs);
    return { startMs, endMs: end, title: `${product.sku} — ${product.title}`, product, explaining };
  });
}

/** FFMETADATA escapes '=', ';', '#', '\' and newlines with a backslash. */
export function escapeFfmetadata(value: string): string {
  return value.replace(/[=;#\\\n]/g, (c) => `\\${c}`);
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

/**
 * The FFMETADATA text: global tags, then one [CHAPTER] per chapter in ms. Each
 * chapter also carries its product's SKU and id, and its explaining spans as
 * EXPLAINING=12.300-25.000 40.000-41.500 (seconds of the file): flat chapters cannot nest, so
 * spans are tags on the chapter they fall in (Matroska writes them as chapter tags).
 */
export function ffmetadataText(chapters: readonly RecordingChapter[], globalTags: Readonly<Record<string, string>> = {}): string {
  const lines = [';FFMETADATA1'];
  for (const [key, value] of Object.entries(globalTags)) lines.push(`${escapeFfmetadata(key)}=${escapeFfmetadata(value)}`);
  for (const c of chapters) {
    lines.push('[CHAPTER]', 'TIMEBASE=1/1000', `START=${Math.round(c.startMs)}`, `END=${Math.round(c.endMs)}`);
    // Upper case: Matroska's tag names are (its muxer upper-cases them anyway), so
    // both files name them alike. `title` is special: it becomes the chapter's name.
    lines.push(`title=${escapeFfmetadata(c.title)}`, `SKU=${escapeFfmetadata(c.product.sku)}`, `PRODUCT_ID=${escapeFfmetadata(c.product.id)}`);
    if (c.explaining.length > 0) {
      lines.push(`EXPLAINING=${c.explaining.map((s) => `${seconds(s.startMs)}-${seconds(s.endMs)}`).join(' ')}`);
    }
  }
  return lines.join('\n') + '\n';
}
