/**
 * Training a student: Adam, mini-batches in a seeded order, early stopping on validation (restoring
 * the best epoch). The loop itself (progress, cancellation, one run at a time, patience) is
 * fit-loop.ts's; a cancelled run returns with `cancelled: true` and the best weights so far.
 */
import * as tf from '@tensorflow/tfjs';
import { HostAdam } from './host-adam';
import { DistilleryError } from '../../shared/errors';
import type { CancelToken, ProgressSink } from '../../shared/progress';
import { createRng } from '../../shared/random';
import type { Student } from '../models/student';
import { batchLoss, takeRows } from './batch';
import { fit, type EpochEvaluation } from './fit-loop';
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
  step(rows: readonly number[]): number | Promise<number>;
  /** At the end of each epoch, before validation. */
  endEpoch?(): void | Promise<void>;
  dispose(): void | Promise<void>;
}

export async function trainStudent(
  student: Student,
  train: EncodedSet,
  valid: EncodedSet | undefined,
  opts: TrainOptions,
): Promise<TrainResult> {
  return runTraining(student, train, valid, opts, () => inProcessStepper(student, train, opts));
}

function inProcessStepper(student: Student, train: EncodedSet, opts: TrainOptions): BatchStepper {
  const optimizer = new HostAdam(opts.learningRate);
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
 * The student's run of the fit loop (fit-loop.ts) around a stepper, which is made inside the loop's
 * one-run guard and disposed at the end; the time to make it counts in `seconds`.
 */
export async function runTraining(
  student: Student,
  train: EncodedSet,
  valid: EncodedSet | undefined,
  opts: TrainOptions,
  makeStepper: () => BatchStepper | Promise<BatchStepper>,
): Promise<TrainResult> {
  if (train.n === 0) throw new DistilleryError('INPUT_EMPTY', 'no training rows');
  const rng = createRng(opts.seed);
  const batchesPerEpoch = Math.ceil(train.n / opts.batchSize);
  let stepper: BatchStepper | undefined;
  const run = await fit({
    phase: 'epoch',
    epochs: opts.epochs,
    batchesPerEpoch,
    batches: () => {
      const order = rng.shuffle(Array.from({ length: train.n }, (_, i) => i));
      return Array.from({ length: batchesPerEpoch }, (_, bi) =>
        order.slice(bi * opts.batchSize, (bi + 1) * opts.batchSize),
      );
    },
    step: async (rows) => ({ loss: await stepper!.step(rows) }),
    guardLoss: "the student's loss",
    evaluate: async (): Promise<EpochEvaluation & { metric: number }> => {
      await stepper!.endEpoch?.(); // data-parallel replicas settle their weights before validation reads them
      const metric = valid && valid.n > 0 ? evaluateMetric(student, valid) : NaN;
      const scored = !Number.isNaN(metric);
      return { metric, score: scored ? metric : undefined, metrics: scored ? { val_metric: metric } : {} };
    },
    // The epoch a cancel cuts short still counts (it may be the best so far).
    keepPartialEpoch: true,
    keepBest: {
      patience: opts.patience,
      snapshot: () => (valid ? student.toParams() : undefined),
      restore: (p) => student.assign(p),
    },
    begin: async () => {
      stepper = await makeStepper();
    },
    end: () => stepper?.dispose(),
    onProgress: opts.onProgress,
    cancel: opts.cancel,
  });
  return {
    history: run.epochs.map((e) => ({
      epoch: e.epoch,
      loss: e.loss,
      valMetric: e.evaluation.metric,
      seconds: e.seconds,
    })),
    bestEpoch: run.bestEpoch,
    bestValMetric: valid ? run.bestScore : NaN,
    stoppedEarly: run.stoppedEarly,
    cancelled: run.cancelled,
    seconds: run.seconds,
    trainSamplesPerSecond: run.samples / run.seconds,
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
