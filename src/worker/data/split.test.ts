import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { apportion, kFoldIndices, splitDocs, stratifiedCounts } from './split';
import { createRng } from '../../shared/random';

interface Doc {
  id: string;
  labels: string[];
}

/** Single-label docs with the given class sizes, classes interleaved so order carries no signal. */
function singleLabel(sizes: Record<string, number>): Doc[] {
  const docs: Doc[] = [];
  const left = { ...sizes };
  for (let i = 0; docs.length < Object.values(sizes).reduce((a, b) => a + b, 0); i++) {
    for (const l of Object.keys(left)) if (left[l]! > 0) (left[l]!--, docs.push({ id: `${l}-${i}`, labels: [l] }));
  }
  return docs;
}

function count(docs: readonly Doc[], label: string): number {
  return docs.filter((d) => d.labels.includes(label)).length;
}

/** Multi-label docs: 6 labels of different frequency, 0–3 labels each, some unlabeled. */
function multiLabel(n: number, seed: number): Doc[] {
  const rng = createRng(seed);
  const labels = ['common', 'frequent', 'medium', 'sparse', 'rare', 'rarest'];
  const p = [0.6, 0.4, 0.25, 0.1, 0.05, 0.03];
  return Array.from({ length: n }, (_, i) => ({ id: String(i), labels: labels.filter((_, j) => rng.next() < p[j]!) }));
}

describe('createRng', () => {
  it('is deterministic per seed and in range', () => {
    const a = createRng(42);
    const b = createRng(42);
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.next()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(createRng(43).next()).not.toBe(createRng(42).next());
    const r = createRng(1);
    const ints = Array.from({ length: 2000 }, () => r.int(7));
    expect(new Set(ints)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6]));
    expect(() => r.int(0)).toThrow();
  });

  it('shuffles in place to a permutation', () => {
    const arr = Array.from({ length: 50 }, (_, i) => i);
    const out = createRng(3).shuffle(arr);
    expect(out).toBe(arr);
    expect([...out].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(out).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});

describe('splitDocs (single-label)', () => {
  const docs = singleLabel({ pos: 613, neg: 287, neutral: 91, rare: 9 });
  const opts = { valid: 0.1, test: 0.2, seed: 1, multiLabel: false };

  it('has the requested proportions and partitions the docs, keeping input order', () => {
    const s = splitDocs(docs, opts);
    expect(s.valid.length).toBe(100);
    expect(s.test.length).toBe(200);
    expect(s.train.length).toBe(700);
    const ids = [...s.train, ...s.valid, ...s.test].map((d) => d.id);
    expect(new Set(ids).size).toBe(docs.length);
    const pos = new Map(docs.map((d, i) => [d.id, i]));
    for (const part of [s.train, s.valid, s.test]) {
      const idx = part.map((d) => pos.get(d.id)!);
      expect(idx).toEqual([...idx].sort((a, b) => a - b));
    }
  });

  it('preserves label ratios within ±1 document', () => {
    const s = splitDocs(docs, opts);
    for (const [label, n] of [
      ['pos', 613],
      ['neg', 287],
      ['neutral', 91],
      ['rare', 9],
    ] as const) {
      expect(Math.abs(count(s.valid, label) - n * 0.1)).toBeLessThan(1);
      expect(Math.abs(count(s.test, label) - n * 0.2)).toBeLessThan(1);
      expect(Math.abs(count(s.train, label) - n * 0.7)).toBeLessThan(1);
    }
  });

  it('is deterministic by seed and varies with it', () => {
    const ids = (seed: number) => splitDocs(docs, { ...opts, seed }).test.map((d) => d.id);
    expect(ids(5)).toEqual(ids(5));
    expect(ids(5)).not.toEqual(ids(6));
  });

  it('still fills small subsets when every class is tiny', () => {
    const tiny = singleLabel(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`c${i}`, 3])));
    const s = splitDocs(tiny, { valid: 0.1, test: 0.1, seed: 2, multiLabel: false });
    expect([s.train.length, s.valid.length, s.test.length]).toEqual([96, 12, 12]);
  });

  it('keeps counts within ±1 for any class sizes and fractions (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: 45 }),
        fc.integer({ min: 0, max: 45 }),
        fc.integer(),
        (sizes, v, t, seed) => {
          const ratios = [100 - v - t, v, t].map((x) => x / 100);
          const counts = stratifiedCounts(sizes, ratios, createRng(seed));
          const total = sizes.reduce((a, b) => a + b, 0);
          counts.forEach((row, g) => {
            expect(row.reduce((a, b) => a + b, 0)).toBe(sizes[g]);
            row.forEach((c, j) => expect(Math.abs(c - sizes[g]! * ratios[j]!)).toBeLessThan(1 + 1e-9));
          });
          ratios.forEach((r, j) => {
            const col = counts.reduce((s, row) => s + row[j]!, 0);
            expect(Math.abs(col - total * r)).toBeLessThan(1 + 1e-9);
          });
        },
      ),
      { numRuns: 300, seed: 11 },
    );
  });

  it('rejects bad fractions', () => {
    expect(() => splitDocs(docs, { ...opts, valid: 0.6, test: 0.4 })).toThrow(/below 1/);
    expect(() => splitDocs(docs, { ...opts, test: -0.1 })).toThrow(/test fraction/);
  });

  it('apportions totals exactly', () => {
    expect(apportion(10, [0.7, 0.15, 0.15])).toEqual([7, 2, 1]);
    expect(apportion(0, [0.5, 0.5])).toEqual([0, 0]);
  });
});

