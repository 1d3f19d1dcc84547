/**
 * Multinomial naive Bayes over bag-of-n-gram counts with Laplace (additive) smoothing — the fast
 * model of the active-learning loop and the cold-start pre-labeler (digest A's SnowNLP step).
 * Trains by counting in one pass over the labeled rows (milliseconds for thousands of documents).
 *
 * - Single-label: P(c | d) ∝ P(c) · Π_w P(w | c)^count, P(w | c) = (N_cw + α) / (N_c + α·V).
 * - Multi-label: one-vs-rest, each label a binary NB of "has the label" against "has not".
 * V counts only the n-grams seen in training documents and unseen n-grams are ignored at
 * prediction, as a vectorizer fit on the training texts would do (scikit-learn's MultinomialNB
 * behind a CountVectorizer): a vocabulary grown on unlabeled text must not shift the scores.
 */
import { DistilleryError } from '../../shared/errors';
import { NgramVocabulary, DEFAULT_NGRAMS, type NgramOptions, type SparseRows } from '../text/ngram-features';

export interface NaiveBayesOptions {
  /** Additive smoothing α (1 = Laplace). */
  alpha: number;
  multiLabel: boolean;
}

export interface NaiveBayesModel {
  /** Classes (single-label) or labels (multi-label). */
  K: number;
  multiLabel: boolean;
  /** Columns known to the model; columns ≥ dim or never seen in training are ignored. */
  dim: number;
  seen: Uint8Array;
  /** Single-label: log P(c), K. Multi-label: log P(l), log P(¬l), 2K. */
  logPrior: Float64Array;
  /** Single-label: log P(w | c), K × dim. Multi-label: log P(w | l), then log P(w | ¬l), 2K × dim. */
  logLik: Float32Array;
}

/**
 * Fits on `rows` of X. targets: class index per row (single-label) or the label indices per row
 * (multi-label), aligned with `rows`.
 */
export function trainNaiveBayes(
  X: SparseRows,
  rows: ArrayLike<number>,
  targets: ArrayLike<number> | readonly (readonly number[])[],
  K: number,
  o: NaiveBayesOptions,
): NaiveBayesModel {
  if (!(o.alpha > 0))
    throw new DistilleryError('CONFIG', `naive Bayes smoothing α must be > 0, got ${o.alpha}`, { field: 'alpha' });
  if (targets.length !== rows.length) throw new RangeError(`${rows.length} rows but ${targets.length} targets`);
  const dim = X.dim;
  const M = o.multiLabel ? 2 * K : K;
  const counts = new Float64Array(M * dim);
  const docs = new Float64Array(M);
  const seen = new Uint8Array(dim);
  const total = o.multiLabel ? new Float64Array(dim) : undefined;
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]!;
    const a = X.offsets[i]!;
    const b = X.offsets[i + 1]!;
    for (let p = a; p < b; p++) seen[X.indices[p]!] = 1;
    const cls = o.multiLabel ? [...(targets[r] as readonly number[])] : [targets[r] as number];
    for (const c of cls) {
      if (!(Number.isInteger(c) && c >= 0 && c < K))
        throw new RangeError(`target ${c} of row ${i} is not a class index 0..${K - 1}`);
      docs[c]!++;
      const base = c * dim;
      for (let p = a; p < b; p++) counts[base + X.indices[p]!]! += X.values[p]!;
    }
    if (total) for (let p = a; p < b; p++) total[X.indices[p]!]! += X.values[p]!;
  }
  if (total) {
    // ¬l counts = all counts − l counts; documents without l = all − with l.
    for (let l = 0; l < K; l++) {
      docs[K + l] = rows.length - docs[l]!;
      const pos = l * dim;
      const neg = (K + l) * dim;
      for (let j = 0; j < dim; j++) counts[neg + j] = total[j]! - counts[pos + j]!;
    }
  }
  let V = 0;
  for (let j = 0; j < dim; j++) V += seen[j]!;
  const logLik = new Float32Array(M * dim);
  for (let m = 0; m < M; m++) {
    let Nc = 0;
    for (let j = 0; j < dim; j++) if (seen[j]) Nc += counts[m * dim + j]!;
    const logDen = Math.log(Nc + o.alpha * V);
    for (let j = 0; j < dim; j++) if (seen[j]) logLik[m * dim + j] = Math.log(counts[m * dim + j]! + o.alpha) - logDen;
  }
  // Smoothed priors too, so a class (or label value) with no training document is unlikely, not impossible.
  const logPrior = new Float64Array(M);
  if (o.multiLabel) {
    for (let l = 0; l < K; l++) {
      logPrior[l] = Math.log((docs[l]! + 1) / (rows.length + 2));
      logPrior[K + l] = Math.log((docs[K + l]! + 1) / (rows.length + 2));
    }
  } else {
    for (let c = 0; c < K; c++) logPrior[c] = Math.log((docs[c]! + 1) / (rows.length + K));
  }
  return { K, multiLabel: o.multiLabel, dim, seen, logPrior, logLik };
}

