/** The choice of the model that orders the queue: the gold-set score on known numbers, and the rule. */
import { describe, expect, it } from 'vitest';
import { chooseQueueModel, goldScore, type GoldScore, type QueueCandidate } from './queue-model-choice';
import { wilsonInterval } from './metrics';

const g = (macroF1: number, accuracy: number, n = 40): GoldScore => ({ n, accuracy, accuracyCi: wilsonInterval(Math.round(accuracy * n), n), macroF1 });

describe('goldScore', () => {
  it('single-label: argmax against the gold class, macro-F1 over the classes present, Wilson interval', () => {
    // 4 documents, truth 0,0,1,1; predicted 0,1,1,1 → accuracy 3/4; F1(0) = 2/3, F1(1) = 4/5.
    const probs = [0.9, 0.1, 0.4, 0.6, 0.2, 0.8, 0.3, 0.7];
    const s = goldScore(probs, [[0], [0], [1], [1]], ['a', 'b'], false);
    expect(s.n).toBe(4);
    expect(s.accuracy).toBeCloseTo(0.75, 12);
    expect(s.macroF1).toBeCloseTo((2 / 3 + 4 / 5) / 2, 12);
    expect(s.accuracyCi).toEqual(wilsonInterval(3, 4));
  });

  it('multi-label: exact-match accuracy at 0.5', () => {
    const s = goldScore([0.9, 0.6, 0.1, 0.2], [[0, 1], [0]], ['x', 'y'], true);
    expect(s.accuracy).toBeCloseTo(0.5, 12);
  });

  it('refuses probabilities that do not match the documents', () => {
    expect(() => goldScore([0.5, 0.5, 1], [[0], [1]], ['a', 'b'], false)).toThrow(/3 probabilities for 2 documents × 2 labels/);
  });
});

describe('chooseQueueModel', () => {
  const nb: QueueCandidate = { kind: 'nb', version: 'nb-1', gold: g(0.81, 0.82) };
  it('the best gold-set macro-F1 wins, whatever the kind', () => {
    expect(chooseQueueModel([nb, { kind: 'student', version: 's', gold: g(0.7, 0.9) }])).toBe(0);
    expect(chooseQueueModel([nb, { kind: 'teacher', version: 't', gold: g(0.85, 0.8) }])).toBe(1);
  });
  it('a macro-F1 tie goes to accuracy, then to the cheaper model', () => {
    expect(chooseQueueModel([nb, { kind: 'student', version: 's', gold: g(0.81, 0.85) }])).toBe(1);
    expect(chooseQueueModel([{ kind: 'teacher', version: 't', gold: g(0.81, 0.82) }, nb])).toBe(1);
  });
  it('without a gold set the cheapest model keeps the queue; a scored candidate beats an unscored one', () => {
    expect(chooseQueueModel([{ kind: 'teacher', version: 't' }, { kind: 'nb', version: 'n' }])).toBe(1);
    expect(chooseQueueModel([{ kind: 'nb', version: 'n' }, { kind: 'student', version: 's', gold: g(0.1, 0.1) }])).toBe(1);
    expect(chooseQueueModel([])).toBe(-1);
  });
});
