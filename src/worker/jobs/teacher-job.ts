/**
 * Teacher jobs: fine-tune a local Hugging Face BERT folder on labeled data (split like `train`),
 * save it as a Hugging Face folder + model.onnx + teacher.json; and score a data file through that
 * ONNX model into the {"id", "logits"} JSONL that `distill --teacher-outputs` reads.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DistilleryError, ModelFolderError } from '../../shared/errors';
import { argmax, multiLabelMetrics, singleLabelMetrics, thresholdProbs, type Metrics } from '../../shared/metrics';
import type { CancelToken, ProgressSink } from '../../shared/progress';
import { etaSeconds } from '../../shared/progress';
import type { TaskType } from '../../shared/task';
import { createOnnxSession, idsTensor } from '../backend/onnx-runtime';
import { initBackend } from '../backend/tfjs-backend';
import { readCorpus, type CorpusDoc } from '../data/read-corpus';
import type { BertConfig } from '../teacher/bert-config';
import { BertClassifier } from '../teacher/bert-model';
import { encodeExamples, fineTuneTeacher, type TeacherEpoch, type TeacherExamples } from '../teacher/fine-tune';
import { loadHfFolder, saveHfFolder } from '../teacher/hf-folder';
import { exportBertToOnnx } from '../teacher/onnx/export-bert';
import { prepareData, TRAIN_DEFAULTS } from './train-job';

export const TEACHER_KIND = 'fine-tuned BERT';

export const TEACHER_DEFAULTS = {
  epochs: 3,
  batchSize: 32,
  learningRate: 3e-5,
  maxLen: 128,
  seed: 42,
  patience: 2,
  validSplit: TRAIN_DEFAULTS.validSplit,
  testSplit: TRAIN_DEFAULTS.testSplit,
  threshold: 0.5,
};

export interface TeacherTrainOptions {
  modelDir: string;
  data: string;
  out: string;
  textCol?: string;
  labelCol?: string;
  idCol?: string;
  encoding?: string;
  epochs: number;
  batchSize: number;
  learningRate: number;
  maxLen: number;
  seed: number;
  splitSeed?: number;
  validSplit: number;
  testSplit: number;
  patience?: number;
  threshold?: number;
  backend?: string;
}

/** What teacher.json holds. */
export interface TeacherInfo {
  kind: string;
  base: string;
  labels: string[];
  task: TaskType;
  maxLen: number;
  threshold: number;
  metrics: Metrics;
  seed: number;
  backend: string;
}

export interface TeacherTrainResult {
  outDir: string;
  info: TeacherInfo;
  metrics: Metrics;
  /** 'test', or 'valid' when the test split is empty. */
  evaluatedOn: 'test' | 'valid';
  history: TeacherEpoch[];
  bestEpoch: number;
  cancelled: boolean;
  paramCount: number;
  seconds: number;
  trainSamplesPerSecond: number;
  backend: string;
  sizes: { train: number; valid: number; test: number };
  warnings: string[];
}

function examples(docs: CorpusDoc[], labels: string[], multi: boolean): TeacherExamples {
  const C = labels.length;
  const index = new Map(labels.map((l, i) => [l, i]));
  const texts = docs.map((d) => d.text);
  if (multi) {
    const y = new Float32Array(docs.length * C);
    docs.forEach((d, i) => d.labels.forEach((l) => (y[i * C + index.get(l)!] = 1)));
    return { texts, labels: y };
  }
  return { texts, labels: Int32Array.from(docs, (d) => index.get(d.labels[0]) ?? -1) };
}

function scoreTeacher(probs: Float32Array, ex: TeacherExamples, labels: string[], multi: boolean, threshold: number): Metrics {
  const C = labels.length;
  const n = ex.texts.length;
  if (multi) {
    const yTrue = Array.from({ length: n }, (_, i) => ex.labels.subarray(i * C, (i + 1) * C));
    const yPred = Array.from({ length: n }, (_, i) => thresholdProbs(probs.subarray(i * C, (i + 1) * C), threshold));
    return multiLabelMetrics(yTrue, yPred, labels);
  }
  const yPred = Array.from({ length: n }, (_, i) => argmax(probs.subarray(i * C, (i + 1) * C)));
  return singleLabelMetrics(ex.labels, yPred, labels);
}

