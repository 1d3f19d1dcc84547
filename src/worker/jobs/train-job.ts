/**
 * Train (or distill) one student end to end: read → split → fit the text pipeline → train →
 * evaluate on held-out data → write the model folder (weights, ONNX, tokenizer, metrics, charts,
 * model card). The CLI's `train` and `distill` and the app's training jobs all run this.
 */
import { defaultsOf, STUDENT_OPTIONS } from '../../shared/job-options';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DistilleryError, InputError } from '../../shared/errors';
import type { Metrics } from '../../shared/metrics';
import type { CancelToken, ProgressSink } from '../../shared/progress';
import { inferTask, type LabelSchema } from '../../shared/task';
import { initBackend } from '../backend/tfjs-backend';
import { readCorpus, type Corpus, type CorpusDoc } from '../data/read-corpus';
import { splitDocs } from '../data/split';
import { confusionMatrixChart, lineChart } from '../eval/charts';
import { renderMarkdownReport } from '../eval/report';
import { renderModelCard } from '../export/model-card';
import { MODEL_FORMAT, saveModelFolder, type DistillationRecord, type ModelFolderConfig } from '../export/model-folder';
import { fitPcaNaiveBayes } from '../models/cnn-nb-head';
import { makeStudentConfig, pipelineInputFor } from '../models/registry';
import { Student } from '../models/student';
import type { StudentConfig } from '../models/student-config';
import type { TokenMode } from '../text/tokenize';
import { TextPipeline } from '../text/pipeline';
import { pipelineTextInputs, type TextOptions } from '../text/text-option-files';
import { DEFAULT_ALPHA, DEFAULT_TEMPERATURE, inverseFrequencyWeights } from '../train/losses';
import { trainStudent, type EncodedSet, type TrainResult } from '../train/trainer';
import { encodeDocs } from './encode-docs';
import {
  alphaOf,
  DEFAULT_SOURCE_ALPHA,
  LABEL_ORIGINS,
  weightOf,
  type SourceWeights,
} from '../../shared/source-weights';
import { scoreProbs } from '../train/score';
import { readTeacherOutputs } from './teacher-outputs';
import { publishFolder } from '../util/publish-folder';

/** Text options (t2s, truncate, userDict, stopwords: TextOptions) are applied by the text pipeline and recorded in tokenizer.json. */
export interface TrainJobOptions extends TextOptions {
  data: string;
  /** Model folder to write; omitted = evaluate only (used by sweeps and repeated runs). */
  out?: string;
  textCol?: string;
  labelCol?: string;
  idCol?: string;
  encoding?: string;
  /** A separate labeled test file instead of a test split. */
  testData?: string;
  model: string;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  /** Seed of the train/valid/test split (default: seed), fixed across repeated runs. */
  splitSeed?: number;
  patience: number;
  validSplit: number;
  testSplit: number;
  tokens: TokenMode;
  maxVocab: number;
  minCount: number;
  maxLen?: number;
  /** han: sentence slots and tokens per sentence (default: from the data, see TextPipelineConfig.sentenceGrid). */
  sentences?: number;
  sentenceLen?: number;
  lengthPercentile: number;
  architecture?: Partial<
    Pick<
      StudentConfig,
      'hidden' | 'layers' | 'embedDim' | 'dropout' | 'filterSizes' | 'numFilters' | 'attDim' | 'varianceKept'
    >
  >;
  classWeights?: 'none' | 'balanced';
  focalGamma?: number;
  teacherOutputs?: string;
  /** Describes the teacher in the model card and config, e.g. "ensemble of 5 bilstm". */
  teacherName?: string;
  alpha?: number;
  temperature?: number;
  /** Use documents without a human label, with the teacher's soft labels only (data distillation). */
  useUnlabeled?: boolean;
  threshold?: number;
  backend?: string;
  charts?: boolean;
  /** Data-parallel training over this many threads (1 = in this thread). */
  workers?: number;
  /** Loss weight per label source (documents that carry a `source`); unnamed sources take DEFAULT_SOURCE_WEIGHTS. */
  sourceWeights?: SourceWeights;
  /**
   * Distillation: α per label source (shared/source-weights.ts alphaOf: given, else teacher/student 1,
   * else `alpha`). Rows carry their α into the loss (losses.ts); without a teacher it is unused.
   */
  sourceAlpha?: SourceWeights;
  /** Column of the data file naming each label's source (weighted by sourceWeights). */
  sourceCol?: string;
}

