import { describe, expect, it } from 'vitest';
import { coldStartBatch, diverseBatch, topK } from './diversity';
import { bald, cardinalityScores, teacherStudentKl, uncertaintyScores, voteEntropy } from './scores';
import { parseStrategies, selectBatch } from './strategies';

const rows = (...r: number[][]) => Float32Array.from(r.flat());

describe('uncertainty scores', () => {
  // Rows chosen so that the three classic scores disagree on the order.
  const probs = rows([0.5, 0.5, 0], [0.4, 0.3, 0.3], [0.9, 0.05, 0.05], [0.45, 0.45, 0.1]);
  it('entropy orders by −Σ p log p', () => {
    // H: [0.693, 1.089, 0.394, 0.948] nats
    expect(topK(uncertaintyScores('entropy', probs, 3, 'multiclass'), 4)).toEqual([1, 3, 0, 2]);
  });
  it('least confidence orders by 1 − max p', () => {
    // 1 − max: [0.5, 0.6, 0.1, 0.55]
    expect(topK(uncertaintyScores('least-confidence', probs, 3, 'multiclass'), 4)).toEqual([1, 3, 0, 2]);
  });
  it('margin (breaking ties) orders by the smallest gap between the top two', () => {
    // p1 − p2: [0, 0.1, 0.85, 0] — rows 0 and 3 tie, the lower index first
    expect(topK(uncertaintyScores('margin', probs, 3, 'multiclass'), 4)).toEqual([0, 3, 1, 2]);
  });
  it('multi-label entropy is the mean binary entropy per label', () => {
    const s = uncertaintyScores('entropy', rows([0.5, 0.5], [0.5, 1], [1, 0]), 2, 'multilabel');
    expect([...s]).toEqual([1, 0.5, 0]);
  });
});

