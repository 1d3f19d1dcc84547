/**
 * Teacher jobs: fine-tune a local Hugging Face BERT folder on labeled data (split like `train`),
 * save it as a Hugging Face folder + model.onnx + teacher.json; and score a data file through that
 * ONNX model into the {"id", "logits"} JSONL that `distill --teacher-outputs` reads.
 * Multi-label data can instead get a binary-relevance teacher (teacher/train/binary-relevance.ts): one
 * binary model per label in label-<i>/ sub-folders, whose per-label logits predict joins into rows.
 */
import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DistilleryError, ModelFolderError } from '../../shared/errors';
import { defaultsOf, TEACHER_TRAIN_OPTIONS } from '../../shared/job-options';
import { argmax, multiLabelMetrics, singleLabelMetrics, thresholdProbs, type Metrics } from '../../shared/metrics';
import type { CancelToken, ProgressSink } from '../../shared/progress';
import { etaSeconds } from '../../shared/progress';
import type { TaskType } from '../../shared/task';
import { createOnnxSession } from '../backend/onnx-runtime';
import { initBackend } from '../backend/tfjs-backend';
import type { CorpusDoc } from '../data/read-corpus';
import { streamDocs } from '../data/stream-docs';
import { batchesOf, closeStream } from '../data/batches';
import type { BertConfig } from '../teacher/model/bert-config';
import { BertClassifier } from '../teacher/model/bert-model';
import {
  BR_KIND,
  BR_WEIGHT_GRID,
  putPositiveLogits,
  trainBinaryRelevance,
  validateWeightGrid,
  type BrLabelRecord,
} from '../teacher/train/binary-relevance';
import { encodeExamples, fineTuneTeacher, type TeacherEpoch, type TeacherExamples } from '../teacher/train/fine-tune';
import { loadHfFolder, saveHfFolder } from '../teacher/checkpoint/hf-folder';
import { HF_TEXT_OPTIONS, type TeacherTextOptions, type WordPieceTokenizer } from '../teacher/tokenize/wordpiece';
import { bertEncode, bertFeedsOf } from '../teacher/onnx/bert-feeds';
import { exportBertToOnnx } from '../teacher/onnx/export-bert';
import { writeTeacherOutputsMeta } from './teacher-outputs';
import { PRETRAINED_HERE_KIND, pretrainTextOptions } from './teacher-pretrain-job';
import { prepareData, TRAIN_DEFAULTS } from './train-job';

export const TEACHER_KIND = 'fine-tuned BERT';

/** The option table's BERT fine-tuning defaults (src/shared/job-options.ts). */
export const TEACHER_DEFAULTS = defaultsOf(TEACHER_TRAIN_OPTIONS);

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
  /** Multi-label only: one binary model per label (digest B) instead of one multi-label model. */
  binaryRelevance?: boolean;
  /** Positive-class weights tried per label with binaryRelevance (default BR_WEIGHT_GRID). */
  brWeights?: number[];
  /** Traditional → simplified before tokenizing (default off); recorded in teacher.json. */
  t2s?: boolean;
  /** How long texts are cut (default head+tail, as the students); recorded in teacher.json. */
  truncate?: TeacherTextOptions['truncate'];
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
  /** Text options the teacher was trained with and predicts with; absent in older folders, which were trained with HF_TEXT_OPTIONS (head only, no t2s). */
  text?: TeacherTextOptions;
  /** Present for a binary-relevance teacher: the weight grid and, per label, its sub-folder and chosen weight. */
  binaryRelevance?: { weights: number[]; perLabel: BrLabelRecord[] };
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
  /** What split the texts into word pieces (tokenizers.js over tokenizer.json, or the built-in WordPiece). */
  tokenizer: string;
  /** Fine-tuning runs made: 1, or labels × weights for binary relevance. */
  runs: number;
}

/**
 * The text options of a training: the table's defaults (head+tail, no t2s) where unset. From an encoder
 * pre-trained here with t2s, t2s stays on (its vocabulary has only the simplified forms), and its
 * truncation is the default where the run sets none.
 */
function trainTextOptions(o: TeacherTrainOptions, pretrained?: TeacherTextOptions): TeacherTextOptions {
  return {
    t2s: (o.t2s ?? TEACHER_DEFAULTS.t2s) || !!pretrained?.t2s,
    truncate: o.truncate ?? pretrained?.truncate ?? TEACHER_DEFAULTS.truncate,
  };
}

