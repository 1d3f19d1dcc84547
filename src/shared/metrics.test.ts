import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  argmax,
  bootstrapInterval,
  logLoss,
  MACRO_RULE,
  MIN_TEST_DOCS,
  meanStd,
  multiLabelLogLoss,
  multiLabelMetrics,
  singleLabelMetrics,
  thresholdProbs,
  wilsonInterval,
} from './metrics';

describe('singleLabelMetrics: binary', () => {
  // yTrue: 4 positives then 6 negatives. Predictions: 3 of the positives right, 2 negatives wrong.
  //            confusion[true][pred] = [[4, 2], [1, 3]]
  // class 1 ("pos"): tp=3 fp=2 fn=1 → P=3/5=0.6, R=3/4=0.75, F1=2·3/(2·3+2+1)=6/9
  // class 0 ("neg"): tp=4 fp=1 fn=2 → P=4/5=0.8, R=4/6,      F1=8/11
  // accuracy 7/10; macro F1 = (6/9 + 8/11)/2 = 23/33 = 0.69697;
  // weighted F1 = (6·8/11 + 4·6/9)/10 = 232/330 = 0.70303 (sklearn: f1_score(average='weighted'))
  const yTrue = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0];
  const yPred = [1, 1, 1, 0, 1, 1, 0, 0, 0, 0];
  const m = singleLabelMetrics(yTrue, yPred, ['neg', 'pos']);

  it('reports P/R/F1 of the positive class (index 1) by default', () => {
    expect(m.accuracy).toBeCloseTo(0.7, 12);
    expect(m.precision).toBeCloseTo(0.6, 12);
    expect(m.recall).toBeCloseTo(0.75, 12);
    expect(m.f1).toBeCloseTo(6 / 9, 12);
  });

  it('computes averages and the confusion matrix', () => {
    expect(m.confusion).toEqual([
      [4, 2],
      [1, 3],
    ]);
    expect(m.macro_f1).toBeCloseTo(23 / 33, 12);
    expect(m.weighted_f1).toBeCloseTo(232 / 330, 12);
    expect(m.micro_f1).toBeCloseTo(0.7, 12);
    expect(m.macro_precision).toBeCloseTo(0.7, 12);
    expect(m.macro_recall).toBeCloseTo(17 / 24, 12);
    expect(m.per_class.neg).toEqual({ precision: 0.8, recall: 4 / 6, f1: 8 / 11, support: 6 });
    expect(m.per_class.pos.support).toBe(4);
    expect(m.n).toBe(10);
  });

  it('honours an explicit positive class', () => {
    const m0 = singleLabelMetrics(yTrue, yPred, ['neg', 'pos'], 0);
    expect(m0.precision).toBeCloseTo(0.8, 12);
    expect(m0.f1).toBeCloseTo(8 / 11, 12);
    expect(m0.accuracy).toBe(m.accuracy);
  });
});

