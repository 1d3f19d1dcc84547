/**
 * Confident learning (Northcutt, Jiang & Chuang, "Confident Learning: Estimating Uncertainty in
 * Dataset Labels", JAIR 2021), as cleanlab's `filter.find_label_issues` does it, on out-of-fold
 * predicted probabilities:
 *
 * 1. Per-class thresholds t_j = the mean self-confidence P(j | x) of the examples labeled j.
 * 2. Confident joint C[given][true]: an example counts into the class j with P(j | x) ≥ t_j (of
 *    several such classes, the argmax); examples above no threshold are not counted.
 * 3. Issues, by one of cleanlab's filters (filter_by):
 *    - 'confident_learning' (our default): the examples counted off the diagonal of C, i.e.
 *      confidently in another class than their given one;
 *    - 'prune_by_noise_rate' (cleanlab's default): C's diagonal is kept ≥ 1, each row calibrated to
 *      the number of examples with that given label and rounded keeping row totals; then for each
 *      given class k and other class j the C[k][j] examples labeled k with the largest margin
 *      P(j | x) − P(k | x) are issues, keeping at least one example per class.
 *    Either way, examples whose argmax is their given label are not issues. On waimai_10k with
 *    10 % of labels flipped the first flags fewer, surer documents (precision 0.61 vs 0.49 at
 *    recall 0.58 vs 0.73; bench/audit-noise.bench.ts), which is what a review queue wants.
 * 4. Rank by a label-quality score, lowest first: self-confidence P(given | x), or the normalized
 *    margin (P(given | x) − max_{j ≠ given} P(j | x) + 1) / 2.
 *
 * Multi-label: one-vs-rest, each label a binary problem (has it / has it not, probabilities
 * 1 − p and p), as cleanlab's multi-label filter does; an example is an issue if any of its labels
 * is, the suggestion toggles exactly the flagged labels, and its score is the lowest binary quality
 * score over all labels (cleanlab averages the sorted per-label scores; the minimum ranks by the
 * worst label, which is what a reviewer fixes).
 */

export type RankBy = 'self_confidence' | 'normalized_margin';
/** Which examples are issues (cleanlab's filter_by): see the module comment. */
export type IssueFilter = 'confident_learning' | 'prune_by_noise_rate';

export interface LabelIssue {
  /** Row in the inputs. */
  index: number;
  /** Single-label: the class the model prefers (its argmax). */
  suggested: number;
  /** Label quality, in [0, 1]: lower = more likely mislabeled. */
  score: number;
}

/** t_j: mean P(j | x) over the examples labeled j; Infinity for a class nobody carries (nothing counts into it). */
export function confidentThresholds(labels: ArrayLike<number>, probs: ArrayLike<number>, K: number): Float64Array {
  const sum = new Float64Array(K);
  const count = new Float64Array(K);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    sum[y]! += probs[i * K + y]!;
    count[y]!++;
  }
  return sum.map((s, j) => (count[j]! > 0 ? s / count[j]! : Infinity));
}

/**
 * Each example's confident true-label guess: the class j with P(j | x) ≥ t_j (of several such
 * classes, the argmax), or −1 where no class reaches its threshold.
 */
export function confidentGuesses(probs: ArrayLike<number>, K: number, thresholds: ArrayLike<number>): Int32Array {
  const n = probs.length / K;
  const guess = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let confident = -1;
    let nConfident = 0;
    for (let j = 0; j < K; j++) {
      // cleanlab's 1e-6 slack, so that an example exactly at its class's mean counts.
      if (probs[i * K + j]! >= thresholds[j]! - 1e-6) {
        nConfident++;
        confident = j;
      }
    }
    guess[i] = nConfident > 1 ? argmax(probs, i, K) : confident;
  }
  return guess;
}

/** The calibrated confident joint, K × K row-major (row: given label, column: true-label guess). */
export function confidentJoint(
  labels: ArrayLike<number>,
  probs: ArrayLike<number>,
  K: number,
  thresholds = confidentThresholds(labels, probs, K),
): Float64Array {
  const C = new Float64Array(K * K);
  const labelCounts = new Float64Array(K);
  const guess = confidentGuesses(probs, K, thresholds);
  for (let i = 0; i < labels.length; i++) {
    labelCounts[labels[i]!]!++;
    if (guess[i]! >= 0) C[labels[i]! * K + guess[i]!]!++;
  }
  for (let k = 0; k < K; k++) C[k * K + k] = Math.max(1, C[k * K + k]!);
  // Calibrate: row k sums to the number of examples labeled k (the joint's marginal over given labels is known exactly).
  for (let k = 0; k < K; k++) {
    let row = 0;
    for (let j = 0; j < K; j++) row += C[k * K + j]!;
    for (let j = 0; j < K; j++) C[k * K + j] = (C[k * K + j]! / row) * labelCounts[k]!;
    roundPreservingTotal(C.subarray(k * K, (k + 1) * K));
  }
  return C;
}

/** Rounds in place so that the sum (an integer) is kept: floors, then +1 to the largest remainders. */
function roundPreservingTotal(xs: Float64Array): void {
  const total = Math.round(xs.reduce((s, x) => s + x, 0));
  const floors = Array.from(xs, Math.floor);
  let short = total - floors.reduce((s, x) => s + x, 0);
  const byRemainder = Array.from(xs, (x, j) => j).sort((a, b) => xs[b]! - floors[b]! - (xs[a]! - floors[a]!));
  for (const j of byRemainder) {
    if (short <= 0) break;
    floors[j]!++;
    short--;
  }
  xs.set(floors);
}

