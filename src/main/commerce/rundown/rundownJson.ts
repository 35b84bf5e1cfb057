// The rundown as JSON: the schema of src/shared/rundown.ts, with promo end times
// written as ISO 8601 (UTC) so that a person can read and edit them.
import { RUNDOWN_VERSION, type Rundown } from '../../../shared/rundown';
import { IssueList } from './rundownIssues';
import type { RundownDraft } from './validateRundown';

export interface ParsedRundownJson {
  readonly draft: RundownDraft;
  readonly issues: IssueList;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** "line 3, column 14" for a character offset in the text. */
function position(text: string, offset: number): string {
  const before = text.slice(0, offset).split(/\r\n|\r|\n/);
  return `line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
}

/** Reads rundown JSON into a draft; problems with its shape are located by segment number and id. */
export function parseRundownJson(text: string): ParsedRundownJson {
  let doc: unknown;
  const segments: (Record<string, unknown> | null)[] = [];
  const issues = new IssueList((i) => {
    const id = segments[i]?.id;
    return { label: typeof id === 'string' && id !== '' ? `segment ${i + 1} (${id})` : `segment ${i + 1}` };
  });
  const draft: { title?: unknown; segments: typeof segments } = { segments };
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const at = /position (\d+)/.exec(message);
    issues.addGeneral(`not valid JSON${at ? ` at ${position(text, Number(at[1]))}` : ''}: ${message}`);
    return { draft, issues };
  }
  if (!isRecord(doc)) {
    issues.addGeneral('the file must hold one object: { "version": 1, "segments": [ … ] }');
    return { draft, issues };
  }
  for (const key of Object.keys(doc)) {
    if (key !== 'version' && key !== 'title' && key !== 'segments') issues.addGeneral(`unknown field "${key}" (a rundown has version, title and segments)`);
  }
  if (doc.version !== RUNDOWN_VERSION) issues.addGeneral(`version must be ${RUNDOWN_VERSION} (found ${JSON.stringify(doc.version) ?? 'none'})`);
  if (doc.title !== undefined) draft.title = doc.title;
  if (!Array.isArray(doc.segments)) {
    issues.addGeneral('segments must be a list of segments');
    return { draft, issues };
  }
  doc.segments.forEach((s: unknown, i) => {
    if (isRecord(s)) segments.push(s);
    else {
      segments.push(null);
      issues.addForSegment(i, undefined, 'a segment must be an object { "id": …, "sku": … }');
    }
  });
  return { draft, issues };
}

/** Writes a rundown as indented JSON, promo end times as ISO 8601 UTC. */
export function formatRundownJson(rundown: Rundown): string {
  const doc = {
    version: rundown.version,
    ...(rundown.title !== undefined ? { title: rundown.title } : {}),
    segments: rundown.segments.map((s) => ({ ...s, ...(s.promoEndsAt !== undefined ? { promoEndsAt: new Date(s.promoEndsAt).toISOString() } : {}) })),
  };
  return JSON.stringify(doc, null, 2) + '\n';
}
