/**
 * Per-document informativeness scores over a pool, from model outputs (n × K probability rows):
 * higher = more worth a label. Pure functions; strategies.ts turns them into batches.
 */
import { binaryEntropy, entropy, leastConfidence, margin } from '../../shared/uncertainty';
import type { TaskType } from '../../shared/task';

export type UncertaintyKind = 'least-confidence' | 'margin' | 'entropy';

const ROW_SCORE = { 'least-confidence': leastConfidence, margin, entropy } as const;

function rowsOf(probs: Float32Array, K: number): number {
  if (K < 1 || probs.length % K !== 0)
    throw new RangeError(`probability array of length ${probs.length} is not n × ${K}`);
  return probs.length / K;
}

export function uncertaintyScores(kind: UncertaintyKind, probs: Float32Array, K: number, task: TaskType): Float64Array {
  const n = rowsOf(probs, K);
  const f = ROW_SCORE[kind];
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f(probs.subarray(i * K, (i + 1) * K), task);
  return out;
}

/**
 * Vote entropy of a committee (Dagan & Engelson 1995): each member votes its argmax class
 * (multi-label: yes/no per label, mean over labels), score = entropy of the vote shares,
 * normalised to [0, 1]. Votes are coarse (M + 1 levels), so ties are broken by the entropy of the
 * members' mean probabilities (weighted 1e-3, below one vote step).
 */
export function voteEntropy(members: readonly Float32Array[], K: number, task: TaskType): Float64Array {
  const M = members.length;
  if (M < 2) throw new RangeError(`vote entropy needs a committee of at least 2 members, got ${M}`);
  const n = rowsOf(members[0]!, K);
  for (const m of members)
    if (m.length !== members[0]!.length) throw new RangeError('committee members disagree on the number of rows');
  const out = new Float64Array(n);
  const votes = new Float64Array(K);
  const mean = new Float32Array(K);
  for (let i = 0; i < n; i++) {
    votes.fill(0);
    mean.fill(0);
    for (const m of members) {
      const row = m.subarray(i * K, (i + 1) * K);
      for (let c = 0; c < K; c++) mean[c]! += row[c]! / M;
      if (task === 'multilabel') {
        for (let c = 0; c < K; c++) if (row[c]! >= 0.5) votes[c]!++;
      } else {
        let best = 0;
        for (let c = 1; c < K; c++) if (row[c]! > row[best]!) best = c;
        votes[best]!++;
      }
    }
    let ve = 0;
    if (task === 'multilabel') {
      for (let c = 0; c < K; c++) ve += binaryEntropy(votes[c]! / M) / K;
    } else {
      for (let c = 0; c < K; c++) if (votes[c]! > 0) ve -= (votes[c]! / M) * Math.log(votes[c]! / M);
      ve /= Math.log(Math.min(K, M));
    }
    out[i] = ve + 1e-3 * entropy(mean, task);
  }
  return out;
}

/** −p ln p, 0 at p = 0 (nats). */
function plogp(p: number): number {
  return p > 0 ? -p * Math.log(p) : 0;
}

/**
 * BALD (Houlsby et al. 2011; Gal et al. 2017 for MC dropout): the mutual information between the
 * prediction and the model, I = H[mean_t p_t] − mean_t H[p_t], in nats, over T stochastic
 * predictions (MC-dropout passes or the members of a bootstrap ensemble). High where the members
 * are each sure but disagree; 0 where they all agree (a model without dropout gives T identical
 * passes, so BALD is 0 everywhere). Multi-label: each label is a binary problem, and the per-label
 * BALD values are summed (labels are modelled independently, so their informations add).
 */
export function bald(members: readonly Float32Array[], K: number, task: TaskType): Float64Array {
  const T = members.length;
  if (T < 2) throw new RangeError(`BALD needs at least 2 stochastic predictions, got ${T}`);
  const n = rowsOf(members[0]!, K);
  for (const m of members)
    if (m.length !== members[0]!.length) throw new RangeError('BALD: the predictions disagree on the number of rows');
  const multi = task === 'multilabel';
  const h = (p: number) => (multi ? plogp(p) + plogp(1 - p) : plogp(p));
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let info = 0;
    for (let c = 0; c < K; c++) {
      let mean = 0;
      let meanH = 0;
      for (const m of members) {
        const p = m[i * K + c]!;
        mean += p / T;
        meanH += h(p) / T;
      }
      info += h(mean) - meanH;
    }
    // Rounding can leave −1e-17 where the members agree; information is never negative.
    out[i] = Math.max(0, info);
  }
  return out;
}

const EPS = 1e-7;

/**
 * KL(teacher ‖ student) per document, in nats: where the shipped student departs most from the
 * teacher it was distilled from. Multi-label: mean over labels of the Bernoulli KL.
 */
export function teacherStudentKl(
  teacher: Float32Array,
  student: Float32Array,
  K: number,
  task: TaskType,
): Float64Array {
  const n = rowsOf(teacher, K);
  if (student.length !== teacher.length)
    throw new RangeError(`teacher has ${n} rows but the student ${student.length / K}`);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let kl = 0;
    for (let c = 0; c < K; c++) {
      const t = Math.min(1 - EPS, Math.max(EPS, teacher[i * K + c]!));
      const s = Math.min(1 - EPS, Math.max(EPS, student[i * K + c]!));
      kl += t * Math.log(t / s);
      if (task === 'multilabel') kl += (1 - t) * Math.log((1 - t) / (1 - s));
    }
    out[i] = task === 'multilabel' ? kl / K : kl;
  }
  return out;
}

/**
 * A multi-label score after Li & Guo (2013): uncertainty (mean binary entropy) times label-
 * cardinality inconsistency, 1 + |predicted labels − mean labels per labeled document|, so documents
 * whose predicted label count looks wrong come first among equally uncertain ones.
 */
export function cardinalityScores(
  probs: Float32Array,
  K: number,
  meanCardinality: number,
  threshold = 0.5,
): Float64Array {
  const n = rowsOf(probs, K);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = probs.subarray(i * K, (i + 1) * K);
    let predicted = 0;
    for (let c = 0; c < K; c++) if (row[c]! >= threshold) predicted++;
    out[i] = entropy(row, 'multilabel') * (1 + Math.abs(predicted - meanCardinality));
  }
  return out;
}
