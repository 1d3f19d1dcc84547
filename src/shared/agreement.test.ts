import { describe, expect, it } from 'vitest';
import { cohenKappa } from './agreement';

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
