/**
 * A JobRequest (documents from the UI's database, options as the CLI's) → what runTrainJob takes:
 * TrainJobOptions and PreparedData with a seeded split. No files are read; the labeled snapshot is
 * written by the caller for provenance.
 */
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { JobRequest } from '../../shared/api';
import { DistilleryError, InputError } from '../../shared/errors';
import type { LabelSchema } from '../../shared/task';
import { dedupeKey, type Corpus, type CorpusDoc } from '../data/read-corpus';
import { splitDocs } from '../data/split';
import { TRAIN_DEFAULTS, type PreparedData, type TrainJobOptions } from '../jobs/train-job';
import { defaultHeads, MIN_LABELED, whyBadBertTeacher, whyNotTrainable, type BertTeacherSource } from '../../shared/worker-protocol';
import { ARCH_IDS } from '../models/registry';
import { TEACHER_DEFAULTS } from '../jobs/teacher-job';
import { PRETRAIN_DEFAULTS } from '../jobs/teacher-pretrain-job';
import { whyBadSourceWeights } from '../../shared/source-weights';


const INT_KEYS = ['epochs', 'batchSize', 'seed', 'splitSeed', 'patience', 'maxVocab', 'minCount', 'maxLen', 'sentences', 'sentenceLen', 'workers'] as const;
const NUM_KEYS = ['learningRate', 'validSplit', 'testSplit', 'lengthPercentile', 'focalGamma', 'threshold', 'alpha', 'temperature'] as const;
const ARCH_INT_KEYS = ['hidden', 'layers', 'embedDim', 'numFilters', 'attDim'] as const;
const ARCH_NUM_KEYS = ['dropout', 'varianceKept'] as const;
const ALIASES: Record<string, string> = { lr: 'learningRate', variance: 'varianceKept', lenPercentile: 'lengthPercentile' };
const OTHER_KEYS = ['model', 'tokens', 'classWeights', 'backend', 'useUnlabeled', 'charts', 'filterSizes', 'architecture', 'teacherName', 'sourceWeights'];
export const OPTION_KEYS = [...INT_KEYS, ...NUM_KEYS, ...ARCH_INT_KEYS, ...ARCH_NUM_KEYS, ...OTHER_KEYS];

const bad = (field: string, why: string) => new DistilleryError('CONFIG', `option "${field}": ${why}`, { field });

function checkNumber(field: string, v: unknown, integer: boolean, min: number, max = Infinity): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(field, `expected a number, got ${JSON.stringify(v)}`);
  if (integer && !Number.isInteger(v)) throw bad(field, `expected an integer, got ${v}`);
  if (v < min || v > max) throw bad(field, `must be in [${min}, ${max === Infinity ? '∞' : max}], got ${v}`);
  return v;
}

const RANGES: Record<string, [number, number]> = {
  epochs: [1, 10_000],
  batchSize: [1, 65_536],
  seed: [-(2 ** 31), 2 ** 31],
  splitSeed: [-(2 ** 31), 2 ** 31],
  patience: [0, 10_000],
  maxVocab: [2, 10_000_000],
  minCount: [1, 1_000_000],
  maxLen: [1, 100_000],
  sentences: [1, 1_000],
  sentenceLen: [1, 10_000],
  workers: [1, 256],
  learningRate: [0, 10],
  validSplit: [0, 0.99],
  testSplit: [0, 0.99],
  lengthPercentile: [1, 100],
  focalGamma: [0, 100],
  threshold: [0, 1],
  alpha: [0, 1],
  temperature: [1e-3, 1000],
  hidden: [1, 100_000],
  layers: [1, 64],
  embedDim: [1, 100_000],
  numFilters: [1, 100_000],
  attDim: [1, 100_000],
  dropout: [0, 0.99],
  varianceKept: [0.01, 1],
};

