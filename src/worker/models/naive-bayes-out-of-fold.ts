/**
 * K-fold out-of-fold naive Bayes logits (char n-grams): every document's logits come from the model
 * trained on the other folds. Shared by the label-noise audit and the live loop's queue-model choice
 * (naive Bayes's cross-validated score on a small project, where the gold set alone is too noisy; the
 * small-data bench uses the same).
 */
import { CancelledError } from '../../shared/errors';
import { CV_FOLDS, goldScore, type CvScore } from '../../shared/queue-model-choice';
import type { CancelToken } from '../../shared/progress';
import { kFoldIndices } from '../data/split';
import { DEFAULT_NGRAMS, NgramVocabulary, type NgramOptions } from '../text/ngram-features';
import { logitsToProbs, naiveBayesLogits, trainNaiveBayes } from './naive-bayes';

export interface OutOfFoldOptions {
  folds: number;
  seed: number;
  /** Smoothing. */
  alpha: number;
  multiLabel: boolean;
  cancel?: CancelToken;
  /** Names the job in the cancel message ("audit cancelled"). */
  job: string;
  onFold?: (foldsDone: number, folds: number) => void;
  /** The n-gram features (default: DEFAULT_NGRAMS; the live loop adds the project's text options). */
  ngrams?: NgramOptions;
}

/** n × K logits; `targets` per document are class indices, `labels` its label names (for the stratified folds). */
export function naiveBayesOutOfFold(
  docs: readonly { text: string; labels: readonly string[] }[],
  targets: readonly (readonly number[])[],
  K: number,
  o: OutOfFoldOptions,
): Float64Array {
  // One vocabulary over every text: a fold's model ignores n-grams it never saw in training (naive-bayes.ts), so this equals a vocabulary per fold.
  const X = new NgramVocabulary(o.ngrams ?? DEFAULT_NGRAMS).featurize(docs.map((d) => d.text));
  const foldRows = kFoldIndices(docs, o.folds, o.seed, o.multiLabel);
  const out = new Float64Array(docs.length * K);
  foldRows.forEach((held, f) => {
    if (o.cancel?.cancelled) throw new CancelledError(`${o.job} cancelled`);
    const inFold = new Set(held);
    const train = Int32Array.from(docs.keys()).filter((i) => !inFold.has(i));
    const t = o.multiLabel ? Array.from(train, (i) => [...targets[i]!]) : Array.from(train, (i) => targets[i]![0]!);
    const model = trainNaiveBayes(X, train, t, K, { alpha: o.alpha, multiLabel: o.multiLabel });
    const z = naiveBayesLogits(model, X, held);
    held.forEach((i, r) => out.set(z.subarray(r * K, (r + 1) * K), i * K));
    o.onFold?.(f + 1, o.folds);
  });
  return out;
}

/**
 * Naive Bayes's CV_FOLDS-fold cross-validated score on labeled documents (for the live loop: its
 * training labels, the gold set not among them), scored as the gold set is (shared/queue-model-choice.ts).
 * Undefined where there are too few documents to fold.
 */
export function naiveBayesCvScore(
  docs: readonly { text: string; labels: readonly string[] }[],
  labels: readonly string[],
  multiLabel: boolean,
  o: Pick<OutOfFoldOptions, 'cancel' | 'onFold' | 'ngrams'> & { job: string },
): CvScore | undefined {
  const folds = Math.min(CV_FOLDS, docs.length);
  if (folds < 2) return undefined;
  const targets = docs.map((d) => d.labels.map((l) => labels.indexOf(l)));
  const logits = naiveBayesOutOfFold(docs, targets, labels.length, { folds, seed: 0, alpha: 1, multiLabel, ...o });
  const s = goldScore(logitsToProbs(logits, labels.length, multiLabel), targets, [...labels], multiLabel);
  return { folds, n: docs.length, accuracy: s.accuracy, macroF1: s.macroF1 };
}