export interface TrainJobResult {
  outDir?: string;
  schema: LabelSchema;
  config: StudentConfig;
  metrics: Metrics;
  validMetric: number;
  history: TrainResult['history'];
  bestEpoch: number;
  cancelled: boolean;
  paramCount: number;
  sizeMB: number;
  seconds: number;
  trainSamplesPerSecond: number;
  backend: string;
  sizes: { train: number; valid: number; test: number; unlabeledUsed: number };
  dataHash: string;
  /** Test-set probabilities (n × C), for ensembles and reports. */
  testProbs: Float32Array;
  /** Probabilities (n × C) of PreparedData.scoreDocs, when it names any. */
  scoredProbs?: Float32Array;
  /** The fine-tune phase (PreparedData.fineTune) when one ran: its rows, settings, history and the test metrics before it. */
  fineTune?: FineTuneRecord;
}

/**
 * A last, short training phase on some of the rows only, from the weights the main phase left
 * (self-training's --final-finetune: the human labels). Same text pipeline, loss and validation.
 */
export interface FineTunePhase {
  docs: CorpusDoc[];
  epochs: number;
  learningRate: number;
}

export interface FineTuneRecord {
  rows: number;
  epochs: number;
  learningRate: number;
  /** The held-out metrics before the phase; the run's `metrics` are those after it. */
  before: Metrics;
  history: TrainResult['history'];
}

/** The option table's student defaults (src/shared/job-options.ts) that every training fills in. */
const D = defaultsOf(STUDENT_OPTIONS);
export const TRAIN_DEFAULTS = {
  model: D.model as string,
  epochs: D.epochs,
  batchSize: D.batchSize,
  learningRate: D.learningRate,
  seed: D.seed,
  patience: D.patience,
  validSplit: D.validSplit,
  testSplit: D.testSplit,
  tokens: D.tokens as TokenMode,
  maxVocab: D.maxVocab,
  minCount: D.minCount,
  lengthPercentile: D.lengthPercentile,
};

export async function fileHash(file: string): Promise<string> {
  return (
    'sha256:' +
    createHash('sha256')
      .update(await readFile(file))
      .digest('hex')
  );
}

export interface PreparedData {
  corpus: Corpus;
  schema: LabelSchema;
  train: CorpusDoc[];
  valid: CorpusDoc[];
  test: CorpusDoc[];
  unlabeled: CorpusDoc[];
  teacher?: Map<CorpusDoc, Float32Array>;
  dataHash: string;
  /** Documents the trained student also scores (self-training's unlabeled pool); their probabilities come back as scoredProbs. */
  scoreDocs?: CorpusDoc[];
  /** Train a little more on these rows at the end (FineTunePhase). */
  fineTune?: FineTunePhase;
}