describe('committee and teacher disagreement', () => {
  it('vote entropy: split votes above unanimous ones, probability entropy breaks ties', () => {
    const a = rows([0.9, 0.1], [0.6, 0.4], [0.55, 0.45]);
    const b = rows([0.8, 0.2], [0.3, 0.7], [0.6, 0.4]);
    const ve = voteEntropy([a, b], 2, 'binary');
    expect(ve[1]).toBeGreaterThan(ve[2]!); // 1–1 split vs unanimous
    expect(ve[2]).toBeGreaterThan(ve[0]!); // both unanimous, row 2's mean is closer to 0.5
    expect(ve[1]).toBeCloseTo(1, 2);
  });
  it('BALD: H[mean p] − mean H[p]; two confident members that disagree give ln 2 − H(0.9, 0.1), identical ones 0', () => {
    const H = (p: number) => -p * Math.log(p) - (1 - p) * Math.log(1 - p);
    const a = rows([0.9, 0.1], [0.7, 0.3], [0.5, 0.5]);
    const b = rows([0.1, 0.9], [0.7, 0.3], [0.5, 0.5]);
    const s = bald([a, b], 2, 'binary');
    expect(s[0]).toBeCloseTo(Math.LN2 - H(0.9), 6); // 0.3681 nats
    expect(s[1]).toBe(0); // identical members: no disagreement, however unsure each is
    expect(s[2]).toBe(0); // both at 0.5: entropy is high but BALD is 0 (entropy would rank it first)
    // Three classes, by hand: mean [0.4, 0.4, 0.2], H = 1.0549; members' H = 0.6390 and 0.6390.
    const m3 = bald([rows([0.7, 0.1, 0.2]), rows([0.1, 0.7, 0.2])], 3, 'multiclass');
    const h3 = (...p: number[]) => -p.reduce((acc, x) => acc + x * Math.log(x), 0);
    expect(m3[0]).toBeCloseTo(h3(0.4, 0.4, 0.2) - h3(0.7, 0.1, 0.2), 6);
    expect(() => bald([a], 2, 'binary')).toThrow(/at least 2/);
  });
  it('BALD multi-label: per-label binary BALD, summed over labels', () => {
    const H = (p: number) => -p * Math.log(p) - (1 - p) * Math.log(1 - p);
    // Label 0 disagrees (0.9 vs 0.1), label 1 agrees (0.2), label 2 disagrees (0.8 vs 0.4).
    const a = rows([0.9, 0.2, 0.8]);
    const b = rows([0.1, 0.2, 0.4]);
    const s = bald([a, b], 3, 'multilabel');
    const want = Math.LN2 - H(0.9) + 0 + H(0.6) - (H(0.8) + H(0.4)) / 2;
    expect(s[0]).toBeCloseTo(want, 6);
  });
  it('bald ranks disagreement first where entropy ranks the unsure first', () => {
    const a = rows([0.5, 0.5], [0.95, 0.05], [0.6, 0.4]);
    const b = rows([0.5, 0.5], [0.05, 0.95], [0.9, 0.1]);
    const inp = { n: 3, K: 2, task: 'binary' as const, members: [a, b], seed: 0 };
    expect(selectBatch('bald', inp, 3)).toEqual([1, 2, 0]);
    expect(() => selectBatch('bald', { ...inp, members: undefined }, 1)).toThrow(/bald" needs stochastic predictions/);
  });
  it('KL(teacher ‖ student): zero where they agree, the known value where they do not', () => {
    const kl = teacherStudentKl(rows([0.5, 0.5], [0.9, 0.1]), rows([0.5, 0.5], [0.5, 0.5]), 2, 'binary');
    expect(kl[0]).toBeCloseTo(0, 6);
    expect(kl[1]).toBeCloseTo(0.9 * Math.log(1.8) + 0.1 * Math.log(0.2), 5);
    expect(topK(kl, 1)).toEqual([1]);
  });
  it('cardinality: equally uncertain, the document whose predicted label count is off comes first', () => {
    // Both rows have the same per-label uncertainty; row 1 predicts 3 labels where documents have 1.
    const s = cardinalityScores(rows([0.7, 0.3, 0.3], [0.7, 0.7, 0.7]), 3, 1);
    expect(s[1]).toBeGreaterThan(s[0]!);
  });
});

/** Three tight clusters on the axes of R³ (unit vectors with small offsets). */
function clustered(): { x: Float32Array; cluster: number[] } {
  const pts: number[][] = [];
  const cluster: number[] = [];
  for (let c = 0; c < 3; c++) {
    for (let j = 0; j < 6; j++) {
      const v = [0.02 * j, 0.02 * ((j * 7) % 5), 0.01 * j];
      v[c] = 1;
      pts.push(v);
      cluster.push(c);
    }
  }
  return { x: rows(...pts), cluster };
}

describe('topK', () => {
  it('takes the k highest, ties by lower index, whether it ranks all rows or only those above the k-th', () => {
    const scores = Array.from({ length: 40 }, (_, i) => (i % 10) / 10); // 0.9 at 9, 19, 29, 39
    expect(topK(scores, 3)).toEqual([9, 19, 29]); // k < n/4: partial path, ties at the threshold
    expect(topK(scores, 30).slice(0, 5)).toEqual([9, 19, 29, 39, 8]); // full sort
    expect(topK([0.2, 0.5], 5)).toEqual([1, 0]);
  });
});

describe('diversity', () => {
  it('a diverse batch takes one document from each cluster, not the three most uncertain near-duplicates', () => {
    const { x, cluster } = clustered();
    // Cluster 0 is the most uncertain throughout: plain top-3 would take three of its members.
    const scores = cluster.map((c, i) => (c === 0 ? 0.9 : 0.5) + i * 1e-3);
    expect(topK(scores, 3).map((i) => cluster[i])).toEqual([0, 0, 0]);
    const batch = diverseBatch(x, 3, scores, 3, { seed: 1 });
    expect(new Set(batch.map((i) => cluster[i])).size).toBe(3);
  });
  it('cold start picks one representative per cluster with no model', () => {
    const { x, cluster } = clustered();
    for (const seed of [0, 1, 2]) {
      const batch = coldStartBatch(x, 3, 3, { seed });
      expect(batch).toHaveLength(3);
      expect(new Set(batch.map((i) => cluster[i])).size).toBe(3);
    }
  });
  it('tops up a short batch when the pool has fewer distinct points than k', () => {
    const x = rows([1, 0], [1, 0], [1, 0], [0, 1]);
    const b = coldStartBatch(x, 2, 3, { seed: 0 });
    expect(new Set(b).size).toBe(3);
  });
});

describe('selectBatch', () => {
  it('returns k distinct pool indices for every strategy', () => {
    const { x } = clustered();
    const n = 18;
    const probs = new Float32Array(n * 3).map((_, i) => ((i * 37) % 11) / 11 + 0.01);
    const input = {
      n,
      K: 3,
      task: 'multiclass' as const,
      probs,
      members: [probs, probs.map((p) => 1 - p)],
      teacher: probs.map((p, i) => (i % 3 === 0 ? 1 - p : p)),
      vectors: x,
      dim: 3,
      seed: 3,
    };
    for (const s of parseStrategies(
      'random,least-confidence,margin,entropy,vote-entropy,bald,diversity,cardinality,teacher-kl,cold-start',
    )) {
      const b = selectBatch(s, input, 5);
      expect(new Set(b).size, s).toBe(5);
      expect(
        b.every((i) => i >= 0 && i < n),
        s,
      ).toBe(true);
    }
  });
  it('says what a strategy is missing, and refuses unknown names', () => {
    expect(() =>
      selectBatch('teacher-kl', { n: 2, K: 2, task: 'binary', probs: rows([1, 0], [0, 1]), seed: 0 }, 1),
    ).toThrow(/teacher-kl" needs teacher probabilities/);
    expect(() => parseStrategies('random,entropi')).toThrow(/unknown strategy "entropi"/);
  });
});