describe('singleLabelMetrics: 3 classes, one never predicted', () => {
  // yTrue = [0,0,0,1,1,2,2,2], yPred = [0,0,2,0,2,2,2,0]; class 1 (中性) is never predicted.
  // confusion = [[2,0,1],[1,0,1],[1,0,2]]
  // class 0: tp=2 fp=2 fn=1 → P=0.5 R=2/3 F1=4/7
  // class 1: tp=0 fp=0 fn=2 → P=0 (0/0 → 0, zero_division=0) R=0 F1=0
  // class 2: tp=2 fp=2 fn=1 → P=0.5 R=2/3 F1=4/7
  // macro F1 = 8/21 = 0.38095 (sklearn f1_score(average='macro', zero_division=0))
  // weighted F1 = (3·4/7 + 2·0 + 3·4/7)/8 = 3/7; macro P = 1/3; macro R = 4/9; accuracy 4/8
  const labels = ['正面', '中性', '负面'];
  const m = singleLabelMetrics([0, 0, 0, 1, 1, 2, 2, 2], [0, 0, 2, 0, 2, 2, 2, 0], labels);

  it('matches hand-computed values', () => {
    expect(m.confusion).toEqual([
      [2, 0, 1],
      [1, 0, 1],
      [1, 0, 2],
    ]);
    expect(m.accuracy).toBeCloseTo(0.5, 12);
    expect(m.micro_f1).toBeCloseTo(0.5, 12);
    expect(m.macro_f1).toBeCloseTo(8 / 21, 12);
    expect(m.weighted_f1).toBeCloseTo(3 / 7, 12);
    expect(m.macro_precision).toBeCloseTo(1 / 3, 12);
    expect(m.macro_recall).toBeCloseTo(4 / 9, 12);
    expect(m.per_class['中性']).toEqual({ precision: 0, recall: 0, f1: 0, support: 2 });
    expect(m.per_class['正面'].f1).toBeCloseTo(4 / 7, 12);
  });

  it('uses macro averages for precision/recall/f1 when there is no positive class', () => {
    expect(m.f1).toBe(m.macro_f1);
    expect(m.precision).toBe(m.macro_precision);
    expect(m.recall).toBe(m.macro_recall);
  });

  it('rejects bad input', () => {
    expect(() => singleLabelMetrics([0, 3], [0, 1], labels)).toThrow(/yTrue\[1\]/);
    expect(() => singleLabelMetrics([0], [0, 1], labels)).toThrow(/items/);
    expect(() => singleLabelMetrics([0], [0], ['a', 'a'])).toThrow(/duplicate/);
    expect(() => singleLabelMetrics([0], [0], labels, 5)).toThrow(/positive/);
  });

  it('returns zeros for an empty input instead of NaN', () => {
    const e = singleLabelMetrics([], [], labels);
    expect(e.accuracy).toBe(0);
    expect(e.weighted_f1).toBe(0);
    expect(e.n).toBe(0);
  });
});

describe('multiLabelMetrics', () => {
  // labels A B C; rows (true | pred):
  //   [1,0,1] | [1,0,0]   C missed
  //   [0,1,0] | [0,1,0]   exact
  //   [1,1,0] | [1,1,1]   C false positive
  //   [1,0,1] | [0,0,0]   A and C missed
  // A: tp=2 fp=0 fn=1 → P=1 R=2/3 F1=4/5, support 3
  // B: tp=2 fp=0 fn=0 → F1=1, support 2
  // C: tp=0 fp=1 fn=2 → F1=0, support 2
  // micro: TP=4 FP=1 FN=3 → P=4/5, R=4/7, F1=8/12=2/3
  // macro F1 = (0.8+1+0)/3 = 0.6; weighted F1 = (3·0.8 + 2·1 + 2·0)/7 = 4.4/7 = 0.628571
  // subset accuracy 1/4; hamming loss = (1+0+1+2)/(4·3) = 1/3
  const yTrue = [
    [1, 0, 1],
    [0, 1, 0],
    [1, 1, 0],
    [1, 0, 1],
  ];
  const yPred = [
    [1, 0, 0],
    [0, 1, 0],
    [1, 1, 1],
    [0, 0, 0],
  ];

  it('matches hand-computed values (number[][] and Uint8Array[] alike)', () => {
    for (const m of [
      multiLabelMetrics(yTrue, yPred, ['A', 'B', 'C']),
      multiLabelMetrics(
        yTrue.map((r) => Uint8Array.from(r)),
        yPred.map((r) => Uint8Array.from(r)),
        ['A', 'B', 'C'],
      ),
    ]) {
      expect(m.micro_precision).toBeCloseTo(0.8, 12);
      expect(m.micro_recall).toBeCloseTo(4 / 7, 12);
      expect(m.micro_f1).toBeCloseTo(2 / 3, 12);
      expect(m.macro_f1).toBeCloseTo(0.6, 12);
      expect(m.weighted_f1).toBeCloseTo(4.4 / 7, 12);
      expect(m.subset_accuracy).toBeCloseTo(0.25, 12);
      expect(m.accuracy).toBe(m.subset_accuracy);
      expect(m.hamming_loss).toBeCloseTo(1 / 3, 12);
      expect(m.macro_precision).toBeCloseTo(2 / 3, 12);
      expect(m.macro_recall).toBeCloseTo(5 / 9, 12);
      expect(m.per_class.A).toEqual({ precision: 1, recall: 2 / 3, f1: 0.8, support: 3 });
      expect(m.per_class.C).toEqual({ precision: 0, recall: 0, f1: 0, support: 2 });
      expect(m.n).toBe(4);
    }
  });

  it('refuses probabilities and ragged rows', () => {
    expect(() => multiLabelMetrics([[0.7, 0]], [[1, 0]], ['A', 'B'])).toThrow(/0 or 1/);
    expect(() => multiLabelMetrics([[1]], [[1, 0]], ['A', 'B'])).toThrow(/row 0/);
  });
});

