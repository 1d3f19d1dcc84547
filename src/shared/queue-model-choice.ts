/**
 * Which model orders the annotation queue (issue #12): every candidate — the live loop's naive Bayes,
 * the latest student, the teacher — is scored on the project's gold set, and the cheapest one that no
 * costlier model beats by more than the noise pre-labels and orders the queue. Pure: the gold-set
 * score of a candidate's probabilities and the choice, shared by the worker's live-loop job and the
 * small-data bench so both choose by the same rule.
 *
 * Why not simply the best gold score: a gold set of 10–40 documents (a few hundred labels) moves by
 * 5–15 points of macro-F1 on two or three documents, so "the best on gold" is often the luckiest,
 * and a costlier model chosen that way was worse on documents no model saw (bench/small-data.bench.ts).
 */
import {
  argmax,
  macroF1DifferenceInterval,
  multiLabelMetrics,
  singleLabelMetrics,
  thresholdProbs,
  type Interval,
} from './metrics';

/** Naive Bayes (char n-grams), the latest distilled student, the project's teacher. */
export type QueueModelKind = 'nb' | 'student' | 'teacher';

/** Cheapest first: on a tie the cheaper model keeps the queue (it retrains in seconds). */
export const QUEUE_MODEL_KINDS: readonly QueueModelKind[] = ['nb', 'student', 'teacher'];

/** Below this many gold documents the gold set alone is too noisy: naive Bayes's cross-validation adds evidence. */
export const SMALL_GOLD = 50;
/** K of naive Bayes's K-fold cross-validation on its training labels. */
export const CV_FOLDS = 5;

export const CHOICE_RULE =
  'the cheaper model (naive Bayes, then the student, then the teacher) keeps the queue unless a costlier one beats it by more than the noise: ' +
  "the 95 % paired-bootstrap interval of its gold-set macro-F1 minus the kept model's lies above 0, and, on a gold set under " +
  `${SMALL_GOLD} documents, its own gold macro-F1 interval lies above naive Bayes's ${CV_FOLDS}-fold cross-validated macro-F1 on the training labels; ` +
  'no model ever trains on the gold set';

/** A model's score on the gold set (fractions; n = gold documents). */
export interface GoldScore {
  n: number;
  accuracy: number;
  accuracyCi: Interval;
  macroF1: number;
  /** Bootstrap 95 % interval of macroF1 (shared/metrics.ts). */
  macroF1Ci: Interval;
}

/** Naive Bayes's K-fold cross-validated score on its own training labels (fractions; n = documents). */
export interface CvScore {
  folds: number;
  n: number;
  accuracy: number;
  macroF1: number;
}

/** How a costlier candidate fared against the cheaper model kept before it (CHOICE_RULE). */
export interface Verdict {
  against: QueueModelKind;
  /** Its gold macro-F1 minus the kept model's, and the 95 % paired-bootstrap interval of that difference. */
  f1Diff: number;
  f1DiffCi: Interval;
  /** Small gold set with naive Bayes cross-validated: whether its gold macro-F1 interval lies above that estimate. */
  aboveNbCv?: boolean;
  /** Beat the kept model by more than the noise, and so took the queue from it. */
  clear: boolean;
}

export interface QueueCandidate {
  kind: QueueModelKind;
  version: string;
  /** Absent when the project has no gold set yet: nothing to compare on. */
  gold?: GoldScore;
  /** Set on a costlier candidate that was compared with a cheaper one. */
  verdict?: Verdict;
}

/**
 * The gold-set score of n × K probabilities against the gold labels (class indices per document).
 * Single-label: argmax; multi-label: each label at 0.5, accuracy = exact match. Macro-F1 over the
 * classes present in the gold labels (shared/metrics.ts).
 */
export function goldScore(
  probs: ArrayLike<number>,
  truth: readonly (readonly number[])[],
  labels: string[],
  multiLabel: boolean,
): GoldScore {
  const K = labels.length;
  const n = truth.length;
  if (probs.length !== n * K)
    throw new RangeError(`goldScore: ${probs.length} probabilities for ${n} documents × ${K} labels`);
  const row = (i: number) => Array.prototype.slice.call(probs, i * K, (i + 1) * K) as number[];
  if (multiLabel) {
    const yTrue = truth.map((t) => Array.from({ length: K }, (_, k) => (t.includes(k) ? 1 : 0)));
    const yPred = truth.map((_, i) => Array.from(thresholdProbs(row(i))));
    const m = multiLabelMetrics(yTrue, yPred, labels);
    return { n, accuracy: m.accuracy, accuracyCi: m.accuracy_ci, macroF1: m.macro_f1, macroF1Ci: m.macro_f1_ci };
  }
  const m = singleLabelMetrics(
    truth.map((t) => t[0]!),
    truth.map((_, i) => argmax(row(i))),
    labels,
  );
  return { n, accuracy: m.accuracy, accuracyCi: m.accuracy_ci, macroF1: m.macro_f1, macroF1Ci: m.macro_f1_ci };
}

