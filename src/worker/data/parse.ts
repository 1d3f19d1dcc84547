/**
 * Decoded text → table of rows, each with the physical line where it starts.
 *
 * Line endings are normalised first (CRLF and lone CR → LF): papaparse picks one newline style per
 * file, so mixed endings would otherwise glue rows together. One break stays one break, so line
 * numbers are unchanged. CSV/TSV always have a header row.
 */
import Papa from 'papaparse';
import { InputError } from '../../shared/errors';
import { lineCounter, type CorpusFormat, type ParsedTable, type RawRow } from './parsed-table';
import { isLabelStudioJson, parseLabelStudio } from './label-studio';

export { lineCounter, type CorpusFormat, type ParsedTable, type RawRow } from './parsed-table';

const EXTENSIONS: Record<string, CorpusFormat> = {
  csv: 'csv',
  tsv: 'tsv',
  tab: 'tsv',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
  json: 'jsonl',
  txt: 'txt',
  text: 'txt',
};

/**
 * Format from the file extension, else from the first non-blank line. JSON content decides between
 * JSONL and Label Studio (a task list, or one pretty-printed task) whatever the JSON extension says.
 */
export function detectFormat(fileName: string, text: string): CorpusFormat {
  const ext = /\.([^./\\]+)$/.exec(fileName)?.[1]?.toLowerCase();
  const byExt = ext ? EXTENSIONS[ext] : undefined;
  if (byExt && byExt !== 'jsonl') return byExt;
  if ((byExt === 'jsonl' || !byExt) && isLabelStudioJson(text)) return 'label-studio';
  if (byExt) return byExt;
  const first = /^[ \t]*\S[^\r\n]*/m.exec(text.slice(0, 64 * 1024))?.[0].trim() ?? '';
  if (first.startsWith('{')) return 'jsonl';
  if (first.includes('\t')) return 'tsv';
  if (first.includes(',')) return 'csv';
  return 'txt';
}

export function normalizeNewlines(text: string): string {
  const t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return t.includes('\r') ? t.replace(/\r\n?/g, '\n') : t;
}

/**
 * A piece of a file read in pieces (stream-docs.ts): its text starts at `firstLine` of the file, and
 * a CSV/TSV piece has no header row of its own but the file's `columns` (header on `headerLine`).
 */
export interface TablePiece {
  firstLine: number;
  columns?: string[];
  headerLine?: number;
}

export function parseTable(
  text: string,
  file: string,
  format: CorpusFormat = detectFormat(file, text),
  piece?: TablePiece,
): ParsedTable {
  const normalized = normalizeNewlines(text);
  switch (format) {
    case 'csv':
      return parseDelimited(normalized, file, ',', 'csv', piece);
    case 'tsv':
      return parseDelimited(normalized, file, '\t', 'tsv', piece);
    case 'jsonl':
      return parseJsonl(normalized, file, piece?.firstLine);
    case 'txt':
      return parseTxt(normalized, piece?.firstLine);
    case 'label-studio':
      return parseLabelStudio(normalized, file);
  }
}

function parseDelimited(
  text: string,
  file: string,
  delimiter: string,
  format: 'csv' | 'tsv',
  piece?: TablePiece,
): ParsedTable {
  const lineOf = lineCounter(text, piece?.firstLine);
  let columns: string[] | undefined = piece?.columns;
  let headerLine = piece?.headerLine ?? 0;
  const rows: RawRow[] = [];
  let start = 0;
  Papa.parse<string[]>(text, {
    delimiter,
    newline: '\n',
    quoteChar: '"',
    step: (result) => {
      const rowStart = start;
      start = result.meta.cursor;
      const fields = result.data;
      const line = lineOf(rowStart);
      for (const err of result.errors) checkQuoteError(err, text, rowStart, start, lineOf, file);
      if (fields.length === 1 && fields[0]!.trim() === '') return; // blank line
      if (!columns) {
        columns = headerNames(fields);
        headerLine = line;
        return;
      }
      if (fields.length > columns.length && fields.slice(columns.length).some((f) => f.trim() !== '')) {
        throw new InputError(
          'INPUT_PARSE',
          `${file}:${line}: expected ${columns.length} fields (header on line ${headerLine}), found ${fields.length}; ` +
            `quote fields that contain '${delimiter === '\t' ? '\\t' : delimiter}' with double quotes`,
          { file, line },
        );
      }
      const cells: Record<string, unknown> = {};
      columns.forEach((c, i) => (cells[c] = fields[i] ?? ''));
      rows.push({ line, cells });
    },
  });
  return { format, columns: columns ?? [], rows };
}

