/** Corpus import: file → decoded text → rows → documents, with column mapping and de-duplication. */
import type { LabelProvenance } from '../../shared/api';
import { InputError } from '../../shared/errors';
import { LABEL_SOURCES, type LabelSource } from '../../shared/label-event';
import { labelLength, MAX_LABEL_CHARS, MAX_LABELS, shortLabel } from '../../shared/label-limits';
import { chooseColumns, compareLabels, parseLabelCell } from './columns';
import { reportCorpusWarnings } from './corpus-warnings';
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
  /** Column saying where each label came from (human, teacher, rule, …): kept as CorpusDoc.source. */
  sourceCol?: string;
}

export interface CorpusDoc extends Omit<LabelProvenance, 'source'> {
  /** idCol value, or the 1-based data-row number as a string. */
  id: string;
  text: string;
  /** [] for an unlabeled document. */
  labels: string[];
  /** 1-based physical line where the row starts. */
  line: number;
  /**
   * Where the label came from (--source-col, the file's own provenance: Label Studio, doccano and JSONL
   * exports, or a job's documents), weighted in training by its source weight.
   */
  source?: string;
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
  reportCorpusWarnings(warnings);
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
  const d = table.defaults;
  const cols = chooseColumns(
    table.columns,
    { ...opts, textCol: opts.textCol ?? d?.text, labelCol: opts.labelCol ?? d?.label, idCol: opts.idCol ?? d?.id },
    shown,
  );
  if (opts.sourceCol !== undefined && !table.columns.includes(opts.sourceCol)) {
    throw new InputError(
      'INPUT_PARSE',
      `${shown}: no column "${opts.sourceCol}" for the label source (columns: ${table.columns.join(', ')})`,
      { file: shown, column: opts.sourceCol, field: 'sourceCol' },
    );
  }

  const docs: CorpusDoc[] = [];
  const firstByKey = new Map<string, CorpusDoc>();
  const ids = new Map<string, number>();
  let skippedEmpty = 0;
  let duplicatesRemoved = 0;
  let conflicting = 0;
  let multiLabel = false;
  const labelSet = new Set<string>();
  /** Documents per label, and the line of the first one (for the single-document warning). */
  const labelDocs = new Map<string, { count: number; line: number }>();

  table.rows.forEach((row, i) => {
    // Newlines inside texts are normalised for every format, as the CSV/TXT reader already does.
    const raw = cellText(row.cells[cols.text], shown, row.line, cols.text);
    const docText = raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw;
    if (docText.trim() === '') {
      skippedEmpty++;
      return;
    }
    const labelValue = cols.label ? row.cells[cols.label] : undefined;
    const cell = cols.label ? parseLabelCell(labelValue, shown, row.line) : { labels: [], multi: false };
    for (const l of cell.labels) checkLabelLength(l, shown, row.line, cols.label!);
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
    const prov = row.provenance ?? (table.format === 'jsonl' ? jsonlProvenance(row.cells) : undefined);
    if (prov) Object.assign(doc, cell.labels.length ? prov : prov.prediction ? { prediction: prov.prediction } : {});
    if (opts.sourceCol !== undefined) {
      const src = cellText(row.cells[opts.sourceCol], shown, row.line, opts.sourceCol).trim();
      if (src) doc.source = src;
    }
    // A JSON list is how doccano and Label Studio write any label, one or several: only a row with
    // several makes the corpus multi-label. `a|b` and a list inside a text cell are chosen syntax.
    if ((cell.multi && !Array.isArray(labelValue)) || cell.labels.length > 1) multiLabel = true;
    for (const l of cell.labels) {
      const seen = labelDocs.get(l);
      if (seen) seen.count++;
      else {
        if (labelDocs.size >= MAX_LABELS) throw tooManyLabels(l, shown, row.line, cols.label!);
        labelDocs.set(l, { count: 1, line: row.line });
        labelSet.add(l);
      }
    }
    // Every annotator's labels are the project's labels too, final or not.
    for (const a of doc.annotators ?? []) {
      if (a.labels.length > 1) multiLabel = true;
      for (const l of a.labels) {
        if (labelDocs.has(l)) continue;
        if (labelDocs.size >= MAX_LABELS) throw tooManyLabels(l, shown, row.line, cols.label!);
        labelDocs.set(l, { count: 0, line: row.line });
        labelSet.add(l);
      }
    }
    docs.push(doc);
  });

  if (docs.length === 0) {
    const why = table.rows.length === 0 ? 'has no data rows' : `has no rows with text in column "${cols.text}"`;
    throw new InputError('INPUT_EMPTY', `${shown}: the file ${why}`, { file: shown, column: cols.text });
  }
  if (opts.requireLabels && labelSet.size === 0) {
    throw new InputError('INPUT_EMPTY', `${shown}: no row has a label in column "${cols.label}"`, {
      file: shown,
      column: cols.label,
    });
  }

