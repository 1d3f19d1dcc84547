/** The choice of the model that orders the queue: the gold-set score on known numbers, and the rule. */
import { describe, expect, it } from 'vitest';
import {
  CHOICE_RULE,
  SMALL_GOLD,
  chooseQueueModel,
  decideQueueModel,
  decisionsOf,
  goldScore,
  passedOver,
  type ChoiceEvidence,
  type QueueCandidate,
  type QueueModelKind,
} from './queue-model-choice';
import { macroF1DifferenceInterval, wilsonInterval } from './metrics';

const LABELS = ['neg', 'pos'];
/** Binary gold labels, half of each class. */
const truthOf = (n: number) => Array.from({ length: n }, (_, i) => [i % 2]);
/** A model's one-hot probabilities on that gold set, right on the documents `right(i)` says. */
const probsOf = (n: number, right: (i: number) => boolean) =>
  Array.from({ length: n }, (_, i) => (right(i) === (i % 2 === 1) ? [0, 1] : [1, 0])).flat();
/** A candidate scored on the gold set as the worker scores it, and the evidence the choice weighs. */
function scored(
  n: number,
  models: [QueueModelKind, (i: number) => boolean][],
  nbCv?: number,
): { candidates: QueueCandidate[]; evidence: ChoiceEvidence } {
  const truth = truthOf(n);
  const probs = models.map(([, right]) => probsOf(n, right));
  return {
    candidates: models.map(([kind], m) => ({ kind, version: kind, gold: goldScore(probs[m]!, truth, LABELS, false) })),
    evidence: {
      truth,
      decisions: probs.map((p) => decisionsOf(p, 2, false)),
      ...(nbCv === undefined ? {} : { nbCv: { folds: 5, n: 180, accuracy: nbCv, macroF1: nbCv } }),
    },
  };
}

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
    expect(() => goldScore([0.5, 0.5, 1], [[0], [1]], ['a', 'b'], false)).toThrow(
      /3 probabilities for 2 documents × 2 labels/,
    );
  });
});

describe('macroF1DifferenceInterval: paired bootstrap of a macro-F1 difference', () => {
  const truth = truthOf(40);
  const all = truth.map((t) => [...t]);
  const wrongOn = (bad: (i: number) => boolean) => truth.map((t, i) => (bad(i) ? [1 - t[0]!] : [...t]));
  it('the same decisions differ by exactly 0; a model right where the other errs on 12 documents is clearly better', () => {
    expect(macroF1DifferenceInterval(truth, all, all, 2)).toEqual([0, 0]);
    const [lo, hi] = macroF1DifferenceInterval(
      truth,
      all,
      wrongOn((i) => i < 12),
      2,
    );
    expect(lo).toBeGreaterThan(0);
    expect(hi).toBeLessThanOrEqual(0.5);
  });
  it('2 documents of 40 apart is within the noise; multi-label sets give the same as single-label indices', () => {
    const [lo, hi] = macroF1DifferenceInterval(
      truth,
      all,
      wrongOn((i) => i < 2),
      2,
    );
    expect(lo).toBe(0);
    expect(hi).toBeGreaterThan(0);
    expect(
      macroF1DifferenceInterval(
        truth,
        wrongOn((i) => i % 7 === 0),
        wrongOn((i) => i < 5),
        2,
      ),
    ).toEqual(
      macroF1DifferenceInterval(
        truth,
        wrongOn((i) => i % 7 === 0),
        wrongOn((i) => i < 5),
        3,
      ),
    );
    expect(() => macroF1DifferenceInterval(truth, all, all.slice(1), 2)).toThrow(/40 documents, 40 and 39 decisions/);
  });
});

