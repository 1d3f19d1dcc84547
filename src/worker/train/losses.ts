/**
 * Training losses. Single-label distillation (digest A, Hinton et al.):
 *
 *   L = α · ρ² · KL(softmax(z_T/ρ) ‖ softmax(z_S/ρ)) + (1 − α) · CE(y, z_S)
 *
 * α weights the DISTILLATION term and (1 − α) the hard-label cross-entropy; ρ is the temperature,
 * and ρ² keeps the soft term's gradient scale independent of ρ. Rows without a human label
 * (data distillation on unlabeled text) contribute only the distillation term.
 * Multi-label (digest B): α · BCE(σ(z_S), p_T) + (1 − α) · BCE(σ(z_S), y), p_T the teacher's
 * probabilities; α = 1 is digest B's setting.
 *
 * Per-source α (issue 12 item 2, `sampleAlphas`): each row b weighs its own terms,
 *
 *   L = ρ² · Σ_b α_b · KL_b / rows + Σ_b (1 − α_b) · w_b · CE_b / labeled rows
 *
 * (multi-label likewise with the two BCEs), which is the one-α form above when every α_b = α; a
 * batch whose rows all share one α runs that form itself, so its numbers do not change. Without a
 * teacher (no soft output for any row) there is no KL for α to weigh: every row trains on w_b · CE_b
 * as before and `sampleAlphas` is ignored.
 */
import * as tf from '@tensorflow/tfjs';
import { DISTILL_OPTIONS } from '../../shared/job-options';

/** α and ρ where a distillation does not set them (model cards record these effective values). */
export const DEFAULT_ALPHA = { singleLabel: DISTILL_OPTIONS.alpha.default, multiLabel: 1 } as const;
/** ρ: the option table's (src/shared/job-options.ts, where the choice of 3 is explained). */
export const DEFAULT_TEMPERATURE = DISTILL_OPTIONS.temperature.default;

export interface LossInputs {
  logits: tf.Tensor2D;
  /** Single-label: class index per row, −1 for unlabeled. Multi-label: multi-hot [B·C], NaN row = unlabeled. */
  hard: Int32Array | Float32Array;
  /** Teacher logits [B·C] (single-label) or probabilities (multi-label), when distilling. */
  teacher?: Float32Array;
  classWeights?: Float32Array;
  /**
   * Per-row weights of the hard-label term (a label's source: issue 12, shared/source-weights.ts),
   * multiplied with the class weight; the mean still divides by the labeled-row count, so a row of
   * weight 0.5 counts half a row.
   */
  sampleWeights?: Float32Array;
  /** Per-row α (the label's source, shared/source-weights.ts alphaOf), when distilling; absent = `alpha` for every row. */
  sampleAlphas?: Float32Array;
  focalGamma?: number;
  alpha?: number;
  temperature?: number;
  /**
   * Set when these rows are one shard of a larger batch (data-parallel.ts): the whole batch's row
   * and labeled-row counts. The means then divide by the batch's counts, so each shard's loss is
   * its exact share of the batch loss and the shards' gradients add up to the batch gradient.
   */
  batchTotals?: BatchTotals;
}

export interface BatchTotals {
  rows: number;
  labeled: number;
}

export function singleLabelLoss(inp: LossInputs): tf.Scalar {
  return tf.tidy(() => {
    const [B, C] = inp.logits.shape;
    const hard = inp.hard as Int32Array;
    const rowAlphas = perRowAlphas(inp);
    const alpha = inp.teacher ? (uniformAlpha(inp) ?? DEFAULT_ALPHA.singleLabel) : 0;
    const oneHot = new Float32Array(B * C);
    const rowW = new Float32Array(B);
    let labeled = 0;
    for (let b = 0; b < B; b++) {
      const y = hard[b];
      if (y < 0) continue;
      oneHot[b * C + y] = 1;
      rowW[b] = (inp.classWeights ? inp.classWeights[y] : 1) * (inp.sampleWeights ? inp.sampleWeights[b] : 1);
      labeled++;
    }
    const nLabeled = inp.batchTotals?.labeled ?? labeled;
    const nRows = inp.batchTotals?.rows ?? B;
    const logp = tf.logSoftmax(inp.logits);
    let perRow = tf.neg(tf.sum(tf.mul(logp, tf.tensor2d(oneHot, [B, C])), 1)); // CE per row
    if (inp.focalGamma && inp.focalGamma > 0) {
      // Focal loss: down-weight easy rows by (1 − p_y)^γ.
      const py = tf.exp(tf.neg(perRow));
      perRow = tf.mul(perRow, tf.pow(tf.sub(1, py), inp.focalGamma));
    }
    const rho = inp.temperature ?? DEFAULT_TEMPERATURE;
    if (rowAlphas) {
      // Each row its own α: ρ²·Σ α_b·KL_b / rows + Σ (1 − α_b)·w_b·CE_b / labeled.
      const pT = tf.softmax(tf.div(tf.tensor2d(inp.teacher!, [B, C]), rho));
      const klRows = tf.sum(tf.mul(pT, tf.sub(tf.log(tf.add(pT, 1e-12)), tf.logSoftmax(tf.div(inp.logits, rho)))), 1);
      const soft = tf.div(tf.sum(tf.mul(klRows, tf.tensor1d(rowAlphas))), nRows);
      const hardW = Float32Array.from(rowW, (w, b) => w * (1 - rowAlphas[b]));
      const hardTerm = labeled ? tf.div(tf.sum(tf.mul(perRow, tf.tensor1d(hardW))), nLabeled) : tf.scalar(0);
      return tf.add(tf.mul(rho * rho, soft), hardTerm) as tf.Scalar;
    }
    const ce = labeled ? tf.div(tf.sum(tf.mul(perRow, tf.tensor1d(rowW))), nLabeled) : tf.scalar(0);
    if (!inp.teacher || alpha === 0) return ce as tf.Scalar;
    const pT = tf.softmax(tf.div(tf.tensor2d(inp.teacher, [B, C]), rho));
    const logpS = tf.logSoftmax(tf.div(inp.logits, rho));
    const kl = tf.div(tf.sum(tf.mul(pT, tf.sub(tf.log(tf.add(pT, 1e-12)), logpS))), nRows);
    return tf.add(tf.mul(alpha * rho * rho, kl), tf.mul(nLabeled ? 1 - alpha : 0, ce)) as tf.Scalar;
  });
}

