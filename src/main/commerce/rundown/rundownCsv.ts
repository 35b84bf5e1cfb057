// The rundown as a spreadsheet: one row per segment, a header naming the columns.
// Lists (images, selling points) are `|`-separated in one cell; the script is one
// quoted cell with its line breaks. Column names are the JSON field names; the
// header may spell them in any case, with spaces, `_` or `-` ("Promo price").
import type { Rundown, RundownSegment } from '../../../shared/rundown';
import { formatCsv, parseCsv } from './csv';
import { IssueList, lineLabel } from './rundownIssues';
import type { RundownDraft } from './validateRundown';

type Kind = 'text' | 'script' | 'money' | 'int' | 'instant' | 'list';

/** Every column, in the order an export writes them. */
export const RUNDOWN_CSV_COLUMNS = [
  { name: 'id', kind: 'text', required: true },
  { name: 'sku', kind: 'text', required: true },
  { name: 'productId', kind: 'text', required: false },
  { name: 'title', kind: 'text', required: true },
  { name: 'price', kind: 'money', required: true },
  { name: 'promoPrice', kind: 'money', required: false },
  { name: 'promoEndsAt', kind: 'instant', required: false },
  { name: 'flashSaleSec', kind: 'int', required: false },
  { name: 'currency', kind: 'text', required: true },
  { name: 'stock', kind: 'int', required: true },
  { name: 'input', kind: 'text', required: true },
  { name: 'targetDurationSec', kind: 'int', required: true },
  { name: 'images', kind: 'list', required: false },
  { name: 'sellingPoints', kind: 'list', required: false },
  { name: 'script', kind: 'script', required: false },
] as const satisfies readonly { name: keyof RundownSegment; kind: Kind; required: boolean }[];

type Column = (typeof RUNDOWN_CSV_COLUMNS)[number];

const normalise = (name: string) => name.toLowerCase().replace(/[\s_-]/g, '');
const byNormalName = new Map<string, Column>(RUNDOWN_CSV_COLUMNS.map((c) => [normalise(c.name), c]));

export interface ParsedRundownCsv {
  readonly draft: RundownDraft;
  readonly issues: IssueList;
}

/** Converts one cell; a value it cannot convert is returned as text with a reason. */
function convertCell(column: Column, raw: string): { value?: unknown; problem?: string } {
  if (column.kind === 'script') return { value: raw.replaceAll('\r\n', '\n') };
  const cell = raw.trim();
  if (cell === '') return column.kind === 'list' ? { value: [] } : {};
  switch (column.kind) {
    case 'text':
      return { value: cell };
    case 'list':
      return { value: cell.split('|').map((s) => s.trim()).filter((s) => s !== '') };
    case 'money':
      if (/^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(cell)) return { value: Number(cell) };
      if (/^-?\d+,\d+$/.test(cell)) return { problem: `${column.name} "${cell}" is not a number (use a dot for decimals: ${cell.replace(',', '.')})` };
      return { problem: `${column.name} "${cell}" is not a number` };
    case 'int':
      if (/^-?\d+$/.test(cell)) return { value: Number(cell) };
      return { problem: `${column.name} "${cell}" is not a whole number` };
    case 'instant':
      return { value: /^\d+$/.test(cell) ? Number(cell) : cell };
  }
}

/**
 * Reads rundown CSV into a draft and the problems found so far (syntax, header,
 * cells), each located by spreadsheet line. Nothing is validated against the
 * schema here: validateRundown does that for every format.
 */
export function parseRundownCsv(text: string, title?: string): ParsedRundownCsv {
  const { records, problems } = parseCsv(text);
  const rows = records.slice(1);
  const issues = new IssueList((i) => {
    const r = rows[i];
    return r ? { line: r.row, textLine: r.textLine, label: lineLabel(r.row, r.textLine) } : { label: `segment ${i + 1}` };
  });
  const segments: (Record<string, unknown> | null)[] = [];
  const draft = { title, segments };
  for (const p of problems) issues.addGeneral(p.message, { line: p.row, textLine: p.textLine });

  const header = records[0];
  if (!header || header.row !== 1) {
    issues.addGeneral('the first line must be the header naming the columns (id,sku,title,…)', { line: 1 });
    return { draft, issues };
  }
  if (header.fields.length === 1 && header.fields[0]!.includes(';')) {
    issues.addGeneral('the columns are separated by ";"; save the file as comma-separated CSV', { line: 1 });
    return { draft, issues };
  }
  const columns: (Column | undefined)[] = [];
  const seen = new Set<string>();
  for (const name of header.fields) {
    const column = byNormalName.get(normalise(name));
    if (!column) issues.addGeneral(`unknown column "${name}" (the columns are ${RUNDOWN_CSV_COLUMNS.map((c) => c.name).join(', ')})`, { line: 1 });
    else if (seen.has(column.name)) issues.addGeneral(`column "${column.name}" appears twice`, { line: 1 });
    else seen.add(column.name);
    columns.push(column);
  }
  const headerProblems = issues.count;
  const missing = RUNDOWN_CSV_COLUMNS.filter((c) => c.required && !seen.has(c.name));
  if (missing.length > 0) issues.addGeneral(`missing column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `"${c.name}"`).join(', ')}`, { line: 1 });
  if (issues.count > headerProblems) return { draft, issues };

  rows.forEach((record, i) => {
    if (record.fields.length !== columns.length) {
      // Cells cannot be matched to columns: report the row once, validate nothing in it.
      segments.push(null);
      issues.addForSegment(i, undefined, `${record.fields.length} cells, but the header has ${columns.length} columns (an unquoted comma, or a missing one?)`);
      return;
    }
    const segment: Record<string, unknown> = {};
    segments.push(segment);
    record.fields.forEach((raw, k) => {
      const column = columns[k]!;
      const { value, problem } = convertCell(column, raw);
      if (problem !== undefined) {
        issues.addForSegment(i, column.name, problem);
        segment[column.name] = raw;
      } else if (value !== undefined) segment[column.name] = value;
    });
  });
  return { draft, issues };
}

function cellOf(segment: RundownSegment, column: Column): string {
  const value = segment[column.name];
  if (value === undefined) return '';
  if (column.kind === 'list') return (value as readonly string[]).join('|');
  if (column.kind === 'instant') return new Date(value as number).toISOString();
  return String(value);
}

/** Writes a rundown as CSV with every column (the show title is not part of CSV). */
export function formatRundownCsv(rundown: Rundown): string {
  return formatCsv([RUNDOWN_CSV_COLUMNS.map((c) => c.name), ...rundown.segments.map((s) => RUNDOWN_CSV_COLUMNS.map((c) => cellOf(s, c)))]);
}
