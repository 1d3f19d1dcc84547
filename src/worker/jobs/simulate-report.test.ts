import { describe, expect, it } from 'vitest';
import { aulc, renderSimulationMarkdown, summarizeStrategy } from './simulate-report';

describe('simulation summaries', () => {
  it('AULC is the trapezoid area over the label range divided by its width', () => {
    // (0.6 + 0.8) / 2 · 10 + (0.8 + 0.9) / 2 · 30 = 7 + 25.5 = 32.5 over 40 labels
    expect(aulc([{ labels: 10, accuracy: 0.6 }, { labels: 20, accuracy: 0.8 }, { labels: 50, accuracy: 0.9 }])).toBeCloseTo(32.5 / 40, 12);
    expect(aulc([{ labels: 10, accuracy: 0.7 }])).toBe(0.7);
  });
  it('mean ± std per point over runs, the std of per-run AULCs, and the first point at 95 % of full data', () => {
    const runs = [
      [{ labels: 10, accuracy: 0.5, macro_f1: 0.4 }, { labels: 20, accuracy: 0.7, macro_f1: 0.6 }, { labels: 30, accuracy: 0.9, macro_f1: 0.9 }],
      [{ labels: 10, accuracy: 0.7, macro_f1: 0.6 }, { labels: 20, accuracy: 0.9, macro_f1: 0.8 }, { labels: 30, accuracy: 0.9, macro_f1: 0.9 }],
    ];
    const s = summarizeStrategy(runs, 0.85);
    expect(s.curve.map((p) => p.accuracy)).toEqual([0.6, 0.8, 0.9].map((x) => expect.closeTo(x, 12)));
    expect(s.curve[0]!.accuracy_std).toBeCloseTo(Math.SQRT2 * 0.1, 12);
    // 95 % of 0.85 = 0.8075: the mean at 20 labels (0.8) misses it, 30 labels reach it.
    expect(s.labels_to_95).toBe(30);
    // Per-run AULCs: (0.6 + 0.8) / 2 = 0.7 and (0.8 + 0.9) / 2 = 0.85 → std 0.15/√2.
    expect(s.aulc_std).toBeCloseTo(0.15 / Math.SQRT2, 12);
    expect(summarizeStrategy(runs, 0.99).labels_to_95).toBeNull();
  });
  it('the Markdown table shows each strategy against random and "not reached"', () => {
    const r = [[{ labels: 10, accuracy: 0.5, macro_f1: 0.5 }, { labels: 20, accuracy: 0.6, macro_f1: 0.6 }]];
    const e = [[{ labels: 10, accuracy: 0.5, macro_f1: 0.5 }, { labels: 20, accuracy: 0.8, macro_f1: 0.8 }]];
    const md = renderSimulationMarkdown(
      {
        pool_size: 100,
        test_size: 20,
        full_data: { accuracy: 0.8, macro_f1: 0.8, accuracy_std: 0, macro_f1_std: 0 },
        strategies: { random: summarizeStrategy(r, 0.8), entropy: summarizeStrategy(e, 0.8) },
      },
      { budget: 20 },
    );
    expect(md).toContain('| random | 55.00 ± 0.00 |  | not reached |');
    expect(md).toContain('| entropy | 65.00 ± 0.00 | +10.00 | 20 (20.00 % of pool) |');
  });
});
