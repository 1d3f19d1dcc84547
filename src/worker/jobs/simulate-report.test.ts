import { describe, expect, it } from 'vitest';
import { aulc, renderSimulationMarkdown, summarizeStrategy } from './simulate-report';

describe('simulation summaries', () => {
  it('AULC is the trapezoid area over the label range divided by its width', () => {
    // (0.6 + 0.8) / 2 · 10 + (0.8 + 0.9) / 2 · 30 = 7 + 25.5 = 32.5 over 40 labels
    expect(
      aulc([
        { labels: 10, accuracy: 0.6 },
        { labels: 20, accuracy: 0.8 },
        { labels: 50, accuracy: 0.9 },
      ]),
    ).toBeCloseTo(32.5 / 40, 12);
    expect(aulc([{ labels: 10, accuracy: 0.7 }])).toBe(0.7);
  });
  it('mean ± std per point over runs, the std of per-run AULCs, and the first point at 95 % of full data', () => {
    const runs = [
      [
        { labels: 10, accuracy: 0.5, macro_f1: 0.4 },
        { labels: 20, accuracy: 0.7, macro_f1: 0.6 },
        { labels: 30, accuracy: 0.9, macro_f1: 0.9 },
      ],
      [
        { labels: 10, accuracy: 0.7, macro_f1: 0.6 },
        { labels: 20, accuracy: 0.9, macro_f1: 0.8 },
        { labels: 30, accuracy: 0.9, macro_f1: 0.9 },
      ],
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
  it("the stopping rule fires per run at the third κ ≥ 0.99 in a row; accuracy there vs the same runs' full data", () => {
    const pt = (labels: number, accuracy: number, stop_kappa: number | null) => ({
      labels,
      accuracy,
      macro_f1: accuracy,
      stop_kappa,
    });
    const runs = [
      // Fires at 50 labels (κ at 30, 40, 50 ≥ 0.99).
      [pt(10, 0.6, null), pt(20, 0.7, 0.9), pt(30, 0.8, 0.99), pt(40, 0.81, 0.995), pt(50, 0.82, 1), pt(60, 0.83, 1)],
      // A dip at 30 labels restarts the count: fires at 60.
      [
        pt(10, 0.5, null),
        pt(20, 0.7, 0.99),
        pt(30, 0.75, 0.98),
        pt(40, 0.8, 0.99),
        pt(50, 0.84, 0.995),
        pt(60, 0.86, 0.999),
      ],
      // Never stable within the budget.
      [pt(10, 0.5, null), pt(20, 0.6, 0.5), pt(30, 0.7, 0.99), pt(40, 0.8, 0.99), pt(50, 0.8, 0.9), pt(60, 0.9, 0.99)],
    ];
    const s = summarizeStrategy(runs, 0.88, { fullPerRun: [0.86, 0.9, 0.88], testSize: 500 });
    expect(s.stopped_at.runs).toEqual([{ labels: 50, accuracy: 0.82 }, { labels: 60, accuracy: 0.86 }, null]);
    expect(s.stopped_at.runs_fired).toBe(2);
    expect(s.stopped_at.labels).toBe(55);
    expect(s.stopped_at.accuracy).toBeCloseTo(0.84, 12);
    expect(s.stopped_at.full_accuracy).toBeCloseTo(0.88, 12);
    expect(s.curve[0]!.stop_kappa).toBeNull();
    expect(s.curve[1]!.stop_kappa).toBeCloseTo((0.9 + 0.99 + 0.5) / 3, 12);
    // Six rounds 10 labels apart: the last 300 labels are the whole curve.
    expect(s.last_change!.labels).toBe(50);
    expect(s.last_change!.sentence).toMatch(/^the last 50 labels changed accuracy by \+\d+\.\d ± \d+\.\d points$/);
    const none = summarizeStrategy([runs[2]!], 0.88);
    expect(none.stopped_at).toEqual({ labels: null, accuracy: null, full_accuracy: null, runs_fired: 0, runs: [null] });
    const md = renderSimulationMarkdown(
      {
        pool_size: 100,
        test_size: 20,
        full_data: { accuracy: 0.88, macro_f1: 0.88, accuracy_std: 0, macro_f1_std: 0 },
        strategies: { entropy: s, random: none },
      },
      {},
      'learning-curves.png',
      'stop-kappa.png',
    );
    expect(md).toContain(
      '| entropy | 55 (50, 60, not within budget) | 84.00 | 88.00 | the last 50 labels changed accuracy by +',
    );
    expect(md).toContain('| random | not within budget |  |  |');
    expect(md).toContain('![Stop-set κ](stop-kappa.png)');
    expect(md).toContain('| 20 | 0.7967 | 0.5000 |');
  });
  it('the Markdown table shows each strategy against random and "not reached"', () => {
    const r = [
      [
        { labels: 10, accuracy: 0.5, macro_f1: 0.5 },
        { labels: 20, accuracy: 0.6, macro_f1: 0.6 },
      ],
    ];
    const e = [
      [
        { labels: 10, accuracy: 0.5, macro_f1: 0.5 },
        { labels: 20, accuracy: 0.8, macro_f1: 0.8 },
      ],
    ];
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
