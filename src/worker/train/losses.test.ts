/**
 * The training losses against hand-computed values and an independent float64 implementation
 * written here (issue #9 item 5): cross-entropy, focal loss, the distillation loss
 * α·ρ²·KL(softmax(z_T/ρ) ‖ softmax(z_S/ρ)) + (1 − α)·CE at several α and ρ, multi-label BCE and the
 * multi-label distillation BCE. Conventions pinned here: CE means over labeled rows, the KL term over
 * all rows (unlabeled rows distil only), BCE over rows × classes.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/tfjs-backend';
import { multiLabelLoss, singleLabelLoss, type LossInputs } from './losses';

beforeAll(async () => {
  await initBackend('wasm');
});

// ---- the float64 reference --------------------------------------------------------------------

function softmax(z: number[], rho = 1): number[] {
  const s = z.map((v) => v / rho);
  const m = Math.max(...s);
  const e = s.map((v) => Math.exp(v - m));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}
const ce = (z: number[], y: number) => -Math.log(softmax(z)[y]);
const kl = (p: number[], q: number[]) => p.reduce((s, pi, i) => s + (pi > 0 ? pi * Math.log(pi / q[i]) : 0), 0);
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const bce = (z: number, t: number, w = 1) => -(w * t * Math.log(sigmoid(z)) + (1 - t) * Math.log(1 - sigmoid(z)));

interface RefSingle {
  logits: number[][];
  y: number[];
  teacher?: number[][];
  alpha?: number;
  rho?: number;
  gamma?: number;
  weights?: number[];
}

/** L = α·ρ²·mean_rows KL(p_T ‖ p_S) + (1 − α)·mean_labeled w_y·(1 − p_y)^γ·CE. */
function refSingle(r: RefSingle): number {
  const labeled = r.y.map((y, i) => [y, i]).filter(([y]) => y >= 0);
  const hard = labeled.length
    ? labeled.reduce((s, [y, i]) => {
        const c = ce(r.logits[i], y);
        const focal = r.gamma ? (1 - softmax(r.logits[i])[y]) ** r.gamma : 1;
        return s + (r.weights ? r.weights[y] : 1) * focal * c;
      }, 0) / labeled.length
    : 0;
  if (!r.teacher) return hard;
  const alpha = r.alpha ?? 0.5;
  const rho = r.rho ?? 1;
  const soft = r.logits.reduce((s, z, i) => s + kl(softmax(r.teacher![i], rho), softmax(z, rho)), 0) / r.logits.length;
  return alpha * rho * rho * soft + (labeled.length ? 1 - alpha : 0) * hard;
}

function lossOf(fn: (i: LossInputs) => tf.Scalar, inp: Omit<LossInputs, 'logits'> & { logits: number[][] }): number {
  const logits = tf.tensor2d(inp.logits);
  try {
    const l = fn({ ...inp, logits });
    const v = l.dataSync()[0];
    l.dispose();
    return v;
  } finally {
    logits.dispose();
  }
}

const flat = (rows: number[][]) => Float32Array.from(rows.flat());

// ---- single-label -----------------------------------------------------------------------------

