/**
 * One mini-batch of an encoded set and the loss the trainer minimises on it. Shared by trainer.ts
 * and the data-parallel replicas (replica.ts), so that both optimise exactly the same function.
 */
import * as tf from '@tensorflow/tfjs';
import type { Student } from '../models/student';
import { multiLabelLoss, singleLabelLoss, type BatchTotals } from './losses';
import type { EncodedSet, LossOptions } from './train-inputs';

export interface Batch {
  n: number;
  ids: Int32Array;
  hard: Int32Array | Float32Array;
  teacher?: Float32Array;
  weights?: Float32Array;
  alphas?: Float32Array;
}

export type { LossOptions };

/** Copies `rows` of `set` (in that order) into a contiguous batch. */
export function takeRows(set: EncodedSet, rows: ArrayLike<number>, C: number, multi: boolean): Batch {
  const T = set.T;
  const n = rows.length;
  const ids = new Int32Array(n * T);
  const hard = multi ? new Float32Array(n * C) : new Int32Array(n);
  const teacher = set.teacher ? new Float32Array(n * C) : undefined;
  const weights = set.weights ? new Float32Array(n) : undefined;
  const alphas = set.alphas ? new Float32Array(n) : undefined;
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    ids.set(set.ids.subarray(r * T, (r + 1) * T), i * T);
    if (multi) hard.set((set.hard as Float32Array).subarray(r * C, (r + 1) * C), i * C);
    else hard[i] = set.hard[r];
    teacher?.set(set.teacher!.subarray(r * C, (r + 1) * C), i * C);
    if (weights) weights[i] = set.weights![r];
    if (alphas) alphas[i] = set.alphas![r];
  }
  return { n, ids, hard, teacher, weights, alphas };
}

/** Row and labeled-row counts of a whole batch: what a shard's loss must divide by (losses.ts). */
export function batchTotals(set: EncodedSet, rows: ArrayLike<number>, C: number, multi: boolean): BatchTotals {
  let labeled = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (multi ? !Number.isNaN(set.hard[r * C]) : set.hard[r] >= 0) labeled++;
  }
  return { rows: rows.length, labeled };
}

/**
 * The training loss on `batch` (a scalar); call it inside `minimize`/`variableGrads`.
 * `totals`: when the batch is one shard of a larger one (see losses.ts).
 */
export function batchLoss(
  student: Student,
  batch: Batch,
  T: number,
  opts: LossOptions,
  totals?: BatchTotals,
): tf.Scalar {
  const logits = student.logits(tf.tensor2d(batch.ids, [batch.n, T], 'int32'), batch.ids, true);
  const inputs = {
    logits,
    hard: batch.hard,
    teacher: batch.teacher,
    classWeights: opts.classWeights,
    sampleWeights: batch.weights,
    sampleAlphas: batch.alphas,
    focalGamma: opts.focalGamma,
    alpha: opts.alpha,
    temperature: opts.temperature,
    batchTotals: totals,
  };
  return student.config.multiLabel ? multiLabelLoss(inputs) : singleLabelLoss(inputs);
}
