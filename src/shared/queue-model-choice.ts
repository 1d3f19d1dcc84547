/**
 * Which model orders the annotation queue (issue #12): every candidate — the live loop's naive Bayes,
 * the latest student, the teacher — is scored on the project's gold set, and the best one pre-labels
 * and orders the queue. Pure: the gold-set score of a candidate's probabilities and the choice, shared
 * by the worker's live-loop job and the small-data bench so both choose by the same rule.
 */
import { argmax, multiLabelMetrics, singleLabelMetrics, thresholdProbs, type Interval } from './metrics';

/** Naive Bayes (char n-grams), the latest distilled student, the project's teacher. */
export type QueueModelKind = 'nb' | 'student' | 'teacher';

/** Cheapest first: on a tie the cheaper model keeps the queue (it retrains in seconds). */
export const QUEUE_MODEL_KINDS: readonly QueueModelKind[] = ['nb', 'student', 'teacher'];

export const CHOICE_RULE = 'highest gold-set macro-F1; a tie (equal to 1e-9) goes to the higher accuracy, then to the cheaper model (naive Bayes, student, teacher)';

/** A model's score on the gold set (fractions; n = gold documents). */
export interface GoldScore {
  n: number;
  accuracy: number;
  accuracyCi: Interval;
  macroF1: number;
}

export interface QueueCandidate {
  kind: QueueModelKind;
  version: string;
  /** Absent when the project has no gold set yet: nothing to compare on. */
  gold?: GoldScore;
}

/**
 * The gold-set score of n × K probabilities against the gold labels (class indices per document).
 * Single-label: argmax; multi-label: each label at 0.5, accuracy = exact match. Macro-F1 over the
 * classes present in the gold labels (shared/metrics.ts).
 */
export function goldScore(probs: ArrayLike<number>, truth: readonly (readonly number[])[], labels: string[], multiLabel: boolean): GoldScore {
  const K = labels.length;
  const n = truth.length;
  if (probs.length !== n * K) throw new RangeError(`goldScore: ${probs.length} probabilities for ${n} documents × ${K} labels`);
  const row = (i: number) => Array.prototype.slice.call(probs, i * K, (i + 1) * K) as number[];
  if (multiLabel) {
    const yTrue = truth.map((t) => Array.from({ length: K }, (_, k) => (t.includes(k) ? 1 : 0)));
    const yPred = truth.map((_, i) => Array.from(thresholdProbs(row(i))));
    const m = multiLabelMetrics(yTrue, yPred, labels);
    return { n, accuracy: m.accuracy, accuracyCi: m.accuracy_ci, macroF1: m.macro_f1 };
  }
  const m = singleLabelMetrics(
    truth.map((t) => t[0]!),
    truth.map((_, i) => argmax(row(i))),
    labels,
  );
  return { n, accuracy: m.accuracy, accuracyCi: m.accuracy_ci, macroF1: m.macro_f1 };
}

/** What the live loop's job reports: every candidate's gold score, the one chosen, and its stop-set decisions. */
export interface QueueChoice {
  candidates: (QueueCandidate & { error?: string })[];
  /** Index into `candidates`. */
  chosen: number;
  rule: string;
  /** Human labels the naive Bayes candidate trained on (the gold set left out). */
  trainLabels: number;
  /**
   * The chosen model's decision on each stop-set document (unlabeled documents, the first
   * STOP_SET_SIZE in a fixed hash order of their ids): the argmax label index, or for multi-label
   * the indices at ≥ 0.5 joined by ','. Successive rounds' κ is taken over the ids both hold.
   */
  stop: Record<string, string>;
}

const EPS = 1e-9;

/**
 * Index of the candidate that orders the queue, by CHOICE_RULE. Candidates without a gold score
 * (no gold set yet) rank below any with one; among those alone the cheapest wins. -1 for none.
 */
export function chooseQueueModel(candidates: readonly QueueCandidate[]): number {
  let best = -1;
  for (let i = 0; i < candidates.length; i++) {
    if (best < 0 || better(candidates[i]!, candidates[best]!)) best = i;
  }
  return best;
}

function better(a: QueueCandidate, b: QueueCandidate): boolean {
  if (a.gold && !b.gold) return true;
  if (!a.gold && b.gold) return false;
  if (a.gold && b.gold) {
    if (a.gold.macroF1 > b.gold.macroF1 + EPS) return true;
    if (a.gold.macroF1 < b.gold.macroF1 - EPS) return false;
    if (a.gold.accuracy > b.gold.accuracy + EPS) return true;
    if (a.gold.accuracy < b.gold.accuracy - EPS) return false;
  }
  return QUEUE_MODEL_KINDS.indexOf(a.kind) < QUEUE_MODEL_KINDS.indexOf(b.kind);
}