/** A model's decisions from n × K probabilities: per document the argmax, or for multi-label the indices at ≥ 0.5. */
export function decisionsOf(probs: ArrayLike<number>, K: number, multiLabel: boolean): number[][] {
  const out: number[][] = [];
  for (let i = 0; i * K < probs.length; i++) {
    const row = Array.prototype.slice.call(probs, i * K, (i + 1) * K) as number[];
    out.push(multiLabel ? Array.from(thresholdProbs(row)).flatMap((x, k) => (x ? [k] : [])) : [argmax(row)]);
  }
  return out;
}

/** What the live loop's job reports: every candidate's gold score, the one chosen, and its stop-set decisions. */
export interface QueueChoice {
  candidates: (QueueCandidate & { error?: string })[];
  /** Index into `candidates`. */
  chosen: number;
  rule: string;
  /** Human labels the naive Bayes candidate trained on (the gold set left out). */
  trainLabels: number;
  /** Naive Bayes cross-validated on those labels: computed when the gold set is under SMALL_GOLD documents. */
  nbCv?: CvScore;
  /**
   * The chosen model's decision on each stop-set document (unlabeled documents, the first
   * STOP_SET_SIZE in a fixed hash order of their ids): the argmax label index, or for multi-label
   * the indices at ≥ 0.5 joined by ','. Successive rounds' κ is taken over the ids both hold.
   */
  stop: Record<string, string>;
}

/** What the choice weighs beside the candidates' gold scores. */
export interface ChoiceEvidence {
  /** The gold labels: class indices per gold document. */
  truth: readonly (readonly number[])[];
  /** Per candidate, in the candidates' order: its decisions on the gold documents (decisionsOf); absent for one not scored. */
  decisions: readonly (readonly (readonly number[])[] | undefined)[];
  nbCv?: CvScore;
}

const cost = (c: QueueCandidate) => QUEUE_MODEL_KINDS.indexOf(c.kind);

/**
 * The choice by CHOICE_RULE: the index of the candidate that orders the queue (-1 for none) and, per
 * candidate, the verdict of its comparison with the cheaper model kept before it. The candidates are
 * taken cheapest first; each costlier one with a gold score is compared with the one kept so far and
 * takes its place only when it wins clearly. Without a gold set (no candidate scored) the cheapest
 * keeps the queue; a scored candidate ranks above any unscored one. A candidate without decisions
 * cannot be compared pairwise, so it never displaces a scored cheaper one.
 */
export function decideQueueModel(
  candidates: readonly QueueCandidate[],
  evidence?: ChoiceEvidence,
): { chosen: number; verdicts: (Verdict | undefined)[] } {
  const verdicts: (Verdict | undefined)[] = candidates.map(() => undefined);
  const byCost = candidates.map((_, i) => i).sort((a, b) => cost(candidates[a]!) - cost(candidates[b]!) || a - b);
  const scored = byCost.filter((i) => candidates[i]!.gold);
  if (!scored.length) return { chosen: byCost[0] ?? -1, verdicts };
  let kept = scored[0]!;
  for (const i of scored.slice(1)) {
    const v = evidence && verdictOf(i, kept, candidates, evidence);
    verdicts[i] = v;
    if (v?.clear) kept = i;
  }
  return { chosen: kept, verdicts };
}

/** The index of the candidate that orders the queue (decideQueueModel). */
export function chooseQueueModel(candidates: readonly QueueCandidate[], evidence?: ChoiceEvidence): number {
  return decideQueueModel(candidates, evidence).chosen;
}

function verdictOf(
  i: number,
  kept: number,
  candidates: readonly QueueCandidate[],
  e: ChoiceEvidence,
): Verdict | undefined {
  const a = candidates[i]!;
  const b = candidates[kept]!;
  const da = e.decisions[i];
  const db = e.decisions[kept];
  if (!a.gold || !b.gold || !da || !db || !e.truth.length) return undefined;
  const K = 1 + Math.max(0, ...[e.truth, da, db].flatMap((rows) => rows.flatMap((r) => [...r])));
  const f1DiffCi = macroF1DifferenceInterval(e.truth, da, db, K);
  // On a small gold set naive Bayes's own gold score is as noisy as the candidate's; its cross-validated
  // score on the (larger) training labels is the steadier bar, and the candidate must clear it with its whole interval.
  const small = e.nbCv && a.gold.n < SMALL_GOLD;
  const aboveNbCv = small ? a.gold.macroF1Ci[0] > e.nbCv!.macroF1 : undefined;
  return {
    against: b.kind,
    f1Diff: a.gold.macroF1 - b.gold.macroF1,
    f1DiffCi,
    ...(aboveNbCv === undefined ? {} : { aboveNbCv }),
    clear: f1DiffCi[0] > 0 && aboveNbCv !== false,
  };
}

/** The costlier candidates that scored higher on the gold set than the chosen one but not by more than the noise. */
export function passedOver(choice: Pick<QueueChoice, 'candidates' | 'chosen'>): QueueModelKind[] {
  const chosen = choice.candidates[choice.chosen];
  if (!chosen?.gold) return [];
  return choice.candidates
    .filter(
      (c, i) =>
        i !== choice.chosen &&
        !c.error &&
        c.verdict &&
        !c.verdict.clear &&
        c.gold &&
        c.gold.macroF1 > chosen.gold!.macroF1,
    )
    .map((c) => c.kind);
}