/** The teacher folder's tokenizer with the text options its teacher.json records (older folders: HF's head-only, no t2s). */
export function teacherTokenizer(tokenizer: WordPieceTokenizer, info: Partial<TeacherInfo>): WordPieceTokenizer {
  return tokenizer.withTextOptions({ ...HF_TEXT_OPTIONS, ...info.text });
}

/** The fine-tuning settings a teacher run passes on, for one model or each binary-relevance label model. */
function fineTuneSettings(o: TeacherTrainOptions) {
  return {
    maxLen: o.maxLen,
    epochs: o.epochs,
    batchSize: o.batchSize,
    learningRate: o.learningRate,
    patience: o.patience ?? TEACHER_DEFAULTS.patience,
    seed: o.seed,
  };
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

function scoreTeacher(
  probs: Float32Array,
  ex: TeacherExamples,
  labels: string[],
  multi: boolean,
  threshold: number,
): Metrics {
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

export async function runTeacherTrain(
  o: TeacherTrainOptions,
  onProgress?: ProgressSink,
  cancel?: CancelToken,
): Promise<TeacherTrainResult> {
  const backend = await initBackend(o.backend);
  const t0 = performance.now();
  const loaded = await loadHfFolder(o.modelDir);
  const pretrainedText = await pretrainTextOptions(o.modelDir);
  const text = trainTextOptions(o, pretrainedText);
  const warnings = [...loaded.warnings];
  if (pretrainedText?.t2s && !o.t2s)
    warnings.push(
      `${o.modelDir} was pre-trained on simplified text (pretrain.json: t2s): fine-tuning and prediction convert traditional to simplified too`,
    );
  const folder = { ...loaded, warnings, tokenizer: loaded.tokenizer.withTextOptions(text) };
  if (o.maxLen > folder.config.max_position_embeddings) {
    throw new DistilleryError(
      'CONFIG',
      `--max-len ${o.maxLen} exceeds the model's max_position_embeddings ${folder.config.max_position_embeddings}`,
      { field: 'max-len' },
    );
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
  const pretrainedHere = existsSync(path.join(o.modelDir, 'pretrain.json'));
  if (o.binaryRelevance) {
    if (!multi) {
      throw new DistilleryError(
        'CONFIG',
        `--binary-relevance is for multi-label data (one binary model per label); ${o.data} is ${task} (labels ${labels.join(', ')}): train one teacher without --binary-relevance`,
        { field: 'binary-relevance', file: o.data },
      );
    }
    return trainBrTeacher(o, folder, d, backend.name, threshold, pretrainedHere, t0, onProgress, cancel);
  }
  const model = BertClassifier.fromWeights(folder.config, folder.weights, C, o.seed, { multiLabel: multi });
  try {
    const valid = d.valid.length ? examples(d.valid, labels, multi) : undefined;
    const ft = await fineTuneTeacher(model, examples(d.train, labels, multi), valid, {
      tokenizer: folder.tokenizer,
      ...fineTuneSettings(o),
      onProgress,
      cancel,
    });
    const evalDocs = d.test.length ? d.test : d.valid;
    if (!evalDocs.length)
      throw new DistilleryError(
        'CONFIG',
        'no test or validation rows to evaluate the teacher on; use --test-split or --valid-split above 0',
      );
    const evalEx = examples(evalDocs, labels, multi);
    const enc = encodeExamples(folder.tokenizer, evalEx, o.maxLen, C, multi);
    const metrics = scoreTeacher(
      model.predictProbs(enc.input),
      { texts: evalEx.texts, labels: enc.labels },
      labels,
      multi,
      threshold,
    );

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
    await writeFile(
      path.join(o.out, 'model.onnx'),
      exportBertToOnnx(config, weights, { numLabels: C, multiLabel: multi }),
    );
    const info: TeacherInfo = {
      kind: pretrainedHere ? PRETRAINED_HERE_KIND : TEACHER_KIND,
      base: path.resolve(o.modelDir),
      labels,
      task,
      maxLen: o.maxLen,
      text,
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
      tokenizer: folder.tokenizer.engine,
      runs: 1,
    };
  } finally {
    model.dispose();
  }
}

type HfFolderLoaded = Awaited<ReturnType<typeof loadHfFolder>>;
type PreparedData = Awaited<ReturnType<typeof prepareData>>;

/** `teacher train --binary-relevance`: labels × weights binary fine-tuning runs, per-label folders, one teacher.json. */
async function trainBrTeacher(
  o: TeacherTrainOptions,
  folder: HfFolderLoaded,
  d: PreparedData,
  backendName: string,
  threshold: number,
  pretrainedHere: boolean,
  t0: number,
  onProgress?: ProgressSink,
  cancel?: CancelToken,
): Promise<TeacherTrainResult> {
  const { labels, task } = d.schema;
  const C = labels.length;
  const grid = validateWeightGrid(o.brWeights ?? BR_WEIGHT_GRID);
  const evalDocs = d.test.length ? d.test : d.valid;
  if (!evalDocs.length)
    throw new DistilleryError(
      'CONFIG',
      'no test or validation rows to evaluate the teacher on; use --test-split or --valid-split above 0',
    );
  const asSet = (docs: CorpusDoc[]) => {
    const ex = examples(docs, labels, true);
    return { texts: ex.texts, labels: ex.labels as Float32Array };
  };
  const evalSet = asSet(evalDocs);
  const br = await trainBinaryRelevance({
    config: folder.config,
    weights: folder.weights,
    tokenizer: folder.tokenizer,
    labels,
    train: asSet(d.train),
    valid: asSet(d.valid),
    evaluate: evalSet,
    grid,
    out: o.out,
    ...fineTuneSettings(o),
    onProgress,
    cancel,
  });
  const probs = br.evalLogits.map((z) => 1 / (1 + Math.exp(-z)));
  const metrics = scoreTeacher(probs, evalSet, labels, true, threshold);
  const info: TeacherInfo = {
    kind: pretrainedHere ? `${BR_KIND} (encoder pre-trained here by masked LM)` : BR_KIND,
    base: path.resolve(o.modelDir),
    labels,
    task,
    maxLen: o.maxLen,
    text: folder.tokenizer.text,
    threshold,
    metrics,
    seed: o.seed,
    backend: backendName,
    binaryRelevance: { weights: grid, perLabel: br.perLabel },
  };
  await writeFile(path.join(o.out, 'teacher.json'), JSON.stringify(info, null, 2) + '\n');
  return {
    outDir: o.out,
    info,
    metrics,
    evaluatedOn: d.test.length ? 'test' : 'valid',
    history: [],
    bestEpoch: NaN,
    cancelled: false,
    paramCount: br.paramsPerModel * C,
    seconds: (performance.now() - t0) / 1000,
    trainSamplesPerSecond: br.trainSamplesPerSecond,
    backend: backendName,
    sizes: { train: d.train.length, valid: d.valid.length, test: d.test.length },
    warnings: folder.warnings,
    tokenizer: folder.tokenizer.engine,
    runs: br.runs,
  };
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

/** The label sub-folders of a binary-relevance teacher, in label order, checked against teacher.json's labels. */
export function brModelDirs(dir: string, info: Partial<TeacherInfo>): string[] {
  const per = info.binaryRelevance?.perLabel;
  const file = path.join(dir, 'teacher.json');
  if (!Array.isArray(per) || !per.length || !info.labels || per.length !== info.labels.length) {
    throw new ModelFolderError(
      `${file}: a binary-relevance teacher lists one model per label; this one lists ${per?.length ?? 0} for ${info.labels?.length ?? 0} labels`,
      { file },
    );
  }
  return per.map((r, l) => {
    if (
      r.label !== info.labels![l] ||
      typeof r.folder !== 'string' ||
      path.isAbsolute(r.folder) ||
      r.folder.split(/[\\/]/).includes('..')
    ) {
      throw new ModelFolderError(`${file}: label ${l} (${info.labels![l]}) has no valid model sub-folder`, { file });
    }
    return path.join(dir, r.folder);
  });
}

export async function runTeacherPredict(
  o: TeacherPredictOptions,
  onProgress?: ProgressSink,
  cancel?: CancelToken,
): Promise<TeacherPredictResult> {
  const t0 = performance.now();
  const info = await readTeacherInfo(o.model);
  const br = info.binaryRelevance;
  // A binary-relevance teacher: one 2-class model per label, in the sub-folders teacher.json lists.
  const modelDirs = br ? brModelDirs(o.model, info) : [o.model];
  for (const dir of modelDirs) {
    if (!existsSync(path.join(dir, 'model.onnx')))
      throw new ModelFolderError(`${dir} has no model.onnx (write one with \`distillery teacher train\`)`, {
        file: dir,
      });
  }
  const folder = await loadHfFolder(modelDirs[0], { configOnly: true });
  const tokenizer = teacherTokenizer(folder.tokenizer, info);
  const maxLen = o.maxLen ?? info.maxLen ?? TEACHER_DEFAULTS.maxLen;
  if (maxLen > folder.config.max_position_embeddings) {
    throw new DistilleryError(
      'CONFIG',
      `max length ${maxLen} exceeds the model's max_position_embeddings ${folder.config.max_position_embeddings}`,
      { field: 'max-len' },
    );
  }
  // Streamed: rows are read, scored and written a batch at a time, so memory is bounded by the batch
  // (and the file read-ahead), not the corpus. The JSONL is written beside the target and renamed
  // when done (or cancelled), so a failure half-way leaves an earlier file of that name as it was.
  const input = createReadStream(o.data);
  const bytes = existsSync(o.data) ? statSync(o.data).size : 0;
  const docs = streamDocs(input, o.data, { textCol: o.textCol, idCol: o.idCol, encoding: o.encoding });
  const partial = `${o.out}.partial`;
  const sink = createWriteStream(partial);
  const sessions: Awaited<ReturnType<typeof createOnnxSession>>[] = [];
  let rows = 0;
  let C = 0;
  let cancelled = false;
  try {
    for (const dir of modelDirs) sessions.push(await createOnnxSession(path.join(dir, 'model.onnx')));
    for await (const batch of batchesOf(docs, o.batchSize)) {
      const n = batch.length;
      const encoded = bertEncode(
        tokenizer,
        batch.map((d) => d.text),
        maxLen,
      );
      let logits: Float32Array;
      if (br) {
        // Each label's logit z₁ − z₀, so that sigmoid(logit) = P(label), as a multi-label head gives.
        C = sessions.length;
        logits = new Float32Array(n * C);
        for (let l = 0; l < C; l++) {
          // Fresh input tensors per run: a BR teacher feeds the same rows to every label's session.
          const out = await sessions[l].run(bertFeedsOf(encoded));
          if (out.logits.dims[1] !== 2)
            throw new ModelFolderError(
              `${modelDirs[l]}/model.onnx gives ${out.logits.dims[1]} logits; a binary-relevance label model gives 2`,
              { file: modelDirs[l] },
            );
          putPositiveLogits(out.logits.data as Float32Array, logits, C, l);
        }
      } else {
        const out = await sessions[0].run(bertFeedsOf(encoded));
        logits = out.logits.data as Float32Array;
        C = out.logits.dims[1] as number;
      }
      let text = '';
      batch.forEach(
        (d, i) =>
          (text +=
            JSON.stringify({
              id: d.id,
              logits: Array.from(logits.subarray(i * C, (i + 1) * C), (v) => Number(v.toPrecision(7))),
            }) + '\n'),
      );
      // Back-pressure: a slow disk bounds memory instead of buffering the corpus's lines.
      if (!sink.write(text)) await new Promise<void>((r) => sink.once('drain', () => r()));
      rows += n;
      // The row count is not known before the end: estimated from the share of the file read so far.
      const total =
        bytes && input.bytesRead < bytes
          ? Math.max(rows + 1, Math.round((rows * bytes) / Math.max(1, input.bytesRead)))
          : rows;
      onProgress?.({
        phase: 'teacher predict',
        done: rows,
        total,
        etaSeconds: etaSeconds(t0, performance.now(), rows, total),
      });
      await new Promise((r) => setImmediate(r));
      if (cancel?.cancelled) {
        cancelled = true;
        break;
      }
    }
    await closeStream(sink);
  } catch (e) {
    sink.destroy();
    await rm(partial, { force: true });
    throw e;
  } finally {
    input.destroy();
    for (const s of sessions) await s.release();
  }
  await rename(partial, o.out);
  await writeTeacherOutputsMeta(o.out, {
    kind: info.kind ?? 'BERT (ONNX)',
    model: path.resolve(o.model),
    labels: info.labels,
  });
  return {
    rows,
    numLabels: C,
    kind: info.kind ?? 'BERT (ONNX)',
    labels: info.labels,
    seconds: (performance.now() - t0) / 1000,
    cancelled,
  };
}
