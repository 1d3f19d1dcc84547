import { describe, it, expect } from 'vitest';
import { detectFormat, parseTable } from './parse';
import { InputError } from '../../shared/errors';

function parseError(text: string, file = 'in.csv'): InputError {
  try {
    parseTable(text, file);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

describe('detectFormat', () => {
  it('uses the extension first, then the content', () => {
    expect(detectFormat('a.CSV', '{"x":1}')).toBe('csv');
    expect(detectFormat('a.tsv', '')).toBe('tsv');
    expect(detectFormat('a.ndjson', '')).toBe('jsonl');
    expect(detectFormat('a.txt', 'a,b')).toBe('txt');
    expect(detectFormat('data', '\n  {"text": "x"}\n')).toBe('jsonl');
    expect(detectFormat('data', 'text\tlabel\n')).toBe('tsv');
    expect(detectFormat('data', 'text,label\n')).toBe('csv');
    expect(detectFormat('data', '一行一个文档\n')).toBe('txt');
  });
});

describe('CSV / TSV', () => {
  it('reads quoted fields with delimiters, quotes and newlines, reporting each row’s first line', () => {
    const t = parseTable('text,label\n"a, ""quoted""\nvalue",1\nplain,0\n\n"x\n\ny",1\n', 'a.csv');
    expect(t.columns).toEqual(['text', 'label']);
    expect(t.rows).toEqual([
      { line: 2, cells: { text: 'a, "quoted"\nvalue', label: '1' } },
      { line: 4, cells: { text: 'plain', label: '0' } },
      { line: 6, cells: { text: 'x\n\ny', label: '1' } },
    ]);
  });

  it('handles mixed CR, LF and CRLF line endings', () => {
    const t = parseTable('text,label\r\n"a",1\n"b\r\nc",0\r"d",1\r\ne,0', 'm.csv');
    expect(t.rows.map((r) => [r.line, r.cells.text, r.cells.label])).toEqual([
      [2, 'a', '1'],
      [3, 'b\nc', '0'],
      [5, 'd', '1'],
      [6, 'e', '0'],
    ]);
  });

  it('reads TSV', () => {
    const t = parseTable('label\ttext\n1\t好吃, 很快\n0\t"quoted\ttab"\n', 'a.tsv');
    expect(t.format).toBe('tsv');
    expect(t.rows.map((r) => r.cells.text)).toEqual(['好吃, 很快', 'quoted\ttab']);
  });

  it('reports an unterminated quote at the line where it opens', () => {
    const e = parseError('text,label\nok,1\n"fine, quoted\nacross lines",0\nnext,1\n"broken,1\nlater,0\nmore,1\n');
    expect(e.code).toBe('INPUT_PARSE');
    expect(e.details).toMatchObject({ file: 'in.csv', line: 6, column: 1 });
    expect(e.message).toMatch(/^in\.csv:6:1: /);
  });

  it('reports a quote that runs on into a later quoted field at its opening line', () => {
    const e = parseError('text,label\nok,1\n1,"broken\n2,fine\n3,"quoted"\n4,w\n');
    expect(e.details).toMatchObject({ line: 3, column: 3 });
  });

  it('reads a stray quote inside a one-line quoted field leniently', () => {
    const t = parseTable('text,label\n"He said "hi" ok",1\n', 'a.csv');
    expect(t.rows[0]!.cells.text).toBe('He said "hi" ok');
  });

  it('rejects rows with extra non-empty fields, allowing trailing empty ones', () => {
    expect(parseTable('text,label\na,1,,\n', 'a.csv').rows).toHaveLength(1);
    const e = parseError('text,label\na,1\nb, c,0\n');
    expect(e.details.line).toBe(3);
    expect(e.message).toMatch(/expected 2 fields.*found 3/);
  });

  it('fills missing trailing fields with empty strings and names blank or repeated headers', () => {
    const t = parseTable('text,,text\nonly\n', 'a.csv');
    expect(t.columns).toEqual(['text', 'column_2', 'text_2']);
    expect(t.rows[0]!.cells).toEqual({ text: 'only', column_2: '', text_2: '' });
  });

  it('parses a 50 MB single line as one row quickly', () => {
    // Built from an already-escaped chunk: escaping 50 MB with a regex would dominate the test.
    const chunk = '好吃 tasty, 很快 '.repeat(60);
    const n = Math.ceil(50e6 / Buffer.byteLength(chunk + 'said "ok" '));
    const csvField = (chunk + 'said ""ok"" ').repeat(n);
    const text = (chunk + 'said "ok" ').repeat(n);
    expect(Buffer.byteLength(text)).toBeGreaterThan(50e6);
    const started = Date.now();
    const t = parseTable('text,label\n"' + csvField + '",1\n', 'big.csv');
    expect(t.rows).toHaveLength(1);
    expect(t.rows[0]!.cells.text === text).toBe(true);
    const txt = parseTable(text, 'big.txt');
    expect(txt.rows).toHaveLength(1);
    expect(txt.rows[0]!.line).toBe(1);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('JSONL and TXT', () => {
  it('reads JSON Lines with line numbers, skipping blank lines', () => {
    const t = parseTable(
      '{"text":"a","label":1}\n\n{"text":"b\\nc","labels":["x","y"],"extra":null}\r\n"bare string"\n',
      'a.jsonl',
    );
    expect(t.columns).toEqual(['text', 'label', 'labels', 'extra']);
    expect(t.rows.map((r) => r.line)).toEqual([1, 3, 4]);
    expect(t.rows[1]!.cells.labels).toEqual(['x', 'y']);
    expect(t.rows[2]!.cells).toEqual({ text: 'bare string' });
  });

  it('reports invalid JSON and non-object lines with their line', () => {
    const bad = parseError('{"text":"a"}\n{"text": oops}\n', 'a.jsonl');
    expect(bad).toMatchObject({ code: 'INPUT_PARSE', details: { line: 2 } });
    expect(parseError('{"text":"a"}\n\n[1,2]\n', 'a.jsonl').details.line).toBe(3);
  });

  it('reads one document per non-blank line', () => {
    const t = parseTable('first doc\r\n\n  \nsecond, with comma\rthird "quoted"', 'a.txt');
    expect(t.rows).toEqual([
      { line: 1, cells: { text: 'first doc' } },
      { line: 4, cells: { text: 'second, with comma' } },
      { line: 5, cells: { text: 'third "quoted"' } },
    ]);
  });
});