/** Reads and splits the data once; sweeps and repeated runs reuse it. */
export async function prepareData(o: TrainJobOptions): Promise<PreparedData> {
  const corpus = await readCorpus(o.data, {
    textCol: o.textCol,
    labelCol: o.labelCol,
    idCol: o.idCol,
    encoding: o.encoding,
    requireLabels: true,
    sourceCol: o.sourceCol,
  });
  const labeled = corpus.docs.filter((d) => d.labels.length > 0);
  if (o.sourceCol) checkSources(labeled, o.data, o.sourceCol, o.sourceWeights);
  const unlabeled = corpus.docs.filter((d) => d.labels.length === 0);
  if (labeled.length === 0)
    throw new InputError('INPUT_EMPTY', `${o.data}: no labeled documents to train on`, { file: o.data });
  if (corpus.labels.length < 2) {
    throw new InputError(
      'INPUT_EMPTY',
      `${o.data}: only one label ("${corpus.labels[0]}") — a classifier needs at least two`,
      { file: o.data },
    );
  }
  const schema: LabelSchema = { task: inferTask(corpus.labels, corpus.multiLabel), labels: corpus.labels };
  let teacher: Map<CorpusDoc, Float32Array> | undefined;
  if (o.teacherOutputs) {
    const C = schema.labels.length;
    const totalRows = corpus.docs.length + corpus.duplicatesRemoved + corpus.skippedEmpty;
    const t = await readTeacherOutputs(
      o.teacherOutputs,
      corpus.docs,
      schema.labels,
      schema.task === 'multilabel',
      totalRows,
    );
    teacher = new Map(corpus.docs.map((d, i) => [d, t.values.subarray(i * C, (i + 1) * C)]));
  }
  let train: CorpusDoc[];
  let valid: CorpusDoc[];
  let test: CorpusDoc[];
  if (o.testData) {
    const testCorpus = await readCorpus(o.testData, {
      textCol: o.textCol,
      labelCol: o.labelCol,
      idCol: o.idCol,
      encoding: o.encoding,
      requireLabels: true,
    });
    test = testCorpus.docs.filter((d) => d.labels.length > 0);
    ({ train, valid } = splitDocs(labeled, {
      valid: o.validSplit,
      test: 0,
      seed: o.splitSeed ?? o.seed,
      multiLabel: corpus.multiLabel,
    }));
  } else {
    ({ train, valid, test } = splitDocs(labeled, {
      valid: o.validSplit,
      test: o.testSplit,
      seed: o.splitSeed ?? o.seed,
      multiLabel: corpus.multiLabel,
    }));
  }
  if (train.length === 0)
    throw new InputError('INPUT_EMPTY', `${o.data}: the training split is empty`, { file: o.data });
  return { corpus, schema, train, valid, test, unlabeled, teacher, dataHash: await fileHash(o.data) };
}