describe('single-label losses', () => {
  it('hand-computed: logits [0, ln 3] give softmax [1/4, 3/4]', () => {
    // CE(y = 1) = −ln(3/4) = 0.2876821; CE(y = 0) = ln 4 = 1.3862944; mean = 0.8369882.
    const z = [
      [0, Math.log(3)],
      [0, Math.log(3)],
    ];
    expect(lossOf(singleLabelLoss, { logits: z, hard: Int32Array.from([1, 0]) })).toBeCloseTo(0.8369882, 5);
    // Focal γ = 2: (1/4)²·0.2876821 = 0.0179801 and (3/4)²·1.3862944 = 0.7797906; mean 0.3988854.
    expect(lossOf(singleLabelLoss, { logits: z, hard: Int32Array.from([1, 0]), focalGamma: 2 })).toBeCloseTo(
      0.3988854,
      5,
    );
    // Teacher logits [ln 3, 0] → p_T = [3/4, 1/4] against p_S = [1/4, 3/4] at ρ = 1:
    // KL = 3/4·ln 3 + 1/4·ln(1/3) = ½·ln 3 = 0.5493061 per row.
    // α = 1: 0.5493061. α = 0.5: 0.5·0.5493061 + 0.5·0.8369882 = 0.6931472 (= ln 2, by coincidence of these numbers).
    const teacher = flat([
      [Math.log(3), 0],
      [Math.log(3), 0],
    ]);
    expect(
      lossOf(singleLabelLoss, { logits: z, hard: Int32Array.from([1, 0]), teacher, alpha: 1, temperature: 1 }),
    ).toBeCloseTo(0.5493061, 5);
    expect(
      lossOf(singleLabelLoss, { logits: z, hard: Int32Array.from([1, 0]), teacher, alpha: 0.5, temperature: 1 }),
    ).toBeCloseTo(0.6931472, 5);
    // ρ = 2: p_T = softmax([ln 3, 0]/2) = [√3, 1]/(√3 + 1) = [0.6339746, 0.3660254], p_S its mirror;
    // KL = (0.6339746 − 0.3660254)·ln(√3) = 0.2679492·0.5493061 = 0.1471869; ρ²·KL = 0.5887477.
    expect(
      lossOf(singleLabelLoss, { logits: z, hard: Int32Array.from([1, 0]), teacher, alpha: 1, temperature: 2 }),
    ).toBeCloseTo(0.5887477, 5);
  });

  const logits = [
    [1.2, -0.4, 0.3],
    [-0.7, 0.9, 2.1],
    [0.05, 0.0, -1.3],
    [2.5, 1.5, -0.5],
  ];
  const y = [0, 2, 1, -1]; // the last row is unlabeled
  const teacher = [
    [2.0, 0.1, -1.0],
    [-1.5, 0.4, 1.1],
    [0.3, 1.7, -0.2],
    [0.9, 2.2, 0.0],
  ];

  it('cross-entropy, class weights and focal loss match the float64 reference (unlabeled rows ignored)', () => {
    expect(lossOf(singleLabelLoss, { logits, hard: Int32Array.from(y) })).toBeCloseTo(refSingle({ logits, y }), 5);
    const weights = [0.5, 2, 1.25];
    expect(
      lossOf(singleLabelLoss, { logits, hard: Int32Array.from(y), classWeights: Float32Array.from(weights) }),
    ).toBeCloseTo(refSingle({ logits, y, weights }), 5);
    for (const gamma of [0.5, 1, 2, 5]) {
      expect(lossOf(singleLabelLoss, { logits, hard: Int32Array.from(y), focalGamma: gamma })).toBeCloseTo(
        refSingle({ logits, y, gamma }),
        5,
      );
    }
  });

  it('distillation α·ρ²·KL + (1 − α)·CE at several α and ρ', () => {
    for (const alpha of [0, 0.2, 0.5, 0.8, 1]) {
      for (const rho of [0.5, 1, 2, 4, 10]) {
        const got = lossOf(singleLabelLoss, {
          logits,
          hard: Int32Array.from(y),
          teacher: flat(teacher),
          alpha,
          temperature: rho,
        });
        // α = 0 is plain CE whatever ρ (the KL term is skipped).
        const want = alpha === 0 ? refSingle({ logits, y }) : refSingle({ logits, y, teacher, alpha, rho });
        expect(got, `α=${alpha} ρ=${rho}`).toBeCloseTo(want, 4);
      }
    }
  });

  it("defaults: α 0.5 and ρ 3 (the option table's one ρ) when distilling; unlabeled-only batches distil only", () => {
    expect(lossOf(singleLabelLoss, { logits, hard: Int32Array.from(y), teacher: flat(teacher) })).toBeCloseTo(
      refSingle({ logits, y, teacher, alpha: 0.5, rho: 3 }),
      5,
    );
    const none = [-1, -1, -1, -1];
    // No labeled row: the (1 − α)·CE term is dropped, the KL term stays at weight α·ρ².
    expect(
      lossOf(singleLabelLoss, {
        logits,
        hard: Int32Array.from(none),
        teacher: flat(teacher),
        alpha: 0.3,
        temperature: 2,
      }),
    ).toBeCloseTo(refSingle({ logits, y: none, teacher, alpha: 0.3, rho: 2 }), 5);
  });

  it('the gradient of ρ²·KL with respect to the student logits is ρ·(p_S − p_T)/rows', () => {
    const rho = 2;
    const z = tf.tensor2d(logits);
    const g = tf.grad((x: tf.Tensor) =>
      singleLabelLoss({
        logits: x as tf.Tensor2D,
        hard: Int32Array.from([-1, -1, -1, -1]),
        teacher: flat(teacher),
        alpha: 1,
        temperature: rho,
      }),
    )(z);
    const got = g.arraySync() as number[][];
    z.dispose();
    g.dispose();
    logits.forEach((row, i) => {
      const pS = softmax(row, rho);
      const pT = softmax(teacher[i], rho);
      row.forEach((_, c) => expect(got[i][c]).toBeCloseTo((rho * (pS[c] - pT[c])) / logits.length, 5));
    });
  });

  it('shards of a batch (data-parallel) add up to the batch loss', () => {
    const whole = lossOf(singleLabelLoss, {
      logits,
      hard: Int32Array.from(y),
      teacher: flat(teacher),
      alpha: 0.4,
      temperature: 3,
    });
    const totals = { rows: 4, labeled: 3 };
    const a = lossOf(singleLabelLoss, {
      logits: logits.slice(0, 2),
      hard: Int32Array.from(y.slice(0, 2)),
      teacher: flat(teacher.slice(0, 2)),
      alpha: 0.4,
      temperature: 3,
      batchTotals: totals,
    });
    const b = lossOf(singleLabelLoss, {
      logits: logits.slice(2),
      hard: Int32Array.from(y.slice(2)),
      teacher: flat(teacher.slice(2)),
      alpha: 0.4,
      temperature: 3,
      batchTotals: totals,
    });
    expect(a + b).toBeCloseTo(whole, 5);
  });
});