/**
 * Scores before normalisation, n × K in float64 (rows of X, or the given rows in that order):
 * single-label log P(c, d) per class, multi-label the log-odds log P(l, d) − log P(¬l, d) per label.
 * Naive Bayes is far too confident on long texts; in float64 these still rank documents where
 * float32 probabilities have long saturated at 0 and 1 (the label-noise audit calibrates them).
 */
export function naiveBayesLogits(m: NaiveBayesModel, X: SparseRows, rows?: ArrayLike<number>): Float64Array {
  const n = rows ? rows.length : X.n;
  const K = m.K;
  const M = m.multiLabel ? 2 * K : K;
  const out = new Float64Array(n * K);
  const joint = new Float64Array(M);
  for (let r = 0; r < n; r++) {
    const i = rows ? rows[r]! : r;
    joint.set(m.logPrior);
    for (let p = X.offsets[i]!; p < X.offsets[i + 1]!; p++) {
      const j = X.indices[p]!;
      if (j >= m.dim || !m.seen[j]) continue;
      const v = X.values[p]!;
      for (let c = 0; c < M; c++) joint[c]! += v * m.logLik[c * m.dim + j]!;
    }
    for (let c = 0; c < K; c++) out[r * K + c] = m.multiLabel ? joint[c]! - joint[K + c]! : joint[c]!;
  }
  return out;
}

/** Probabilities, n × K (rows of X, or the given rows in that order): softmax over classes, or P(label) per label. */
export function predictNaiveBayes(m: NaiveBayesModel, X: SparseRows, rows?: ArrayLike<number>): Float32Array {
  return Float32Array.from(logitsToProbs(naiveBayesLogits(m, X, rows), m.K, m.multiLabel));
}

/** n × K scores → probabilities: softmax per row (single-label) or σ per label (P(l) = σ(log-odds)), each divided by `temperature` first. */
export function logitsToProbs(logits: Float64Array, K: number, multiLabel: boolean, temperature = 1): Float64Array {
  const out = new Float64Array(logits.length);
  const n = logits.length / K;
  for (let r = 0; r < n; r++) {
    const o = r * K;
    if (multiLabel) {
      for (let l = 0; l < K; l++) out[o + l] = 1 / (1 + Math.exp(-logits[o + l]! / temperature));
      continue;
    }
    let max = -Infinity;
    for (let c = 0; c < K; c++) max = Math.max(max, logits[o + c]!);
    let s = 0;
    for (let c = 0; c < K; c++) s += Math.exp((logits[o + c]! - max) / temperature);
    for (let c = 0; c < K; c++) out[o + c] = Math.exp((logits[o + c]! - max) / temperature) / s;
  }
  return out;
}

/**
 * Texts in, probabilities out: the n-gram vocabulary and the NB model together, for the
 * pre-labeler. `labels` per text are label names; `labelNames` fixes the class order.
 */
export class NaiveBayesClassifier {
  private constructor(
    readonly labelNames: readonly string[],
    readonly vocab: NgramVocabulary,
    readonly model: NaiveBayesModel,
  ) {}

  static fit(
    texts: readonly string[],
    labels: readonly (readonly string[])[],
    labelNames: readonly string[],
    o: Partial<NaiveBayesOptions> & { ngrams?: NgramOptions } = {},
  ): NaiveBayesClassifier {
    const multiLabel = o.multiLabel ?? false;
    const index = new Map(labelNames.map((l, i) => [l, i]));
    const targets = labels.map((ls, i) => {
      if (!multiLabel && ls.length !== 1)
        throw new DistilleryError(
          'LABEL_UNKNOWN',
          `document ${i + 1} has ${ls.length} labels; single-label naive Bayes needs exactly one`,
          { line: i + 1, field: 'label' },
        );
      return ls.map((l) => {
        const c = index.get(l);
        if (c === undefined)
          throw new DistilleryError(
            'LABEL_UNKNOWN',
            `document ${i + 1}: label "${l}" is not one of ${labelNames.join(', ')}`,
            { line: i + 1, field: 'label' },
          );
        return c;
      });
    });
    const vocab = new NgramVocabulary(o.ngrams ?? DEFAULT_NGRAMS);
    const X = vocab.featurize(texts);
    const rows = Int32Array.from(texts, (_, i) => i);
    const model = trainNaiveBayes(X, rows, multiLabel ? targets : targets.map((t) => t[0]!), labelNames.length, {
      alpha: o.alpha ?? 1,
      multiLabel,
    });
    return new NaiveBayesClassifier(labelNames, vocab, model);
  }

  /** n × K probabilities. */
  predictProbs(texts: readonly string[]): Float32Array {
    return predictNaiveBayes(this.model, this.vocab.featurize(texts, false));
  }
}