/**
 * Unterminated quotes make papaparse swallow the rest of the file (MissingQuotes) or run on to
 * the next quote, lines later (InvalidQuotes spanning a newline); both are errors at the line of
 * the opening quote. A stray quote inside a one-line field is read leniently, as papaparse does.
 */
function checkQuoteError(
  err: Papa.ParseError,
  text: string,
  rowStart: number,
  rowEnd: number,
  lineOf: (offset: number) => number,
  file: string,
): void {
  if (err.type !== 'Quotes') return;
  const quoteAt = Math.max(rowStart, (err.index ?? rowStart + 1) - 1); // index is just past the opening quote
  const body = text.slice(quoteAt, rowEnd).replace(/\n$/, '');
  if (err.code === 'InvalidQuotes' && !body.includes('\n')) return;
  const line = lineOf(quoteAt);
  const column = quoteAt - (text.lastIndexOf('\n', quoteAt - 1) + 1) + 1;
  throw new InputError(
    'INPUT_PARSE',
    `${file}:${line}:${column}: quoted field is never closed (it runs ${err.code === 'MissingQuotes' ? 'to the end of the file' : 'across lines into later rows'}); ` +
      `close the quote, or double any quote inside a quoted field ("")`,
    { file, line, column },
  );
}

function headerNames(fields: string[]): string[] {
  const seen = new Map<string, number>();
  return fields.map((raw, i) => {
    let name = raw.trim() || `column_${i + 1}`;
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    if (n > 1) name = `${name}_${n}`;
    return name;
  });
}

function parseJsonl(text: string, file: string, firstLine = 1): ParsedTable {
  const columns: string[] = [];
  const known = new Set<string>();
  const rows: RawRow[] = [];
  let lineNo = firstLine - 1;
  for (let pos = 0; pos <= text.length;) {
    let end = text.indexOf('\n', pos);
    if (end === -1) end = text.length;
    const raw = text.slice(pos, end);
    pos = end + 1;
    lineNo++;
    if (raw.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      throw new InputError('INPUT_PARSE', `${file}:${lineNo}: invalid JSON: ${(e as Error).message}`, {
        file,
        line: lineNo,
      });
    }
    // A bare string line is a document; anything else must be an object.
    const cells = typeof value === 'string' ? { text: value } : value;
    if (cells === null || typeof cells !== 'object' || Array.isArray(cells)) {
      throw new InputError(
        'INPUT_PARSE',
        `${file}:${lineNo}: expected a JSON object per line, found ${Array.isArray(cells) ? 'an array' : typeof cells}`,
        {
          file,
          line: lineNo,
        },
      );
    }
    for (const k of Object.keys(cells)) {
      if (!known.has(k)) {
        known.add(k);
        columns.push(k);
      }
    }
    rows.push({ line: lineNo, cells: cells as Record<string, unknown> });
  }
  return { format: 'jsonl', columns, rows };
}

function parseTxt(text: string, firstLine = 1): ParsedTable {
  const rows: RawRow[] = [];
  let lineNo = firstLine - 1;
  for (let pos = 0; pos <= text.length;) {
    let end = text.indexOf('\n', pos);
    if (end === -1) end = text.length;
    const raw = text.slice(pos, end);
    pos = end + 1;
    lineNo++;
    if (raw.trim() !== '') rows.push({ line: lineNo, cells: { text: raw } });
  }
  return { format: 'txt', columns: ['text'], rows };
}
