import { describe, expect, it } from 'vitest';
import { formatCsv, parseCsv } from './csv';

describe('parseCsv', () => {
  it('reads quoted commas, doubled quotes and line breaks inside a cell', () => {
    const text = 'a,b,c\r\n1,"x, ""y""",3\r\n2,"line one\r\nline two\nline three",4\n5,plain,6';
    const { records, problems } = parseCsv(text);
    expect(problems).toEqual([]);
    expect(records.map((r) => r.fields)).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, "y"', '3'],
      ['2', 'line one\nline two\nline three', '4'],
      ['5', 'plain', '6'],
    ]);
    // Spreadsheet rows count a multi-line cell once; text lines count every break.
    expect(records.map((r) => [r.row, r.textLine])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 6],
    ]);
  });

  it('skips a BOM and blank lines, counting the blank lines as rows', () => {
    const { records } = parseCsv('\ufeffh1,h2\n\na,b\n\n');
    expect(records.map((r) => [r.row, r.textLine, r.fields])).toEqual([
      [1, 1, ['h1', 'h2']],
      [3, 3, ['a', 'b']],
    ]);
  });

  it('keeps a quote inside an unquoted field and empty fields at the ends', () => {
    expect(parseCsv('7" ring,,\n').records[0]!.fields).toEqual(['7" ring', '', '']);
  });

  it('reports text after a closing quote on its row and goes on', () => {
    const { records, problems } = parseCsv('h\n"a"b,c\nok\n');
    expect(problems).toEqual([{ row: 2, textLine: 2, message: 'text after a closing quote (a quote inside a field must be doubled: "")' }]);
    expect(records.map((r) => r.fields)).toEqual([['h'], ['ok']]);
  });

  it('reports a quoted field that is never closed, at the row where it starts', () => {
    const { problems } = parseCsv('h1,h2\nx,"open\nmore\n');
    expect(problems).toEqual([{ row: 2, textLine: 2, message: 'a quoted field is never closed (a missing " ?)' }]);
  });
});

describe('formatCsv', () => {
  it('quotes what must be quoted and reads back the same cells', () => {
    const rows = [
      ['id', 'text'],
      ['1', 'comma, inside'],
      ['2', 'quote " inside'],
      ['3', 'two\nlines'],
      ['4', '  padded  '],
      ['5', ''],
      ['6', 'plain'],
    ];
    const text = formatCsv(rows);
    expect(text).toBe('id,text\r\n1,"comma, inside"\r\n2,"quote "" inside"\r\n3,"two\nlines"\r\n4,"  padded  "\r\n5,\r\n6,plain\r\n');
    expect(parseCsv(text).records.map((r) => r.fields)).toEqual(rows);
  });
});
