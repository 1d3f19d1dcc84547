/**
 * Teacher outputs for distillation, from a JSONL file written by any teacher (ours, an ensemble of
 * students, a Python BERT): one line per document, either
 *   {"id": "…", "logits": [..]}   or   {"id": "…", "probs": [..]}   (or a bare array = logits)
 * aligned by `id` when every line has one, else by order with the data file's rows.
 * Columns are matched to the data's labels BY NAME, never by position alone: values may be an object
 * keyed by label ({"probs": {"好评": 0.9, "差评": 0.1}}, what `predict --teacher-format` writes), or
 * an array in the order of the `labels` of the `.teacher.json` sidecar. Only a file that names its
 * labels nowhere is taken in the data's label order (`labelsFrom: 'assumed'`, which distill warns
 * about). A teacher whose labels are not the data's is refused: aligning them by position trained a
 * 10-class student on shuffled soft labels (issue #12, 0 % accuracy).
 * Single-label distillation needs logits; probabilities are turned into log-probabilities, which
 * give the same softmax at every temperature. Multi-label distillation needs probabilities; logits
 * are passed through a sigmoid.
 * `teacher predict` also writes `<file>.teacher.json` saying which teacher produced the file, so that
 * distillation can name it without being told.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { InputError } from '../../shared/errors';
import type { CorpusDoc } from '../data/read-corpus';

export interface TeacherOutputs {
  /** Per document of the corpus, in corpus order: n × C. */
  values: Float32Array;
  kind: 'logits' | 'probs';
  numClasses: number;
  alignedBy: 'id' | 'order';
  /** Where the column → label mapping came from: names on the lines, the sidecar's labels, or assumed (the data's order). */
  labelsFrom: 'lines' | 'sidecar' | 'assumed';
}

interface Row {
  id?: string;
  /** Values in the data's label order. */
  values: number[];
  kind: 'logits' | 'probs';
  line: number;
  named: boolean;
}

/**
 * `labels`: the data's labels (the student's classes, in its order). Every row comes back in that
 * order, whatever order the teacher wrote its columns in.
 */
export async function readTeacherOutputs(
  file: string,
  docs: CorpusDoc[],
  labels: readonly string[],
  multiLabel: boolean,
  totalRows: number,
): Promise<TeacherOutputs> {
  const numClasses = labels.length;
  const text = await readFile(file, 'utf8').catch((e: Error) => {
    throw new InputError('TEACHER_OUTPUTS', `cannot read teacher outputs ${file}: ${e.message}`, { file });
  });
  const sidecarLabels = (await readTeacherOutputsMeta(file))?.labels;
  const rows = parseRows(text, file, labels, sidecarLabels);
  const kinds = new Set(rows.map((r) => r.kind));
  if (kinds.size > 1) throw new InputError('TEACHER_OUTPUTS', `${file}: mixes "logits" and "probs" lines`, { file });
  const kind = rows[0].kind;
  const byId = rows.every((r) => r.id !== undefined);
  const values = new Float32Array(docs.length * numClasses);
  if (byId) {
    const map = new Map(rows.map((r) => [r.id!, r]));
    docs.forEach((d, i) => {
      const r = map.get(d.id);
      if (!r)
        throw new InputError(
          'TEACHER_OUTPUTS',
          `${file}: no teacher output for document id "${d.id}" (data line ${d.line})`,
          { file, field: 'id' },
        );
      values.set(convert(r.values, kind, multiLabel), i * numClasses);
    });
  } else {
    // By order: line k of the outputs belongs to data row k (ids are 1-based data-row numbers).
    if (rows.length !== totalRows) {
      throw new InputError(
        'TEACHER_OUTPUTS',
        `${file} has ${rows.length} rows but the data file has ${totalRows}; add an "id" field to each line or regenerate the outputs for this data`,
        { file },
      );
    }
    docs.forEach((d, i) => {
      const k = Number(d.id) - 1;
      if (!Number.isInteger(k) || k < 0 || k >= rows.length) {
        throw new InputError(
          'TEACHER_OUTPUTS',
          `${file}: cannot align by order with document id "${d.id}"; add "id" fields`,
          { file },
        );
      }
      values.set(convert(rows[k].values, kind, multiLabel), i * numClasses);
    });
  }
  const labelsFrom = rows.every((r) => r.named) ? 'lines' : sidecarLabels ? 'sidecar' : 'assumed';
  return { values, kind, numClasses, alignedBy: byId ? 'id' : 'order', labelsFrom };
}

/**
 * For each of the data's labels, the teacher's column holding it; a teacher label set that differs
 * from the data's (missing, extra or repeated names) is refused with both lists in the message.
 */
export function teacherColumnOrder(
  teacherLabels: readonly string[],
  dataLabels: readonly string[],
  where: string,
  file: string,
  line?: number,
): number[] {
  const missing = dataLabels.filter((l) => !teacherLabels.includes(l));
  const extra = teacherLabels.filter((l) => !dataLabels.includes(l));
  const repeated = teacherLabels.filter((l, i) => teacherLabels.indexOf(l) !== i);
  if (missing.length || extra.length || repeated.length) {
    const why = [
      missing.length ? `the teacher has no ${missing.map((l) => `"${l}"`).join(', ')}` : '',
      extra.length ? `the data has no ${extra.map((l) => `"${l}"`).join(', ')}` : '',
      repeated.length ? `${repeated.map((l) => `"${l}"`).join(', ')} named twice` : '',
    ].filter(Boolean);
    throw new InputError(
      'TEACHER_OUTPUTS',
      `${where}: the teacher's labels (${teacherLabels.join(', ')}) are not the data's (${dataLabels.join(', ')}): ${why.join('; ')}. Score this data with a teacher trained on the same labels`,
      { file, field: 'labels', ...(line !== undefined ? { line } : {}) },
    );
  }
  return dataLabels.map((l) => teacherLabels.indexOf(l));
}