describe('intervals, n and the macro rule (issue #12)', () => {
  it('Wilson 95 % interval on hand-computed values', () => {
    // 8/10, z = 1.959964: z² = 3.841459, z²/n = 0.3841459, denominator 1.3841459;
    // centre = (0.8 + 0.1920729)/1.3841459 = 0.716740; half = (1.959964/1.3841459)·√(0.016 + 0.0096036)
    //        = 1.416010 · 0.160011 = 0.226578 → [0.490162, 0.943318]
    const [lo, hi] = wilsonInterval(8, 10);
    expect(lo).toBeCloseTo(0.490162, 5);
    expect(hi).toBeCloseTo(0.943318, 5);
    // 0/10: centre = half = 0.1920729/1.3841459 = 0.138766 → [0, 0.277533] (not the empty [0, 0] of p ± z·√(pq/n))
    const [lo0, hi0] = wilsonInterval(0, 10);
    expect(lo0).toBe(0);
    expect(hi0).toBeCloseTo(0.277533, 5);
    // 4/10: centre = (0.4 + 0.1920729)/1.3841459 = 0.427753; half = 1.416010·√(0.024 + 0.0096036) = 0.259573 → [0.168180, 0.687326]
    const [lo4, hi4] = wilsonInterval(4, 10);
    expect(lo4).toBeCloseTo(0.16818, 5);
    expect(hi4).toBeCloseTo(0.687326, 5);
    expect(wilsonInterval(0, 0)).toEqual([0, 1]);
    expect(() => wilsonInterval(11, 10)).toThrow(/outside/);
  });

  it('every single-label result states n, the accuracy interval, the macro-F1 interval and the rules', () => {
    const yTrue = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0];
    const yPred = [1, 1, 1, 0, 1, 1, 0, 0, 0, 0];
    const m = singleLabelMetrics(yTrue, yPred, ['neg', 'pos']);
    expect(m.n).toBe(10);
    expect(m.accuracy_ci).toEqual(wilsonInterval(7, 10));
    expect(m.macro_rule).toBe(MACRO_RULE);
    expect(m.interval_rule).toMatch(/Wilson.*bootstrap.*1000 resamples/);
    const [lo, hi] = m.macro_f1_ci;
    expect(lo).toBeLessThan(m.macro_f1);
    expect(hi).toBeGreaterThan(m.macro_f1);
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(1);
    // Seeded: the same documents give the same interval.
    expect(singleLabelMetrics(yTrue, yPred, ['neg', 'pos']).macro_f1_ci).toEqual(m.macro_f1_ci);
    // Perfect predictions leave no room: every resample scores 1.
    expect(singleLabelMetrics(yTrue, yTrue, ['neg', 'pos']).macro_f1_ci).toEqual([1, 1]);
  });

  it('macro averages are over the classes present in the gold labels', () => {
    // labels a b c; yTrue [a,a,b,b], yPred [a,c,b,b]. c is never true (one false positive).
    // a: tp 1 fp 0 fn 1 → P 1, R 1/2, F1 2/3;  b: tp 2 → P = R = F1 = 1;  c: support 0 → left out.
    // macro F1 = (2/3 + 1)/2 = 5/6 (over all three labels it would be 5/9); macro P = 1, macro R = 3/4.
    const m = singleLabelMetrics([0, 0, 1, 1], [0, 2, 1, 1], ['a', 'b', 'c']);
    expect(m.macro_f1).toBeCloseTo(5 / 6, 12);
    expect(m.macro_precision).toBeCloseTo(1, 12);
    expect(m.macro_recall).toBeCloseTo(3 / 4, 12);
    expect(m.macro_over).toEqual(['a', 'b']);
    expect(m.per_class.c).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    // Multi-label: label C never true → left out of the macro average.
    const ml = multiLabelMetrics(
      [
        [1, 0, 0],
        [0, 1, 0],
      ],
      [
        [1, 0, 1],
        [0, 0, 0],
      ],
      ['A', 'B', 'C'],
    );
    // A: F1 1; B: tp 0 fn 1 → F1 0; C: support 0 → left out. macro F1 = 1/2 (over three: 1/3).
    expect(ml.macro_f1).toBeCloseTo(0.5, 12);
    expect(ml.macro_over).toEqual(['A', 'B']);
    expect(ml.accuracy_ci).toEqual(wilsonInterval(0, 2));
  });

  it('warns below the minimum test size, not at it', () => {
    const small = singleLabelMetrics(new Array(MIN_TEST_DOCS - 1).fill(0), new Array(MIN_TEST_DOCS - 1).fill(0), [
      'a',
      'b',
    ]);
    expect(small.warnings?.[0]).toContain(`only ${MIN_TEST_DOCS - 1} test documents`);
    const enough = singleLabelMetrics(new Array(MIN_TEST_DOCS).fill(0), new Array(MIN_TEST_DOCS).fill(0), ['a', 'b']);
    expect(enough.warnings).toBeUndefined();
  });

  it('bootstrapInterval: a statistic of the draw counts, percentile interval, seeded', () => {
    // The mean of 0/1 values: its bootstrap interval is close to the Wilson interval for large n.
    const xs: number[] = Array.from({ length: 400 }, (_, i) => (i % 4 === 0 ? 0 : 1)); // 300/400 = 0.75
    const meanOf = (w: Uint32Array) => xs.reduce((s, x, i) => s + x * w[i], 0) / xs.length;
    const [lo, hi] = bootstrapInterval(xs.length, meanOf, 1000, 3);
    const [wlo, whi] = wilsonInterval(300, 400);
    expect(Math.abs(lo - wlo)).toBeLessThan(0.015);
    expect(Math.abs(hi - whi)).toBeLessThan(0.015);
    expect(bootstrapInterval(xs.length, meanOf, 1000, 3)).toEqual([lo, hi]);
    expect(bootstrapInterval(0, meanOf)).toEqual([0, 1]);
  });
});