describe('splitDocs (multi-label, iterative stratification)', () => {
  const docs = multiLabel(1200, 9);
  const labels = ['common', 'frequent', 'medium', 'sparse', 'rare', 'rarest'];

  it('approximates proportions overall and per label, deterministically', () => {
    const opts = { valid: 0.15, test: 0.15, seed: 3, multiLabel: true };
    const s = splitDocs(docs, opts);
    expect(s.train.length + s.valid.length + s.test.length).toBe(docs.length);
    expect(Math.abs(s.test.length - 180)).toBeLessThanOrEqual(3);
    for (const l of labels) {
      const n = count(docs, l);
      expect(Math.abs(count(s.test, l) - n * 0.15), l).toBeLessThanOrEqual(2);
      expect(Math.abs(count(s.valid, l) - n * 0.15), l).toBeLessThanOrEqual(2);
    }
    expect(splitDocs(docs, opts)).toEqual(s);
    expect(splitDocs(docs, { ...opts, seed: 4 }).test).not.toEqual(s.test);
  });
});

describe('kFoldIndices', () => {
  it('partitions indices into k stratified folds (single-label)', () => {
    const docs = singleLabel({ a: 50, b: 23, c: 7 });
    const folds = kFoldIndices(docs, 5, 1, false);
    expect(folds).toHaveLength(5);
    expect(folds.flat().sort((x, y) => x - y)).toEqual(docs.map((_, i) => i));
    for (const f of folds) {
      expect(f).toEqual([...f].sort((x, y) => x - y));
      expect(Math.abs(f.length - 16)).toBeLessThanOrEqual(1);
      for (const [l, n] of [
        ['a', 50],
        ['b', 23],
        ['c', 7],
      ] as const) {
        expect(Math.abs(f.filter((i) => docs[i]!.labels[0] === l).length - n / 5)).toBeLessThan(1);
      }
    }
    expect(kFoldIndices(docs, 5, 1, false)).toEqual(folds);
  });

  it('leaves every label in every fold when each label has at least k examples (multi-label)', () => {
    for (const seed of [1, 2, 3]) {
      const docs = multiLabel(400, seed);
      const folds = kFoldIndices(docs, 5, seed, true);
      expect(folds.flat().sort((x, y) => x - y)).toEqual(docs.map((_, i) => i));
      const labels = new Set(docs.flatMap((d) => d.labels));
      for (const l of labels) {
        if (count(docs, l) < 5) continue;
        for (const f of folds)
          expect(
            f.some((i) => docs[i]!.labels.includes(l)),
            `${l} seed ${seed}`,
          ).toBe(true);
      }
    }
  });

  it('spreads a label with exactly k examples one per fold', () => {
    const docs: Doc[] = [
      ...Array.from({ length: 5 }, (_, i) => ({ id: `r${i}`, labels: ['rare', 'common'] })),
      ...Array.from({ length: 45 }, (_, i) => ({ id: `c${i}`, labels: i % 3 ? ['common'] : [] })),
    ];
    const folds = kFoldIndices(docs, 5, 8, true);
    for (const f of folds) expect(f.filter((i) => docs[i]!.labels.includes('rare'))).toHaveLength(1);
    for (const f of folds) expect(f.length).toBe(10);
  });

  it('rejects bad k', () => {
    expect(() => kFoldIndices([{ labels: [] }], 2, 1, false)).toThrow(/at least 2/);
    expect(() => kFoldIndices([], 1, 1, false)).toThrow(/k must be/);
  });
});