// ---- multi-label ------------------------------------------------------------------------------

describe('multi-label losses', () => {
  const logits = [
    [1.5, -2.0, 0.2],
    [-0.3, 0.8, -1.1],
    [0.0, 2.4, 0.6],
  ];
  // The last row is unlabeled (NaN row).
  const targets = [
    [1, 0, 1],
    [0, 1, 0],
    [NaN, NaN, NaN],
  ];
  const teacherProbs = [
    [0.9, 0.05, 0.6],
    [0.2, 0.7, 0.1],
    [0.5, 0.95, 0.3],
  ];

  /** Mean BCE over the rows with targets × classes, with optional positive-class weights. */
  function refBce(rows: number[][], t: number[][], w?: number[]): number {
    let s = 0;
    let cells = 0;
    rows.forEach((z, i) => {
      if (Number.isNaN(t[i][0])) return;
      z.forEach((v, c) => {
        s += bce(v, t[i][c], w?.[c] ?? 1);
        cells++;
      });
    });
    return s / cells;
  }

  it('hand-computed BCE: logit 0 against target 1 is ln 2; logit ln 3 (σ = 3/4) against 1 is ln(4/3)', () => {
    // cells: −ln ½ = 0.6931472, −ln ¾ = 0.2876821, target 0 at logit ln 3: −ln ¼ = 1.3862944; mean 0.7890412.
    const z = [[0, Math.log(3), Math.log(3)]];
    expect(lossOf(multiLabelLoss, { logits: z, hard: flat([[1, 1, 0]]) })).toBeCloseTo(0.7890412, 5);
  });

  it('BCE with and without positive-class weights, unlabeled rows ignored', () => {
    expect(lossOf(multiLabelLoss, { logits, hard: flat(targets) })).toBeCloseTo(refBce(logits, targets), 5);
    const w = [2, 0.5, 3];
    expect(lossOf(multiLabelLoss, { logits, hard: flat(targets), classWeights: Float32Array.from(w) })).toBeCloseTo(
      refBce(logits, targets, w),
      5,
    );
  });

  it('distillation α·BCE(σ(z), p_T) over every row + (1 − α)·BCE(σ(z), y) over labeled rows', () => {
    for (const alpha of [0.25, 0.5, 1]) {
      const want = alpha * refBce(logits, teacherProbs) + (1 - alpha) * refBce(logits, targets);
      expect(
        lossOf(multiLabelLoss, { logits, hard: flat(targets), teacher: flat(teacherProbs), alpha }),
        `α=${alpha}`,
      ).toBeCloseTo(want, 5);
    }
    // Default α is 1 (digest B): soft targets only.
    expect(lossOf(multiLabelLoss, { logits, hard: flat(targets), teacher: flat(teacherProbs) })).toBeCloseTo(
      refBce(logits, teacherProbs),
      5,
    );
  });
});

