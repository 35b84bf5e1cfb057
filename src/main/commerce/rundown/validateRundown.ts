// The checks every import runs, whatever the format: each segment against the
// schema, repeated ids/SKUs across segments, inputs the show does not have, image
// files that are not there. All problems are collected before answering, so one
// import lists everything to fix, and a rundown is returned only when there are none.
import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { findDuplicateSegments, RUNDOWN_LIMITS, rundownSchema, rundownSegmentSchema, type Rundown } from '../../../shared/rundown';
import type { PreparedProductImage } from './productImages';
import { IssueList, type RundownIssue } from './rundownIssues';

/** A rundown as read from a file, before validation. */
export interface RundownDraft {
  readonly title?: unknown;
  /** null: a segment the reader could not make sense of and has already reported. */
  readonly segments: readonly (Record<string, unknown> | null)[];
}

export interface ReferenceCheckOptions {
  /** Source and scene ids of the show; an `input` outside it is an error. Not checked when undefined. */
  readonly knownInputs?: readonly string[];
  /** Folder that relative image paths are resolved against; images are not checked when undefined. */
  readonly imageBaseDir?: string;
}

export type RundownImportResult =
  | {
      readonly ok: true;
      readonly rundown: Rundown;
      /** Prepared images by reference, when the import was given an image cache folder. */
      readonly images?: ReadonlyMap<string, PreparedProductImage>;
    }
  | {
      readonly ok: false;
      /** The problems, in file order, at most MAX_REPORTED_ISSUES (then a last "…and N more"). */
      readonly issues: RundownIssue[];
      /** How many problems there were in all. */
      readonly totalIssues: number;
    };

/** Absolute path of a segment's image reference. */
export function resolveImagePath(baseDir: string, image: string): string {
  return isAbsolute(image) ? image : resolve(baseDir, image);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Validates a draft into a Rundown. `issues` may already hold problems found while
 * reading the file (a bad CSV cell); any problem at all means no rundown.
 */
export async function validateRundown(draft: RundownDraft, issues: IssueList, options: ReferenceCheckOptions): Promise<RundownImportResult> {
  if (draft.title !== undefined) {
    const title = rundownSchema.shape.title.safeParse(draft.title);
    if (!title.success) issues.addGeneral(`show ${title.error.issues[0]!.message}`);
  }
  if (draft.segments.length > RUNDOWN_LIMITS.segments) {
    issues.addGeneral(`${draft.segments.length} segments; a rundown holds at most ${RUNDOWN_LIMITS.segments}`);
    return { ok: false, issues: issues.sorted(), totalIssues: issues.count };
  }
  const rows = draft.segments.map((s) => s ?? {});
  draft.segments.forEach((raw, i) => {
    if (raw === null) return;
    const parsed = rundownSegmentSchema.safeParse(raw);
    if (!parsed.success) issues.addZodIssues(i, parsed.error.issues);
  });

  for (const d of findDuplicateSegments(rows)) {
    issues.addForSegment(d.index, d.key, `duplicate ${d.key} "${d.value}" (also ${issues.placeOf(d.firstIndex)})`);
  }

  const known = options.knownInputs ? new Set(options.knownInputs) : undefined;
  const missingImages: Promise<{ segment: number; field: string; reason: string } | undefined>[] = [];
  rows.forEach((raw, i) => {
    if (known && typeof raw.input === 'string' && raw.input !== '' && !known.has(raw.input)) {
      const list = [...known].slice(0, 12).join(', ');
      issues.addForSegment(i, 'input', `input "${raw.input}" is not a camera or layout of this show (it has: ${list || 'none'})`);
    }
    const baseDir = options.imageBaseDir;
    if (baseDir !== undefined && Array.isArray(raw.images)) {
      raw.images.forEach((image: unknown, k) => {
        if (typeof image !== 'string' || image === '') return;
        const path = resolveImagePath(baseDir, image);
        const reason = `image "${image}" not found (looked for ${path})`;
        missingImages.push(isFile(path).then((found) => (found ? undefined : { segment: i, field: `images[${k}]`, reason })));
      });
    }
  });
  // Added after all stats finish, in file order, so the report does not depend on timing.
  for (const missing of await Promise.all(missingImages)) {
    if (missing) issues.addForSegment(missing.segment, missing.field, missing.reason);
  }

  if (issues.count === 0) {
    const whole = rundownSchema.safeParse({ version: 1, ...(draft.title !== undefined ? { title: draft.title } : {}), segments: rows });
    if (whole.success) return { ok: true, rundown: whole.data };
    for (const issue of whole.error.issues) issues.addGeneral(`${issue.path.join('.') || 'rundown'}: ${issue.message}`);
  }
  return { ok: false, issues: issues.sorted(), totalIssues: issues.count };
}
