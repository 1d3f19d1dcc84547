/**
 * The student's run of the fit loop stops with a clear error when its loss stops being finite,
 * rather than saving a model of NaN weights (the teacher's loops had this guard; the student's had not).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../shared/random';
import { initBackend } from '../backend/tfjs-backend';
import { makeStudentConfig } from '../models/registry';
import { Student } from '../models/student';
import { trainStudent, type EncodedSet } from './trainer';

beforeAll(async () => {
  await initBackend('wasm');
});

const T = 8;

function rows(n: number, seed: number): EncodedSet {
  const rng = createRng(seed);
  const ids = new Int32Array(n * T);
  const hard = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    hard[i] = rng.int(2);
    for (let t = 0; t < T; t++) ids[i * T + t] = 3 + rng.int(20);
    if (hard[i]) ids[i * T + rng.int(T)] = 2;
  }
  return { ids, n, T, hard };
}

const config = makeStudentConfig(
  'textcnn',
  { vocabSize: 24, maxLen: T, numClasses: 2, multiLabel: false },
  { embedDim: 8, numFilters: 4, filterSizes: [2, 3], dropout: 0 },
);

describe('trainStudent', () => {
  it('raises an error naming the update when the loss becomes non-finite', async () => {
    const student = Student.create(config, 1);
    await expect(
      trainStudent(student, rows(64, 1), undefined, {
        epochs: 3,
        batchSize: 16,
        learningRate: 1e38,
        seed: 1,
        patience: 0,
      }),
    ).rejects.toThrow(/the student's loss became (NaN|Infinity|-Infinity) at update \d+ \(epoch \d+, batch \d+\/4\)/);
  });

  it('trains normally at a sane learning rate (the guard does not fire)', async () => {
    const student = Student.create(config, 1);
    const r = await trainStudent(student, rows(64, 1), undefined, {
      epochs: 1,
      batchSize: 16,
      learningRate: 0.01,
      seed: 1,
      patience: 0,
    });
    expect(r.history.length).toBe(1);
    expect(Number.isFinite(r.history[0].loss)).toBe(true);
  });
});
