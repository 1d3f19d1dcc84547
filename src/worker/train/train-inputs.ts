/**
 * What the training loop (trainer.ts) and its pieces (batch.ts, score.ts, the data-parallel replicas)
 * share: the encoded rows and the options of the loss. Its own module so that the loop and its pieces
 * need not import each other.
 */

/** Encoded rows: ids n×T (post-padded), targets, and optional teacher outputs n×C. */
export interface EncodedSet {
  ids: Int32Array;
  n: number;
  T: number;
  /** Single-label: class index per row (−1 = unlabeled). Multi-label: n×C multi-hot (NaN row = unlabeled). */
  hard: Int32Array | Float32Array;
  /** Teacher logits (single-label) or probabilities (multi-label), n×C. */
  teacher?: Float32Array;
  /** Per-row loss weights (the label's source, see shared/source-weights.ts); absent = 1. */
  weights?: Float32Array;
  /** Per-row distillation α (the label's source, see shared/source-weights.ts alphaOf); absent = the run's one α. */
  alphas?: Float32Array;
}

/** The options of the loss a batch is trained on (losses.ts gives the formulas). */
export interface LossOptions {
  classWeights?: Float32Array;
  focalGamma?: number;
  /** Distillation weight α and temperature ρ (see losses.ts for which term α weights). */
  alpha?: number;
  temperature?: number;
}
