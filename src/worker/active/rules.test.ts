import { describe, expect, it } from 'vitest';
import { matchRules, parseRules, resolvePreLabels, ruleSeedSet, rulesReport, type Rule } from './rules';

const RULES: Rule[] = [
  { label: 'negative', any: ['难吃', '太慢'], regex: '不.{0,2}好' },
  { label: 'positive', any: ['好吃', 'GOOD'] },
  { label: 'positive', tokens: ['满意'], name: 'satisfied' },
];

describe('labeling rules', () => {
  it('keywords (case- and width-insensitive), regex and whole jieba tokens fire', () => {
    // '满意度调查' contains 满意 as a substring but jieba cuts it as 满意度 / 调查: the token rule stays quiet.
    const fired = matchRules(
      ['送得太慢了', '很好吃', 'very ｇｏｏｄ', '味道不太好', '非常满意', '满意度调查', '一般般'],
      RULES,
    );
    expect(fired).toEqual([[0], [1], [1], [0], [2], [], []]);
  });
  it('conflicts: the majority of fired rules wins; a tie gives no pre-label', () => {
    // doc 0: negative only; doc 1: positive ×2 vs negative ×1 → positive (conflict settled); doc 2: 1 vs 1 → none.
    const fired = [[0], [0, 1, 2], [0, 1], []];
    expect(resolvePreLabels(fired, RULES)).toEqual([
      { labels: ['negative'], conflict: false },
      { labels: ['positive'], conflict: true },
      null,
      null,
    ]);
    expect(resolvePreLabels(fired, RULES, true)[2]).toEqual({ labels: ['negative', 'positive'], conflict: false });
  });
  it('coverage per rule and precision on the labeled documents, with n', () => {
    const fired = [[0], [0], [1], [0, 1, 2], [0, 1], [1]];
    const gold = [['negative'], ['positive'], ['positive'], ['positive'], [], []];
    const pre = resolvePreLabels(fired, RULES);
    const r = rulesReport(fired, pre, RULES, gold);
    expect(r.documents).toBe(6);
    expect(r.labeled).toBe(4);
    expect(r.covered).toBe(6);
    expect(r.rules.map((s) => [s.name, s.coverage, s.conflicts, s.n, s.correct])).toEqual([
      ['#1 negative', 4, 2, 3, 1],
      ['#2 positive', 4, 2, 2, 2],
      ['satisfied', 1, 1, 1, 1],
    ]);
    expect(r.rules[0]!.precision).toBeCloseTo(1 / 3, 12);
    expect(r.rules[0]!.coverage_share).toBeCloseTo(4 / 6, 12);
    expect(r.rules[0]!.precision_ci![0]).toBeLessThan(1 / 3);
    expect(r.rules[0]!.precision_ci![1]).toBeGreaterThan(1 / 3);
    // Pre-labels: 5 (doc 4 is a tie); labeled among them: docs 0–3, of which 0, 2, 3 right.
    expect(r.prelabeled).toBe(5);
    expect([r.conflicts_resolved, r.conflicts_unresolved]).toEqual([1, 1]);
    expect([r.prelabel_n, r.prelabel_correct]).toEqual([4, 3]);
    const none = rulesReport([[]], [null], RULES, [['positive']]);
    expect(none.rules[0]!.precision).toBeNull();
    expect(none.prelabel_precision).toBeNull();
  });
  it('a bad rules file names the file, the rule and the field', () => {
    expect(parseRules('[{"label": "neg", "regex": ["a", "b"]}]', 'r.json')).toEqual([
      { label: 'neg', regex: ['a', 'b'] },
    ]);
    expect(() => parseRules('{"label": 1', 'r.json')).toThrow(/r\.json: not valid JSON/);
    expect(() => parseRules('{}', 'r.json')).toThrow(/r\.json: expected a JSON array/);
    expect(() => parseRules('[{"any": ["x"]}]', 'r.json')).toThrow(
      /r\.json: rule 1: "label" must be a non-empty string/,
    );
    expect(() => parseRules('[{"label": "a", "any": ["x"]}, {"label": "b", "regex": "不("}]', 'r.json')).toThrow(
      /r\.json: rule 2: invalid regular expression \/不\(\//,
    );
    expect(() => parseRules('[{"label": "a", "keywords": ["x"]}]', 'r.json')).toThrow(
      /rule 1: unknown field "keywords"/,
    );
    expect(() => parseRules('[{"label": "a"}]', 'r.json')).toThrow(/rule 1: a rule needs at least one pattern/);
    expect(() => parseRules('[{"label": "a", "any": "x"}]', 'r.json')).toThrow(/rule 1: "any" must be a list/);
    try {
      parseRules('[{"label": "a", "any": ["x"]}, {"label": "b", "tokens": [""]}]', 'r.json');
    } catch (e) {
      expect((e as { details: unknown }).details).toEqual({ file: 'r.json', field: '[2].tokens' });
    }
  });
});

describe('a seed set from rules', () => {
  it('takes rule-covered documents in turn from each pre-labeled class, then tops up at random', () => {
    const neg = { labels: ['negative'], conflict: false };
    const pos = { labels: ['positive'], conflict: false };
    // Documents 0–9: six negative pre-labels, two positive, two uncovered.
    const pre = [neg, neg, neg, pos, neg, null, neg, pos, neg, null];
    const keep = <T>(xs: T[]) => xs; // no shuffling: order is visible
    expect(ruleSeedSet([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], pre, 4, keep)).toEqual([0, 3, 1, 7]);
    // Positives run out: negatives continue, then uncovered documents fill the rest.
    expect(ruleSeedSet([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], pre, 10, keep)).toEqual([0, 3, 1, 7, 2, 4, 6, 8, 5, 9]);
    // Only candidates (the pool) are used.
    expect(ruleSeedSet([1, 5, 7], pre, 3, keep)).toEqual([1, 7, 5]);
  });
});