describe('helpers', () => {
  it('argmax takes the first maximum and skips NaN', () => {
    expect(argmax([0.1, 0.7, 0.2])).toBe(1);
    expect(argmax(Float32Array.from([0.4, 0.4, 0.2]))).toBe(0);
    expect(argmax([NaN, -Infinity, -5])).toBe(2);
    expect(argmax([])).toBe(-1);
  });

  it('thresholdProbs uses p >= threshold', () => {
    expect(Array.from(thresholdProbs([0.5, 0.49, 0.9, 0]))).toEqual([1, 0, 1, 0]);
    expect(Array.from(thresholdProbs([0.5, 0.3], 0.3))).toEqual([1, 1]);
  });

  it('meanStd uses the sample standard deviation', () => {
    const r = meanStd([0.78, 0.8, 0.82]);
    expect(r.mean).toBeCloseTo(0.8, 12);
    expect(r.std).toBeCloseTo(0.02, 12); // sqrt((0.02² + 0 + 0.02²) / (3 − 1))
    expect(r.n).toBe(3);
    expect(meanStd([0.5])).toEqual({ mean: 0.5, std: 0, n: 1 });
    expect(meanStd([])).toEqual({ mean: 0, std: 0, n: 0 });
  });

  it('logLoss matches hand-computed cross-entropy', () => {
    // −(ln 0.9 + ln 0.8)/2 = 0.164252 (sklearn log_loss([0,1], [[.9,.1],[.2,.8]]))
    expect(
      logLoss(
        [0, 1],
        [
          [0.9, 0.1],
          [0.2, 0.8],
        ],
      ),
    ).toBeCloseTo(0.164252033486018, 12);
    // a certain mistake is clipped to −ln(1e-15), not Infinity
    expect(logLoss([0], [[0, 1]])).toBeCloseTo(-Math.log(1e-15), 6);
    // BCE over 4 cells: −(ln .9 + ln .8 + ln .7 + ln .6)/4
    expect(
      multiLabelLogLoss(
        [
          [1, 0],
          [0, 1],
        ],
        [
          [0.9, 0.2],
          [0.3, 0.6],
        ],
      ),
    ).toBeCloseTo(0.2990011586691898, 12);
  });
});