/** The UI's options (as the CLI's, camelCase; `lr` and `variance` accepted) → TrainJobOptions. */
export function trainOptionsFrom(options: Record<string, unknown>, distill: boolean): Omit<TrainJobOptions, 'data'> {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw bad('options', 'expected an object');
  const o: TrainJobOptions = {
    data: '',
    ...TRAIN_DEFAULTS,
    architecture: {},
    ...(distill ? { alpha: 0.5, temperature: 3 } : {}),
  };
  const arch: Record<string, unknown> = {};
  const flat: Record<string, unknown> = {};
  for (const [rawKey, v] of Object.entries(options)) {
    if (v === undefined || v === null) continue;
    const key = ALIASES[rawKey] ?? rawKey;
    if (key === 'architecture') {
      if (typeof v !== 'object' || Array.isArray(v)) throw bad('architecture', 'expected an object');
      for (const [k, av] of Object.entries(v as Record<string, unknown>)) if (av !== undefined && av !== null) flat[ALIASES[k] ?? k] = av;
      continue;
    }
    flat[key] = v;
  }
  for (const [key, v] of Object.entries(flat)) {
    if ((INT_KEYS as readonly string[]).includes(key) || (ARCH_INT_KEYS as readonly string[]).includes(key)) {
      const [min, max] = RANGES[key]!;
      const n = checkNumber(key, v, true, min, max);
      if ((ARCH_INT_KEYS as readonly string[]).includes(key)) arch[key] = n;
      else (o as unknown as Record<string, unknown>)[key] = n;
    } else if ((NUM_KEYS as readonly string[]).includes(key) || (ARCH_NUM_KEYS as readonly string[]).includes(key)) {
      const [min, max] = RANGES[key]!;
      const n = checkNumber(key, v, false, min, max);
      if ((ARCH_NUM_KEYS as readonly string[]).includes(key)) arch[key] = n;
      else (o as unknown as Record<string, unknown>)[key] = n;
    } else if (key === 'model') {
      if (typeof v !== 'string' || !(ARCH_IDS as string[]).includes(v)) throw bad('model', `unknown model ${JSON.stringify(v)}; valid: ${ARCH_IDS.join(', ')}`);
      o.model = v;
    } else if (key === 'tokens') {
      if (v !== 'char' && v !== 'word' && v !== 'both') throw bad('tokens', `expected char, word or both, got ${JSON.stringify(v)}`);
      o.tokens = v;
    } else if (key === 'classWeights') {
      if (v !== 'none' && v !== 'balanced') throw bad('classWeights', `expected none or balanced, got ${JSON.stringify(v)}`);
      o.classWeights = v;
    } else if (key === 'backend') {
      if (typeof v !== 'string') throw bad('backend', 'expected a string');
      o.backend = v;
    } else if (key === 'teacherName') {
      if (typeof v !== 'string') throw bad('teacherName', 'expected a string');
      o.teacherName = v;
    } else if (key === 'useUnlabeled' || key === 'charts') {
      if (typeof v !== 'boolean') throw bad(key, 'expected true or false');
      o[key] = v;
    } else if (key === 'sourceWeights') {
      const why = whyBadSourceWeights(v);
      if (why) throw bad('sourceWeights', why);
      o.sourceWeights = { ...(v as Record<string, number>) };
    } else if (key === 'filterSizes') {
      if (!Array.isArray(v) || v.length === 0) throw bad('filterSizes', 'expected a list of integers');
      arch.filterSizes = v.map((x) => checkNumber('filterSizes', x, true, 1, 1000));
    } else {
      throw bad(key, `unknown option; valid: ${OPTION_KEYS.join(', ')}`);
    }
  }
  if (o.validSplit + o.testSplit >= 1) throw bad('validSplit', 'validSplit + testSplit must be below 1');
  o.architecture = arch as TrainJobOptions['architecture'];
  const { data, ...rest } = o;
  void data;
  return rest;
}

export interface JobData {
  prepared: PreparedData;
  /** The labeled snapshot as JSONL (id, text, labels, split[, teacher]), whose hash is the data hash. */
  snapshot: string;
}

/**
 * Documents of a train-student / distill / alpha-sweep request → PreparedData with a seeded, stratified split.
 * Where documents are marked `gold` (the project's fixed gold set), the test set is exactly those and the
 * train/valid split is drawn from the others only: the gold set is never trained on, never re-drawn.
 */
