/**
 * The student training loop: Adam, mini-batches in a seeded order, early stopping on validation
 * (restoring the best epoch), progress with ETA and live metrics, cancellation checked after every
 * batch (a cancelled run is an outcome: it returns with `cancelled: true` and the best weights so far).
 * One run at a time per process, as in tfjs-layers' fit: two would fight over the same backend.
 */
import * as tf from '@tensorflow/tfjs';
import { DistilleryError } from '../../shared/errors';
import type { CancelToken, ProgressSink } from '../../shared/progress';
import { etaSeconds } from '../../shared/progress';
import { createRng } from '../../shared/random';
import type { Student } from '../models/student';
import type { StudentParams } from '../models/student-config';
import { batchLoss, takeRows } from './batch';
import { scoreProbs } from './score';
import type { EncodedSet, LossOptions } from './train-inputs';

// EncodedSet lives in train-inputs.ts (batch.ts and score.ts need it, and this file needs them); kept importable from here.
export type { EncodedSet };

export interface TrainOptions extends LossOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  /** Stop after this many epochs without validation improvement (0 = never). */
  patience: number;
  onProgress?: ProgressSink;
  cancel?: CancelToken;
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  /** Validation accuracy (single-label) or micro-F1 (multi-label); NaN without validation data. */
  valMetric: number;
  valLoss?: number;
  seconds: number;
}

export interface TrainResult {
  history: EpochRecord[];
  bestEpoch: number;
  bestValMetric: number;
  stoppedEarly: boolean;
  cancelled: boolean;
  seconds: number;
  trainSamplesPerSecond: number;
}

/**
 * How a training loop takes one optimiser step. trainStudent's stepper runs in this thread;
 * data-parallel.ts's spreads each batch over worker threads. The loop around it (shuffle order,
 * progress, cancellation, early stopping) is the same for both: `runTraining`.
 */
export interface BatchStepper {
  /** One Adam step on these rows of the training set, in this order; returns the batch's mean loss. */
  step(rows: number[]): number | Promise<number>;
  /** At the end of each epoch, before validation. */
  endEpoch?(): void | Promise<void>;
  dispose(): void | Promise<void>;
}

let running = false;

export async function trainStudent(student: Student, train: EncodedSet, valid: EncodedSet | undefined, opts: TrainOptions): Promise<TrainResult> {
  return runTraining(student, train, valid, opts, () => inProcessStepper(student, train, opts));
}

function inProcessStepper(student: Student, train: EncodedSet, opts: TrainOptions): BatchStepper {
  const optimizer = tf.train.adam(opts.learningRate);
  const C = student.config.numClasses;
  const multi = student.config.multiLabel;
  return {
    step(rows) {
      const batch = takeRows(train, rows, C, multi);
      const loss = optimizer.minimize(() => batchLoss(student, batch, train.T, opts), true, student.trainableVars());
      const value = loss!.dataSync()[0];
      loss!.dispose();
      return value;
    },
    dispose: () => optimizer.dispose(),
  };
}

/**
 * The training loop around a stepper (made inside the one-run-at-a-time guard, and disposed at the
 * end). The time to make it counts in `seconds`.
 */
export async function runTraining(
  student: Student,
  train: EncodedSet,
  valid: EncodedSet | undefined,
  opts: TrainOptions,
  makeStepper: () => BatchStepper | Promise<BatchStepper>,
): Promise<TrainResult> {
  if (running) throw new DistilleryError('CONFIG', 'a training run is already in progress in this process');
  if (train.n === 0) throw new DistilleryError('INPUT_EMPTY', 'no training rows');
  running = true;
  const rng = createRng(opts.seed);
  const history: EpochRecord[] = [];
  let best: { epoch: number; metric: number; params?: StudentParams } = { epoch: 0, metric: -Infinity };
  const start = performance.now();
  const batchesPerEpoch = Math.ceil(train.n / opts.batchSize);
  const totalBatches = batchesPerEpoch * opts.epochs;
  let batchesDone = 0;
  let samplesSeen = 0;
  let cancelled = false;
  let stoppedEarly = false;
  let stepper: BatchStepper | undefined;
  // ETA from the first batch on: starting worker threads takes a second that batches do not.
  let loopStart = start;
  try {
    stepper = await makeStepper();
    loopStart = performance.now();
    for (let epoch = 1; epoch <= opts.epochs && !cancelled; epoch++) {
      const t0 = performance.now();
      const order = rng.shuffle(Array.from({ length: train.n }, (_, i) => i));
      let lossSum = 0;
      for (let bi = 0; bi < batchesPerEpoch; bi++) {
        const rows = order.slice(bi * opts.batchSize, (bi + 1) * opts.batchSize);
        lossSum += await stepper.step(rows);
        batchesDone++;
        samplesSeen += rows.length;
        opts.onProgress?.({
          phase: `epoch ${epoch}/${opts.epochs}`,
          done: batchesDone,
          total: totalBatches,
          etaSeconds: etaSeconds(loopStart, performance.now(), batchesDone, totalBatches),
          metrics: { loss: lossSum / (bi + 1) },
        });
        // Let progress messages and a cancel request through between batches.
        await new Promise((r) => setImmediate(r));
        if (opts.cancel?.cancelled) {
          cancelled = true;
          break;
        }
      }
      await stepper.endEpoch?.();
      const valMetric = valid && valid.n > 0 ? evaluateMetric(student, valid) : NaN;
      const rec: EpochRecord = { epoch, loss: lossSum / batchesPerEpoch, valMetric, seconds: (performance.now() - t0) / 1000 };
      history.push(rec);
      opts.onProgress?.({
        phase: `epoch ${epoch}/${opts.epochs} done`,
        done: batchesDone,
        total: totalBatches,
        etaSeconds: etaSeconds(loopStart, performance.now(), batchesDone, totalBatches),
        metrics: { loss: rec.loss, ...(Number.isNaN(valMetric) ? {} : { val_metric: valMetric }) },
      });
      const score = Number.isNaN(valMetric) ? -rec.loss : valMetric;
      if (score > best.metric) {
        best = { epoch, metric: score, params: valid ? student.toParams() : undefined };
      } else if (opts.patience > 0 && epoch - best.epoch >= opts.patience) {
        stoppedEarly = true;
        break;
      }
    }
    if (best.params) student.assign(best.params);
  } finally {
    try {
      await stepper?.dispose();
    } finally {
      running = false;
    }
  }
  const seconds = (performance.now() - start) / 1000;
  return {
    history,
    bestEpoch: best.epoch,
    bestValMetric: valid ? best.metric : NaN,
    stoppedEarly,
    cancelled,
    seconds,
    trainSamplesPerSecond: samplesSeen / seconds,
  };
}

/** Accuracy (single-label) or micro-F1 (multi-label) of the student on a labeled set. */
export function evaluateMetric(student: Student, set: EncodedSet): number {
  const C = student.config.numClasses;
  const labels = Array.from({ length: C }, (_, i) => String(i));
  const task = student.config.multiLabel ? 'multilabel' : C === 2 ? 'binary' : 'multiclass';
  const m = scoreProbs(student.predictProbs(set.ids, set.n), set, { task, labels });
  return 'micro_f1' in m && student.config.multiLabel ? m.micro_f1 : m.accuracy;
}
