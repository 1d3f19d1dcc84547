/**
 * Classification metrics, pure TS (used by the worker, the CLI and the UI alike).
 *
 * Conventions follow scikit-learn with `zero_division=0`, except for which classes macro averages cover:
 * - macro averages are over the classes PRESENT in the gold labels of the test set (MACRO_RULE), as
 *   sklearn does without `labels=`. A class absent from a 10-document test set has recall 0/0 and
 *   would drag the macro average towards 0 for no reason ("P 2.5 %", issue #12); per-class entries
 *   still list every label;
 * - any 0/0 (precision with no predictions, recall with no support, F1 with tp+fp+fn = 0) is 0;
 * - F1 is computed as 2tp / (2tp + fp + fn), which equals 2PR/(P+R) whenever both are defined.
 * Every result says on how many documents it stands (`n`), carries 95 % intervals (Wilson for accuracy,
 * a seeded bootstrap over documents for macro-F1) and a warning below MIN_TEST_DOCS documents.
 * All rates are fractions in [0, 1]; formatting as percent is the report's job.
 */
import { createRng } from './random';

/** Below this many test documents every metric comes with a warning. */
export const MIN_TEST_DOCS = 30;
/** Bootstrap resamples for the macro-F1 interval, and the seed that makes the interval reproducible. */
export const BOOTSTRAP_RESAMPLES = 1000;
export const BOOTSTRAP_SEED = 12;
export const MACRO_RULE = 'macro averages are over the classes present in the gold labels of the test set';
export const INTERVAL_RULE = `95 % intervals: Wilson score for accuracy, percentile bootstrap over documents (${BOOTSTRAP_RESAMPLES} resamples, seed ${BOOTSTRAP_SEED}) for macro-F1`;

/** A [low, high] interval. */
export type Interval = [number, number];

/** What every metrics object states besides the rates: its size, intervals, the rules, warnings. */
export interface MetricsEvidence {
  /** Number of test documents the metrics stand on. */
  n: number;
  /** Wilson 95 % interval of `accuracy` (subset accuracy for multi-label). */
  accuracy_ci: Interval;
  /** Bootstrap 95 % interval of `macro_f1`. */
  macro_f1_ci: Interval;
  /** The labels macro averages are over: those present in the gold labels. */
  macro_over: string[];
  macro_rule: string;
  interval_rule: string;
  /** E.g. fewer than MIN_TEST_DOCS test documents. */
  warnings?: string[];
}

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  /** Number of true instances of the class. */
  support: number;
}

export interface SingleLabelMetrics extends MetricsEvidence {
  accuracy: number;
  /** Positive class for binary tasks (or when `positive` is given), else macro. */
  precision: number;
  recall: number;
  f1: number;
  macro_f1: number;
  micro_f1: number;
  weighted_f1: number;
  macro_precision: number;
  macro_recall: number;
  per_class: Record<string, ClassMetrics>;
  /** confusion[true][pred] counts. */
  confusion: number[][];
}

export interface MultiLabelMetrics extends MetricsEvidence {
  micro_f1: number;
  macro_f1: number;
  weighted_f1: number;
  subset_accuracy: number;
  hamming_loss: number;
  /** Same as subset_accuracy, so that every report has an `accuracy`. */
  accuracy: number;
  micro_precision: number;
  micro_recall: number;
  macro_precision: number;
  macro_recall: number;
  per_class: Record<string, ClassMetrics>;
}

export type Metrics = SingleLabelMetrics | MultiLabelMetrics;

export function isMultiLabelMetrics(m: Metrics): m is MultiLabelMetrics {
  return 'subset_accuracy' in m;
}

