import { describe, expect, it } from 'vitest';
import {
  cohenKappa,
  cohenKappaOrNull,
  fleissKappa,
  jaccardDistance,
  krippendorffAlpha,
  masiDistance,
} from './agreement';

describe("Cohen's κ", () => {
  it('matches a hand-computed 2×2 table', () => {
    // Table: both 0 → 20, a0 b1 → 5, a1 b0 → 10, both 1 → 15 (n = 50).
    // p_o = 35/50 = 0.7; a: 25 zeros, 25 ones; b: 30 zeros, 20 ones → p_e = .5·.6 + .5·.4 = 0.5; κ = 0.4.
    const a = [...Array(20).fill(0), ...Array(5).fill(0), ...Array(10).fill(1), ...Array(15).fill(1)];
    const b = [...Array(20).fill(0), ...Array(5).fill(1), ...Array(10).fill(0), ...Array(15).fill(1)];
    expect(cohenKappa(a, b)).toBeCloseTo(0.4, 12);
    expect(cohenKappa(b, a)).toBeCloseTo(0.4, 12);
  });
  it('three categories', () => {
    // a = [0,0,1,1,2,2], b = [0,1,1,1,2,0]: p_o = 4/6; p_e = (2·2 + 2·3 + 2·1)/36 = 12/36; κ = (4/6 − 1/3)/(2/3) = 0.5.
    expect(cohenKappa([0, 0, 1, 1, 2, 2], [0, 1, 1, 1, 2, 0])).toBeCloseTo(0.5, 12);
  });
  it('is 1 for identical ratings (also all one category), 0 at chance, negative below it', () => {
    expect(cohenKappa([0, 1, 1, 0], [0, 1, 1, 0])).toBe(1);
    expect(cohenKappa([1, 1, 1], [1, 1, 1])).toBe(1);
    // a alternates, b constant: p_o = .5 = p_e → 0.
    expect(cohenKappa([0, 1, 0, 1], [0, 0, 0, 0])).toBe(0);
    expect(cohenKappa([0, 1, 0, 1], [1, 0, 1, 0])).toBe(-1);
  });
  it('refuses ratings of different lengths or none', () => {
    expect(() => cohenKappa([0, 1], [0])).toThrow(/2 vs 1/);
    expect(() => cohenKappa([], [])).toThrow(/no items/);
  });
});

describe("Cohen's κ for annotators (undefined is null)", () => {
  it("is 0.40 on Wikipedia's 20/5/10/15 table and null where both raters used one category", () => {
    const a = [...Array(25).fill(0), ...Array(25).fill(1)];
    const b = [...Array(20).fill(0), ...Array(5).fill(1), ...Array(10).fill(0), ...Array(15).fill(1)];
    expect(cohenKappaOrNull(a, b)).toBeCloseTo(0.4, 12);
    expect(cohenKappaOrNull([2, 2, 2], [2, 2, 2])).toBeNull();
  });
});

describe("Fleiss' κ", () => {
  // Fleiss (1971) as worked on Wikipedia ("Fleiss' kappa", worked example): 10 items, 14 raters, 5 categories.
  const TABLE = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
  ];
  it('is 0.210 on the worked example (P̄ = 0.378, P̄_e = 0.213)', () => {
    expect(fleissKappa(TABLE)!).toBeCloseTo(0.21, 3);
  });
  it("equals Scott's π for two raters, is null without variation, and refuses unequal rater counts", () => {
    // Two raters, items (0,0), (0,1), (1,1), (1,1): p = (3/8, 5/8), P̄_e = 34/64, P̄ = 3/4 → (3/4 − 34/64)/(30/64) = 14/30.
    expect(
      fleissKappa([
        [2, 0],
        [1, 1],
        [0, 2],
        [0, 2],
      ])!,
    ).toBeCloseTo(14 / 30, 12);
    expect(
      fleissKappa([
        [3, 0],
        [3, 0],
      ]),
    ).toBeNull();
    expect(fleissKappa([])).toBeNull();
    expect(() =>
      fleissKappa([
        [2, 0],
        [1, 2],
      ]),
    ).toThrow(/item 2 has 3 ratings, item 1 has 2/);
  });
});