export async function runTeacherTrain(o: TeacherTrainOptions, onProgress?: ProgressSink, cancel?: CancelToken): Promise<TeacherTrainResult> {
  const backend = await initBackend(o.backend);
  const t0 = performance.now();
  const folder = await loadHfFolder(o.modelDir);
  if (o.maxLen > folder.config.max_position_embeddings) {
    throw new DistilleryError('CONFIG', `--max-len ${o.maxLen} exceeds the model's max_position_embeddings ${folder.config.max_position_embeddings}`, { field: 'max-len' });
  }
  const d = await prepareData({
    ...TRAIN_DEFAULTS,
    data: o.data,
    textCol: o.textCol,
    labelCol: o.labelCol,
    idCol: o.idCol,
    encoding: o.encoding,
    seed: o.seed,
    splitSeed: o.splitSeed,
    validSplit: o.validSplit,
    testSplit: o.testSplit,
  });
  const { labels, task } = d.schema;
  const multi = task === 'multilabel';
  const C = labels.length;
  const threshold = o.threshold ?? TEACHER_DEFAULTS.threshold;
  const model = BertClassifier.fromWeights(folder.config, folder.weights, C, o.seed, { multiLabel: multi });
  try {
    const valid = d.valid.length ? examples(d.valid, labels, multi) : undefined;
    const ft = await fineTuneTeacher(model, examples(d.train, labels, multi), valid, {
      tokenizer: folder.tokenizer,
      maxLen: o.maxLen,
      epochs: o.epochs,
      batchSize: o.batchSize,
      learningRate: o.learningRate,
      patience: o.patience ?? TEACHER_DEFAULTS.patience,
      seed: o.seed,
      onProgress,
      cancel,
    });
    const evalDocs = d.test.length ? d.test : d.valid;
    if (!evalDocs.length) throw new DistilleryError('CONFIG', 'no test or validation rows to evaluate the teacher on; use --test-split or --valid-split above 0');
    const evalEx = examples(evalDocs, labels, multi);
    const enc = encodeExamples(folder.tokenizer, evalEx, o.maxLen, C, multi);
    const metrics = scoreTeacher(model.predictProbs(enc.input), { texts: evalEx.texts, labels: enc.labels }, labels, multi, threshold);

    const weights = model.toWeights();
    const id2label = Object.fromEntries(labels.map((l, i) => [String(i), l]));
    const config = {
      ...folder.config,
      architectures: ['BertForSequenceClassification'],
      num_labels: C,
      id2label,
      problem_type: multi ? 'multi_label_classification' : 'single_label_classification',
    } as BertConfig;
    await saveHfFolder(o.out, config, weights, folder.tokenizer);
    await writeFile(path.join(o.out, 'model.onnx'), exportBertToOnnx(config, weights, { numLabels: C, multiLabel: multi }));
    const info: TeacherInfo = {
      kind: TEACHER_KIND,
      base: path.resolve(o.modelDir),
      labels,
      task,
      maxLen: o.maxLen,
      threshold,
      metrics,
      seed: o.seed,
      backend: backend.name,
    };
    await writeFile(path.join(o.out, 'teacher.json'), JSON.stringify(info, null, 2) + '\n');
    return {
      outDir: o.out,
      info,
      metrics,
      evaluatedOn: d.test.length ? 'test' : 'valid',
      history: ft.history,
      bestEpoch: ft.bestEpoch,
      cancelled: ft.cancelled,
      paramCount: model.paramCount(),
      seconds: (performance.now() - t0) / 1000,
      trainSamplesPerSecond: ft.trainSamplesPerSecond,
      backend: backend.name,
      sizes: { train: d.train.length, valid: d.valid.length, test: d.test.length },
      warnings: folder.warnings,
    };
  } finally {
    model.dispose();
  }
}

export interface TeacherPredictOptions {
  model: string;
  data: string;
  out: string;
  textCol?: string;
  idCol?: string;
  encoding?: string;
  batchSize: number;
  /** Default: teacher.json's maxLen, else 128. */
  maxLen?: number;
}