// ---- per-sample (label source) weights: issue 12 -----------------------------------------------

describe("per-sample weights (a label source's weight)", () => {
  it('hand-computed: a row of weight 0.5 counts half in the labeled mean', () => {
    // Rows CE 0.2876821 (y = 1, weight 1) and 1.3862944 (y = 0, weight 0.5): (0.2876821 + 0.6931472) / 2 = 0.4904147.
    const z = [
      [0, Math.log(3)],
      [0, Math.log(3)],
    ];
    const hard = Int32Array.from([1, 0]);
    expect(lossOf(singleLabelLoss, { logits: z, hard, sampleWeights: Float32Array.from([1, 0.5]) })).toBeCloseTo(
      0.4904147,
      5,
    );
    // Weights of 1 change nothing; they multiply with class weights (2 × 0.5 = 1 on row 2).
    expect(lossOf(singleLabelLoss, { logits: z, hard, sampleWeights: Float32Array.from([1, 1]) })).toBeCloseTo(
      0.8369882,
      5,
    );
    expect(
      lossOf(singleLabelLoss, {
        logits: z,
        hard,
        sampleWeights: Float32Array.from([1, 0.5]),
        classWeights: Float32Array.from([2, 1]),
      }),
    ).toBeCloseTo(0.8369882, 5);
    // Distilling: the weights touch the hard term only (α = 0.5: 0.5·0.5493061 + 0.5·0.4904147).
    const teacher = flat([
      [Math.log(3), 0],
      [Math.log(3), 0],
    ]);
    expect(
      lossOf(singleLabelLoss, {
        logits: z,
        hard,
        teacher,
        alpha: 0.5,
        temperature: 1,
        sampleWeights: Float32Array.from([1, 0.5]),
      }),
    ).toBeCloseTo(0.5198604, 5);
  });

  it("multi-label: the weight scales the row's BCE, the mean stays over labeled rows × classes", () => {
    // Row 1: logits [0, 0] against [1, 0]: 2·ln 2; row 2 (weight 0.3): logits [ln 3, 0] against [1, 1]: ln(4/3) + ln 2.
    const z = [
      [0, 0],
      [Math.log(3), 0],
    ];
    const hard = Float32Array.from([1, 0, 1, 1]);
    const want = (2 * Math.LN2 + 0.3 * (Math.log(4 / 3) + Math.LN2)) / 4;
    expect(lossOf(multiLabelLoss, { logits: z, hard, sampleWeights: Float32Array.from([1, 0.3]) })).toBeCloseTo(
      want,
      5,
    );
  });
});

// ---- per-source α (a label source's distillation weight): issue 12 item 2 -------------------------