function argmax(probs: ArrayLike<number>, i: number, K: number): number {
  let best = 0;
  for (let j = 1; j < K; j++) if (probs[i * K + j]! > probs[i * K + best]!) best = j;
  return best;
}

/** Label-quality score of example i with given label y. */
export function labelQuality(probs: ArrayLike<number>, i: number, y: number, K: number, rankBy: RankBy): number {
  const self = probs[i * K + y]!;
  if (rankBy === 'self_confidence') return self;
  let other = 0;
  for (let j = 0; j < K; j++) if (j !== y) other = Math.max(other, probs[i * K + j]!);
  return (self - other + 1) / 2;
}

/** filter_by = 'confident_learning': the examples the confident joint counts off its diagonal. */
function offDiagonal(labels: ArrayLike<number>, probs: ArrayLike<number>, K: number): Uint8Array {
  const guess = confidentGuesses(probs, K, confidentThresholds(labels, probs, K));
  return Uint8Array.from(guess, (g, i) => (g >= 0 && g !== labels[i] ? 1 : 0));
}

/** filter_by = 'prune_by_noise_rate': per given class k and other class j, the C[k][j] examples with the largest margin P(j) − P(k). */
function pruneByNoiseRate(labels: ArrayLike<number>, probs: ArrayLike<number>, K: number): Uint8Array {
  const n = labels.length;
  const C = confidentJoint(labels, probs, K);
  const byClass: number[][] = Array.from({ length: K }, () => []);
  for (let i = 0; i < n; i++) byClass[labels[i]!]!.push(i);
  const flagged = new Uint8Array(n);
  for (let k = 0; k < K; k++) {
    const members = byClass[k]!;
    if (members.length <= 1) continue;
    const prune = Array.from({ length: K }, (_, j) => (j === k ? 0 : C[k * K + j]!));
    // Keep at least one example of class k.
    const total = prune.reduce((s, x) => s + x, 0);
    if (total > members.length - 1) {
      const f = (members.length - 1) / total;
      for (let j = 0; j < K; j++) prune[j] = Math.floor(prune[j]! * f);
    }
    for (let j = 0; j < K; j++) {
      const count = prune[j]!;
      if (count <= 0) continue;
      const byMargin = [...members].sort(
        (a, b) => probs[b * K + j]! - probs[b * K + k]! - (probs[a * K + j]! - probs[a * K + k]!),
      );
      for (const i of byMargin.slice(0, count)) flagged[i] = 1;
    }
  }
  return flagged;
}

/** Single-label issues, most likely mislabeled first. probs: n × K out-of-fold P(class | x). */
export function findLabelIssues(
  labels: ArrayLike<number>,
  probs: ArrayLike<number>,
  K: number,
  rankBy: RankBy = 'self_confidence',
  filter: IssueFilter = 'confident_learning',
): LabelIssue[] {
  const n = labels.length;
  if (probs.length !== n * K)
    throw new RangeError(`findLabelIssues: ${probs.length} probabilities for ${n} examples × ${K} classes`);
  const flagged = filter === 'confident_learning' ? offDiagonal(labels, probs, K) : pruneByNoiseRate(labels, probs, K);
  const issues: LabelIssue[] = [];
  for (let i = 0; i < n; i++) {
    if (!flagged[i]) continue;
    const suggested = argmax(probs, i, K);
    if (suggested === labels[i]) continue;
    issues.push({ index: i, suggested, score: labelQuality(probs, i, labels[i]!, K, rankBy) });
  }
  return issues.sort((a, b) => a.score - b.score || a.index - b.index);
}

export interface MultiLabelIssue {
  index: number;
  /** Labels whose presence or absence is suspect. */
  flagged: number[];
  score: number;
}

/** Multi-label issues (one-vs-rest), most likely mislabeled first. probs: n × K out-of-fold P(label l | x). */
export function findMultiLabelIssues(
  labelSets: readonly (readonly number[])[],
  probs: ArrayLike<number>,
  K: number,
  rankBy: RankBy = 'self_confidence',
  filter: IssueFilter = 'confident_learning',
): MultiLabelIssue[] {
  const n = labelSets.length;
  if (probs.length !== n * K)
    throw new RangeError(`findMultiLabelIssues: ${probs.length} probabilities for ${n} examples × ${K} labels`);
  const flagged: number[][] = Array.from({ length: n }, () => []);
  const score = new Float64Array(n).fill(1);
  const y = new Int32Array(n);
  const binary = new Float64Array(2 * n);
  for (let l = 0; l < K; l++) {
    for (let i = 0; i < n; i++) {
      y[i] = labelSets[i]!.includes(l) ? 1 : 0;
      binary[2 * i + 1] = probs[i * K + l]!;
      binary[2 * i] = 1 - binary[2 * i + 1]!;
      score[i] = Math.min(score[i]!, labelQuality(binary, i, y[i]!, 2, rankBy));
    }
    for (const issue of findLabelIssues(y, binary, 2, rankBy, filter)) flagged[issue.index]!.push(l);
  }
  const out: MultiLabelIssue[] = [];
  flagged.forEach((f, index) => {
    if (f.length) out.push({ index, flagged: f, score: score[index]! });
  });
  return out.sort((a, b) => a.score - b.score || a.index - b.index);
}