export interface TeacherPredictResult {
  rows: number;
  numLabels: number;
  kind: string;
  labels?: string[];
  seconds: number;
  cancelled: boolean;
}

/** Reads teacher.json where the folder has one (a folder without it is a plain fine-tuned HF folder). */
export async function readTeacherInfo(dir: string): Promise<Partial<TeacherInfo>> {
  const file = path.join(dir, 'teacher.json');
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Partial<TeacherInfo>;
  } catch (e) {
    throw new ModelFolderError(`${file}: not valid JSON (${(e as Error).message})`, { file });
  }
}

/** One line describing the teacher, for the log. */
export function describeTeacher(dir: string, info: Partial<TeacherInfo>): string {
  const kind = info.kind ?? 'BERT (ONNX)';
  return `teacher: ${kind}${info.base ? ` from ${info.base}` : ''} — ${dir}${info.labels ? `, ${info.labels.length} labels (${info.task})` : ''}`;
}

export async function runTeacherPredict(o: TeacherPredictOptions, onProgress?: ProgressSink, cancel?: CancelToken): Promise<TeacherPredictResult> {
  const t0 = performance.now();
  const onnxFile = path.join(o.model, 'model.onnx');
  if (!existsSync(onnxFile)) throw new ModelFolderError(`${o.model} has no model.onnx (write one with \`distillery teacher train\`)`, { file: o.model });
  const info = await readTeacherInfo(o.model);
  const folder = await loadHfFolder(o.model, { configOnly: true });
  const maxLen = o.maxLen ?? info.maxLen ?? TEACHER_DEFAULTS.maxLen;
  if (maxLen > folder.config.max_position_embeddings) {
    throw new DistilleryError('CONFIG', `max length ${maxLen} exceeds the model's max_position_embeddings ${folder.config.max_position_embeddings}`, { field: 'max-len' });
  }
  const corpus = await readCorpus(o.data, { textCol: o.textCol, idCol: o.idCol, encoding: o.encoding, dedupe: false });
  const docs = corpus.docs;
  if (!docs.length) throw new DistilleryError('INPUT_EMPTY', `${o.data}: no documents to score`, { file: o.data });
  const session = await createOnnxSession(onnxFile);
  const lines: string[] = [];
  let C = 0;
  let cancelled = false;
  try {
    for (let s = 0; s < docs.length; s += o.batchSize) {
      const batch = docs.slice(s, s + o.batchSize);
      const encs = batch.map((d) => folder.tokenizer.encode(d.text, maxLen));
      // Pad only to the longest row of the batch.
      const T = Math.max(...encs.map((e) => e.length));
      const n = batch.length;
      const ids = new Int32Array(n * T);
      const mask = new Int32Array(n * T);
      encs.forEach((e, i) => {
        ids.set(e.inputIds.subarray(0, T), i * T);
        mask.set(e.attentionMask.subarray(0, T), i * T);
      });
      const out = await session.run({ input_ids: idsTensor(ids, n, T), attention_mask: idsTensor(mask, n, T), token_type_ids: idsTensor(new Int32Array(n * T), n, T) });
      const logits = out.logits.data as Float32Array;
      C = out.logits.dims[1] as number;
      batch.forEach((d, i) => lines.push(JSON.stringify({ id: d.id, logits: Array.from(logits.subarray(i * C, (i + 1) * C), (v) => Number(v.toPrecision(7))) })));
      const done = s + n;
      onProgress?.({ phase: 'teacher predict', done, total: docs.length, etaSeconds: etaSeconds(t0, performance.now(), done, docs.length) });
      await new Promise((r) => setImmediate(r));
      if (cancel?.cancelled && done < docs.length) {
        cancelled = true;
        break;
      }
    }
  } finally {
    await session.release();
  }
  await writeFile(o.out, lines.join('\n') + '\n');
  return { rows: lines.length, numLabels: C, kind: info.kind ?? 'BERT (ONNX)', labels: info.labels, seconds: (performance.now() - t0) / 1000, cancelled };
}
