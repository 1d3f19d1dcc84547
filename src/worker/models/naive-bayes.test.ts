import { describe, expect, it } from 'vitest';
import { NgramVocabulary, textNgrams } from '../text/ngram-features';
import {
  NaiveBayesClassifier,
  logitsToProbs,
  naiveBayesLogits,
  predictNaiveBayes,
  trainNaiveBayes,
} from './naive-bayes';

describe('n-gram features', () => {
  it('char 1–2-grams of normalized text', () => {
    expect(textNgrams('好吃!')).toEqual(['好', '吃', '!', '好\u0001吃', '吃\u0001!']);
  });
  it('word n-grams come from jieba', () => {
    expect(textNgrams('我来到北京清华大学', { tokens: 'word', minN: 1, maxN: 2 })).toEqual([
      '我',
      '来到',
      '北京',
      '清华大学',
      '我\u0001来到',
      '来到\u0001北京',
      '北京\u0001清华大学',
    ]);
  });
  it('counts repeated n-grams and drops unknown ones when not growing', () => {
    const v = new NgramVocabulary({ tokens: 'char', minN: 1, maxN: 1 });
    const X = v.featurize(['aa b', 'b']);
    expect(v.size).toBe(2);
    expect([...X.offsets]).toEqual([0, 2, 3]);
    expect([...X.values.subarray(0, 2)]).toEqual([1, 1]); // 'aa' is one Latin token, 'b' another
    const Y = v.featurize(['c b'], false);
    expect(Y.indices.length).toBe(1);
    expect(v.size).toBe(2);
  });
});

describe('multinomial naive Bayes', () => {
  // Hand-checkable: vocabulary {a, b}, class 0 saw "a a b", class 1 saw "b".
  // α = 1: P(a|0) = 3/5, P(b|0) = 2/5; P(a|1) = 1/3, P(b|1) = 2/3; priors (1+1)/(2+2) = 1/2 each.
  const X = {
    n: 3,
    dim: 2,
    offsets: Int32Array.from([0, 2, 3, 4]),
    indices: Int32Array.from([0, 1, 1, 0]),
    values: Float32Array.from([2, 1, 1, 1]),
  };
  it('Laplace-smoothed probabilities match the closed form', () => {
    const m = trainNaiveBayes(X, [0, 1], Int32Array.from([0, 1]), 2, { alpha: 1, multiLabel: false });
    const p = predictNaiveBayes(m, X, [2]); // the document "a"
    const p0 = 0.5 * (3 / 5);
    const p1 = 0.5 * (1 / 3);
    expect(p[0]).toBeCloseTo(p0 / (p0 + p1), 6);
    expect(p[1]).toBeCloseTo(p1 / (p0 + p1), 6);
  });
  it('ignores n-grams never seen in training (a vocabulary grown on unlabeled text changes nothing)', () => {
    const wide = {
      ...X,
      dim: 3,
      n: 4,
      offsets: Int32Array.from([0, 2, 3, 4, 6]),
      indices: Int32Array.from([0, 1, 1, 0, 0, 2]),
      values: Float32Array.from([2, 1, 1, 1, 1, 5]),
    };
    const narrow = trainNaiveBayes(X, [0, 1], Int32Array.from([0, 1]), 2, { alpha: 1, multiLabel: false });
    const grown = trainNaiveBayes(wide, [0, 1], Int32Array.from([0, 1]), 2, { alpha: 1, multiLabel: false });
    const a = predictNaiveBayes(narrow, X, [2]);
    expect(predictNaiveBayes(grown, wide, [3])[0]).toBeCloseTo(a[0]!, 6);
  });
  it('multi-label: one-vs-rest probabilities per label', () => {
    const clf = NaiveBayesClassifier.fit(
      ['菜好吃', '配送快', '菜好吃配送快', '服务差'],
      [['taste'], ['delivery'], ['taste', 'delivery'], []],
      ['taste', 'delivery'],
      { multiLabel: true },
    );
    const p = clf.predictProbs(['好吃', '很快']);
    expect(p[0]).toBeGreaterThan(0.5); // "好吃" has taste
    expect(p[1]).toBeLessThan(0.5);
    expect(p[3]).toBeGreaterThan(0.5); // "很快" shares 快 with delivery
    expect(p[2]).toBeLessThan(0.5);
  });
  it('rejects a label outside the schema, naming the document', () => {
    expect(() => NaiveBayesClassifier.fit(['a', 'b'], [['x'], ['z']], ['x', 'y'])).toThrow(/document 2: label "z"/);
  });
  it('learns a 5,000-document corpus (the speed is in bench/al-round.bench.ts)', () => {
    const texts = Array.from(
      { length: 5000 },
      (_, i) => (i % 2 ? '好吃又快送餐准时' : '太难吃了送得很慢') + String(i % 97),
    );
    const labels = texts.map((_, i) => [String(i % 2)]);
    const clf = NaiveBayesClassifier.fit(texts, labels, ['0', '1']);
    const p = clf.predictProbs(['好吃准时', '难吃很慢']);
    expect(p[1]).toBeGreaterThan(0.9);
    expect(p[2]).toBeGreaterThan(0.9);
  });
});

describe('naive Bayes logits', () => {
  it('give the same probabilities as predictNaiveBayes, and still rank documents where float32 probabilities saturate', () => {
    const texts = ['好好好', '坏坏坏', '好吃好吃', '难吃坏', '好'.repeat(400), '好'.repeat(800)];
    const vocab = new NgramVocabulary();
    const X = vocab.featurize(texts);
    const m = trainNaiveBayes(X, [0, 1, 2, 3], [1, 0, 1, 0], 2, { alpha: 1, multiLabel: false });
    const z = naiveBayesLogits(m, X);
    const p = predictNaiveBayes(m, X);
    const q = logitsToProbs(z, 2, false);
    for (let i = 0; i < p.length; i++) expect(p[i]).toBeCloseTo(q[i]!, 6);
    // 400 and 800 times 好: both P(0) are 0 in float32; the logits (and a temperature) keep them apart.
    expect([p[8], p[10]]).toEqual([0, 0]);
    const margin = (i: number) => z[2 * i + 1]! - z[2 * i]!;
    expect(margin(5)).toBeGreaterThan(margin(4));
    const soft = logitsToProbs(z, 2, false, 1000);
    expect(soft[10]!).toBeLessThan(soft[8]!);
    expect(soft[10]!).toBeGreaterThan(0);
  });
});