function convert(v: number[], kind: 'logits' | 'probs', multiLabel: boolean): number[] {
  if (multiLabel) return kind === 'probs' ? v : v.map((z) => 1 / (1 + Math.exp(-z)));
  return kind === 'logits' ? v : v.map((p) => Math.log(Math.max(p, 1e-12)));
}

function parseRows(
  text: string,
  file: string,
  labels: readonly string[],
  sidecarLabels: readonly string[] | undefined,
): Row[] {
  const C = labels.length;
  // Array rows: columns in the sidecar's label order, or (no sidecar) assumed to be the data's.
  const arrayOrder = sidecarLabels
    ? teacherColumnOrder(sidecarLabels, labels, `${teacherOutputsMetaFile(file)} (labels)`, file)
    : undefined;
  const arrayWidth = sidecarLabels?.length ?? C;
  // Named rows: one column order per distinct key order (usually one for the whole file).
  const namedOrders = new Map<string, number[]>();
  const rows: Row[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (e) {
      throw new InputError('TEACHER_OUTPUTS', `${file}:${i + 1}: not valid JSON (${(e as Error).message})`, {
        file,
        line: i + 1,
      });
    }
    let values: unknown;
    let kind: Row['kind'] = 'logits';
    let id: string | undefined;
    if (Array.isArray(obj)) values = obj;
    else if (obj && typeof obj === 'object') {
      const o = obj as Record<string, unknown>;
      if (o.id !== undefined) id = String(o.id);
      if (o.logits !== undefined) values = o.logits;
      else if (o.probs !== undefined) {
        values = o.probs;
        kind = 'probs';
      }
    }
    const named = values !== null && typeof values === 'object' && !Array.isArray(values);
    const teacherLabels = named ? Object.keys(values as object) : undefined;
    const cells = named ? Object.values(values as object) : values;
    if (!Array.isArray(cells) || !cells.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw new InputError(
        'TEACHER_OUTPUTS',
        `${file}:${i + 1}: expected "logits" or "probs" as an array of numbers or an object of numbers keyed by label`,
        { file, line: i + 1 },
      );
    }
    let order: number[] | undefined;
    if (teacherLabels) {
      const key = teacherLabels.join('\u0000');
      order = namedOrders.get(key);
      if (!order)
        namedOrders.set(key, (order = teacherColumnOrder(teacherLabels, labels, `${file}:${i + 1}`, file, i + 1)));
    } else {
      if (cells.length !== arrayWidth) {
        throw new InputError(
          'TEACHER_OUTPUTS',
          `${file}:${i + 1}: ${cells.length} values, but the ${sidecarLabels ? "teacher's sidecar names" : 'task has'} ${arrayWidth} ${sidecarLabels ? 'labels' : 'classes'}`,
          { file, line: i + 1 },
        );
      }
      order = arrayOrder;
    }
    const inDataOrder = order ? order.map((c) => cells[c] as number) : (cells as number[]);
    rows.push({ id, values: inDataOrder, kind, line: i + 1, named });
  });
  if (!rows.length) throw new InputError('TEACHER_OUTPUTS', `${file}: no teacher outputs`, { file });
  return rows;
}

/** Which teacher wrote a teacher-outputs file (its `.teacher.json` sidecar). */
export interface TeacherOutputsMeta {
  kind: string;
  model: string;
  labels?: string[];
}

export function teacherOutputsMetaFile(file: string): string {
  return `${file}.teacher.json`;
}

export async function writeTeacherOutputsMeta(file: string, meta: TeacherOutputsMeta): Promise<void> {
  await writeFile(teacherOutputsMetaFile(file), JSON.stringify(meta, null, 2) + '\n');
}

/** The sidecar's description, or undefined where there is none (files from other tools) or it is unreadable. */
export async function readTeacherOutputsMeta(file: string): Promise<TeacherOutputsMeta | undefined> {
  const meta = teacherOutputsMetaFile(file);
  if (!existsSync(meta)) return undefined;
  try {
    const j = JSON.parse(await readFile(meta, 'utf8')) as Partial<TeacherOutputsMeta>;
    return typeof j.kind === 'string' && typeof j.model === 'string' ? (j as TeacherOutputsMeta) : undefined;
  } catch {
    return undefined;
  }
}

/** How the model card and the log name the teacher of a teacher-outputs file. */
export function describeTeacherOutputs(meta: TeacherOutputsMeta): string {
  return `${meta.kind} (${meta.model})`;
}

/**
 * Whether a teacher-outputs file names its labels (a sidecar with labels, or values keyed by label
 * on its first line); one that does not is aligned with the data's labels by position, unchecked.
 */
export async function teacherOutputsNameLabels(file: string): Promise<boolean> {
  if ((await readTeacherOutputsMeta(file))?.labels) return true;
  const text = await readFile(file, 'utf8').catch(() => '');
  const first = text.split(/\r?\n/).find((l) => l.trim());
  try {
    const o = JSON.parse(first ?? 'null') as Record<string, unknown> | null;
    const v = o && !Array.isArray(o) ? (o.probs ?? o.logits) : undefined;
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  } catch {
    return false;
  }
}
