import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { entropy, hashUnit, leastConfidence, margin, orderQueue, queueScore, STRATEGIES } from './strategies';

describe('queue strategies', () => {
  it('least confidence: uniform is most uncertain, one-hot least', () => {
    expect(leastConfidence([0.5, 0.5], 'binary')).toBeCloseTo(1);
    expect(leastConfidence([1, 0], 'binary')).toBeCloseTo(0);
    expect(leastConfidence([1 / 3, 1 / 3, 1 / 3], 'multiclass')).toBeCloseTo(1);
    expect(leastConfidence([0.6, 0.4], 'binary')).toBeCloseTo(0.8);
    expect(leastConfidence([0.9, 0.05, 0.05], 'multiclass')).toBeLessThan(
      leastConfidence([0.5, 0.3, 0.2], 'multiclass'),
    );
  });

  it('margin: ties score 1, certainty 0, and it differs from least confidence on 3 classes', () => {
    expect(margin([0.5, 0.5], 'binary')).toBeCloseTo(1);
    expect(margin([1, 0], 'binary')).toBeCloseTo(0);
    // Same max, different runner-up: margin tells them apart, least confidence does not.
    const a = [0.5, 0.45, 0.05];
    const b = [0.5, 0.25, 0.25];
    expect(leastConfidence(a, 'multiclass')).toBeCloseTo(leastConfidence(b, 'multiclass'));
    expect(margin(a, 'multiclass')).toBeGreaterThan(margin(b, 'multiclass'));
  });

  it('entropy is normalised to [0, 1] and peaks at uniform', () => {
    expect(entropy([0.25, 0.25, 0.25, 0.25], 'multiclass')).toBeCloseTo(1);
    expect(entropy([1, 0, 0, 0], 'multiclass')).toBeCloseTo(0);
    // Same max and runner-up, spread tail: entropy ranks it higher.
    expect(entropy([0.4, 0.2, 0.2, 0.2], 'multiclass')).toBeGreaterThan(
      entropy([0.4, 0.4, 0.2, 0], 'multiclass') - 0.2,
    );
    expect(entropy([0.4, 0.2, 0.2, 0.2], 'multiclass')).toBeGreaterThan(entropy([0.4, 0.6, 0, 0], 'multiclass'));
  });

  it('multi-label scores look at each label independently', () => {
    expect(leastConfidence([0.99, 0.5, 0.01], 'multilabel')).toBeCloseTo(1);
    expect(leastConfidence([0.99, 0.99, 0.01], 'multilabel')).toBeCloseTo(0.02);
    expect(margin([0.99, 0.5], 'multilabel')).toBeCloseTo(1);
    expect(entropy([0.5, 0.5], 'multilabel')).toBeCloseTo(1);
    expect(entropy([1, 0], 'multilabel')).toBeCloseTo(0);
  });

  it('every score lies in [0, 1] for any probability vector', () => {
    const probsArb = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 8 }).map((xs) => {
      const s = xs.reduce((a, b) => a + b, 0) || 1;
      return xs.map((x) => x / s);
    });
    fc.assert(
      fc.property(
        probsArb,
        fc.constantFrom('binary', 'multiclass', 'multilabel') as fc.Arbitrary<'binary' | 'multiclass' | 'multilabel'>,
        (p, task) => {
          for (const f of [leastConfidence, margin, entropy]) {
            const v = f(p, task);
            expect(v).toBeGreaterThanOrEqual(0);
            expect(v).toBeLessThanOrEqual(1 + 1e-12);
          }
        },
      ),
    );
  });

  it('hashUnit is stable, in [0, 1) and spread', () => {
    expect(hashUnit('doc-1')).toBe(hashUnit('doc-1'));
    expect(hashUnit('doc-1', 1)).not.toBe(hashUnit('doc-1', 2));
    const xs = Array.from({ length: 1000 }, (_, i) => hashUnit(String(i)));
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
    const lowHalf = xs.filter((x) => x < 0.5).length;
    expect(lowHalf).toBeGreaterThan(430);
    expect(lowHalf).toBeLessThan(570);
  });

  it('unscored documents come after scored ones under uncertainty strategies', () => {
    for (const s of STRATEGIES.filter((x) => x !== 'random')) {
      expect(queueScore(s, 'a', undefined, 'binary')).toBeLessThan(queueScore(s, 'b', [1, 0], 'binary'));
    }
  });

  it('orders the queue most uncertain first and is deterministic', () => {
    const docs = [
      { id: 'sure', probs: [0.99, 0.01] },
      { id: 'unsure', probs: [0.51, 0.49] },
      { id: 'middle', probs: [0.8, 0.2] },
      { id: 'unscored' },
    ];
    for (const s of ['least-confidence', 'margin', 'entropy'] as const) {
      expect(orderQueue(docs, s, 'binary').map((d) => d.id)).toEqual(['unsure', 'middle', 'sure', 'unscored']);
    }
    const r1 = orderQueue(docs, 'random', 'binary').map((d) => d.id);
    expect(orderQueue(docs, 'random', 'binary').map((d) => d.id)).toEqual(r1);
    expect([...r1].sort()).toEqual(docs.map((d) => d.id).sort());
    // Input untouched.
    expect(docs[0].id).toBe('sure');
  });
});