describe("Krippendorff's α", () => {
  // Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011), section C: 4 observers × 12
  // units with missing values (unit 12 has a single value and is not pairable). Nominal α = 0.743.
  const NA = undefined;
  const OBSERVERS = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NA, NA, NA],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NA, 3],
    [NA, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NA],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NA],
  ];
  const units = OBSERVERS[0]!.map((_, u) => OBSERVERS.map((o) => o[u]).filter((v): v is number => v !== undefined));
  it("is 0.743 (nominal) on Krippendorff's reliability data with missing values", () => {
    expect(krippendorffAlpha(units)!).toBeCloseTo(0.743, 3);
  });
  it("takes any distance: interval (squared difference) gives the paper's 0.849", () => {
    expect(krippendorffAlpha(units, String, (a, b) => (a - b) ** 2)!).toBeCloseTo(0.849, 3);
  });
  it('is 1 for perfect agreement, null without variation or without pairable values, and near 0 at chance', () => {
    expect(
      krippendorffAlpha([
        [1, 1],
        [2, 2, 2],
        [3, 3],
      ]),
    ).toBe(1);
    expect(
      krippendorffAlpha([
        [1, 1],
        [1, 1, 1],
      ]),
    ).toBeNull();
    expect(krippendorffAlpha([[1], [2]])).toBeNull();
    // Two coders, 4 units: (a,a), (a,b), (b,a), (b,b): D_o = 4/8 = 1/2; n_a = n_b = 4, D_e = 2·16/(8·7) = 4/7 → α = 1 − 7/8.
    expect(
      krippendorffAlpha([
        ['a', 'a'],
        ['a', 'b'],
        ['b', 'a'],
        ['b', 'b'],
      ])!,
    ).toBeCloseTo(1 / 8, 12);
  });
  it('on label sets with MASI: hand-computed', () => {
    // Units: {x} vs {x,y} (MASI 1 − ½·⅔ = 2/3), {y} vs {y} (0). Values: {x}, {x,y}, {y}, {y}; n = 4.
    // Σ o δ = 2 · 2/3 (both orders of the first unit); Σ n_c n_k δ over ordered pairs of distinct values:
    // {x}–{x,y}: 1·1·2/3, {x}–{y}: 1·2·1, {x,y}–{y}: 1·2·2/3, each twice → 2·(2/3 + 2 + 4/3) = 8.
    // α = 1 − 3 · (4/3) / 8 = 1/2.
    const sets = [
      [['x'], ['x', 'y']],
      [['y'], ['y']],
    ];
    const key = (s: string[]) => JSON.stringify([...s].sort());
    expect(krippendorffAlpha(sets, key, masiDistance)!).toBeCloseTo(0.5, 12);
    // Jaccard: δ({x},{x,y}) = 1/2, δ({x},{y}) = 1, δ({x,y},{y}) = 1/2 → Σ o δ = 1, Σ n n δ = 2·(1/2 + 2 + 1) = 7; α = 1 − 3/7.
    expect(krippendorffAlpha(sets, key, jaccardDistance)!).toBeCloseTo(4 / 7, 12);
  });
});

describe('set distances', () => {
  it('MASI by hand (Passonneau 2006): identical 0, subset 1 − J·2/3, overlap 1 − J·1/3, disjoint 1', () => {
    expect(masiDistance(['a', 'b'], ['b', 'a'])).toBe(0);
    expect(masiDistance([], [])).toBe(0);
    expect(masiDistance(['a', 'b'], ['a', 'b', 'c', 'd'])).toBeCloseTo(1 - 0.5 * (2 / 3), 12);
    expect(masiDistance(['a', 'b', 'c'], ['b', 'c', 'd'])).toBeCloseTo(1 - 0.5 * (1 / 3), 12);
    expect(masiDistance(['a'], ['b'])).toBe(1);
    expect(masiDistance([], ['a'])).toBe(1);
  });
  it('Jaccard', () => {
    expect(jaccardDistance(['a', 'b'], ['a', 'b', 'c', 'd'])).toBeCloseTo(0.5, 12);
    expect(jaccardDistance(['a'], ['b'])).toBe(1);
    expect(jaccardDistance([], [])).toBe(0);
  });
});
