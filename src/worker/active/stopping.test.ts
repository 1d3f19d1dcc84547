import { describe, expect, it } from 'vitest';
import {
  curveChange,
  curveChangeSentence,
  drawStopSet,
  stabilizedAt,
  stopSetDecisions,
  successiveKappas,
} from './stopping';

describe('stabilizing predictions', () => {
  it('κ of each round against the previous one on the stop set', () => {
    const r0 = [0, 0, 1, 1];
    const r1 = [0, 0, 1, 1];
    const r2 = [0, 1, 1, 1]; // p_o = 3/4, p_e = .5·.25 + .5·.75 = .5 → κ = .5
    expect(successiveKappas([r0, r1, r2])).toEqual([null, 1, 0.5]);
  });
  it('fires at the first round where the last three κ are all ≥ 0.99', () => {
    expect(stabilizedAt([null, 0.99, 0.995, 1])).toBe(3);
    // A dip resets the count: κ at rounds 4, 5, 6 are the first three in a row.
    expect(stabilizedAt([null, 0.995, 1, 0.98, 0.991, 0.999, 1, 1])).toBe(6);
    expect(stabilizedAt([null, 1, 1])).toBe(-1); // only two comparisons
    expect(stabilizedAt([null, 0.989, 0.989, 0.989, 0.989])).toBe(-1);
    expect(stabilizedAt([null, 0.9, 0.95, 0.97], 0.9, 2)).toBe(2);
  });
  it('decisions: argmax per document, or one yes/no per cell for multi-label', () => {
    const p = Float32Array.from([0.2, 0.7, 0.1, 0.6, 0.3, 0.1]);
    expect(Array.from(stopSetDecisions(p, 3, false))).toEqual([1, 0]);
    expect(Array.from(stopSetDecisions(p, 3, true))).toEqual([0, 1, 0, 1, 0, 0]);
  });
  it('the stop set is drawn once: the same seed gives the same documents', () => {
    const pool = Array.from({ length: 50 }, (_, i) => i * 2);
    const a = drawStopSet(pool, 10, 7);
    expect(a).toEqual(drawStopSet(pool, 10, 7));
    expect(new Set(a).size).toBe(10);
    expect(a.every((x) => pool.includes(x))).toBe(true);
    expect(drawStopSet(pool, 100, 7)).toHaveLength(50);
  });
});

describe('the learning curve slope', () => {
  it('least-squares line over the last 300 labels, ± 1.96 standard errors', () => {
    // Points at 100..500; the window of 300 before 500 starts at 200: (200, .80), (300, .82), (400, .81), (500, .83).
    const pts = [
      { labels: 100, accuracy: 0.5 },
      { labels: 200, accuracy: 0.8 },
      { labels: 300, accuracy: 0.82 },
      { labels: 400, accuracy: 0.81 },
      { labels: 500, accuracy: 0.83 },
    ];
    const c = curveChange(pts, 300)!;
    // x̄ = 350, ȳ = .815, Sxx = 50 000, Sxy = (−150)(−.015) + (−50)(.005) + (50)(−.005) + (150)(.015) = 4; slope = 8e-5.
    // Residuals: .80 − .803 = −.003, .82 − .811 = .009, .81 − .819 = −.009, .83 − .827 = .003 → SSE = 1.8e-4.
    // SE = √(1.8e-4 / 2 / 50 000) = √1.8e-9; change = 8e-5 · 300 = .024; ci = 1.96 · √1.8e-9 · 300 ≈ .025.
    expect(c.points).toBe(4);
    expect(c.labels).toBe(300);
    expect(c.change).toBeCloseTo(0.024, 12);
    expect(c.ci!).toBeCloseTo(1.96 * Math.sqrt(1.8e-9) * 300, 12);
    expect(curveChangeSentence(c)).toBe('the last 300 labels changed accuracy by +2.4 ± 2.5 points');
  });
  it('two points: the difference, with the binomial interval on the test size', () => {
    const c = curveChange(
      [
        { labels: 100, accuracy: 0.8 },
        { labels: 400, accuracy: 0.79 },
      ],
      300,
      1000,
    )!;
    expect(c.change).toBeCloseTo(-0.01, 12);
    expect(c.ci!).toBeCloseTo(1.96 * Math.sqrt((0.16 + 0.79 * 0.21) / 1000), 12);
    expect(curveChangeSentence(c)).toBe('the last 300 labels changed accuracy by −1.0 ± 3.5 points');
    expect(
      curveChange([
        { labels: 100, accuracy: 0.8 },
        { labels: 400, accuracy: 0.79 },
      ])!.ci,
    ).toBeNull();
    expect(curveChange([{ labels: 100, accuracy: 0.8 }])).toBeNull();
  });
});