export function prepareJobData(r: JobRequest, o: Pick<TrainJobOptions, 'seed' | 'splitSeed' | 'validSplit' | 'testSplit' | 'useUnlabeled'>, source: string): JobData {
  const labels = r.labels;
  const multi = r.task === 'multilabel';
  const schema: LabelSchema = { task: r.task, labels };
  const known = new Set(labels);
  const seen = new Set<string>();
  const docs: CorpusDoc[] = [];
  const gold = new Set<CorpusDoc>();
  r.docs.labeled.forEach((d, i) => {
    if (seen.has(d.id)) throw new InputError('INPUT_PARSE', `document id "${d.id}" appears twice in the job's documents`, { field: 'id', docId: d.id });
    seen.add(d.id);
    if (typeof d.text !== 'string' || d.text.trim() === '') return;
    for (const l of d.labels) {
      if (!known.has(l)) throw new InputError('LABEL_UNKNOWN', `document "${d.id}" has label "${l}", which is not in the project's labels (${labels.join(', ')})`, { field: 'labels', docId: d.id });
    }
    if (!multi && d.labels.length > 1) throw new InputError('LABEL_UNKNOWN', `document "${d.id}" has ${d.labels.length} labels on a ${r.task} task`, { field: 'labels', docId: d.id });
    const doc: CorpusDoc = { id: d.id, text: d.text, labels: [...d.labels], line: i + 1 };
    if (typeof d.source === 'string') doc.source = d.source;
    if (d.gold === true && d.labels.length) gold.add(doc);
    docs.push(doc);
  });
  const labeled = docs.filter((d) => d.labels.length > 0);
  const why = whyNotTrainable(labeled, r.task);
  if (why) throw new InputError('INPUT_EMPTY', why, { labeled: labeled.length, needed: MIN_LABELED });

  let teacher: Map<CorpusDoc, Float32Array> | undefined;
  const unlabeled: CorpusDoc[] = [];
  if (r.kind === 'distill' || r.kind === 'alpha-sweep') {
    if (!r.teacher || typeof r.teacher.byId !== 'object') throw new InputError('TEACHER_OUTPUTS', 'a distill job needs the teacher\'s soft labels (request.teacher)', { field: 'teacher' });
    const { kind, byId } = r.teacher;
    if (kind !== 'logits' && kind !== 'probs') throw new InputError('TEACHER_OUTPUTS', `teacher.kind must be "logits" or "probs", got ${JSON.stringify(kind)}`, { field: 'teacher.kind' });
    const C = labels.length;
    const row = (id: string): Float32Array | undefined => {
      const v = byId[id];
      if (v === undefined) return undefined;
      if (!Array.isArray(v) || v.length !== C || v.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
        throw new InputError('TEACHER_OUTPUTS', `teacher output for document "${id}" must be ${C} finite numbers (one per label)`, { field: 'teacher.byId', docId: id });
      }
      return Float32Array.from(convertTeacher(v, kind, multi));
    };
    teacher = new Map();
    for (const d of labeled) {
      const t = row(d.id);
      if (!t) throw new InputError('TEACHER_OUTPUTS', `no teacher output for labeled document "${d.id}"; score the corpus with the teacher first`, { field: 'teacher.byId', docId: d.id });
      teacher.set(d, t);
    }
    if (o.useUnlabeled) {
      const ids = new Set(labeled.map((d) => d.id));
      (r.docs.toScore ?? []).forEach((d, i) => {
        if (ids.has(d.id) || typeof d.text !== 'string' || d.text.trim() === '') return;
        const t = row(d.id);
        if (!t) return;
        const doc: CorpusDoc = { id: d.id, text: d.text, labels: [], line: r.docs.labeled.length + i + 1 };
        unlabeled.push(doc);
        teacher!.set(doc, t);
      });
    }
  }

  const splitSeed = o.splitSeed ?? o.seed;
  const { train, valid, test } = gold.size
    ? { ...splitDocs(labeled.filter((d) => !gold.has(d)), { valid: o.validSplit, test: 0, seed: splitSeed, multiLabel: multi }), test: labeled.filter((d) => gold.has(d)) }
    : splitDocs(labeled, { valid: o.validSplit, test: o.testSplit, seed: splitSeed, multiLabel: multi });
  if (train.length === 0) throw new InputError('INPUT_EMPTY', gold.size ? `the training split is empty: all but ${labeled.length - gold.size} labeled documents are in the gold set; label more documents` : 'the training split is empty: label more documents', {});
  const split = new Map<CorpusDoc, string>();
  for (const [name, set] of [['train', train], ['valid', valid], ['test', test], ['unlabeled', unlabeled]] as const) for (const d of set) split.set(d, name);
  const snapshot = [...labeled, ...unlabeled]
    .map((d) => JSON.stringify({ id: d.id, text: d.text, labels: d.labels, split: split.get(d), ...(d.source !== undefined ? { source: d.source } : {}), ...(teacher ? { teacher: Array.from(teacher.get(d)!, (x) => Number(x.toFixed(6))) } : {}) }))
    .join('\n') + '\n';
  const corpus: Corpus = {
    file: source,
    format: 'jsonl',
    encoding: 'utf-8',
    textColumn: 'text',
    labelColumn: 'labels',
    docs: [...labeled, ...unlabeled],
    duplicatesRemoved: 0,
    multiLabel: multi,
    labels,
    skippedEmpty: 0,
  };
  const dataHash = 'sha256:' + createHash('sha256').update(snapshot).digest('hex');
  return { prepared: { corpus, schema, train, valid, test, unlabeled, teacher, dataHash }, snapshot };
}

/** As the CLI's teacher-outputs: single-label trains on logits (probs → log-probs), multi-label on probs. */
function convertTeacher(v: number[], kind: 'logits' | 'probs', multi: boolean): number[] {
  if (multi) return kind === 'probs' ? v : v.map((z) => 1 / (1 + Math.exp(-z)));
  return kind === 'logits' ? v : v.map((p) => Math.log(Math.max(p, 1e-12)));
}