  const warnings: string[] = [...(table.warnings ?? [])];
  if (conflicting > 0) {
    warnings.push(
      `${shown}: ${conflicting} duplicate text(s) had labels different from the first copy, which was kept`,
    );
  }
  const single = singleDocumentLabels(labelDocs, shown, cols.label);
  if (single) warnings.push(single);
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

const SOURCES: ReadonlySet<string> = new Set(LABEL_SOURCES);

/**
 * The provenance our JSONL export (`provenance: {source, who, at, modelVersion}`) and doccano export
 * (the same fields at the top level) write. A `source` that is not a label source (a corpus's own
 * "source: weibo") is not provenance.
 */
function jsonlProvenance(cells: Record<string, unknown>): LabelProvenance | undefined {
  const p =
    cells.provenance !== null && typeof cells.provenance === 'object' && !Array.isArray(cells.provenance)
      ? (cells.provenance as Record<string, unknown>)
      : cells;
  if (typeof p.source !== 'string' || !SOURCES.has(p.source)) return undefined;
  const out: LabelProvenance = { source: p.source as LabelSource };
  if (typeof p.who === 'string' && p.who) out.who = p.who;
  if (typeof p.at === 'string' && p.at) out.at = p.at;
  const mv = p.modelVersion ?? p.model_version;
  if (out.source !== 'human' && typeof mv === 'string' && mv) out.modelVersion = mv;
  return out;
}

function checkLabelLength(label: string, file: string, line: number, column: string): void {
  if (label.length <= MAX_LABEL_CHARS) return; // fast path: UTF-16 units ≥ code points
  const n = labelLength(label);
  if (n <= MAX_LABEL_CHARS) return;
  throw new InputError(
    'INPUT_PARSE',
    `${file}:${line}: the label in column "${column}" is ${n.toLocaleString('en-US')} characters long ("${shortLabel(label)}"); ` +
      `label names may have at most ${MAX_LABEL_CHARS} characters. Is a text in the label column?`,
    { file, line, column, field: 'label', length: n, max: MAX_LABEL_CHARS },
  );
}

function tooManyLabels(label: string, file: string, line: number, column: string): InputError {
  return new InputError(
    'INPUT_PARSE',
    `${file}:${line}: label "${shortLabel(label)}" in column "${column}" would be label number ${(MAX_LABELS + 1).toLocaleString('en-US')}; ` +
      `at most ${MAX_LABELS.toLocaleString('en-US')} different labels are supported. Is the right column used as the label (--label-col)?`,
    { file, line, column, field: 'label', max: MAX_LABELS },
  );
}

/** Lists labels that only one document carries: nothing to learn from, and no test example. */
function singleDocumentLabels(
  labelDocs: Map<string, { count: number; line: number }>,
  file: string,
  column?: string,
): string | undefined {
  const single = [...labelDocs].filter(([, v]) => v.count === 1);
  if (single.length === 0) return undefined;
  const SHOWN = 10;
  const list = single
    .slice(0, SHOWN)
    .map(([l, v]) => `"${shortLabel(l)}" (line ${v.line})`)
    .join(', ');
  const more = single.length > SHOWN ? `, and ${single.length - SHOWN} more` : '';
  return (
    `${file}: ${single.length} of ${labelDocs.size} label(s) in column "${column}" have a single document, ` +
    `too few to learn or to test: ${list}${more}`
  );
}

/** De-duplication key: trimmed, runs of whitespace collapsed to one space. */
export function dedupeKey(text: string): string {
  const t = text.trim();
  // Fast path: most texts have only single plain spaces, and the replace is slow on huge ones.
  return /\s\s|[^\S ]/.test(t) ? t.replace(/\s+/g, ' ') : t;
}

export function cellText(value: unknown, file: string, line: number, column: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new InputError(
    'INPUT_PARSE',
    `${file}:${line}: column "${column}" holds ${Array.isArray(value) ? 'an array' : 'an object'}, not text`,
    {
      file,
      line,
      column,
    },
  );
}

function checkId(value: unknown, seen: Map<string, number>, file: string, line: number, column: string): string {
  const id = value === null || value === undefined ? '' : String(value).trim();
  if (id === '')
    throw new InputError('INPUT_COLUMN', `${file}:${line}: empty id in column "${column}"`, { file, line, column });
  const prev = seen.get(id);
  if (prev !== undefined) {
    throw new InputError('INPUT_COLUMN', `${file}:${line}: duplicate id "${id}" (first on line ${prev})`, {
      file,
      line,
      column,
    });
  }
  seen.set(id, line);
  return id;
}