export async function runTrainJob(
  o: TrainJobOptions,
  onProgress?: ProgressSink,
  cancel?: CancelToken,
  prepared?: PreparedData,
): Promise<TrainJobResult> {
  const backend = await initBackend(o.backend);
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const d = prepared ?? (await prepareData(o));
  const { schema } = d;
  const multi = schema.task === 'multilabel';
  const C = schema.labels.length;
  const extra = o.useUnlabeled && d.teacher ? d.unlabeled : [];
  const trainDocs = [...d.train, ...extra];

  const text = pipelineTextInputs(o);
  const pipeline = TextPipeline.fit(
    trainDocs.map((x) => x.text),
    {
      mode: o.tokens,
      maxVocab: o.maxVocab,
      minCount: o.minCount,
      lengthPercentile: o.lengthPercentile,
      ...text.config,
      ...pipelineInputFor(o.model, o),
    },
    text.files,
  );
  const teacherRows = d.teacher
    ? concatRows(
        trainDocs.map((x) => d.teacher!.get(x)!),
        C,
      )
    : undefined;
  const trainSet = encodeDocs(trainDocs, pipeline, schema, o.data, teacherRows);
  // Labels weighted by where they came from, once any training document says (shared/source-weights.ts).
  if (trainDocs.some((x) => x.source !== undefined))
    trainSet.weights = Float32Array.from(trainDocs, (x) => weightOf(x.source, o.sourceWeights));
  if (d.teacher) trainSet.alphas = rowAlphas(trainDocs, o, multi);
  const validSet = encodeDocs(d.valid, pipeline, schema, o.data);
  const testSet = encodeDocs(d.test, pipeline, schema, o.testData ?? o.data);

  const sizes = {
    vocabSize: pipeline.vocab.size,
    maxLen: pipeline.maxLen,
    sentenceLen: pipeline.grid?.words,
    numClasses: C,
    multiLabel: multi,
  };
  const config = makeStudentConfig(o.model, sizes, o.architecture);
  const classWeights =
    o.classWeights === 'balanced' ? inverseFrequencyWeights(classCounts(trainSet, C, multi)) : undefined;

  const student = Student.create(config, o.seed);
  try {
    const trainOpts = {
      epochs: o.epochs,
      batchSize: o.batchSize,
      learningRate: o.learningRate,
      seed: o.seed,
      patience: o.patience,
      classWeights,
      focalGamma: o.focalGamma,
      alpha: d.teacher ? o.alpha : undefined,
      temperature: o.temperature,
      onProgress,
      cancel,
    };
    const result = await trainWith(o.workers ?? D.workers, student, trainSet, validSet, trainOpts);
    if (config.arch === 'cnn-nb') fitCnnNbHead(student, trainSet, config);
    const heldOut = () =>
      testSet.n
        ? scoreProbs(student.predictProbs(testSet.ids, testSet.n), testSet, schema, o.threshold)
        : scoreProbs(student.predictProbs(validSet.ids, validSet.n), validSet, schema, o.threshold);

    let fineTune: FineTuneRecord | undefined;
    if (d.fineTune && !result.cancelled) {
      const before = heldOut();
      const ftSet = encodeDocs(d.fineTune.docs, pipeline, schema, o.data);
      const ft = await trainWith(o.workers ?? D.workers, student, ftSet, validSet, {
        ...trainOpts,
        epochs: d.fineTune.epochs,
        learningRate: d.fineTune.learningRate,
        alpha: undefined, // hard labels only: the rows are the human labels
        onProgress: onProgress && ((p) => onProgress({ ...p, phase: `final fine-tune · ${p.phase}` })),
      });
      result.cancelled ||= ft.cancelled;
      fineTune = {
        rows: ftSet.n,
        epochs: d.fineTune.epochs,
        learningRate: d.fineTune.learningRate,
        before,
        history: ft.history,
      };
    }

    const testProbs = student.predictProbs(testSet.ids, testSet.n);
    const metrics = heldOut();
    const seconds = (performance.now() - t0) / 1000;
    const out: TrainJobResult = {
      outDir: o.out,
      schema,
      config,
      metrics,
      validMetric: result.bestValMetric,
      history: result.history,
      bestEpoch: result.bestEpoch,
      cancelled: result.cancelled,
      paramCount: student.paramCount(),
      sizeMB: student.sizeMB(),
      seconds,
      trainSamplesPerSecond: result.trainSamplesPerSecond,
      backend: backend.name,
      sizes: { train: d.train.length, valid: d.valid.length, test: d.test.length, unlabeledUsed: extra.length },
      dataHash: d.dataHash,
      testProbs,
      ...(d.scoreDocs ? { scoredProbs: predictDocs(student, d.scoreDocs, pipeline, schema, o.data) } : {}),
      ...(fineTune ? { fineTune } : {}),
    };
    if (o.out) {
      const distillation = d.teacher
        ? await distillationRecord(
            o,
            multi,
            out.sizes,
            trainDocs.some((x) => x.source !== undefined),
          )
        : undefined;
      const folderConfig: ModelFolderConfig = {
        format: MODEL_FORMAT,
        version: 1,
        task: schema.task,
        labels: schema.labels,
        threshold: o.threshold ?? D.threshold,
        student: config,
        training: {
          seed: o.seed,
          dataFile: path.resolve(o.data),
          dataHash: d.dataHash,
          backend: backend.name,
          options: optionsRecord(o),
          startedAt,
          seconds,
          samplesPerSecond: result.trainSamplesPerSecond,
          ...(distillation ? { teacher: distillation.teacher, distillation } : {}),
          ...(fineTune
            ? { fineTune: { rows: fineTune.rows, epochs: fineTune.epochs, learningRate: fineTune.learningRate } }
            : {}),
          distillery: 'distillery 0.1.0',
        },
      };
      const metricsJson = {
        test: metrics,
        validBest: result.bestValMetric,
        bestEpoch: result.bestEpoch,
        history: result.history,
        sizes: out.sizes,
        ...(fineTune
          ? {
              fineTune: {
                rows: fineTune.rows,
                epochs: fineTune.epochs,
                learningRate: fineTune.learningRate,
                testBefore: fineTune.before,
                history: fineTune.history,
              },
            }
          : {}),
      };
      // Written beside o.out and moved in when complete: a failure (a chart, a full disk) leaves no half-written model folder.
      await publishFolder(
        o.out,
        async (dir) => {
          await saveModelFolder(dir, {
            config: folderConfig,
            params: student.toParams(),
            pipeline,
            metrics: metricsJson,
            modelCard: renderModelCard(folderConfig, { ...out, tokens: o.tokens }),
          });
          if (o.charts !== false) await writeCharts(dir, out);
          await writeFile(
            path.join(dir, 'report.md'),
            renderMarkdownReport({
              title: `${config.arch} on ${path.basename(o.data)}`,
              task: schema.task,
              labels: schema.labels,
              metrics,
              ...(o.charts !== false
                ? {
                    charts: [
                      { title: 'Learning curve', path: 'learning-curve.png' },
                      ...('confusion' in metrics ? [{ title: 'Confusion matrix', path: 'confusion-matrix.png' }] : []),
                    ],
                  }
                : {}),
              reproducibility: {
                seed: o.seed,
                config: { student: config, options: optionsRecord(o) },
                dataHash: d.dataHash,
                backend: backend.name,
              },
            }),
          );
        },
        'merge',
      );
    }
    return out;
  } finally {
    student.dispose();
  }
}