/** A 'train-bert-teacher' job's options, checked, with the CLI's defaults filled in. */
export interface BertTeacherJobOptions {
  source: BertTeacherSource;
  /** source 'model-dir': the folder, absolute (~ expanded). */
  modelDir?: string;
  epochs: number;
  learningRate: number;
  /** Undefined: min(128, the model's max_position_embeddings), as `distillery pipeline`. */
  maxLen?: number;
  batchSize: number;
  patience: number;
  seed: number;
  validSplit: number;
  testSplit: number;
  /** source 'pretrain': masked-LM pre-training of a small BERT (max length: the fine-tuning one). */
  pretrain?: { layers: number; hidden: number; heads: number; epochs: number; vocabSize: number; minFreq: number; batchSize: number; learningRate: number };
}

/** The UI's BERT teacher options → BertTeacherJobOptions (CONFIG errors name the option). */
export function bertTeacherOptionsFrom(options: Record<string, unknown>): BertTeacherJobOptions {
  const why = whyBadBertTeacher(options);
  if (why) throw new DistilleryError('CONFIG', why.message, { field: why.field });
  const o = options as Record<string, unknown>;
  const num = (k: string, d: number): number => (typeof o[k] === 'number' ? (o[k] as number) : d);
  const source = o.source as BertTeacherSource;
  const out: BertTeacherJobOptions = {
    source,
    epochs: num('epochs', TEACHER_DEFAULTS.epochs),
    learningRate: num('learningRate', num('lr', TEACHER_DEFAULTS.learningRate)),
    ...(typeof o.maxLen === 'number' ? { maxLen: o.maxLen } : {}),
    batchSize: num('batchSize', TEACHER_DEFAULTS.batchSize),
    patience: num('patience', TEACHER_DEFAULTS.patience),
    seed: num('seed', TEACHER_DEFAULTS.seed),
    validSplit: num('validSplit', TEACHER_DEFAULTS.validSplit),
    testSplit: num('testSplit', TEACHER_DEFAULTS.testSplit),
  };
  if (source === 'model-dir') {
    const dir = String(o.modelDir).trim();
    out.modelDir = path.resolve(dir === '~' || /^~[\\/]/.test(dir) ? path.join(os.homedir(), dir.slice(1)) : dir);
  } else {
    const hidden = num('hidden', PRETRAIN_DEFAULTS.hidden);
    out.pretrain = {
      layers: num('layers', PRETRAIN_DEFAULTS.layers),
      hidden,
      heads: num('heads', typeof o.hidden === 'number' ? defaultHeads(hidden) : PRETRAIN_DEFAULTS.heads),
      epochs: num('pretrainEpochs', PRETRAIN_DEFAULTS.epochs),
      vocabSize: PRETRAIN_DEFAULTS.vocabSize,
      minFreq: PRETRAIN_DEFAULTS.minFreq,
      batchSize: PRETRAIN_DEFAULTS.batchSize,
      learningRate: PRETRAIN_DEFAULTS.learningRate,
    };
  }
  return out;
}

/**
 * The labeled documents as the data file `teacher train` reads: JSONL with id, text, the label (a
 * string for single-label tasks; a list for multi-label ones, which tells the reader the task) and
 * the split. Texts that appear twice are written once (the reader would drop the second copy), and
 * the split is drawn as the reader will draw it (same documents, order and seed), so `split` records
 * the teacher's split and `test` holds its test documents.
 */
export function teacherDataSnapshot(d: PreparedData, o: { seed: number; splitSeed?: number; validSplit: number; testSplit: number }): { snapshot: string; train: CorpusDoc[]; valid: CorpusDoc[]; test: CorpusDoc[] } {
  const multi = d.schema.task === 'multilabel';
  const seen = new Set<string>();
  const docs: CorpusDoc[] = [];
  for (const x of d.corpus.docs) {
    if (!x.labels.length) continue;
    const key = dedupeKey(x.text);
    if (seen.has(key)) continue;
    seen.add(key);
    docs.push(x);
  }
  const { train, valid, test } = splitDocs(docs, { valid: o.validSplit, test: o.testSplit, seed: o.splitSeed ?? o.seed, multiLabel: multi });
  const split = new Map<CorpusDoc, string>();
  for (const [name, set] of [['train', train], ['valid', valid], ['test', test]] as const) for (const x of set) split.set(x, name);
  const snapshot = docs.map((x) => JSON.stringify({ id: x.id, text: x.text, ...(multi ? { labels: x.labels } : { label: x.labels[0] }), split: split.get(x) })).join('\n') + '\n';
  return { snapshot, train, valid, test };
}