/** K classes and n aligned (yTrue, yPred) index pairs. */
const singleLabelCase = fc.integer({ min: 2, max: 6 }).chain((K) =>
  fc
    .array(fc.tuple(fc.integer({ min: 0, max: K - 1 }), fc.integer({ min: 0, max: K - 1 })), {
      minLength: 1,
      maxLength: 60,
    })
    .map((pairs) => ({
      labels: Array.from({ length: K }, (_, k) => `c${k}`),
      yTrue: pairs.map((p) => p[0]),
      yPred: pairs.map((p) => p[1]),
    })),
);

const rates = (m: object) =>
  Object.entries(m)
    .filter(([, v]) => typeof v === 'number')
    .filter(([k]) => k !== 'n')
    .map(([, v]) => v as number);

describe('properties', () => {
  it('single-label: micro-F1 equals accuracy, every rate is in [0,1], confusion sums to n', () => {
    fc.assert(
      fc.property(singleLabelCase, ({ labels, yTrue, yPred }) => {
        const m = singleLabelMetrics(yTrue, yPred, labels);
        expect(m.micro_f1).toBeCloseTo(m.accuracy, 12);
        for (const v of rates(m)) expect(v >= 0 && v <= 1).toBe(true);
        for (const c of Object.values(m.per_class))
          for (const v of [c.precision, c.recall, c.f1]) expect(v >= 0 && v <= 1).toBe(true);
        expect(m.confusion.flat().reduce((s, x) => s + x, 0)).toBe(yTrue.length);
      }),
      { numRuns: 300 },
    );
  });

  it('single-label: perfect predictions give 1 for accuracy, micro and weighted F1 and each present class', () => {
    fc.assert(
      fc.property(singleLabelCase, ({ labels, yTrue }) => {
        const m = singleLabelMetrics(yTrue, yTrue, labels);
        expect(m.accuracy).toBe(1);
        expect(m.micro_f1).toBe(1);
        expect(m.weighted_f1).toBeCloseTo(1, 12);
        for (const c of Object.values(m.per_class)) expect(c.f1).toBe(c.support > 0 ? 1 : 0);
      }),
      { numRuns: 200 },
    );
  });

  it('one-hot rows through multiLabelMetrics agree with singleLabelMetrics', () => {
    fc.assert(
      fc.property(singleLabelCase, ({ labels, yTrue, yPred }) => {
        const oneHot = (k: number) => labels.map((_, j) => (j === k ? 1 : 0));
        const s = singleLabelMetrics(yTrue, yPred, labels);
        const ml = multiLabelMetrics(yTrue.map(oneHot), yPred.map(oneHot), labels);
        expect(ml.subset_accuracy).toBeCloseTo(s.accuracy, 12);
        expect(ml.micro_f1).toBeCloseTo(s.micro_f1, 12);
        expect(ml.macro_f1).toBeCloseTo(s.macro_f1, 12);
        expect(ml.weighted_f1).toBeCloseTo(s.weighted_f1, 12);
      }),
      { numRuns: 200 },
    );
  });

  it('multi-label: rates in [0,1]; perfect predictions → subset accuracy 1, Hamming loss 0', () => {
    const rows = fc.integer({ min: 1, max: 6 }).chain((K) =>
      fc.tuple(
        fc.constant(K),
        fc.array(
          fc.tuple(
            fc.array(fc.integer({ min: 0, max: 1 }), { minLength: K, maxLength: K }),
            fc.array(fc.integer({ min: 0, max: 1 }), { minLength: K, maxLength: K }),
          ),
          {
            minLength: 1,
            maxLength: 40,
          },
        ),
      ),
    );
    fc.assert(
      fc.property(rows, ([K, pairs]) => {
        const labels = Array.from({ length: K }, (_, k) => `l${k}`);
        const t = pairs.map((p) => p[0]);
        const m = multiLabelMetrics(
          t,
          pairs.map((p) => p[1]),
          labels,
        );
        for (const v of rates(m)) expect(v >= 0 && v <= 1).toBe(true);
        const perfect = multiLabelMetrics(t, t, labels);
        expect(perfect.subset_accuracy).toBe(1);
        expect(perfect.hamming_loss).toBe(0);
        const anyPositive = t.some((r) => r.includes(1));
        expect(perfect.micro_f1).toBe(anyPositive ? 1 : 0);
      }),
      { numRuns: 200 },
    );
  });
});
