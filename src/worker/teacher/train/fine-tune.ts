/**
 * Fine-tuning the teacher: AdamW with linear warm-up then linear decay, global-norm gradient clipping,
 * batches of similar-length rows (length-buckets.ts),
 * early stopping that restores the best epoch (a cancelled run returns `cancelled: true` with the best
 * weights so far). Single-label: softmax cross-entropy; multi-label: sigmoid + binary cross-entropy.
 * The loop (progress, cancellation, one run per process, patience, the loss guard) is the student
 * trainer's, train/fit-loop.ts; a step here is tidied, and the optimiser disposed in finally.
 */
import * as tf from '@tensorflow/tfjs';
import { DistilleryError } from '../../../shared/errors';
import { TEACHER_TRAIN_OPTIONS } from '../../../shared/job-options';
import { argmax, multiLabelMetrics, singleLabelMetrics, thresholdProbs } from '../../../shared/metrics';
import type { CancelToken, ProgressSink } from '../../../shared/progress';
import { createRng } from '../../../shared/random';
import { activeBackend } from '../../backend/tfjs-backend';
import { fit, type EpochEvaluation } from '../../train/fit-loop';
import { AdamW, clipScale, globalNorm, linearWarmupDecay } from './adamw';
import { takeBertRows, type BertClassifier, type BertInput } from '../model/bert-model';
import { lengthBucketedBatches, rowLengths, shuffledBatches } from './length-buckets';
import type { WordPieceTokenizer } from '../tokenize/wordpiece';

/** Texts and their labels: a class index per text (−1 = unlabeled), or n × C multi-hot (NaN row = unlabeled). */
export interface TeacherExamples {
  texts: readonly string[];
  labels: Int32Array | Float32Array;
}

export interface FineTuneOptions {
  tokenizer: WordPieceTokenizer;
  /** Tokens per text including [CLS] and [SEP] (default 256). */
  maxLen?: number;
  epochs?: number;
  batchSize?: number;
  /** Peak learning rate (default 3e-5). */
  learningRate?: number;
  weightDecay?: number;
  /** Fraction of all updates spent warming up (default 0.1). */
  warmupRatio?: number;
  /** Batch rows of similar length (default true); false: plain shuffled batches (for A/B benchmarks). */
  bucketByLength?: boolean;
  /** Global gradient-norm limit (default 1; 0 = off). */
  clipNorm?: number;
  /** Stop after this many epochs without validation improvement (default 2; 0 = never). */
  patience?: number;
  seed: number;
  /** Single-label: per-class loss weights (weighted mean, as torch's CrossEntropyLoss(weight=…)). */
  classWeights?: Float32Array;
  /**
   * The validation score that early stopping keeps the best epoch by (higher is better), from the
   * validation rows' logits (n × C) and labels; default accuracy (single-label) or micro-F1
   * (multi-label). E.g. the positive class's F1 for a class-weighted binary model.
   */
  validScore?: (logits: Float32Array, labels: Int32Array | Float32Array) => number;
  evalBatchSize?: number;
  onProgress?: ProgressSink;
  cancel?: CancelToken;
}

export interface TeacherEpoch {
  epoch: number;
  loss: number;
  /** Validation accuracy (single-label) or micro-F1 (multi-label), or opts.validScore; NaN without validation data. */
  valMetric: number;
  valLoss: number;
  learningRate: number;
  seconds: number;
}

export interface FineTuneResult {
  history: TeacherEpoch[];
  bestEpoch: number;
  bestValMetric: number;
  stoppedEarly: boolean;
  cancelled: boolean;
  seconds: number;
  /** Rows per second over the optimiser updates alone (no validation, no tokenization). */
  trainSamplesPerSecond: number;
  steps: number;
  /** The tfjs backend that ran it ("wasm", "tensorflow", …). */
  backend: string;
  /** Texts cut to maxLen (of the training set). */
  truncated: number;
}

interface EncodedExamples {
  input: BertInput;
  /** class index per row, or n × C multi-hot */
  labels: Int32Array | Float32Array;
  truncated: number;
}

