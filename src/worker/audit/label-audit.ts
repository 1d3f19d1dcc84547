/**
 * The label-noise audit: K-fold out-of-fold probabilities from the fast model (multinomial naive
 * Bayes over character 1–2-grams, as in the live loop and the simulator), temperature-calibrated,
 * then confident learning (confident-learning.ts) ranks the documents whose label looks wrong.
 *
 * Naive Bayes multiplies thousands of n-gram likelihoods, so its raw probabilities sit at 0 and 1;
 * confident learning needs probabilities it can threshold and compare. One temperature T (the logits
 * divided by T) is fitted to the out-of-fold predictions by minimising their log-loss against the
 * given labels, as in temperature scaling (Guo et al. 2017); it changes no document's argmax.
 */
import type { CancelToken } from '../../shared/progress';
import { DistilleryError } from '../../shared/errors';
import { logitsToProbs } from '../models/naive-bayes';
import { naiveBayesOutOfFold } from '../models/naive-bayes-out-of-fold';
import { findLabelIssues, findMultiLabelIssues, type IssueFilter, type RankBy } from './confident-learning';

export interface AuditDoc {
  id: string;
  text: string;
  /** One label (single-label) or the label set; documents without a label are left out. */
  labels: readonly string[];
}

export interface AuditOptions {
  /** K of the K-fold (default 5). */
  folds?: number;
  seed?: number;
  /** Naive Bayes smoothing (default 1). */
  alpha?: number;
  rankBy?: RankBy;
  filter?: IssueFilter;
  multiLabel: boolean;
  /** Class order (default: sorted label names). */
  labels?: readonly string[];
  onProgress?: (foldsDone: number, folds: number) => void;
  cancel?: CancelToken;
}

export interface Suspect {
  id: string;
  /** The given label (single-label) or label set. */
  label: string | string[];
  /** The label the audit proposes: the model's choice, or the set with the flagged labels toggled. */
  suggested: string | string[];
  /** Label quality in [0, 1], lowest first: self-confidence (or normalized margin) of the given label. */
  score: number;
}

export interface AuditResult {
  /** Labeled documents audited. */
  n: number;
  folds: number;
  temperature: number;
  rank_by: RankBy;
  filter: IssueFilter;
  /** Out-of-fold accuracy (single-label) or per-label accuracy (multi-label) of the fast model against the given labels. */
  oof_accuracy: number;
  suspects: Suspect[];
}

export const AUDIT_DEFAULTS = {
  folds: 5,
  seed: 42,
  alpha: 1,
  rankBy: 'self_confidence' as RankBy,
  filter: 'confident_learning' as IssueFilter,
};

export function auditLabels(all: readonly AuditDoc[], o: AuditOptions): AuditResult {
  const docs = all.filter((d) => d.labels.length > 0);
  const folds = o.folds ?? AUDIT_DEFAULTS.folds;
  const rankBy = o.rankBy ?? AUDIT_DEFAULTS.rankBy;
  const filter = o.filter ?? AUDIT_DEFAULTS.filter;
  const names = o.labels ? [...o.labels] : [...new Set(docs.flatMap((d) => d.labels))].sort();
  const K = names.length;
  if (K < 2 && !o.multiLabel)
    throw new DistilleryError(
      'CONFIG',
      `the audit needs at least 2 labels, found ${K} (${names.join(', ') || 'none'})`,
      { field: 'label' },
    );
  if (docs.length < folds)
    throw new DistilleryError(
      'CONFIG',
      `--folds ${folds} needs at least ${folds} labeled documents, found ${docs.length}`,
      { field: 'folds' },
    );
  const index = new Map(names.map((l, i) => [l, i]));
  const targets = docs.map((d) => d.labels.map((l) => index.get(l)!));

  const logits = outOfFoldLogits(docs, targets, K, folds, o);
  const given = targets.map((t) => t[0]!);
  const temperature = fitTemperature(logits, K, o.multiLabel, o.multiLabel ? targets : given);
  const probs = logitsToProbs(logits, K, o.multiLabel, temperature);

  const suspects: Suspect[] = o.multiLabel
    ? findMultiLabelIssues(targets, probs, K, rankBy, filter).map((s) => {
        const own = docs[s.index]!.labels;
        const toggled = names.filter((l, j) => own.includes(l) !== s.flagged.includes(j));
        return { id: docs[s.index]!.id, label: [...own], suggested: toggled, score: s.score };
      })
    : findLabelIssues(given, probs, K, rankBy, filter).map((s) => ({
        id: docs[s.index]!.id,
        label: docs[s.index]!.labels[0]!,
        suggested: names[s.suggested]!,
        score: s.score,
      }));
  return {
    n: docs.length,
    folds,
    temperature,
    rank_by: rankBy,
    filter,
    oof_accuracy: accuracy(probs, K, o.multiLabel, targets),
    suspects,
  };
}

/** n × K naive Bayes logits, each document's from the model trained on the other folds. */
function outOfFoldLogits(
  docs: readonly AuditDoc[],
  targets: number[][],
  K: number,
  folds: number,
  o: AuditOptions,
): Float64Array {
  return naiveBayesOutOfFold(docs, targets, K, {
    folds,
    seed: o.seed ?? AUDIT_DEFAULTS.seed,
    alpha: o.alpha ?? AUDIT_DEFAULTS.alpha,
    multiLabel: o.multiLabel,
    cancel: o.cancel,
    job: 'audit',
    onFold: o.onProgress,
  });
}

/** Mean log-loss of softmax(z/T) (or σ(z/T) per label) against the given labels. */
function logLoss(
  logits: Float64Array,
  K: number,
  multiLabel: boolean,
  targets: number[] | number[][],
  T: number,
): number {
  const p = logitsToProbs(logits, K, multiLabel, T);
  const n = logits.length / K;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    if (multiLabel) {
      const own = (targets as number[][])[i]!;
      for (let l = 0; l < K; l++)
        loss -= Math.log(Math.max(1e-300, own.includes(l) ? p[i * K + l]! : 1 - p[i * K + l]!));
    } else loss -= Math.log(Math.max(1e-300, p[i * K + (targets as number[])[i]!]!));
  }
  return loss / n;
}

/** Golden-section search of log T in [0, ln 1000] (T ≥ 1: naive Bayes is over-, not under-confident). */
export function fitTemperature(
  logits: Float64Array,
  K: number,
  multiLabel: boolean,
  targets: number[] | number[][],
): number {
  const g = (Math.sqrt(5) - 1) / 2;
  let a = 0;
  let b = Math.log(1000);
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = logLoss(logits, K, multiLabel, targets, Math.exp(c));
  let fd = logLoss(logits, K, multiLabel, targets, Math.exp(d));
  for (let it = 0; it < 40; it++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = logLoss(logits, K, multiLabel, targets, Math.exp(c));
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = logLoss(logits, K, multiLabel, targets, Math.exp(d));
    }
  }
  return Math.exp((a + b) / 2);
}

function accuracy(probs: Float64Array, K: number, multiLabel: boolean, targets: number[][]): number {
  const n = targets.length;
  let right = 0;
  for (let i = 0; i < n; i++) {
    if (multiLabel) {
      for (let l = 0; l < K; l++) if (probs[i * K + l]! >= 0.5 === targets[i]!.includes(l)) right += 1 / K;
    } else {
      let best = 0;
      for (let j = 1; j < K; j++) if (probs[i * K + j]! > probs[i * K + best]!) best = j;
      if (best === targets[i]![0]) right++;
    }
  }
  return right / n;
}