function predictDocs(
  student: Student,
  docs: CorpusDoc[],
  pipeline: TextPipeline,
  schema: LabelSchema,
  file: string,
): Float32Array {
  const set = encodeDocs(
    docs.map((x) => ({ ...x, labels: [] })),
    pipeline,
    schema,
    file,
  );
  return student.predictProbs(set.ids, set.n);
}

async function trainWith(
  workers: number,
  student: Student,
  train: EncodedSet,
  valid: EncodedSet,
  opts: Parameters<typeof trainStudent>[3],
): Promise<TrainResult> {
  if (workers > 1) {
    // Loaded on demand: worker threads are only started when asked for.
    const { trainStudentParallel } = await import('../train/data-parallel');
    return trainStudentParallel(student, train, valid, { ...opts, workers });
  }
  return trainStudent(student, train, valid, opts);
}

/** cnn-nb: replace the softmax (sigmoid) head used for training with PCA + Gaussian NB (one per label) on the features. */
export function fitCnnNbHead(student: Student, train: EncodedSet, config: StudentConfig): void {
  const C = config.numClasses;
  // Multi-label rows are n×C multi-hot, NaN for an unlabeled row.
  const labeledRows = [...Array(train.n).keys()].filter((i) =>
    config.multiLabel ? !Number.isNaN(train.hard[i * C]) : train.hard[i] >= 0,
  );
  const T = train.T;
  const ids = new Int32Array(labeledRows.length * T);
  labeledRows.forEach((r, i) => ids.set(train.ids.subarray(r * T, (r + 1) * T), i * T));
  const feats = student.featuresOf(ids, labeledRows.length);
  const targets = config.multiLabel
    ? labeledRows.map((r) => [...Array(C).keys()].filter((j) => train.hard[r * C + j] >= 0.5))
    : labeledRows.map((r) => train.hard[r]);
  const fit = fitPcaNaiveBayes(feats, labeledRows.length, targets, C, config.varianceKept ?? 0.95);
  student.removeVars(['out_W', 'out_b']);
  student.addFitted(fit.params);
}

/**
 * What the model card says about a distillation: the teacher (unnamed ones by where their soft labels
 * came from), α and ρ as the loss used them (the defaults of losses.ts when not given), and the rows.
 */
async function distillationRecord(
  o: TrainJobOptions,
  multi: boolean,
  sizes: TrainJobResult['sizes'],
  sourced: boolean,
): Promise<DistillationRecord> {
  const source = o.teacherOutputs
    ? `soft labels from ${path.basename(o.teacherOutputs)}`
    : 'soft labels sent with the job';
  return {
    teacher: o.teacherName ?? `unnamed teacher (${source})`,
    alpha: globalAlpha(o, multi),
    ...(sourced ? { sourceAlpha: sourceAlphaRecord(o) } : {}),
    ...(multi ? {} : { temperature: o.temperature ?? DEFAULT_TEMPERATURE }),
    humanLabeledRows: sizes.train,
    teacherOnlyRows: sizes.unlabeledUsed,
    ...(o.teacherOutputs
      ? { teacherOutputs: path.resolve(o.teacherOutputs), teacherOutputsHash: await fileHash(o.teacherOutputs) }
      : {}),
  };
}

