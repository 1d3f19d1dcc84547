/**
 * Reads an annotation file with one row per annotator label — columns id (the item), annotator and
 * label — for agreement statistics. CSV / TSV / JSONL, decoded like every corpus (readTextFile), label
 * cells read like the corpus reader's (`a|b` or a JSON array is multi-label). Rows with an empty label
 * are ratings not given (skipped, counted in a warning). Errors name the file, line and column.
 */
import { InputError } from '../../shared/errors';
import type { Rating } from '../../shared/agreement-report';
import { LABEL_COLUMN_NAMES, compareLabels, findColumn, listColumns, parseLabelCell } from './columns';
import { reportCorpusWarnings } from './corpus-warnings';
import { readTextFile } from './decode';
import { parseTable } from './parse';

export const ITEM_COLUMN_NAMES = ['id', 'item', 'item_id', 'doc_id', 'document_id', 'unit', 'text_id', '编号'];
export const ANNOTATOR_COLUMN_NAMES = [
  'annotator',
  'rater',
  'coder',
  'annotator_id',
  'user',
  'labeler',
  'worker',
  '标注员',
  '标注者',
];

export interface ReadRatingsOptions {
  idCol?: string;
  annotatorCol?: string;
  labelCol?: string;
  encoding?: string;
}

export interface RatingsFile {
  file: string;
  ratings: (Rating & { line: number })[];
  multiLabel: boolean;
  /** Sorted like a corpus's labels. */
  labels: string[];
  /** Rows whose label cell was empty (no rating). */
  skippedEmpty: number;
  warnings: string[];
}

export async function readRatings(file: string, o: ReadRatingsOptions = {}): Promise<RatingsFile> {
  const decoded = await readTextFile(file, { encoding: o.encoding });
  const r = parseRatingsText(decoded.text, file, o);
  const warnings = [...decoded.warnings, ...r.warnings];
  reportCorpusWarnings(warnings);
  return { ...r, warnings };
}

export function parseRatingsText(text: string, file: string, o: ReadRatingsOptions = {}): RatingsFile {
  if (text.trim() === '' || text.trim() === '\ufeff')
    throw new InputError('INPUT_EMPTY', `${file}: the file is empty`, { file });
  const table = parseTable(text, file);
  if (table.format === 'txt') {
    throw new InputError(
      'INPUT_PARSE',
      `${file}:1: expected CSV, TSV or JSONL with columns id, annotator and label (one row per annotator label)`,
      { file, line: 1 },
    );
  }
  const pick = (explicit: string | undefined, names: readonly string[], role: string, flag: string): string => {
    const found =
      explicit !== undefined
        ? findColumn(table.columns, explicit)
        : names.map((n) => findColumn(table.columns, n)).find((c) => c !== undefined);
    if (found) return found;
    const what =
      explicit !== undefined
        ? `no ${role} column named "${explicit}"`
        : `no ${role} column found (tried ${names.slice(0, 4).join(', ')}, …)`;
    throw new InputError(
      'INPUT_COLUMN',
      `${file}:1: ${what}; available columns: ${listColumns(table.columns)}. ${explicit !== undefined ? `Check ${flag}.` : `Name it with ${flag}.`}`,
      {
        file,
        line: 1,
        field: role,
        available: table.columns,
      },
    );
  };
  const idCol = pick(o.idCol, ITEM_COLUMN_NAMES, 'id', '--id-col');
  const annotatorCol = pick(o.annotatorCol, ANNOTATOR_COLUMN_NAMES, 'annotator', '--annotator-col');
  const labelCol = pick(o.labelCol, LABEL_COLUMN_NAMES, 'label', '--label-col');
  const roles = [idCol, annotatorCol, labelCol];
  if (new Set(roles).size < 3)
    throw new InputError(
      'INPUT_COLUMN',
      `${file}:1: the id, annotator and label columns must differ (got ${roles.map((c) => JSON.stringify(c)).join(', ')})`,
      { file, line: 1 },
    );

  const ratings: RatingsFile['ratings'] = [];
  const seen = new Map<string, number>();
  const labelSet = new Set<string>();
  let multiLabel = false;
  let skippedEmpty = 0;
  for (const row of table.rows) {
    const item = keyCell(row.cells[idCol], file, row.line, idCol, 'id');
    const annotator = keyCell(row.cells[annotatorCol], file, row.line, annotatorCol, 'annotator');
    const cell = parseLabelCell(row.cells[labelCol], file, row.line);
    if (cell.labels.length === 0) {
      skippedEmpty++;
      continue;
    }
    const pair = JSON.stringify([item, annotator]);
    const first = seen.get(pair);
    if (first !== undefined) {
      throw new InputError(
        'INPUT_PARSE',
        `${file}:${row.line}: annotator "${annotator}" labels item "${item}" a second time (first on line ${first}); give one row per annotator and item (several labels in one cell: a|b)`,
        { file, line: row.line, column: annotatorCol },
      );
    }
    seen.set(pair, row.line);
    if (cell.multi || cell.labels.length > 1) multiLabel = true;
    for (const l of cell.labels) labelSet.add(l);
    ratings.push({ item, annotator, labels: cell.labels, line: row.line });
  }
  if (ratings.length === 0) {
    throw new InputError('INPUT_EMPTY', `${file}: no row has a label in column "${labelCol}"`, {
      file,
      column: labelCol,
    });
  }
  const warnings = skippedEmpty
    ? [`${file}: ${skippedEmpty} row(s) with an empty label in column "${labelCol}" were skipped (no rating)`]
    : [];
  return { file, ratings, multiLabel, labels: [...labelSet].sort(compareLabels), skippedEmpty, warnings };
}

function keyCell(value: unknown, file: string, line: number, column: string, role: string): string {
  const s = value === null || value === undefined || typeof value === 'object' ? '' : String(value).trim();
  if (s === '')
    throw new InputError('INPUT_COLUMN', `${file}:${line}: empty ${role} in column "${column}"`, {
      file,
      line,
      column,
      field: role,
    });
  return s;
}