describe('chooseQueueModel: the cheaper model unless a costlier one wins by more than the noise', () => {
  it('a small gold set that favours a costlier model by luck keeps naive Bayes (both the paired test and the cross-validation say noise)', () => {
    // 20 gold documents (200 labels at 10 %): NB right on 13, the student on 15 — gold macro-F1 0.65 vs 0.75 —
    // the student right on 4 documents NB missed and wrong on 2 it got: the highest gold score, not a clear win.
    const { candidates, evidence } = scored(
      20,
      [
        ['nb', (i) => i >= 7],
        ['student', (i) => i < 4 || i >= 9],
      ],
      0.8,
    );
    expect(candidates[1]!.gold!.macroF1).toBeGreaterThan(candidates[0]!.gold!.macroF1 + 0.05);
    const d = decideQueueModel(candidates, evidence);
    expect(d.chosen).toBe(0);
    expect(d.verdicts[1]).toMatchObject({ against: 'nb', aboveNbCv: false, clear: false });
    expect(d.verdicts[1]!.f1DiffCi[0]).toBeLessThanOrEqual(0);
    expect(d.verdicts[1]!.f1Diff).toBeCloseTo(candidates[1]!.gold!.macroF1 - candidates[0]!.gold!.macroF1, 12);
    // Without naive Bayes's cross-validation the paired test alone keeps it too.
    expect(chooseQueueModel(candidates, { ...evidence, nbCv: undefined })).toBe(0);
  });

  it('a costlier model that wins clearly is chosen, on a small and on a large gold set', () => {
    // 40 gold documents: NB right on 26, the teacher on 39 (every one NB got, and 13 more).
    const small = scored(
      40,
      [
        ['nb', (i) => i >= 14],
        ['teacher', (i) => i !== 0],
      ],
      0.8,
    );
    const d = decideQueueModel(small.candidates, small.evidence);
    expect(d.chosen).toBe(1);
    expect(d.verdicts[1]).toMatchObject({ against: 'nb', aboveNbCv: true, clear: true });
    expect(d.verdicts[1]!.f1DiffCi[0]).toBeGreaterThan(0);
    // 200 gold documents (no cross-validation needed): 160 vs 180 right, the student right wherever NB is.
    const large = scored(200, [
      ['nb', (i) => i >= 40],
      ['student', (i) => i >= 20],
    ]);
    expect(chooseQueueModel(large.candidates, large.evidence)).toBe(1);
    expect(large.candidates[0]!.gold!.n).toBeGreaterThanOrEqual(SMALL_GOLD);
  });

  it("on a small gold set the costlier model must also clear naive Bayes's cross-validated score with its whole interval", () => {
    // 30 gold documents where NB was unlucky (18 right) and the student right on 27: a clear paired win,
    // but cross-validation on the training labels puts NB at 0.9, above what 30 documents can show the student is.
    const { candidates, evidence } = scored(
      30,
      [
        ['nb', (i) => i >= 12],
        ['student', (i) => i >= 3],
      ],
      0.9,
    );
    const d = decideQueueModel(candidates, evidence);
    expect(d.verdicts[1]!.f1DiffCi[0]).toBeGreaterThan(0);
    expect(d.verdicts[1]).toMatchObject({ aboveNbCv: false, clear: false });
    expect(d.chosen).toBe(0);
    expect(chooseQueueModel(candidates, { ...evidence, nbCv: { ...evidence.nbCv!, macroF1: 0.6 } })).toBe(1);
  });

  it('cheapest first: the teacher must beat the student that took the queue; the choice does not depend on the input order', () => {
    const { candidates, evidence } = scored(100, [
      ['teacher', (i) => i >= 18],
      ['nb', (i) => i >= 40],
      ['student', (i) => i >= 20],
    ]);
    const d = decideQueueModel(candidates, evidence);
    expect(candidates[d.chosen]!.kind).toBe('student');
    expect(d.verdicts[2]).toMatchObject({ against: 'nb', clear: true });
    expect(d.verdicts[0]).toMatchObject({ against: 'student', clear: false });
    expect(d.verdicts[1]).toBeUndefined();
    expect(
      passedOver({
        candidates: candidates.map((c, i) => ({ ...c, ...(d.verdicts[i] ? { verdict: d.verdicts[i] } : {}) })),
        chosen: d.chosen,
      }),
    ).toEqual(['teacher']);
  });

  it('without a gold set the cheapest model keeps the queue; a scored candidate beats an unscored one; without decisions no costlier model displaces a scored cheaper one', () => {
    const g = goldScore(
      probsOf(4, () => true),
      truthOf(4),
      LABELS,
      false,
    );
    expect(
      chooseQueueModel([
        { kind: 'teacher', version: 't' },
        { kind: 'nb', version: 'n' },
      ]),
    ).toBe(1);
    expect(
      chooseQueueModel([
        { kind: 'nb', version: 'n' },
        { kind: 'student', version: 's', gold: g },
      ]),
    ).toBe(1);
    expect(
      chooseQueueModel([
        { kind: 'student', version: 's', gold: g },
        { kind: 'nb', version: 'n', gold: { ...g, macroF1: 0.1 } },
      ]),
    ).toBe(1);
    expect(chooseQueueModel([])).toBe(-1);
    expect(CHOICE_RULE).toMatch(/more than the noise/);
  });
});
