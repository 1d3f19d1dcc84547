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
import {
  defaultHeads,
  MIN_LABELED,
  whyBadBertTeacher,
  whyNotTrainable,
  type BertTeacherSource,
} from '../../shared/worker-protocol';
import {
  chooseStudentDefaults,
  defaultsOf,
  DISTILL_OPTIONS,
  validateJobOptions,
  type TruncateMode,
} from '../../shared/job-options';
import type { SelfTrainOptions } from '../jobs/self-train';
import { TEACHER_DEFAULTS } from '../jobs/teacher-job';
import { BR_WEIGHT_GRID, validateWeightGrid } from '../teacher/train/binary-relevance';
import { PRETRAIN_DEFAULTS } from '../jobs/teacher-pretrain-job';

/** Options that shape the network: they go into TrainJobOptions.architecture. */
const ARCH_KEYS = [
  'hidden',
  'layers',
  'embedDim',
  'numFilters',
  'attDim',
  'dropout',
  'varianceKept',
  'filterSizes',
] as const;
export const OPTION_KEYS = Object.keys(DISTILL_OPTIONS);
const DISTILL_DEFAULTS = defaultsOf(DISTILL_OPTIONS);
/** A distill job's options that selfTrainOf reads (the training itself does not take them). */
const SELF_TRAIN_KEYS = ['selfTrain', 'confidence', 'unlabeledFrac', 'finalFinetune', 'finetuneEpochs', 'finetuneLr'];

const bad = (field: string, why: string) => new DistilleryError('CONFIG', `option "${field}": ${why}`, { field });

/** A path the user typed for the worker's machine: ~ is the home folder, a relative path is relative to `base` (the project folder). */
export function workerPath(typed: string, base: string): string {
  const p = typed.trim();
  return path.resolve(base, p === '~' || /^~[\\/]/.test(p) ? path.join(os.homedir(), p.slice(1)) : p);
}

/** The text options with the two files' paths resolved as a training job's are (relative to the project folder). */
export function projectTextFiles(
  o: { t2s?: boolean; userDict?: string; stopwords?: string },
  projectFolder: string,
): { t2s?: boolean; userDict?: string; stopwords?: string } {
  const file = (f: string | undefined) => (f?.trim() ? workerPath(f, projectFolder) : undefined);
  return { t2s: o.t2s, userDict: file(o.userDict), stopwords: file(o.stopwords) };
}

/**
 * The UI's options (as the CLI's, camelCase; aliases such as `lr` accepted; the network's under
 * `architecture` or flat) → TrainJobOptions, checked against the option table. Relative paths of the
 * text option files (userDict, stopwords) are relative to `projectFolder`.
 */
export function trainOptionsFrom(
  options: Record<string, unknown>,
  distill: boolean,
  projectFolder = process.cwd(),
): Omit<TrainJobOptions, 'data'> {
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    throw bad('options', 'expected an object');
  const { architecture, ...flat } = options as Record<string, unknown>;
  if (architecture !== undefined && architecture !== null) {
    if (typeof architecture !== 'object' || Array.isArray(architecture))
      throw bad('architecture', 'expected an object');
    for (const [k, v] of Object.entries(architecture)) if (v !== undefined && v !== null) flat[k] = v;
  }
  const checked: Record<string, unknown> = validateJobOptions(distill ? 'distill' : 'train-student', flat);
  // Self-training's options are read by selfTrainOf; the preset is recorded with the run's options.
  for (const k of [...SELF_TRAIN_KEYS, 'preset']) delete checked[k];
  // A named preset (the Train view sends the one it shows) fills what the form does not set, e.g. TextCNN's filters.
  const preset = (flat as { preset?: unknown }).preset;
  if (typeof preset === 'string' && preset !== 'auto') {
    for (const [k, v] of Object.entries(chooseStudentDefaults('', preset, checked)!.filled)) checked[k] = v;
  }
  const arch: Record<string, unknown> = {};
  for (const k of ARCH_KEYS) {
    if (checked[k] === undefined) continue;
    arch[k] = checked[k];
    delete checked[k];
  }
  for (const k of ['userDict', 'stopwords'] as const) {
    if (typeof checked[k] !== 'string' || !checked[k].trim()) delete checked[k];
    else checked[k] = workerPath(checked[k], projectFolder);
  }
  return {
    ...TRAIN_DEFAULTS,
    ...(distill ? { alpha: DISTILL_DEFAULTS.alpha, temperature: DISTILL_DEFAULTS.temperature } : {}),
    ...(checked as Partial<TrainJobOptions>),
    architecture: arch as TrainJobOptions['architecture'],
  };
}

