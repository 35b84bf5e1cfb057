// How an import says what is wrong: one issue per problem, located the way the
// operator will look for it (a CSV line as the spreadsheet shows it, or a segment
// number and id in JSON), with the field and the reason in one sentence.
import type { z } from 'zod';

/** At most this many issues are returned; the last one then says how many more there were. */
export const MAX_REPORTED_ISSUES = 50;

export interface RundownIssue {
  /** CSV only: row as a spreadsheet shows it (header = 1). */
  readonly line?: number;
  /** CSV only: line of the text file where that row starts (differs after multi-line cells). */
  readonly textLine?: number;
  /** 0-based index of the segment in the rundown, when the issue is about one. */
  readonly segment?: number;
  /** The field, as named in the file ("price", "images"). */
  readonly field?: string;
  /** The whole sentence, location first: `line 4: price must be 0 or more`. */
  readonly message: string;
}

/** Where segment i came from, in the file's own terms. */
export interface SegmentPlace {
  readonly line?: number;
  readonly textLine?: number;
  /** How to name it in a message: "line 4" or "segment 3 (ring-01)". */
  readonly label: string;
}

export type SegmentLocator = (segmentIndex: number) => SegmentPlace;

/**
 * Collects the issues of one import, keeping the first per segment and field (a
 * bad number is one problem, not two), and reports them in file order.
 */
export class IssueList {
  private readonly items: RundownIssue[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly locate: SegmentLocator) {}

  get count(): number {
    return this.items.length;
  }

  /** How to name segment i in a message ("line 4", "segment 3 (ring-01)"). */
  placeOf(segment: number): string {
    return this.locate(segment).label;
  }

  /** An issue about the file as a whole (its header, its shape). */
  addGeneral(message: string, where?: { line?: number; textLine?: number }): void {
    const prefix = where?.line !== undefined ? `${lineLabel(where.line, where.textLine)}: ` : '';
    this.items.push({ line: where?.line, textLine: where?.textLine, message: prefix + message });
  }

  /** An issue about one segment; `field` undefined for the row as a whole. */
  addForSegment(segment: number, field: string | undefined, reason: string): void {
    const key = `${segment}/${field ?? ''}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const place = this.locate(segment);
    this.items.push({ line: place.line, textLine: place.textLine, segment, field, message: `${place.label}: ${reason}` });
  }

  /** Adds zod issues of one segment (paths relative to it), worded by the schema. */
  addZodIssues(segment: number, issues: readonly z.core.$ZodIssue[]): void {
    for (const issue of issues) {
      const [field, item] = issue.path;
      const reason = typeof item === 'number' ? `${issue.message} (item ${item + 1})` : issue.message;
      const name = typeof field === 'string' ? (typeof item === 'number' ? `${field}[${item}]` : field) : undefined;
      this.addForSegment(segment, name, reason);
    }
  }

  /**
   * The issues in file order (about the file first, then by segment), at most
   * MAX_REPORTED_ISSUES, the last one then saying how many more there were.
   */
  sorted(): RundownIssue[] {
    const ordered = this.items
      .map((issue, order) => ({ issue, order }))
      .sort((a, b) => (a.issue.segment ?? -1) - (b.issue.segment ?? -1) || a.order - b.order)
      .map((x) => x.issue);
    if (ordered.length <= MAX_REPORTED_ISSUES) return ordered;
    const shown = ordered.slice(0, MAX_REPORTED_ISSUES);
    shown.push({ message: `…and ${ordered.length - MAX_REPORTED_ISSUES} more problems` });
    return shown;
  }
}

/** "line 4", or "line 4 (text line 9)" when a multi-line cell above moved it in the text. */
export function lineLabel(line: number, textLine: number | undefined): string {
  return textLine !== undefined && textLine !== line ? `line ${line} (text line ${textLine})` : `line ${line}`;
}
