/**
 * The JSON lines `predict` writes, formatted by hand: the same bytes as JSON.stringify of
 * {id?, label, probs: {label: p}} (or {id, probs} for --teacher-format), without building two
 * objects and an array per document. What JSON.stringify would do is worked out once per label
 * set: the key order of Object.fromEntries (integer-like labels such as "0", "1" come first, in
 * ascending order; a repeated label keeps its first place and its last column's value) and the
 * escaped keys.
 */
import { argmax } from '../../shared/metrics';

export interface PredictionFormat {
  labels: readonly string[];
  multiLabel: boolean;
  threshold: number;
  /** {"id", "probs"} lines for `distill --teacher-outputs`. */
  teacherFormat?: boolean;
}

/** Formats row `row` of an n × C probability matrix (without the newline); `id` is written when truthy. */
export type PredictionLine = (probs: ArrayLike<number>, row: number, id: string | undefined) => string;

export function predictionLines(f: PredictionFormat): PredictionLine {
  const { labels, multiLabel, threshold } = f;
  const C = labels.length;
  const columns: Record<string, number> = Object.fromEntries(labels.map((l, c) => [l, c]));
  const keys = Object.keys(columns);
  const keyJson = keys.map((k) => JSON.stringify(k) + ':');
  const keyColumn = keys.map((k) => columns[k]);
  const labelJson = labels.map((l) => JSON.stringify(l));
  const p = new Array<number>(C);
  return (probs, row, id) => {
    const s = new Array<string>(C);
    for (let c = 0; c < C; c++) {
      // Rounded to 6 decimals; JSON writes a non-finite number as null.
      p[c] = Number(probs[row * C + c].toFixed(6));
      s[c] = Number.isFinite(p[c]) ? String(p[c]) : 'null';
    }
    let probsJson = '{';
    for (let k = 0; k < keys.length; k++) probsJson += (k ? ',' : '') + keyJson[k] + s[keyColumn[k]];
    probsJson += '}';
    if (f.teacherFormat) return (id !== undefined ? `{"id":${JSON.stringify(id)},` : '{') + `"probs":${probsJson}}`;
    let label: string | undefined;
    if (multiLabel) {
      const on: string[] = [];
      for (let c = 0; c < C; c++) if (p[c] >= threshold) on.push(labelJson[c]);
      label = '[' + on.join(',') + ']';
    } else label = labelJson[argmax(p)];
    // JSON.stringify leaves out a key whose value is undefined (argmax of all-NaN rows is -1).
    return (
      '{' +
      (id ? `"id":${JSON.stringify(id)},` : '') +
      (label !== undefined ? `"label":${label},` : '') +
      `"probs":${probsJson}}`
    );
  };
}
