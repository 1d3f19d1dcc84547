/**
 * The arithmetic data parallelism rests on: shard gradients, with losses normalised by the whole
 * batch's counts, add up to the full-batch gradient; and replicas that sum the same slots apply
 * bit-identical updates. Two replicas in one thread here; data-parallel.test.ts runs real workers.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../shared/random';
import { initBackend } from '../backend/tfjs-backend';
import { makeStudentConfig } from '../models/registry';
import { Student } from '../models/student';
import { batchLoss, batchTotals, takeRows, type LossOptions } from './batch';
import { Replica } from './replica';
import { COUNT, createLayout, shardRange } from './replica-shared';
import type { EncodedSet } from './trainer';

beforeAll(async () => {
  await initBackend('wasm');
});

const T = 9;
const C = 3;
const rng = createRng(11);

/** Rows with varied lengths (one empty), some unlabeled, with teacher outputs. */
function makeSet(n: number, multi: boolean): EncodedSet {
  const ids = new Int32Array(n * T);
  const hard = multi ? new Float32Array(n * C) : new Int32Array(n);
  const teacher = new Float32Array(n * C);
  for (let i = 0; i < n; i++) {
    const len = i === 2 ? 0 : 1 + rng.int(T);
    for (let t = 0; t < len; t++) ids[i * T + t] = 2 + rng.int(28);
    const unlabeled = i % 4 === 1;
    for (let c = 0; c < C; c++) {
      teacher[i * C + c] = multi ? rng.next() : rng.next() * 4 - 2;
      if (multi) hard[i * C + c] = unlabeled ? NaN : rng.int(2);
    }
    if (!multi) hard[i] = unlabeled ? -1 : rng.int(C);
  }
  return { ids, n, T, hard, teacher };
}

function configFor(multi: boolean) {
  return makeStudentConfig(
    'bilstm',
    { vocabSize: 30, maxLen: T, numClasses: C, multiLabel: multi },
    { embedDim: 8, hidden: 6, layers: 2, dropout: 0 },
  );
}

const cases: { name: string; multi: boolean; loss: LossOptions }[] = [
  {
    name: 'single-label, distillation, class weights, focal',
    multi: false,
    loss: { alpha: 0.3, temperature: 2, classWeights: Float32Array.of(0.5, 1, 2), focalGamma: 2 },
  },
  {
    name: 'multi-label, distillation, positive weights',
    multi: true,
    loss: { alpha: 0.6, classWeights: Float32Array.of(1, 3, 0.5) },
  },
];

function gradsOf(
  student: Student,
  set: EncodedSet,
  rows: number[],
  loss: LossOptions,
  totals?: ReturnType<typeof batchTotals>,
) {
  const batch = takeRows(set, rows, C, set.hard instanceof Float32Array);
  const vars = student.trainableVars();
  const { value, grads } = tf.variableGrads(() => batchLoss(student, batch, T, loss, totals), vars);
  const out = vars.map((v) => grads[v.name].dataSync() as Float32Array);
  const l = value.dataSync()[0];
  tf.dispose([value, ...Object.values(grads)]);
  return { loss: l, grads: out };
}

describe.each(cases)('shard gradients ($name)', ({ multi, loss }) => {
  it('sum to the full-batch gradient for uneven shards', () => {
    const set = makeSet(11, multi);
    const student = Student.create(configFor(multi), 5);
    const rows = [7, 2, 0, 10, 5, 1, 3, 9, 4, 8, 6];
    const full = gradsOf(student, set, rows, loss);
    const totals = batchTotals(set, rows, C, multi);
    const shards = [rows.slice(0, 3), rows.slice(3, 4), rows.slice(4)].map((r) =>
      gradsOf(student, set, r, loss, totals),
    );
    expect(Math.abs(shards.reduce((a, s) => a + s.loss, 0) - full.loss)).toBeLessThan(1e-5);
    let maxDiff = 0;
    let maxAbs = 0;
    full.grads.forEach((g, v) => {
      for (let i = 0; i < g.length; i++) {
        const sum = shards.reduce((a, s) => a + s.grads[v][i], 0);
        maxDiff = Math.max(maxDiff, Math.abs(sum - g[i]));
        maxAbs = Math.max(maxAbs, Math.abs(g[i]));
      }
    });
    expect(maxDiff).toBeLessThan(1e-5);
    expect(maxAbs).toBeGreaterThan(1e-3); // not vacuous
    student.dispose();
  });
});

describe('Replica', () => {
  it('publishes shard gradients that sum to the batch gradient, and two replicas stay bit-identical', () => {
    const multi = false;
    const set = makeSet(10, multi);
    const loss = cases[0].loss;
    const a = Student.create(configFor(multi), 5);
    const b = Student.fromParams(a.config, a.toParams(), 6);
    const names = Object.keys(a.vars).filter((k) => a.vars[k].trainable);
    const layout = createLayout(
      2,
      names.map((name) => ({ name, shape: a.vars[name].shape })),
      8,
      set,
    );
    const ra = new Replica(
      a,
      names.map((k) => a.vars[k]),
      layout,
      0,
      set,
      0.01,
      loss,
    );
    const rb = new Replica(
      b,
      names.map((k) => b.vars[k]),
      layout,
      1,
      set,
      0.01,
      loss,
    );
    const ctrl = new Int32Array(layout.ctrl);
    const rowsView = new Int32Array(layout.rows);
    const grads = new Float32Array(layout.grads);
    for (const [step, rows] of [
      [9, 0, 4, 1, 7],
      [2, 3, 5, 6, 8, 0, 1, 4],
    ].entries()) {
      rowsView.set(rows);
      Atomics.store(ctrl, COUNT, rows.length);
      const full = gradsOf(a, set, rows, loss);
      ra.computeShard();
      rb.computeShard();
      expect(shardRange(rows.length, 0, 2)[1]).toBeGreaterThan(0);
      const parity = step & 1;
      let maxDiff = 0;
      layout.vars.forEach((slot, v) => {
        for (let i = 0; i < slot.size; i++) {
          const s =
            grads[parity * 2 * layout.P + slot.offset + i] + grads[(parity * 2 + 1) * layout.P + slot.offset + i];
          maxDiff = Math.max(maxDiff, Math.abs(s - full.grads[v][i]));
        }
      });
      expect(maxDiff).toBeLessThan(1e-5);
      const la = ra.applySum();
      const lb = rb.applySum();
      expect(la).toBe(lb);
      expect(Math.abs(la - full.loss)).toBeLessThan(1e-5);
      expect(ra.writeHash()).toBe(rb.writeHash());
    }
    for (const k of names)
      expect(Buffer.from(a.vars[k].dataSync().buffer).equals(Buffer.from(b.vars[k].dataSync().buffer))).toBe(true);
    ra.dispose();
    rb.dispose();
    a.dispose();
    b.dispose();
  });
});