/**
 * A distill job's self-training settings (undefined when `selfTrain` is 0 or unset): the rounds, the
 * confidence and the hidden fraction, checked against the option table with their defaults filled.
 */
export function selfTrainOf(options: Record<string, unknown>): SelfTrainOptions | undefined {
  const o = validateJobOptions('distill', Object.fromEntries(SELF_TRAIN_KEYS.map((k) => [k, options[k]])));
  if (o.finalFinetune && !o.selfTrain)
    throw bad('finalFinetune', 'a final fine-tune follows self-training rounds: set selfTrain to 1 or more');
  if (!o.selfTrain) return undefined;
  return {
    rounds: o.selfTrain,
    confidence: o.confidence ?? DISTILL_DEFAULTS.confidence,
    unlabeledFrac: o.unlabeledFrac ?? DISTILL_DEFAULTS.unlabeledFrac,
    finalFinetune: o.finalFinetune ?? DISTILL_DEFAULTS.finalFinetune,
    finetuneEpochs: o.finetuneEpochs,
    finetuneLr: o.finetuneLr,
  };
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
export function prepareJobData(
  r: JobRequest,
  o: Pick<TrainJobOptions, 'seed' | 'splitSeed' | 'validSplit' | 'testSplit' | 'useUnlabeled'> & {
    selfTrain?: boolean;
  },
  source: string,
): JobData {
  const labels = r.labels;
  const multi = r.task === 'multilabel';
  const schema: LabelSchema = { task: r.task, labels };
  const known = new Set(labels);
  const seen = new Set<string>();
  const docs: CorpusDoc[] = [];
  const gold = new Set<CorpusDoc>();
  r.docs.labeled.forEach((d, i) => {
    if (seen.has(d.id))
      throw new InputError('INPUT_PARSE', `document id "${d.id}" appears twice in the job's documents`, {
        field: 'id',
        docId: d.id,
      });
    seen.add(d.id);
    if (typeof d.text !== 'string' || d.text.trim() === '') return;
    for (const l of d.labels) {
      if (!known.has(l))
        throw new InputError(
          'LABEL_UNKNOWN',
          `document "${d.id}" has label "${l}", which is not in the project's labels (${labels.join(', ')})`,
          { field: 'labels', docId: d.id },
        );
    }
    if (!multi && d.labels.length > 1)
      throw new InputError('LABEL_UNKNOWN', `document "${d.id}" has ${d.labels.length} labels on a ${r.task} task`, {
        field: 'labels',
        docId: d.id,
      });
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
    if (!r.teacher || typeof r.teacher.byId !== 'object')
      throw new InputError('TEACHER_OUTPUTS', "a distill job needs the teacher's soft labels (request.teacher)", {
        field: 'teacher',
      });
    const { kind, byId } = r.teacher;
    if (kind !== 'logits' && kind !== 'probs')
      throw new InputError('TEACHER_OUTPUTS', `teacher.kind must be "logits" or "probs", got ${JSON.stringify(kind)}`, {
        field: 'teacher.kind',
      });
    const C = labels.length;
    const row = (id: string): Float32Array | undefined => {
      const v = byId[id];
      if (v === undefined) return undefined;
      if (!Array.isArray(v) || v.length !== C || v.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
        throw new InputError(
          'TEACHER_OUTPUTS',
          `teacher output for document "${id}" must be ${C} finite numbers (one per label)`,
          { field: 'teacher.byId', docId: id },
        );
      }
      return Float32Array.from(convertTeacher(v, kind, multi));
    };
    teacher = new Map();
    for (const d of labeled) {
      const t = row(d.id);
      if (!t)
        throw new InputError(
          'TEACHER_OUTPUTS',
          `no teacher output for labeled document "${d.id}"; score the corpus with the teacher first`,
          { field: 'teacher.byId', docId: d.id },
        );
      teacher.set(d, t);
    }
    // The unlabeled rows with soft labels: data distillation trains on them, self-training pseudo-labels them.
    if (o.useUnlabeled || o.selfTrain) {
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
    ? {
        ...splitDocs(
          labeled.filter((d) => !gold.has(d)),
          { valid: o.validSplit, test: 0, seed: splitSeed, multiLabel: multi },
        ),
        test: labeled.filter((d) => gold.has(d)),
      }
    : splitDocs(labeled, { valid: o.validSplit, test: o.testSplit, seed: splitSeed, multiLabel: multi });
  if (train.length === 0)
    throw new InputError(
      'INPUT_EMPTY',
      gold.size
        ? `the training split is empty: all but ${labeled.length - gold.size} labeled documents are in the gold set; label more documents`
        : 'the training split is empty: label more documents',
      {},
    );
  const split = new Map<CorpusDoc, string>();
  for (const [name, set] of [
    ['train', train],
    ['valid', valid],
    ['test', test],
    ['unlabeled', unlabeled],
  ] as const)
    for (const d of set) split.set(d, name);
  const snapshot =
    [...labeled, ...unlabeled]
      .map((d) =>
        JSON.stringify({
          id: d.id,
          text: d.text,
          labels: d.labels,
          split: split.get(d),
          ...(d.source !== undefined ? { source: d.source } : {}),
          ...(teacher ? { teacher: Array.from(teacher.get(d)!, (x) => Number(x.toFixed(6))) } : {}),
        }),
      )
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
  /** Text options (TEXT_OPTIONS), recorded in teacher.json. */
  t2s: boolean;
  truncate: TruncateMode;
  /** Multi-label only: one binary BERT per label, the positive-class weight chosen per label from `brWeights`. */
  binaryRelevance?: { weights: number[] };
  /** source 'pretrain': masked-LM pre-training of a small BERT (max length: the fine-tuning one). */
  pretrain?: {
    layers: number;
    hidden: number;
    heads: number;
    epochs: number;
    vocabSize: number;
    minFreq: number;
    batchSize: number;
    learningRate: number;
  };
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
    t2s: typeof o.t2s === 'boolean' ? o.t2s : TEACHER_DEFAULTS.t2s,
    truncate: (o.truncate as TruncateMode | undefined) ?? TEACHER_DEFAULTS.truncate,
  };
  if (o.binaryRelevance === true)
    out.binaryRelevance = { weights: validateWeightGrid((o.brWeights as number[] | undefined) ?? BR_WEIGHT_GRID) };
  if (source === 'model-dir') {
    out.modelDir = workerPath(String(o.modelDir), process.cwd());
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
export function teacherDataSnapshot(
  d: PreparedData,
  o: { seed: number; splitSeed?: number; validSplit: number; testSplit: number },
): { snapshot: string; train: CorpusDoc[]; valid: CorpusDoc[]; test: CorpusDoc[] } {
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
  const { train, valid, test } = splitDocs(docs, {
    valid: o.validSplit,
    test: o.testSplit,
    seed: o.splitSeed ?? o.seed,
    multiLabel: multi,
  });
  const split = new Map<CorpusDoc, string>();
  for (const [name, set] of [
    ['train', train],
    ['valid', valid],
    ['test', test],
  ] as const)
    for (const x of set) split.set(x, name);
  const snapshot =
    docs
      .map((x) =>
        JSON.stringify({
          id: x.id,
          text: x.text,
          ...(multi ? { labels: x.labels } : { label: x.labels[0] }),
          split: split.get(x),
        }),
      )
      .join('\n') + '\n';
  return { snapshot, train, valid, test };
}