/** Tokenizes the labeled rows of `ex` (unlabeled ones are dropped). */
export function encodeExamples(
  tokenizer: WordPieceTokenizer,
  ex: TeacherExamples,
  maxLen: number,
  C: number,
  multiLabel: boolean,
): EncodedExamples {
  const keep: number[] = [];
  for (let i = 0; i < ex.texts.length; i++) {
    if (multiLabel ? !Number.isNaN(ex.labels[i * C]) : ex.labels[i] >= 0) keep.push(i);
  }
  const n = keep.length;
  const inputIds = new Int32Array(n * maxLen);
  const attentionMask = new Int32Array(n * maxLen);
  const labels = multiLabel ? new Float32Array(n * C) : new Int32Array(n);
  let truncated = 0;
  keep.forEach((r, i) => {
    const e = tokenizer.encode(ex.texts[r], maxLen);
    if (e.truncated) truncated++;
    inputIds.set(e.inputIds, i * maxLen);
    attentionMask.set(e.attentionMask, i * maxLen);
    if (multiLabel) labels.set(ex.labels.subarray(r * C, (r + 1) * C), i * C);
    else {
      const y = ex.labels[r];
      if (!Number.isInteger(y) || y >= C)
        throw new DistilleryError('LABEL_UNKNOWN', `row ${r}: label index ${y} outside 0…${C - 1}`);
      labels[i] = y;
    }
  });
  return {
    input: { n, T: maxLen, inputIds, attentionMask, tokenTypeIds: new Int32Array(n * maxLen) },
    labels,
    truncated,
  };
}

/** Mean loss of logits [n, C] against labels (a scalar tensor). */
export function teacherLoss(
  logits: tf.Tensor2D,
  labels: Int32Array | Float32Array,
  multiLabel: boolean,
  classWeights?: Float32Array,
): tf.Scalar {
  return tf.tidy(() => {
    const [n, C] = logits.shape;
    if (multiLabel) {
      // BCE with logits, stably: max(z, 0) − z·y + log(1 + e^(−|z|)).
      const y = tf.tensor2d(labels as Float32Array, [n, C]);
      const z = logits;
      return tf.mean(tf.add(tf.sub(tf.relu(z), tf.mul(z, y)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))))) as tf.Scalar;
    }
    const nll = tf.neg(
      tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(tf.tensor1d(labels as Int32Array, 'int32'), C)), -1),
    );
    if (!classWeights) return tf.mean(nll) as tf.Scalar;
    const w = Float32Array.from(labels as Int32Array, (y) => classWeights[y]);
    const wsum = w.reduce((a, b) => a + b, 0);
    return tf.div(tf.sum(tf.mul(nll, tf.tensor1d(w))), wsum || 1) as tf.Scalar;
  });
}

/** Accuracy / micro-F1 and mean loss of the model on encoded labeled rows. */
function evaluate(
  model: BertClassifier,
  set: EncodedExamples,
  batchSize: number,
  classWeights?: Float32Array,
  validScore?: FineTuneOptions['validScore'],
): { metric: number; loss: number } {
  const C = model.numLabels;
  const logits = model.predictLogits(set.input, batchSize);
  const loss = tf.tidy(
    () => teacherLoss(tf.tensor2d(logits, [set.input.n, C]), set.labels, model.multiLabel, classWeights).dataSync()[0],
  );
  if (validScore) return { metric: validScore(logits, set.labels), loss };
  const labelNames = Array.from({ length: C }, (_, i) => String(i));
  if (model.multiLabel) {
    const yTrue: number[][] = [];
    const yPred: number[][] = [];
    for (let i = 0; i < set.input.n; i++) {
      yTrue.push(Array.from(set.labels.subarray(i * C, (i + 1) * C)));
      const p = logits.subarray(i * C, (i + 1) * C).map((z) => 1 / (1 + Math.exp(-z)));
      yPred.push(Array.from(thresholdProbs(p)));
    }
    return { metric: multiLabelMetrics(yTrue, yPred, labelNames).micro_f1, loss };
  }
  const yTrue = Array.from(set.labels as Int32Array);
  const yPred = yTrue.map((_, i) => argmax(logits.subarray(i * C, (i + 1) * C)));
  return { metric: singleLabelMetrics(yTrue, yPred, labelNames).accuracy, loss };
}