/** The batch's one α where its rows share it (given or from `sampleAlphas`), else undefined (the task's default applies). */
function uniformAlpha(inp: LossInputs): number | undefined {
  const a = inp.sampleAlphas;
  return a && a.length ? a[0] : inp.alpha;
}

/** Per-row α when distilling and the rows' α differ; undefined where one α serves the whole batch (the one-α form runs). */
function perRowAlphas(inp: LossInputs): Float32Array | undefined {
  const a = inp.sampleAlphas;
  if (!inp.teacher || !a || a.length === 0) return undefined;
  return a.some((x) => x !== a[0]) ? a : undefined;
}

/**
 * log σ(z) = −softplus(−z), the formula tf.logSigmoid uses. Not tf.logSigmoid itself: its custom
 * gradient reads its input after tidy has disposed it whenever that input is an intermediate
 * tensor (tfjs 4.22), so any gradient through it threw "Cannot read properties of undefined".
 */
function logSigmoid(z: tf.Tensor): tf.Tensor {
  return tf.neg(tf.softplus(tf.neg(z)));
}

/**
 * Mean binary cross-entropy with logits against targets in [0, 1], optional positive-class weights.
 * The mean is over `rows` rows (the masked-in ones when `rowMask` is given) × C classes.
 */
function bceWithLogits(
  logits: tf.Tensor2D,
  targets: tf.Tensor2D,
  rows: number,
  posWeight?: tf.Tensor1D,
  rowMask?: tf.Tensor2D,
): tf.Scalar {
  // −[w·y·log σ(z) + (1 − y)·log(1 − σ(z))], written with logSigmoid for stability.
  const logSig = logSigmoid(logits);
  const logOneMinus = logSigmoid(tf.neg(logits));
  let pos = tf.mul(targets, logSig);
  if (posWeight) pos = tf.mul(pos, posWeight);
  let l = tf.neg(tf.add(pos, tf.mul(tf.sub(1, targets), logOneMinus)));
  if (rowMask) l = tf.mul(l, rowMask);
  return tf.div(tf.sum(l), Math.max(rows * logits.shape[1], 1)) as tf.Scalar;
}

export function multiLabelLoss(inp: LossInputs): tf.Scalar {
  return tf.tidy(() => {
    const [B, C] = inp.logits.shape;
    const hard = inp.hard as Float32Array;
    const rowAlphas = perRowAlphas(inp);
    const alpha = inp.teacher ? (uniformAlpha(inp) ?? DEFAULT_ALPHA.multiLabel) : 0;
    const targets = new Float32Array(B * C);
    const mask = new Float32Array(B);
    for (let b = 0; b < B; b++) {
      if (Number.isNaN(hard[b * C])) continue;
      mask[b] = inp.sampleWeights ? inp.sampleWeights[b] : 1;
      for (let c = 0; c < C; c++) targets[b * C + c] = hard[b * C + c];
    }
    const w = inp.classWeights ? tf.tensor1d(inp.classWeights) : undefined;
    let rowsLabeled = 0;
    for (let b = 0; b < B; b++) if (!Number.isNaN(hard[b * C])) rowsLabeled++;
    const labeled = inp.batchTotals?.labeled ?? rowsLabeled;
    if (rowAlphas) {
      // Each row its own α: Σ α_b·BCE(σ(z_b), p_T,b) / (rows·C) + Σ (1 − α_b)·w_b·BCE(σ(z_b), y_b) / (labeled·C).
      const hardMask = Float32Array.from(mask, (m, b) => m * (1 - rowAlphas[b]));
      const soft = bceWithLogits(
        inp.logits,
        tf.tensor2d(inp.teacher!, [B, C]),
        inp.batchTotals?.rows ?? B,
        undefined,
        tf.tensor2d(rowAlphas, [B, 1]),
      );
      return tf.add(
        soft,
        bceWithLogits(inp.logits, tf.tensor2d(targets, [B, C]), labeled, w, tf.tensor2d(hardMask, [B, 1])),
      ) as tf.Scalar;
    }
    const hardLoss = bceWithLogits(inp.logits, tf.tensor2d(targets, [B, C]), labeled, w, tf.tensor2d(mask, [B, 1]));
    if (!inp.teacher || alpha === 0) return hardLoss;
    const soft = bceWithLogits(inp.logits, tf.tensor2d(inp.teacher, [B, C]), inp.batchTotals?.rows ?? B);
    return tf.add(tf.mul(alpha, soft), tf.mul(1 - alpha, hardLoss)) as tf.Scalar;
  });
}

/** Inverse-frequency class weights, normalised to mean 1 (digest C's re-weighting). */
export function inverseFrequencyWeights(counts: number[]): Float32Array {
  const total = counts.reduce((a, b) => a + b, 0);
  const k = counts.length;
  const w = counts.map((c) => (c > 0 ? total / (k * c) : 0));
  const mean = w.reduce((a, b) => a + b, 0) / k || 1;
  return Float32Array.from(w, (x) => x / mean);
}
