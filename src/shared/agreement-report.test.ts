import { describe, expect, it } from 'vitest';
import { agreementReport, type Rating } from './agreement-report';

/** Ratings from per-annotator columns over items 1..n (undefined = not rated). */
function fromColumns(cols: Record<string, (string | string[] | undefined)[]>): Rating[] {
  const out: Rating[] = [];
  for (const [annotator, col] of Object.entries(cols)) {
    col.forEach((v, i) => {
      if (v !== undefined) out.push({ item: String(i + 1), annotator, labels: Array.isArray(v) ? v : [v] });
    });
  }
  return out;
}

describe('agreementReport', () => {
  it('two annotators on the 20/5/10/15 table: Cohen κ 0.40, α 0.40, Fleiss κ = Scott π 0.394, per label and per annotator', () => {
    const ann = [...Array(25).fill('neg'), ...Array(25).fill('pos')];
    const bob = [...Array(20).fill('neg'), ...Array(5).fill('pos'), ...Array(10).fill('neg'), ...Array(15).fill('pos')];
    const r = agreementReport(fromColumns({ bob, ann }), { multiLabel: false });
    expect([r.n_items, r.n_items_single, r.n_annotators, r.n_ratings]).toEqual([50, 0, 2, 100]);
    expect(r.cohen_kappa!).toBeCloseTo(0.4, 12);
    // n = 100 values, n_neg = 55, n_pos = 45: D_o = 0.3, D_e = (100² − 55² − 45²)/(100·99) = 0.5 → α = 0.4.
    expect(r.krippendorff_alpha!).toBeCloseTo(0.4, 12);
    // π: p_e = .55² + .45² = .505 → (.7 − .505)/.495.
    expect(r.fleiss_kappa!).toBeCloseTo(0.195 / 0.495, 12);
    expect(r.observed_agreement!).toBeCloseTo(0.7, 12);
    expect(r.pairs).toEqual([
      {
        a: 'ann',
        b: 'bob',
        n_items: 50,
        agreement: 0.7,
        cohen_kappa: expect.closeTo(0.4, 12),
        krippendorff_alpha: expect.closeTo(0.4, 12),
      },
    ]);
    // Binary task: "neg vs rest" and "pos vs rest" are the same decision.
    expect(r.labels.map((l) => [l.label, l.n_items, l.n_positive])).toEqual([
      ['neg', 50, 55],
      ['pos', 50, 45],
    ]);
    for (const l of r.labels) expect(l.cohen_kappa!).toBeCloseTo(0.4, 12);
    expect(r.annotators.map((a) => [a.annotator, a.n_ratings, a.n_items, a.n_pairs, a.agreement])).toEqual([
      ['ann', 50, 50, 50, 0.7],
      ['bob', 50, 50, 50, 0.7],
    ]);
    expect(r.annotators[0]!.cohen_kappa!).toBeCloseTo(0.4, 12);
  });

  it("Krippendorff's 4 × 12 example with missing values: α 0.743; Fleiss' κ null with the reason; no Cohen's κ", () => {
    const N = undefined;
    const cols = {
      A: ['1', '2', '3', '3', '2', '1', '4', '1', '2', N, N, N],
      B: ['1', '2', '3', '3', '2', '2', '4', '1', '2', '5', N, '3'],
      C: [N, '3', '3', '3', '2', '3', '4', '2', '2', '5', '1', N],
      D: ['1', '2', '3', '3', '2', '4', '4', '1', '2', '5', '1', N],
    };
    const r = agreementReport(fromColumns(cols), { multiLabel: false });
    expect([r.n_items, r.n_items_single, r.n_annotators, r.n_ratings]).toEqual([11, 1, 4, 41]);
    expect(r.krippendorff_alpha!).toBeCloseTo(0.743, 3);
    expect(r.fleiss_kappa).toBeNull();
    expect(r.fleiss_kappa_note).toMatch(/2–4 ratings/);
    expect(r).not.toHaveProperty('cohen_kappa');
    expect(r.pairs).toHaveLength(6);
    // A and B share units 1–9 (unit 12 is B's alone) and differ on unit 6 only.
    const ab = r.pairs.find((p) => p.a === 'A' && p.b === 'B')!;
    expect([ab.n_items, ab.agreement]).toEqual([9, 8 / 9]);
    // Label "5": units 10 (B, C, D all 5) is the only one with it; elsewhere nobody uses it → perfect agreement.
    const five = r.labels.find((l) => l.label === '5')!;
    expect([five.n_items, five.n_positive, five.krippendorff_alpha]).toEqual([11, 3, 1]);
    // C against the rest: units 2–11 (10 items); pairs = other raters on those units.
    const c = r.annotators.find((a) => a.annotator === 'C')!;
    expect([c.n_ratings, c.n_items, c.n_pairs]).toEqual([10, 10, 27]);
  });

  it('Fleiss κ when every item has the same number of ratings from different people', () => {
    // Three annotators, each item rated by two of them (like 2-way overlap routing).
    const rs: Rating[] = [
      { item: 'x', annotator: 'a', labels: ['1'] },
      { item: 'x', annotator: 'b', labels: ['1'] },
      { item: 'y', annotator: 'b', labels: ['0'] },
      { item: 'y', annotator: 'c', labels: ['1'] },
      { item: 'z', annotator: 'a', labels: ['0'] },
      { item: 'z', annotator: 'c', labels: ['0'] },
      { item: 'w', annotator: 'c', labels: ['0'] },
    ];
    const r = agreementReport(rs, { multiLabel: false });
    expect([r.n_items, r.n_items_single]).toEqual([3, 1]);
    // Counts (0s, 1s): x (0, 2), y (1, 1), z (2, 0): P̄ = (1 + 0 + 1)/3; p = (1/2, 1/2), P̄_e = 1/2 → κ = 1/3.
    expect(r.fleiss_kappa!).toBeCloseTo(1 / 3, 12);
    expect(r.pairs.map((p) => [p.a, p.b, p.n_items])).toEqual([
      ['a', 'b', 1],
      ['a', 'c', 1],
      ['b', 'c', 1],
    ]);
  });

  it('multi-label: α with MASI (hand-computed 0.5) or Jaccard; κ on exact sets; per-label binary decisions', () => {
    const rs = fromColumns({ a: [['x'], ['y']], b: [['x', 'y'], ['y']] });
    const r = agreementReport(rs, { multiLabel: true });
    expect(r.alpha_distance).toBe('masi');
    expect(r.krippendorff_alpha!).toBeCloseTo(0.5, 12);
    expect(agreementReport(rs, { multiLabel: true, setDistance: 'jaccard' }).krippendorff_alpha!).toBeCloseTo(
      4 / 7,
      12,
    );
    // Exact sets: agree on item 2 only; a uses {x}, {y}, b {x,y}, {y} → p_o = 1/2, p_e = 1/4 → κ = 1/3.
    expect(r.cohen_kappa!).toBeCloseTo(1 / 3, 12);
    const y = r.labels.find((l) => l.label === 'y')!;
    // Label y: a (0, 1), b (1, 1) → p_o = 1/2, p_e = (1/2)(0) + (1/2)(1) = 1/2 → κ = 0.
    expect([y.n_positive, y.cohen_kappa]).toEqual([3, 0]);
    const x = r.labels.find((l) => l.label === 'x')!;
    expect(x.cohen_kappa).toBe(1);
  });

  it('refuses a second rating of one item by one annotator, and has nulls (not NaN) without overlap', () => {
    expect(() =>
      agreementReport(
        [
          { item: '1', annotator: 'a', labels: ['x'] },
          { item: '1', annotator: 'a', labels: ['y'] },
        ],
        { multiLabel: false },
      ),
    ).toThrow(/"a" rated item "1" twice/);
    const r = agreementReport(
      [
        { item: '1', annotator: 'a', labels: ['x'] },
        { item: '2', annotator: 'b', labels: ['y'] },
      ],
      { multiLabel: false },
    );
    expect([r.n_items, r.krippendorff_alpha, r.fleiss_kappa, r.cohen_kappa, r.observed_agreement]).toEqual([
      0,
      null,
      null,
      null,
      null,
    ]);
    expect(r.pairs[0]).toMatchObject({ n_items: 0, agreement: null, cohen_kappa: null, krippendorff_alpha: null });
  });
});