/** a / b, or 0 when b is 0 (sklearn's zero_division=0). */
function div(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

function f1Of(tp: number, fp: number, fn: number): number {
  return div(2 * tp, 2 * tp + fp + fn);
}

function mean(xs: number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((s, x) => s + x, 0) / xs.length;
}

/** The evidence fields of a metrics object (for JSON summaries that otherwise keep only the rates). */
export function evidenceOf(m: Partial<MetricsEvidence>): Partial<MetricsEvidence> {
  const out: Partial<MetricsEvidence> = {};
  for (const k of [
    'n',
    'accuracy_ci',
    'macro_f1_ci',
    'macro_over',
    'macro_rule',
    'interval_rule',
    'warnings',
  ] as const) {
    if (m[k] !== undefined) (out as Record<string, unknown>)[k] = m[k];
  }
  return out;
}

/** Mean over the classes with support (present in the gold labels); 0 when none is. */
function macroOver(per: ClassMetrics[], pick: (c: ClassMetrics) => number): number {
  return mean(per.filter((c) => c.support > 0).map(pick));
}

/** 97.5th percentile of the standard normal. */
const Z95 = 1.959963984540054;

/**
 * Wilson score interval for a proportion of `successes` out of `n` (default 95 %). Unlike the normal
 * approximation it stays inside [0, 1] and is not empty at 0/n or n/n; [0, 1] when n is 0.
 */
export function wilsonInterval(successes: number, n: number, z = Z95): Interval {
  if (!(n > 0)) return [0, 1];
  if (successes < 0 || successes > n) throw new RangeError(`successes ${successes} outside 0..${n}`);
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** The 2.5th and 97.5th percentiles (linear interpolation) of bootstrap statistics. */
function percentileInterval(stats: number[]): Interval {
  const xs = [...stats].sort((a, b) => a - b);
  const at = (q: number) => {
    const h = (xs.length - 1) * q;
    const lo = Math.floor(h);
    return xs[lo] + (h - lo) * ((xs[Math.min(lo + 1, xs.length - 1)] ?? xs[lo]) - xs[lo]);
  };
  return [at(0.025), at(0.975)];
}

/**
 * Percentile bootstrap interval of a statistic of the documents: `stat` gets, per resample, how often
 * each document was drawn (n draws with replacement). Seeded, so the same inputs give the same interval.
 */
export function bootstrapInterval(
  n: number,
  stat: (counts: Uint32Array) => number,
  resamples = BOOTSTRAP_RESAMPLES,
  seed = BOOTSTRAP_SEED,
): Interval {
  if (n === 0 || resamples < 1) return [0, 1];
  const rng = createRng(seed);
  const counts = new Uint32Array(n);
  const stats: number[] = [];
  for (let r = 0; r < resamples; r++) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[rng.int(n)]++;
    stats.push(stat(counts));
  }
  return percentileInterval(stats);
}

function sizeWarnings(n: number): string[] | undefined {
  return n < MIN_TEST_DOCS
    ? [
        `only ${n} test document${n === 1 ? '' : 's'} (fewer than ${MIN_TEST_DOCS}): these metrics are rough; read the intervals`,
      ]
    : undefined;
}

function evidence(n: number, correct: number, macroCi: Interval, macroOverLabels: string[]): MetricsEvidence {
  const warnings = sizeWarnings(n);
  return {
    n,
    accuracy_ci: wilsonInterval(correct, n),
    macro_f1_ci: macroCi,
    macro_over: macroOverLabels,
    macro_rule: MACRO_RULE,
    interval_rule: INTERVAL_RULE,
    ...(warnings ? { warnings } : {}),
  };
}

/** Macro-F1 over present classes from per-class tp/fp/fn counts. */
function macroF1FromCounts(tp: Float64Array, fp: Float64Array, fn: Float64Array): number {
  let s = 0;
  let k = 0;
  for (let c = 0; c < tp.length; c++) {
    if (tp[c] + fn[c] === 0) continue;
    s += f1Of(tp[c], fp[c], fn[c]);
    k++;
  }
  return k ? s / k : 0;
}

function classMetrics(tp: number, fp: number, fn: number): ClassMetrics {
  return { precision: div(tp, tp + fp), recall: div(tp, tp + fn), f1: f1Of(tp, fp, fn), support: tp + fn };
}

/** Per-class metrics keyed by label name; duplicate names would silently merge, so refuse them. */
function perClassRecord(labels: string[], per: ClassMetrics[]): Record<string, ClassMetrics> {
  const out: Record<string, ClassMetrics> = {};
  labels.forEach((l, k) => {
    if (Object.prototype.hasOwnProperty.call(out, l)) throw new RangeError(`duplicate label name: ${l}`);
    out[l] = per[k];
  });
  return out;
}

/**
 * Single-label (binary or multi-class) metrics from class indices.
 * `positive` selects the class whose P/R/F1 are reported as `precision`/`recall`/`f1`; it
 * defaults to index 1 for two labels, and for more labels those fields are macro averages
 * unless `positive` is given.
 */
export function singleLabelMetrics(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  labels: string[],
  positive?: number,
): SingleLabelMetrics {
  const K = labels.length;
  const n = yTrue.length;
  if (K < 1) throw new RangeError('labels must not be empty');
  if (yPred.length !== n) throw new RangeError(`yTrue has ${n} items but yPred has ${yPred.length}`);
  if (positive !== undefined && !(Number.isInteger(positive) && positive >= 0 && positive < K)) {
    throw new RangeError(`positive class index ${positive} outside 0..${K - 1}`);
  }
  const confusion = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  for (let i = 0; i < n; i++) {
    const t = yTrue[i];
    const p = yPred[i];
    if (!Number.isInteger(t) || t < 0 || t >= K)
      throw new RangeError(`yTrue[${i}] = ${t} is not a class index 0..${K - 1}`);
    if (!Number.isInteger(p) || p < 0 || p >= K)
      throw new RangeError(`yPred[${i}] = ${p} is not a class index 0..${K - 1}`);
    confusion[t][p]++;
  }

  const per: ClassMetrics[] = [];
  let tpSum = 0;
  let fpSum = 0;
  let fnSum = 0;
  for (let k = 0; k < K; k++) {
    const tp = confusion[k][k];
    let support = 0;
    let predicted = 0;
    for (let j = 0; j < K; j++) {
      support += confusion[k][j];
      predicted += confusion[j][k];
    }
    const fp = predicted - tp;
    const fn = support - tp;
    tpSum += tp;
    fpSum += fp;
    fnSum += fn;
    per.push(classMetrics(tp, fp, fn));
  }

  const macro_precision = macroOver(per, (c) => c.precision);
  const macro_recall = macroOver(per, (c) => c.recall);
  const macro_f1 = macroOver(per, (c) => c.f1);
  const macroCi = bootstrapInterval(n, (w) => {
    const tp = new Float64Array(K);
    const fp = new Float64Array(K);
    const fn = new Float64Array(K);
    for (let i = 0; i < n; i++) {
      const c = w[i];
      if (!c) continue;
      const t = yTrue[i];
      const p = yPred[i];
      if (t === p) tp[t] += c;
      else {
        fp[p] += c;
        fn[t] += c;
      }
    }
    return macroF1FromCounts(tp, fp, fn);
  });
  // For single-label data every error is one FP (for the predicted class) and one FN (for the
  // true class), so micro-F1 == accuracy; computed from the counts anyway so tests can check it.
  const micro_f1 = f1Of(tpSum, fpSum, fnSum);
  const weighted_f1 = div(
    per.reduce((s, c) => s + c.f1 * c.support, 0),
    n,
  );
  const pos = positive ?? (K === 2 ? 1 : undefined);
  return {
    accuracy: div(tpSum, n),
    precision: pos === undefined ? macro_precision : per[pos].precision,
    recall: pos === undefined ? macro_recall : per[pos].recall,
    f1: pos === undefined ? macro_f1 : per[pos].f1,
    macro_f1,
    micro_f1,
    weighted_f1,
    macro_precision,
    macro_recall,
    per_class: perClassRecord(labels, per),
    confusion,
    ...evidence(
      n,
      tpSum,
      macroCi,
      labels.filter((_, k) => per[k].support > 0),
    ),
  };
}

/**
 * Multi-label metrics from 0/1 indicator rows (one row per document, one column per label).
 * Values other than 0/1 are refused: probabilities must go through `thresholdProbs` first.
 */
export function multiLabelMetrics(
  yTrue: ArrayLike<number>[],
  yPred: ArrayLike<number>[],
  labels: string[],
): MultiLabelMetrics {
  const K = labels.length;
  const n = yTrue.length;
  if (K < 1) throw new RangeError('labels must not be empty');
  if (yPred.length !== n) throw new RangeError(`yTrue has ${n} rows but yPred has ${yPred.length}`);
  const tp = new Array<number>(K).fill(0);
  const fp = new Array<number>(K).fill(0);
  const fn = new Array<number>(K).fill(0);
  let exact = 0;
  let mismatches = 0;
  for (let i = 0; i < n; i++) {
    const t = yTrue[i];
    const p = yPred[i];
    if (t.length !== K || p.length !== K) {
      throw new RangeError(`row ${i} has ${t.length} true / ${p.length} predicted values, expected ${K}`);
    }
    let rowMismatch = 0;
    for (let k = 0; k < K; k++) {
      const a = t[k];
      const b = p[k];
      if ((a !== 0 && a !== 1) || (b !== 0 && b !== 1)) {
        throw new RangeError(`row ${i}, label ${k}: values must be 0 or 1 (got ${a}, ${b})`);
      }
      if (a === 1 && b === 1) tp[k]++;
      else if (a === 0 && b === 1) fp[k]++;
      else if (a === 1 && b === 0) fn[k]++;
      if (a !== b) rowMismatch++;
    }
    if (rowMismatch === 0) exact++;
    mismatches += rowMismatch;
  }

  const per = labels.map((_, k) => classMetrics(tp[k], fp[k], fn[k]));
  const TP = tp.reduce((s, x) => s + x, 0);
  const FP = fp.reduce((s, x) => s + x, 0);
  const FN = fn.reduce((s, x) => s + x, 0);
  const totalSupport = per.reduce((s, c) => s + c.support, 0);
  const subset_accuracy = div(exact, n);
  const macroCi = bootstrapInterval(n, (w) => {
    const btp = new Float64Array(K);
    const bfp = new Float64Array(K);
    const bfn = new Float64Array(K);
    for (let i = 0; i < n; i++) {
      const c = w[i];
      if (!c) continue;
      const t = yTrue[i];
      const p = yPred[i];
      for (let k = 0; k < K; k++) {
        if (t[k] === 1 && p[k] === 1) btp[k] += c;
        else if (t[k] === 0 && p[k] === 1) bfp[k] += c;
        else if (t[k] === 1 && p[k] === 0) bfn[k] += c;
      }
    }
    return macroF1FromCounts(btp, bfp, bfn);
  });
  return {
    micro_f1: f1Of(TP, FP, FN),
    macro_f1: macroOver(per, (c) => c.f1),
    // sklearn's 'weighted': weights are label supports (count of true assignments), not n.
    weighted_f1: div(
      per.reduce((s, c) => s + c.f1 * c.support, 0),
      totalSupport,
    ),
    subset_accuracy,
    hamming_loss: div(mismatches, n * K),
    accuracy: subset_accuracy,
    micro_precision: div(TP, TP + FP),
    micro_recall: div(TP, TP + FN),
    macro_precision: macroOver(per, (c) => c.precision),
    macro_recall: macroOver(per, (c) => c.recall),
    per_class: perClassRecord(labels, per),
    ...evidence(
      n,
      exact,
      macroCi,
      labels.filter((_, k) => per[k].support > 0),
    ),
  };
}

/**
 * Paired percentile bootstrap (seeded, as `bootstrapInterval`) of macro-F1(a) − macro-F1(b) on the
 * same documents: each resample draws documents, and both models are scored on that draw, so what
 * the two share (easy and hard documents) cancels out. Decisions and truth are class-index sets per
 * document (single-label: one index), which covers single- and multi-label alike.
 */
export function macroF1DifferenceInterval(
  truth: readonly (readonly number[])[],
  a: readonly (readonly number[])[],
  b: readonly (readonly number[])[],
  K: number,
  resamples = BOOTSTRAP_RESAMPLES,
  seed = BOOTSTRAP_SEED,
): Interval {
  const n = truth.length;
  if (a.length !== n || b.length !== n)
    throw new RangeError(`macroF1DifferenceInterval: ${n} documents, ${a.length} and ${b.length} decisions`);
  const macroOf = (pred: readonly (readonly number[])[], w: Uint32Array) => {
    const tp = new Float64Array(K);
    const fp = new Float64Array(K);
    const fn = new Float64Array(K);
    for (let i = 0; i < n; i++) {
      const c = w[i]!;
      if (!c) continue;
      const t = truth[i]!;
      const p = pred[i]!;
      for (const k of p) (t.includes(k) ? tp : fp)[k] += c;
      for (const k of t) if (!p.includes(k)) fn[k] += c;
    }
    return macroF1FromCounts(tp, fp, fn);
  };
  return bootstrapInterval(n, (w) => macroOf(a, w) - macroOf(b, w), resamples, seed);
}

/** Index of the largest value (first one on ties; NaN never wins); -1 for an empty input. */
export function argmax(probs: ArrayLike<number>): number {
  let best = -1;
  let bestV = -Infinity;
  for (let i = 0; i < probs.length; i++) {
    const v = probs[i];
    if (v > bestV || (best === -1 && !Number.isNaN(v))) {
      best = i;
      bestV = v;
    }
  }
  return best;
}

/** Multi-label decision: 1 where p >= threshold (so p = 0.5 counts as positive at the default). */
export function thresholdProbs(probs: ArrayLike<number>, threshold = 0.5): Uint8Array {
  const out = new Uint8Array(probs.length);
  for (let i = 0; i < probs.length; i++) out[i] = probs[i] >= threshold ? 1 : 0;
  return out;
}

/** Mean and sample standard deviation (n − 1 in the denominator; 0 for n ≤ 1). */
export function meanStd(xs: ArrayLike<number>): { mean: number; std: number; n: number } {
  const n = xs.length;
  if (n === 0) return { mean: 0, std: 0, n: 0 };
  let s = 0;
  for (let i = 0; i < n; i++) s += xs[i];
  const m = s / n;
  if (n === 1) return { mean: m, std: 0, n };
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (xs[i] - m) ** 2;
  return { mean: m, std: Math.sqrt(ss / (n - 1)), n };
}

/**
 * Mean negative log-likelihood of the true class (categorical cross-entropy), probabilities
 * clipped to [eps, 1 − eps] so that a confident mistake costs a large finite amount, not Infinity.
 * Rows are taken as given (not renormalized).
 */
export function logLoss(yTrue: ArrayLike<number>, probs: ArrayLike<number>[], eps = 1e-15): number {
  if (probs.length !== yTrue.length)
    throw new RangeError(`yTrue has ${yTrue.length} items but probs has ${probs.length}`);
  if (yTrue.length === 0) return 0;
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const row = probs[i];
    const t = yTrue[i];
    if (!Number.isInteger(t) || t < 0 || t >= row.length)
      throw new RangeError(`yTrue[${i}] = ${t} is not a class index`);
    s -= Math.log(Math.min(1 - eps, Math.max(eps, row[t])));
  }
  return s / yTrue.length;
}

/** Mean binary cross-entropy over every (document, label) cell, for multi-label outputs. */
export function multiLabelLogLoss(yTrue: ArrayLike<number>[], probs: ArrayLike<number>[], eps = 1e-15): number {
  if (probs.length !== yTrue.length)
    throw new RangeError(`yTrue has ${yTrue.length} rows but probs has ${probs.length}`);
  let s = 0;
  let cells = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i];
    const p = probs[i];
    if (t.length !== p.length) throw new RangeError(`row ${i}: ${t.length} labels but ${p.length} probabilities`);
    for (let k = 0; k < t.length; k++) {
      const q = Math.min(1 - eps, Math.max(eps, p[k]));
      s -= t[k] * Math.log(q) + (1 - t[k]) * Math.log(1 - q);
      cells++;
    }
  }
  return cells === 0 ? 0 : s / cells;
}
