/**
 * trainStudentParallel with real worker threads (started through replica-worker.mjs, which must
 * work under vitest as well as under tsx): it learns, it follows trainStudent's trajectory,
 * it cancels, and it keeps the one-run-at-a-time rule.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../shared/random';
import { initBackend } from '../backend/tfjs-backend';
import { makeStudentConfig } from '../models/registry';
import { Student } from '../models/student';
import { trainStudentParallel } from './data-parallel';
import { evaluateMetric, trainStudent, type EncodedSet, type TrainOptions } from './trainer';

beforeAll(async () => {
  await initBackend('wasm');
});

const T = 12;

/** Class 1 rows contain a marker token somewhere among random noise tokens; class 0 rows do not. */
function separable(n: number, seed: number): EncodedSet {
  const rng = createRng(seed);
  const ids = new Int32Array(n * T);
  const hard = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    hard[i] = rng.int(2);
    const len = 4 + rng.int(T - 3);
    for (let t = 0; t < len; t++) ids[i * T + t] = 3 + rng.int(37);
    if (hard[i]) ids[i * T + rng.int(len)] = 2;
  }
  return { ids, n, T, hard };
}

const config = makeStudentConfig(
  'bilstm',
  { vocabSize: 40, maxLen: T, numClasses: 2, multiLabel: false },
  { embedDim: 16, hidden: 16, layers: 1, dropout: 0 },
);
const base: TrainOptions = { epochs: 6, batchSize: 32, learningRate: 0.02, seed: 4, patience: 0 };

describe('trainStudentParallel (2 workers)', () => {
  it('learns a separable task, with the same trajectory as trainStudent', async () => {
    const train = separable(384, 1);
    const valid = separable(200, 2);
    const a = Student.create(config, 9);
    const b = Student.fromParams(config, a.toParams(), 9);
    const progress: number[] = [];
    const par = await trainStudentParallel(a, train, valid, {
      ...base,
      workers: 2,
      onProgress: (p) => progress.push(p.done),
    });
    const seq = await trainStudent(b, train, valid, base);
    expect(par.cancelled).toBe(false);
    expect(par.bestValMetric).toBeGreaterThanOrEqual(0.9);
    expect(evaluateMetric(a, valid)).toBe(par.bestValMetric); // the best epoch's weights are restored
    expect(progress.at(-1)).toBe(6 * 12);
    // Same shuffle order, same loss, same Adam: only float rounding differs.
    expect(par.history.length).toBe(seq.history.length);
    par.history.forEach((h, i) =>
      expect(Math.abs(h.loss - seq.history[i].loss)).toBeLessThan(1e-3 * Math.max(1, seq.history[i].loss)),
    );
    a.dispose();
    b.dispose();
  });

  it("carries each row's α (a label source's) to the replicas: the same losses as trainStudent", async () => {
    const train = separable(192, 5);
    // Teacher logits that agree with the labels; every third row an accepted pre-label of α = 1.
    train.teacher = Float32Array.from({ length: train.n * 2 }, (_, k) => (k % 2 === train.hard[k >> 1] ? 1.5 : -1.5));
    train.alphas = Float32Array.from({ length: train.n }, (_, i) => (i % 3 === 0 ? 1 : 0.3));
    const opts = { ...base, epochs: 2, alpha: 0.3, temperature: 2 };
    const a = Student.create(config, 3);
    const b = Student.fromParams(config, a.toParams(), 3);
    const par = await trainStudentParallel(a, train, undefined, { ...opts, workers: 2 });
    const seq = await trainStudent(b, train, undefined, opts);
    const c = Student.fromParams(config, a.toParams(), 3);
    const plain = await trainStudent(c, { ...train, alphas: undefined }, undefined, opts);
    par.history.forEach((h, i) =>
      expect(Math.abs(h.loss - seq.history[i].loss)).toBeLessThan(1e-3 * Math.max(1, seq.history[i].loss)),
    );
    expect(Math.abs(seq.history[0].loss - plain.history[0].loss)).toBeGreaterThan(1e-3); // the α reached the loss
    for (const s of [a, b, c]) s.dispose();
  });

  it('stops after the batch in which cancel was requested, and the next run starts cleanly', async () => {
    const train = separable(256, 3);
    const s = Student.create(config, 1);
    const token = { cancelled: false };
    const r = await trainStudentParallel(s, train, undefined, {
      ...base,
      workers: 2,
      cancel: token,
      onProgress: (p) => {
        if (p.done === 3) token.cancelled = true;
      },
    });
    expect(r.cancelled).toBe(true);
    expect(r.history.length).toBe(1);
    expect(r.trainSamplesPerSecond * r.seconds).toBeCloseTo(3 * 32, 6);
    // One run at a time, and the guard is released afterwards.
    const running = trainStudentParallel(s, train, undefined, { ...base, epochs: 1, workers: 2 });
    await expect(trainStudent(s, train, undefined, base)).rejects.toThrow(/already in progress/);
    expect((await running).history.length).toBe(1);
    s.dispose();
  });

  it.each([
    { workers: 3, sync: 'replicated' as const },
    { workers: 2, sync: 'broadcast' as const },
  ])(
    'follows trainStudent with $workers replicas, $sync, and a last batch smaller than the replica count',
    async ({ workers, sync }) => {
      const train = separable(66, 6); // batches of 32, 32 and 2: with 3 replicas one shard is empty
      const a = Student.create(config, 3);
      const b = Student.fromParams(config, a.toParams(), 3);
      const opts = { ...base, epochs: 3 };
      const par = await trainStudentParallel(a, train, undefined, { ...opts, workers, sync });
      const seq = await trainStudent(b, train, undefined, opts);
      par.history.forEach((h, i) =>
        expect(Math.abs(h.loss - seq.history[i].loss)).toBeLessThan(1e-3 * Math.max(1, seq.history[i].loss)),
      );
      a.dispose();
      b.dispose();
    },
  );

  it('runs trainStudent for workers <= 1', async () => {
    const train = separable(64, 5);
    const a = Student.create(config, 2);
    const b = Student.fromParams(config, a.toParams(), 2);
    const one = await trainStudentParallel(a, train, undefined, { ...base, epochs: 2, workers: 1 });
    const seq = await trainStudent(b, train, undefined, { ...base, epochs: 2 });
    expect(one.history.map((h) => h.loss)).toEqual(seq.history.map((h) => h.loss));
    a.dispose();
    b.dispose();
  });
});
