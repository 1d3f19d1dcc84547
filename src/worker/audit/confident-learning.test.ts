import { describe, expect, it } from 'vitest';
import { confidentJoint, confidentThresholds, findLabelIssues, findMultiLabelIssues } from './confident-learning';

// 6 examples, 2 classes; rows are P(0), P(1). Examples 0–2 labeled 0, 3–5 labeled 1.
const LABELS = [0, 0, 0, 1, 1, 1];
const PROBS = [
  [0.9, 0.1],
  [0.8, 0.2],
  [0.1, 0.9], // labeled 0, confidently 1: the planted error
  [0.2, 0.8],
  [0.3, 0.7],
  [0.6, 0.4], // labeled 1, leaning 0 but under class 0's threshold
].flat();

describe('confident learning by hand', () => {
  it('thresholds are the mean self-confidence per class', () => {
    const t = confidentThresholds(LABELS, PROBS, 2);
    expect(t[0]).toBeCloseTo((0.9 + 0.8 + 0.1) / 3, 12); // 0.6
    expect(t[1]).toBeCloseTo((0.8 + 0.7 + 0.4) / 3, 12); // 0.6333
  });
  it('the confident joint counts each example into the class over its threshold; rows calibrated to the label counts', () => {
    // Example 5: P(0) = 0.6 ≥ t_0 − 1e-6 → counted as (given 1, true 0). Example 2 → (0, 1). Example 4: 0.7 ≥ 0.633 → (1, 1).
    // Raw: row 0 = [2, 1], row 1 = [1, 2]; already summing to 3 and 3.
    expect(Array.from(confidentJoint(LABELS, PROBS, 2))).toEqual([2, 1, 1, 2]);
  });
  it('finds the issues (argmax ≠ given), ranked by self-confidence or normalized margin', () => {
    // Off-diagonal: examples 2 and 5; both have argmax ≠ given label.
    expect(findLabelIssues(LABELS, PROBS, 2)).toEqual([
      { index: 2, suggested: 1, score: expect.closeTo(0.1, 12) },
      { index: 5, suggested: 0, score: expect.closeTo(0.4, 12) },
    ]);
    expect(findLabelIssues(LABELS, PROBS, 2, 'normalized_margin').map((x) => [x.index, x.score])).toEqual([
      [2, expect.closeTo((0.1 - 0.9 + 1) / 2, 12)],
      [5, expect.closeTo((0.4 - 0.6 + 1) / 2, 12)],
    ]);
    // prune_by_noise_rate: C[0][1] = 1 → the largest P(1) − P(0) among class 0 (example 2); C[1][0] = 1 → example 5.
    expect(findLabelIssues(LABELS, PROBS, 2, 'self_confidence', 'prune_by_noise_rate').map((x) => x.index)).toEqual([
      2, 5,
    ]);
  });
  it('multi-label: one-vs-rest, each flagged label named, scored by the worst label', () => {
    // Label 0 present on docs 0, 1; label 1 on doc 2. Doc 1 carries label 0 though P(label 0) = 0.05.
    const sets = [[0], [0], [1], [], [1], []];
    const p = [0.9, 0.1, 0.05, 0.1, 0.1, 0.9, 0.1, 0.1, 0.2, 0.8, 0.1, 0.2].map((x) => x);
    const issues = findMultiLabelIssues(sets, p, 2);
    expect(issues).toEqual([{ index: 1, flagged: [0], score: expect.closeTo(0.05, 12) }]);
  });
});
