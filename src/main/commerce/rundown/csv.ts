// RFC 4180 CSV, written for the rundown rather than taken from a package: the
// importer needs each record's spreadsheet row and the text line where it starts
// (a quoted script spans several text lines but is one row), which general CSV
// parsers do not report, and the whole format is ~100 lines.

/** One record of a CSV file. */
export interface CsvRecord {
  readonly fields: string[];
  /** Row number as a spreadsheet shows it: the header is row 1, a multi-line cell is one row. */
  readonly row: number;
  /** Line of the text file on which the record starts (1-based). */
  readonly textLine: number;
}

export interface CsvProblem {
  readonly row: number;
  readonly textLine: number;
  readonly message: string;
}

export interface CsvParseResult {
  /** Records in file order; blank lines are skipped but still counted as rows. */
  readonly records: CsvRecord[];
  readonly problems: CsvProblem[];
}

/**
 * Parses comma-separated text: fields quoted with `"` may hold commas, line breaks
 * and `""` (a quote); records end at CRLF, LF or CR; a UTF-8 BOM (as spreadsheets
 * write) is skipped. A quote inside an unquoted field is kept as a character. A
 * quoted field followed by anything but a comma or a line end, or never closed, is
 * a problem for its row; parsing goes on with the next record where it can.
 */
export function parseCsv(input: string): CsvParseResult {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];
  let i = 0;
  let textLine = 1;
  let row = 1;
  const n = text.length;

  /** Consumes a line break at i if there is one; true when it did. */
  const lineBreak = (): boolean => {
    if (text[i] === '\r') {
      i += text[i + 1] === '\n' ? 2 : 1;
      textLine++;
      return true;
    }
    if (text[i] === '\n') {
      i++;
      textLine++;
      return true;
    }
    return false;
  };

  while (i < n) {
    const startLine = textLine;
    const fields: string[] = [];
    let broken = false;
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        i++;
        let closed = false;
        while (i < n) {
          const c = text[i];
          if (c === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (c === '\r' || c === '\n') {
            // A line break inside a quoted cell is part of the text; stored as \n.
            lineBreak();
            field += '\n';
            continue;
          }
          field += c;
          i++;
        }
        if (!closed) {
          problems.push({ row, textLine: startLine, message: 'a quoted field is never closed (a missing " ?)' });
          return { records, problems };
        }
        if (i < n && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
          if (!broken) problems.push({ row, textLine: startLine, message: 'text after a closing quote (a quote inside a field must be doubled: "")' });
          broken = true;
          while (i < n && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') i++;
        }
      } else {
        const start = i;
        while (i < n && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') i++;
        field = text.slice(start, i);
      }
      fields.push(field);
      if (text[i] === ',') {
        i++;
        continue;
      }
      lineBreak();
      break;
    }
    const blank = fields.length === 1 && fields[0] === '';
    if (!broken && !blank) records.push({ fields, row, textLine: startLine });
    row++;
  }
  return { records, problems };
}

/** Quotes a field when it must be (RFC 4180 §2.6), or when spaces at its ends would be lost to trimming. */
function quoteField(field: string): string {
  if (/[",\r\n]/.test(field) || field.trim() !== field) return `"${field.replaceAll('"', '""')}"`;
  return field;
}

/** Writes records as RFC 4180 CSV: CRLF between records and after the last. */
export function formatCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => r.map(quoteField).join(',')).join('\r\n') + '\r\n';
}
