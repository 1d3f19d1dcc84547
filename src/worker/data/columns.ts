/** Choosing the text/label/id columns and reading label cells. */
import { InputError } from '../../shared/errors';

/** Names tried, in order, for the text column (case-insensitive). */
export const TEXT_COLUMN_NAMES = [
  'text',
  'review',
  'content',
  'sentence',
  'comment',
  'document',
  'body',
  'message',
  'review_text',
  'text_a',
  'query',
  'title',
  'sentence1',
  'doc',
  '文本',
  '内容',
  '评论',
  '句子',
  '正文',
  '评价',
  '文本内容',
  '文字',
  '标题',
];

/** Names tried, in order, for the label column (case-insensitive). */
export const LABEL_COLUMN_NAMES = [
  'label',
  'labels',
  'category',
  'categories',
  'class',
  'classes',
  'sentiment',
  'tag',
  'tags',
  'target',
  'intent',
  'topic',
  'y',
  '标签',
  '类别',
  '分类',
  '类型',
  '情感',
  '情感标签',
  '标注',
];

export interface ColumnChoice {
  text: string;
  label?: string;
  id?: string;
}

export interface ColumnOptions {
  textCol?: string;
  labelCol?: string;
  idCol?: string;
  requireLabels?: boolean;
}

export function findColumn(columns: string[], name: string): string | undefined {
  const want = name.trim().toLowerCase();
  return columns.find((c) => c === name) ?? columns.find((c) => c.trim().toLowerCase() === want);
}

/** Column names for messages. */
export function listColumns(columns: string[]): string {
  return columns.length ? columns.map((c) => JSON.stringify(c)).join(', ') : '(none)';
}

function missing(file: string, what: string, columns: string[], hint: string): InputError {
  return new InputError('INPUT_COLUMN', `${file}: ${what}; available columns: ${listColumns(columns)}. ${hint}`, {
    file,
    available: columns,
  });
}

export function chooseColumns(columns: string[], opts: ColumnOptions, file: string): ColumnChoice {
  const explicit = (name: string | undefined, role: string, flag: string): string | undefined => {
    if (name === undefined) return undefined;
    const found = findColumn(columns, name);
    if (!found) throw missing(file, `no ${role} column named "${name}"`, columns, `Check ${flag}.`);
    return found;
  };

  let text = explicit(opts.textCol, 'text', '--text-col');
  if (!text) {
    text = TEXT_COLUMN_NAMES.map((n) => findColumn(columns, n)).find((c) => c !== undefined);
    // A single column can only be the text.
    if (!text && columns.length === 1) text = columns[0];
    if (!text) throw missing(file, 'no text column found', columns, 'Name it with --text-col.');
  }

  let label = explicit(opts.labelCol, 'label', '--label-col');
  if (!label) label = LABEL_COLUMN_NAMES.map((n) => findColumn(columns, n)).find((c) => c !== undefined && c !== text);
  if (!label && opts.requireLabels) throw missing(file, 'no label column found', columns, 'Name it with --label-col.');
  if (label === text) {
    throw new InputError('INPUT_COLUMN', `${file}: the text and label columns are both "${text}"`, {
      file,
      column: text,
    });
  }

  const id = explicit(opts.idCol, 'id', '--id-col');
  return { text, label, id };
}

export interface LabelCell {
  labels: string[];
  /** The cell used multi-label syntax (`a|b` or a JSON array), even if it held one label. */
  multi: boolean;
}

/**
 * Label cell → label names. Empty → [] (an unlabeled document); `a|b` and JSON arrays
 * (`["a","b"]`, or an array value in JSONL) are multi-label. Names are trimmed and de-duplicated.
 */
export function parseLabelCell(value: unknown, file: string, line: number): LabelCell {
  if (value === null || value === undefined) return { labels: [], multi: false };
  if (Array.isArray(value)) return { labels: cleanLabels(value, file, line), multi: true };
  if (typeof value === 'object') {
    throw new InputError('INPUT_PARSE', `${file}:${line}: a label must be a string, number or array, not an object`, {
      file,
      line,
    });
  }
  const s = String(value).trim();
  if (s === '') return { labels: [], multi: false };
  if (s.startsWith('[') && s.endsWith(']')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(s);
    } catch {
      throw new InputError(
        'INPUT_PARSE',
        `${file}:${line}: label cell ${s.slice(0, 80)} looks like a JSON array but is not valid JSON`,
        {
          file,
          line,
        },
      );
    }
    return { labels: cleanLabels(parsed as unknown[], file, line), multi: true };
  }
  if (s.includes('|')) return { labels: cleanLabels(s.split('|'), file, line), multi: true };
  return { labels: [s], multi: false };
}

function cleanLabels(values: unknown[], file: string, line: number): string[] {
  const out: string[] = [];
  for (const v of values) {
    if (v === null || typeof v === 'object') {
      throw new InputError('INPUT_PARSE', `${file}:${line}: label list items must be strings or numbers`, {
        file,
        line,
      });
    }
    const s = String(v).trim();
    if (s !== '' && !out.includes(s)) out.push(s);
  }
  return out;
}

/** Label order for schemas: numeric labels first, by value (so '2' < '10'), then the rest by code point. */
export function compareLabels(a: string, b: string): number {
  const num = /^-?\d+(\.\d+)?$/;
  const na = num.test(a);
  const nb = num.test(b);
  if (na !== nb) return na ? -1 : 1;
  if (na) {
    const d = Number(a) - Number(b);
    if (d !== 0) return d;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}
