/**
 * The documents of a corpus file (CSV, TSV, JSONL or text) read in pieces, for scoring corpora that
 * do not fit in memory: memory is bounded by one piece of rows, not by the file. Decoding is the
 * importer's (decode-stream.ts) and each piece is parsed by the importer's parser (parse.ts), so
 * documents, ids (the 1-based data-row number, or --id-col) and errors (file:line) are those of
 * readCorpus without de-duplication. Two things need the whole file and are left out: duplicate ids
 * are not refused (the set of seen ids would grow with the corpus) and a JSONL file's columns are
 * those of its first piece.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { InputError } from '../../shared/errors';
import { chooseColumns, type ColumnChoice } from './columns';
import { textLines } from './decode-stream';
import { detectFormat, parseTable, type CorpusFormat } from './parse';
import { cellText } from './read-corpus';

export interface StreamDoc {
  /** idCol value, or the 1-based data-row number as a string (as readCorpus numbers them). */
  id: string;
  text: string;
  /** 1-based physical line where the row starts. */
  line: number;
}

export interface StreamDocsOptions {
  textCol?: string;
  idCol?: string;
  encoding?: string;
  /** Otherwise from the extension, then the first non-blank line. */
  format?: CorpusFormat;
  /** Rows parsed at a time (default 1024). */
  rowsPerPiece?: number;
}

export function streamDocsOfFile(file: string, o: StreamDocsOptions = {}): AsyncGenerator<StreamDoc> {
  return streamDocs(createReadStream(file), file, o);
}

/** Documents with text, in file order; rows whose text is blank are skipped but keep their number. */
export async function* streamDocs(input: Readable, name: string, o: StreamDocsOptions = {}): AsyncGenerator<StreamDoc> {
  const rowsPerPiece = o.rowsPerPiece ?? 1024;
  let format = o.format;
  let delimited = false;
  let columns: string[] | undefined;
  let headerLine = 0;
  let cols: ColumnChoice | undefined;
  let lineNo = 0;
  let record: string[] = [];
  let recordLine = 0;
  let quotes = 0; // quote characters in the record so far: odd = inside a quoted field
  let piece: string[] = [];
  let pieceLine = 0;
  let pieceRecords = 0;
  let rows = 0;
  let yielded = 0;

  const parsePiece = (): StreamDoc[] => {
    const table = parseTable(piece.join('\n'), name, format, { firstLine: pieceLine, columns, headerLine });
    piece = [];
    pieceRecords = 0;
    cols ??= chooseColumns(table.columns, { textCol: o.textCol, idCol: o.idCol }, name);
    const docs: StreamDoc[] = [];
    for (const row of table.rows) {
      rows++;
      const text = cellText(row.cells[cols.text], name, row.line, cols.text);
      if (text.trim() === '') continue;
      let id = String(rows);
      if (cols.id) {
        id = row.cells[cols.id] === null || row.cells[cols.id] === undefined ? '' : String(row.cells[cols.id]).trim();
        if (id === '')
          throw new InputError('INPUT_COLUMN', `${name}:${row.line}: empty id in column "${cols.id}"`, {
            file: name,
            line: row.line,
            column: cols.id,
          });
      }
      docs.push({ id, text, line: row.line });
    }
    return docs;
  };

  for await (const line of textLines(input, name, { encoding: o.encoding })) {
    lineNo++;
    if (!format) {
      if (line.trim() === '') continue;
      format = detectFormat(name, line);
    }
    delimited = format === 'csv' || format === 'tsv';
    if (!record.length) recordLine = lineNo;
    record.push(line);
    // A CSV/TSV record ends at a line break outside quotes (a doubled quote "" counts twice).
    if (delimited) for (let i = line.indexOf('"'); i !== -1; i = line.indexOf('"', i + 1)) quotes++;
    if (delimited && quotes % 2 === 1) continue;
    const text = record.join('\n');
    record = [];
    quotes = 0;
    if (delimited && !columns) {
      if (text.trim() === '') continue;
      columns = parseTable(text, name, format).columns;
      headerLine = recordLine;
      continue;
    }
    if (!piece.length) pieceLine = recordLine;
    piece.push(text);
    if (++pieceRecords >= rowsPerPiece) {
      for (const d of parsePiece()) {
        yielded++;
        yield d;
      }
    }
  }
  // An unclosed quote: the parser reports it at its line.
  if (record.length) {
    if (!piece.length) pieceLine = recordLine;
    piece.push(record.join('\n'));
  }
  if (piece.length) {
    for (const d of parsePiece()) {
      yielded++;
      yield d;
    }
  }
  if (!yielded) {
    const why = !format
      ? 'is empty'
      : rows === 0
        ? 'has no data rows'
        : `has no rows with text${cols ? ` in column "${cols.text}"` : ''}`;
    throw new InputError('INPUT_EMPTY', `${name}: the file ${why}`, { file: name });
  }
}