export async function fineTuneTeacher(
  model: BertClassifier,
  train: TeacherExamples,
  valid: TeacherExamples | undefined,
  opts: FineTuneOptions,
): Promise<FineTuneResult> {
  // Defaults from the one option table (the CLI and the app pass them anyway; direct callers get the same).
  const maxLen = opts.maxLen ?? TEACHER_TRAIN_OPTIONS.maxLen.default;
  const epochs = opts.epochs ?? TEACHER_TRAIN_OPTIONS.epochs.default;
  const batchSize = opts.batchSize ?? TEACHER_TRAIN_OPTIONS.batchSize.default;
  const lr = opts.learningRate ?? TEACHER_TRAIN_OPTIONS.learningRate.default;
  const patience = opts.patience ?? TEACHER_TRAIN_OPTIONS.patience.default;
  const clipNorm = opts.clipNorm ?? 1;
  const evalBatch = opts.evalBatchSize ?? 64;
  const C = model.numLabels;
  const multi = model.multiLabel;
  if (maxLen > model.config.max_position_embeddings) {
    throw new DistilleryError(
      'CONFIG',
      `max length ${maxLen} exceeds the model's max_position_embeddings ${model.config.max_position_embeddings}`,
    );
  }
  if (!(epochs >= 1 && batchSize >= 1)) throw new DistilleryError('CONFIG', 'epochs and batch size must be at least 1');
  const start = performance.now();
  const trainSet = encodeExamples(opts.tokenizer, train, maxLen, C, multi);
  if (trainSet.input.n === 0) throw new DistilleryError('INPUT_EMPTY', 'no labeled training rows for the teacher');
  const validSet = valid ? encodeExamples(opts.tokenizer, valid, maxLen, C, multi) : undefined;
  const hasValid = !!validSet && validSet.input.n > 0;
  const rng = createRng(opts.seed);
  const nTrain = trainSet.input.n;
  const trainLengths = rowLengths(trainSet.input.attentionMask, nTrain, maxLen);
  const batchesPerEpoch = Math.ceil(nTrain / batchSize);
  const totalSteps = batchesPerEpoch * epochs;
  const warmup = Math.round((opts.warmupRatio ?? 0.1) * totalSteps);
  const lrAt = (step: number) => lr * linearWarmupDecay(step, totalSteps, warmup);
  const optimizer = new AdamW(model.vars, { weightDecay: opts.weightDecay ?? 0.01 });
  const names = model.canonicalNames();
  const vars = model.trainableVars();
  try {
    const run = await fit({
      phase: 'teacher epoch',
      epochs,
      batchesPerEpoch,
      batches: () =>
        opts.bucketByLength === false
          ? shuffledBatches(nTrain, batchSize, rng)
          : lengthBucketedBatches(trainLengths, batchSize, rng),
      step: (rows, at) => {
        const batch = takeBertRows(trainSet.input, rows);
        const labels = multi ? new Float32Array(rows.length * C) : new Int32Array(rows.length);
        rows.forEach((r, i) =>
          multi ? labels.set(trainSet.labels.subarray(r * C, (r + 1) * C), i * C) : (labels[i] = trainSet.labels[r]),
        );
        const stepLr = lrAt(at.step);
        const loss = tf.tidy(() => {
          const { value, grads } = tf.variableGrads(
            () => teacherLoss(model.logits(batch, true), labels, multi, opts.classWeights),
            vars,
          );
          const byName: Record<string, tf.Tensor> = {};
          for (const [varName, g] of Object.entries(grads)) byName[names.get(varName)!] = g;
          const scale = clipNorm > 0 ? clipScale(globalNorm(Object.values(byName)), clipNorm) : 1;
          optimizer.step(byName, stepLr, scale);
          return value.dataSync()[0];
        });
        return { loss, metrics: { lr: stepLr } };
      },
      guardLoss: "the teacher's loss",
      evaluate: (): EpochEvaluation & { loss: number; metric: number } => {
        if (!hasValid) return { metric: NaN, loss: NaN, metrics: {} };
        const val = evaluate(model, validSet!, evalBatch, opts.classWeights, opts.validScore);
        return { ...val, score: val.metric, metrics: { val_metric: val.metric, val_loss: val.loss } };
      },
      // A partial epoch is not a candidate for "best".
      keepPartialEpoch: false,
      keepBest: {
        patience,
        snapshot: () => (hasValid ? model.snapshot() : undefined),
        restore: (snap) => model.restore(snap),
        dispose: (snap) => snap.forEach((t) => t.dispose()),
      },
      onProgress: opts.onProgress,
      cancel: opts.cancel,
    });
    const history: TeacherEpoch[] = run.epochs.map((e) => ({
      epoch: e.epoch,
      loss: e.loss,
      valMetric: e.evaluation.metric,
      valLoss: e.evaluation.loss,
      learningRate: lrAt(e.steps),
      seconds: e.seconds,
    }));
    return {
      history,
      bestEpoch: run.bestEpoch,
      bestValMetric: hasValid ? run.bestScore : NaN,
      stoppedEarly: run.stoppedEarly,
      cancelled: run.cancelled,
      seconds: (performance.now() - start) / 1000,
      trainSamplesPerSecond: run.stepSeconds > 0 ? run.samples / run.stepSeconds : 0,
      steps: run.steps,
      backend: activeBackend()?.name ?? tf.getBackend(),
      truncated: trainSet.truncated,
    };
  } finally {
    optimizer.dispose();
  }
}