/** L = ρ²·Σ α_b·KL_b / rows + Σ (1 − α_b)·s_b·CE_b / labeled, in float64 (s_b: the row's source weight). */
function refPerRowAlpha(r: {
  logits: number[][];
  y: number[];
  teacher: number[][];
  alphas: number[];
  rho: number;
  sample?: number[];
}): number {
  const rows = r.logits.length;
  const labeled = r.y.filter((y) => y >= 0).length;
  let soft = 0;
  let hard = 0;
  r.logits.forEach((z, i) => {
    soft += r.alphas[i] * kl(softmax(r.teacher[i], r.rho), softmax(z, r.rho));
    if (r.y[i] >= 0) hard += (1 - r.alphas[i]) * (r.sample?.[i] ?? 1) * ce(z, r.y[i]);
  });
  return (r.rho * r.rho * soft) / rows + (labeled ? hard / labeled : 0);
}

describe("per-row α (a label source's α)", () => {
  const z = [
    [0, Math.log(3)],
    [0, Math.log(3)],
  ];
  const hard = Int32Array.from([1, 0]);
  const teacher = flat([
    [Math.log(3), 0],
    [Math.log(3), 0],
  ]);

  it('hand-computed: two rows with α 1 and 0.5', () => {
    // KL = 0.5493061 per row (ρ = 1); CE = 0.2876821 (row 1), 1.3862944 (row 2).
    // Soft: (1 + 0.5)·0.5493061 / 2 = 0.4119796; hard: (0·0.2876821 + 0.5·1.3862944) / 2 = 0.3465736; sum 0.7585532.
    expect(
      lossOf(singleLabelLoss, { logits: z, hard, teacher, temperature: 1, sampleAlphas: Float32Array.from([1, 0.5]) }),
    ).toBeCloseTo(0.7585532, 5);
    // With source weights [1, 0.5] the hard term halves on row 2 only: 0.4119796 + 0.1732868 = 0.5852664.
    expect(
      lossOf(singleLabelLoss, {
        logits: z,
        hard,
        teacher,
        temperature: 1,
        sampleAlphas: Float32Array.from([1, 0.5]),
        sampleWeights: Float32Array.from([1, 0.5]),
      }),
    ).toBeCloseTo(0.5852664, 5);
  });

  const logits = [
    [1.2, -0.4, 0.3],
    [-0.7, 0.9, 2.1],
    [0.05, 0.0, -1.3],
    [2.5, 1.5, -0.5],
  ];
  const y = [0, 2, 1, -1];
  const t = [
    [2.0, 0.1, -1.0],
    [-1.5, 0.4, 1.1],
    [0.3, 1.7, -0.2],
    [0.9, 2.2, 0.0],
  ];

  it('matches the float64 reference at several ρ, with source weights, and the shards add up', () => {
    const alphas = [1, 0.3, 0.9, 0.5];
    const sample = [0.5, 1, 0.3, 1];
    for (const rho of [1, 3]) {
      const got = lossOf(singleLabelLoss, {
        logits,
        hard: Int32Array.from(y),
        teacher: flat(t),
        temperature: rho,
        sampleAlphas: Float32Array.from(alphas),
        sampleWeights: Float32Array.from(sample),
      });
      expect(got, `ρ=${rho}`).toBeCloseTo(refPerRowAlpha({ logits, y, teacher: t, alphas, rho, sample }), 5);
    }
    const whole = lossOf(singleLabelLoss, {
      logits,
      hard: Int32Array.from(y),
      teacher: flat(t),
      temperature: 3,
      sampleAlphas: Float32Array.from(alphas),
    });
    const totals = { rows: 4, labeled: 3 };
    const part = (lo: number, hi: number) =>
      lossOf(singleLabelLoss, {
        logits: logits.slice(lo, hi),
        hard: Int32Array.from(y.slice(lo, hi)),
        teacher: flat(t.slice(lo, hi)),
        temperature: 3,
        sampleAlphas: Float32Array.from(alphas.slice(lo, hi)),
        batchTotals: totals,
      });
    expect(part(0, 2) + part(2, 4)).toBeCloseTo(whole, 5);
  });

  it('one α for every row is bit-identical to the one-α loss', () => {
    for (const a of [0, 0.5, 1]) {
      const one = lossOf(singleLabelLoss, {
        logits,
        hard: Int32Array.from(y),
        teacher: flat(t),
        alpha: a,
        temperature: 3,
      });
      expect(
        lossOf(singleLabelLoss, {
          logits,
          hard: Int32Array.from(y),
          teacher: flat(t),
          alpha: a,
          temperature: 3,
          sampleAlphas: new Float32Array(4).fill(a),
        }),
      ).toBe(one);
    }
  });

  it('a row of α = 1 has no hard term: its label does not move the gradient; a row of α < 1 does', () => {
    const grad = (labels: number[]) => {
      const x = tf.tensor2d(logits);
      const g = tf.grad((v: tf.Tensor) =>
        singleLabelLoss({
          logits: v as tf.Tensor2D,
          hard: Int32Array.from(labels),
          teacher: flat(t),
          temperature: 3,
          sampleAlphas: Float32Array.from([1, 0.5, 0.5, 0.5]),
        }),
      )(x);
      const out = g.dataSync().slice();
      x.dispose();
      g.dispose();
      return Array.from(out);
    };
    const base = grad(y);
    expect(grad([1, 2, 1, -1])).toEqual(base); // row 0 (α = 1) relabeled
    expect(grad([0, 0, 1, -1])).not.toEqual(base); // row 1 (α = 0.5) relabeled
  });

  it('without a teacher the α of the rows is ignored: source-weighted CE as before', () => {
    const plain = lossOf(singleLabelLoss, {
      logits,
      hard: Int32Array.from(y),
      sampleWeights: Float32Array.from([0.5, 1, 1, 1]),
    });
    expect(
      lossOf(singleLabelLoss, {
        logits,
        hard: Int32Array.from(y),
        sampleWeights: Float32Array.from([0.5, 1, 1, 1]),
        sampleAlphas: Float32Array.from([1, 0.5, 0.5, 0.5]),
      }),
    ).toBe(plain);
  });

  it('multi-label: Σ α_b·BCE(σ(z_b), p_T) / (rows·C) + Σ (1 − α_b)·s_b·BCE(σ(z_b), y_b) / (labeled·C)', () => {
    // Row 1: logits [0, 0], target [1, 0], teacher [0.5, 0.5], α 1; row 2: logits [ln 3, 0], target [1, 1], teacher [0.75, 0.5], α 0.25.
    // BCE(0 vs ½) = ln 2 per cell. BCE(ln 3 vs ¾) = −(¾·ln ¾ + ¼·ln ¼) = 0.5623351. BCE(ln 3 vs 1) = ln(4/3) = 0.2876821.
    // soft = (2·ln 2 + 0.25·(0.5623351 + ln 2)) / 4; hard = (0·… + 0.75·(0.2876821 + ln 2)) / 4.
    const zz = [
      [0, 0],
      [Math.log(3), 0],
    ];
    const soft = (2 * Math.LN2 + 0.25 * (0.5623351 + Math.LN2)) / 4;
    const hardTerm = (0.75 * (0.2876821 + Math.LN2)) / 4;
    const got = lossOf(multiLabelLoss, {
      logits: zz,
      hard: Float32Array.from([1, 0, 1, 1]),
      teacher: Float32Array.from([0.5, 0.5, 0.75, 0.5]),
      sampleAlphas: Float32Array.from([1, 0.25]),
    });
    expect(got).toBeCloseTo(soft + hardTerm, 5);
    // One α for both rows: bit-identical to the one-α form.
    const one = lossOf(multiLabelLoss, {
      logits: zz,
      hard: Float32Array.from([1, 0, 1, 1]),
      teacher: Float32Array.from([0.5, 0.5, 0.75, 0.5]),
      alpha: 0.25,
    });
    expect(
      lossOf(multiLabelLoss, {
        logits: zz,
        hard: Float32Array.from([1, 0, 1, 1]),
        teacher: Float32Array.from([0.5, 0.5, 0.75, 0.5]),
        alpha: 0.25,
        sampleAlphas: Float32Array.from([0.25, 0.25]),
      }),
    ).toBe(one);
  });
});