/** The run's global α: the option, else losses.ts's default for the task. */
const globalAlpha = (o: TrainJobOptions, multi: boolean): number =>
  o.alpha ?? (multi ? DEFAULT_ALPHA.multiLabel : DEFAULT_ALPHA.singleLabel);

/**
 * Each training row's α by its label's source (issue 12 item 2), or undefined where every row takes
 * the global α (no row names a source, or all sources' α equal it): the loss then runs its one-α form.
 */
function rowAlphas(docs: readonly CorpusDoc[], o: TrainJobOptions, multi: boolean): Float32Array | undefined {
  if (!docs.some((x) => x.source !== undefined)) return undefined;
  const g = globalAlpha(o, multi);
  // Rows without a label (data distillation) have no source: their α is the global one, as before.
  const alphas = Float32Array.from(docs, (x) => (x.source === undefined ? g : alphaOf(x.source, o.sourceAlpha, g)));
  return alphas.every((a) => a === Math.fround(g)) ? undefined : alphas;
}

/** The α of every source a run's rows may name: the defaults, the given ones, and the global α for the rest. */
function sourceAlphaRecord(o: TrainJobOptions): SourceWeights {
  return { ...DEFAULT_SOURCE_ALPHA, ...o.sourceAlpha };
}

function concatRows(rows: Float32Array[], C: number): Float32Array {
  const out = new Float32Array(rows.length * C);
  rows.forEach((r, i) => out.set(r, i * C));
  return out;
}

function classCounts(set: EncodedSet, C: number, multi: boolean): number[] {
  const counts = new Array(C).fill(0);
  for (let i = 0; i < set.n; i++) {
    if (multi) {
      for (let c = 0; c < C; c++) if (set.hard[i * C + c] === 1) counts[c]++;
    } else if (set.hard[i] >= 0) counts[set.hard[i]]++;
  }
  return counts;
}

/** A label source that has neither a default weight nor one in --source-weights is a typo until proven otherwise: named with its line. */
function checkSources(
  docs: readonly CorpusDoc[],
  file: string,
  column: string,
  weights: SourceWeights | undefined,
): void {
  const known = new Set<string>([...LABEL_ORIGINS, ...Object.keys(weights ?? {})]);
  const bad = docs.find((d) => d.source !== undefined && !known.has(d.source));
  if (bad) {
    throw new InputError(
      'INPUT_PARSE',
      `${file}:${bad.line}: label source "${bad.source}" in column "${column}" has no weight; known: ${[...known].join(', ')} (give it one with --source-weights ${bad.source}=1)`,
      {
        file,
        line: bad.line,
        column,
        field: 'source',
      },
    );
  }
}

function optionsRecord(o: TrainJobOptions): Record<string, unknown> {
  const { data, out, ...rest } = o;
  void data;
  void out;
  return JSON.parse(JSON.stringify(rest));
}

async function writeCharts(dir: string, r: TrainJobResult): Promise<void> {
  await lineChart(path.join(dir, 'learning-curve'), {
    title: 'Learning curve',
    xLabel: 'epoch',
    yLabel: 'value',
    series: [
      { name: 'train loss', points: r.history.map((h) => ({ x: h.epoch, y: h.loss })) },
      {
        name: r.schema.task === 'multilabel' ? 'valid micro-F1' : 'valid accuracy',
        points: r.history.filter((h) => !Number.isNaN(h.valMetric)).map((h) => ({ x: h.epoch, y: h.valMetric })),
      },
    ],
  });
  if ('confusion' in r.metrics)
    await confusionMatrixChart(path.join(dir, 'confusion-matrix'), r.schema.labels, r.metrics.confusion);
}
