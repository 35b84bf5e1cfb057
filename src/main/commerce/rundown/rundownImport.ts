// Importing and exporting a show's rundown as a whole: read the file, check every
// segment and every reference, and either return the complete rundown or every
// problem — never part of one. The Studio swaps its rundown only on success.
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import type { Rundown } from '../../../shared/rundown';
import { formatRundownCsv, parseRundownCsv } from './rundownCsv';
import { formatRundownJson, parseRundownJson } from './rundownJson';
import { prepareRundownImages } from './productImages';
import { resolveImagePath, validateRundown, type ReferenceCheckOptions, type RundownImportResult } from './validateRundown';

export type RundownFormat = 'json' | 'csv';

/** Larger files are refused before reading: 500 segments with long scripts stay far below. */
export const MAX_RUNDOWN_FILE_BYTES = 8 * 1024 * 1024;

export interface RundownImportOptions extends ReferenceCheckOptions {
  /** The show title for a CSV import (CSV holds segments only). */
  readonly title?: string;
  /**
   * When set (with imageBaseDir), every image is also decoded and its thumbnail and
   * on-air versions made there; an image that cannot be decoded fails the import.
   */
  readonly imageCacheDir?: string;
}

/** Validates rundown text of the given format; see validateRundown for the checks. */
export async function importRundownText(text: string, format: RundownFormat, options: RundownImportOptions = {}): Promise<RundownImportResult> {
  const { draft, issues } = format === 'csv' ? parseRundownCsv(text, options.title) : parseRundownJson(text);
  const result = await validateRundown(draft, issues, options);
  if (!result.ok || options.imageCacheDir === undefined || options.imageBaseDir === undefined) return result;

  const prepared = await prepareRundownImages(result.rundown, { baseDir: options.imageBaseDir, cacheDir: options.imageCacheDir });
  if (prepared.ok) return { ...result, images: prepared.images };
  // Located like every other issue: on each segment (line) that uses the image.
  const bad = new Map(prepared.errors.map((e) => [e.file, e]));
  result.rundown.segments.forEach((segment, i) =>
    segment.images.forEach((ref, k) => {
      const error = bad.get(resolveImagePath(options.imageBaseDir!, ref));
      if (error) issues.addForSegment(i, `images[${k}]`, error.message);
    }),
  );
  return { ok: false, issues: issues.sorted(), totalIssues: issues.count };
}

/** The format a file name implies (.json or .csv), or undefined. */
export function rundownFormatOf(path: string): RundownFormat | undefined {
  const ext = extname(path).toLowerCase();
  return ext === '.json' ? 'json' : ext === '.csv' ? 'csv' : undefined;
}

/**
 * Imports a .json or .csv rundown file. Relative image paths are resolved against
 * the file's folder unless `imageBaseDir` says otherwise; pass `knownInputs` to
 * check each segment's camera or layout against the show.
 */
export async function importRundownFile(path: string, options: RundownImportOptions = {}): Promise<RundownImportResult> {
  const fail = (message: string): RundownImportResult => ({ ok: false, issues: [{ message }], totalIssues: 1 });
  const format = rundownFormatOf(path);
  if (!format) return fail(`${path}: a rundown file must end in .json or .csv`);
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (err) {
    return fail(`${path} cannot be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  if (size > MAX_RUNDOWN_FILE_BYTES) return fail(`${path} is ${(size / 1048576).toFixed(1)} MB; a rundown file may be at most ${MAX_RUNDOWN_FILE_BYTES / 1048576} MB`);
  const bytes = await readFile(path);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail(`${path} is not UTF-8 text (save it as "CSV UTF-8" or UTF-8 JSON)`);
  }
  return importRundownText(text, format, { ...options, imageBaseDir: options.imageBaseDir ?? dirname(path) });
}

/** The rundown as file text in the given format. */
export function exportRundown(rundown: Rundown, format: RundownFormat): string {
  return format === 'csv' ? formatRundownCsv(rundown) : formatRundownJson(rundown);
}
