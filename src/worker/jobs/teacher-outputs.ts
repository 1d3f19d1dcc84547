/**
 * Teacher outputs for distillation, from a JSONL file written by any teacher (ours, an ensemble of
 * students, a Python BERT): one line per document, either
 *   {"id": "…", "logits": [..]}   or   {"id": "…", "probs": [..]}   (or a bare array = logits)
 * aligned by `id` when every line has one, else by order with the data file's rows.
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
}

interface Row {
  id?: string;
  values: number[];
  kind: 'logits' | 'probs';
  line: number;
}

export async function readTeacherOutputs(file: string, docs: CorpusDoc[], numClasses: number, multiLabel: boolean, totalRows: number): Promise<TeacherOutputs> {
  const text = await readFile(file, 'utf8').catch((e: Error) => {
    throw new InputError('TEACHER_OUTPUTS', `cannot read teacher outputs ${file}: ${e.message}`, { file });
  });
  const rows = parseRows(text, file, numClasses);
  const kinds = new Set(rows.map((r) => r.kind));
  if (kinds.size > 1) throw new InputError('TEACHER_OUTPUTS', `${file}: mixes "logits" and "probs" lines`, { file });
  const kind = rows[0].kind;
  const byId = rows.every((r) => r.id !== undefined);
  const values = new Float32Array(docs.length * numClasses);
  if (byId) {
    const map = new Map(rows.map((r) => [r.id!, r]));
    docs.forEach((d, i) => {
      const r = map.get(d.id);
      if (!r) throw new InputError('TEACHER_OUTPUTS', `${file}: no teacher output for document id "${d.id}" (data line ${d.line})`, { file, field: 'id' });
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
        throw new InputError('TEACHER_OUTPUTS', `${file}: cannot align by order with document id "${d.id}"; add "id" fields`, { file });
      }
      values.set(convert(rows[k].values, kind, multiLabel), i * numClasses);
    });
  }
  return { values, kind, numClasses, alignedBy: byId ? 'id' : 'order' };
}

function convert(v: number[], kind: 'logits' | 'probs', multiLabel: boolean): number[] {
  if (multiLabel) return kind === 'probs' ? v : v.map((z) => 1 / (1 + Math.exp(-z)));
  return kind === 'logits' ? v : v.map((p) => Math.log(Math.max(p, 1e-12)));
}

function parseRows(text: string, file: string, C: number): Row[] {
  const rows: Row[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (e) {
      throw new InputError('TEACHER_OUTPUTS', `${file}:${i + 1}: not valid JSON (${(e as Error).message})`, { file, line: i + 1 });
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
    if (!Array.isArray(values) || !values.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw new InputError('TEACHER_OUTPUTS', `${file}:${i + 1}: expected "logits" or "probs" as an array of numbers`, { file, line: i + 1 });
    }
    if (values.length !== C) {
      throw new InputError('TEACHER_OUTPUTS', `${file}:${i + 1}: ${values.length} values, but the task has ${C} classes`, { file, line: i + 1 });
    }
    rows.push({ id, values: values as number[], kind, line: i + 1 });
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
