/** Corpus import: file → decoded text → rows → documents, with column mapping and de-duplication. */
import { InputError } from '../../shared/errors';
import { chooseColumns, compareLabels, parseLabelCell } from './columns';
import { readTextFile } from './decode';
import { parseTable, type CorpusFormat } from './parse';

export type { CorpusFormat } from './parse';

export interface ReadCorpusOptions {
  textCol?: string;
  labelCol?: string;
  /** Column with document ids; without it, ids are 1-based data-row numbers. */
  idCol?: string;
  /** Explicit encoding (iconv-lite name); otherwise detected. */
  encoding?: string;
  /** Otherwise from the extension, then the content. */
  format?: CorpusFormat;
  /** Drop documents whose normalised text repeats an earlier one (default true). */
  dedupe?: boolean;
  /** A label column must exist and label at least one document. Unlabeled rows are still returned. */
  requireLabels?: boolean;
}

export interface CorpusDoc {
  /** idCol value, or the 1-based data-row number as a string. */
  id: string;
  text: string;
  /** [] for an unlabeled document. */
  labels: string[];
  /** 1-based physical line where the row starts. */
  line: number;
}

export interface Corpus {
  file: string;
  format: CorpusFormat;
  encoding: string;
  textColumn: string;
  labelColumn?: string;
  docs: CorpusDoc[];
  duplicatesRemoved: number;
  multiLabel: boolean;
  /** Sorted unique label names (numeric labels by value). */
  labels: string[];
  /** Rows whose text cell was empty or blank. */
  skippedEmpty: number;
  /** Things the user should know that did not stop the import (NULs removed, conflicting duplicates). */
  warnings?: string[];
}

export async function readCorpus(file: string, opts: ReadCorpusOptions = {}): Promise<Corpus> {
  const decoded = await readTextFile(file, { encoding: opts.encoding });
  const corpus = parseCorpusText(decoded.text, file, { ...opts, encoding: decoded.encoding });
  const warnings = [...decoded.warnings, ...(corpus.warnings ?? [])];
  return { ...corpus, ...(warnings.length ? { warnings } : {}) };
}

/**
 * Already-decoded text → corpus (the UI uses this on text it has read). `opts.encoding` is only
 * recorded in the result (default 'utf-8').
 */
export function parseCorpusText(text: string, fileName: string, opts: ReadCorpusOptions = {}): Corpus {
  const shown = fileName || 'input';
  if (text.trim() === '' || text.trim() === '\ufeff') {
    throw new InputError('INPUT_EMPTY', `${shown}: the file is empty`, { file: shown });
  }
  const table = parseTable(text, shown, opts.format);
  const cols = chooseColumns(table.columns, opts, shown);

  const docs: CorpusDoc[] = [];
  const firstByKey = new Map<string, CorpusDoc>();
  const ids = new Map<string, number>();
  let skippedEmpty = 0;
  let duplicatesRemoved = 0;
  let conflicting = 0;
  let multiLabel = false;
  const labelSet = new Set<string>();

  table.rows.forEach((row, i) => {
    // Newlines inside texts are normalised for every format, as the CSV/TXT reader already does.
    const raw = cellText(row.cells[cols.text], shown, row.line, cols.text);
    const docText = raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw;
    if (docText.trim() === '') {
      skippedEmpty++;
      return;
    }
    const cell = cols.label ? parseLabelCell(row.cells[cols.label], shown, row.line) : { labels: [], multi: false };
    const doc: CorpusDoc = { id: String(i + 1), text: docText, labels: cell.labels, line: row.line };
    if (opts.dedupe !== false) {
      const key = dedupeKey(docText);
      const first = firstByKey.get(key);
      if (first) {
        duplicatesRemoved++;
        if (first.labels.join('\u0000') !== doc.labels.join('\u0000')) conflicting++;
        return;
      }
      firstByKey.set(key, doc);
    }
    if (cols.id) doc.id = checkId(row.cells[cols.id], ids, shown, row.line, cols.id);
    if (cell.multi || cell.labels.length > 1) multiLabel = true;
    for (const l of cell.labels) labelSet.add(l);
    docs.push(doc);
  });

  if (docs.length === 0) {
    const why = table.rows.length === 0 ? 'has no data rows' : `has no rows with text in column "${cols.text}"`;
    throw new InputError('INPUT_EMPTY', `${shown}: the file ${why}`, { file: shown, column: cols.text });
  }
  if (opts.requireLabels && labelSet.size === 0) {
    throw new InputError('INPUT_EMPTY', `${shown}: no row has a label in column "${cols.label}"`, { file: shown, column: cols.label });
  }

  const warnings: string[] = [];
  if (conflicting > 0) {
    warnings.push(`${shown}: ${conflicting} duplicate text(s) had labels different from the first copy, which was kept`);
  }
  return {
    file: fileName,
    format: table.format,
    encoding: opts.encoding ?? 'utf-8',
    textColumn: cols.text,
    ...(cols.label ? { labelColumn: cols.label } : {}),
    docs,
    duplicatesRemoved,
    multiLabel,
    labels: [...labelSet].sort(compareLabels),
    skippedEmpty,
    ...(warnings.length ? { warnings } : {}),
  };
}

/** De-duplication key: trimmed, runs of whitespace collapsed to one space. */
export function dedupeKey(text: string): string {
  const t = text.trim();
  // Fast path: most texts have only single plain spaces, and the replace is slow on huge ones.
  return /\s\s|[^\S ]/.test(t) ? t.replace(/\s+/g, ' ') : t;
}

function cellText(value: unknown, file: string, line: number, column: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new InputError('INPUT_PARSE', `${file}:${line}: column "${column}" holds ${Array.isArray(value) ? 'an array' : 'an object'}, not text`, {
    file,
    line,
    column,
  });
}

function checkId(value: unknown, seen: Map<string, number>, file: string, line: number, column: string): string {
  const id = value === null || value === undefined ? '' : String(value).trim();
  if (id === '') throw new InputError('INPUT_COLUMN', `${file}:${line}: empty id in column "${column}"`, { file, line, column });
  const prev = seen.get(id);
  if (prev !== undefined) {
    throw new InputError('INPUT_COLUMN', `${file}:${line}: duplicate id "${id}" (first on line ${prev})`, { file, line, column });
  }
  seen.set(id, line);
  return id;
}

