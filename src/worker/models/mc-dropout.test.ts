/**
 * MC dropout for BALD: a student's stochastic passes keep dropout on (they differ from each other
 * and from inference) where its dropout rate is above 0, and collapse to inference where it is 0,
 * so BALD over them is 0 there.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../shared/random';
import { bald } from '../active/scores';
import { initBackend } from '../backend/tfjs-backend';
import { Student } from './student';
import type { StudentArch, StudentConfig } from './student-config';

beforeAll(async () => {
  await initBackend('wasm');
});

const base: StudentConfig = {
  arch: 'textcnn',
  vocabSize: 30,
  embedDim: 8,
  maxLen: 7,
  numClasses: 3,
  multiLabel: false,
  hidden: 6,
  layers: 2,
  filterSizes: [2, 3],
  numFilters: 6,
  attDim: 4,
  dropout: 0.5,
};

function ids(n: number, T: number, seed: number): Int32Array {
  const rng = createRng(seed);
  return Int32Array.from({ length: n * T }, () => 1 + rng.int(base.vocabSize - 1));
}

const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);

describe.each<StudentArch>(['textcnn', 'bilstm'])('MC-dropout passes of a %s student', (arch) => {
  const n = 8;
  it('differ from each other and from inference with dropout 0.5; BALD over them is above 0', () => {
    const s = Student.create({ ...base, arch }, 3);
    try {
      const x = ids(n, base.maxLen, 1);
      const passes = s.mcDropoutProbs(x, n, 4);
      expect(passes).toHaveLength(4);
      const inference = s.predictProbs(x, n);
      expect(maxDiff(s.predictProbs(x, n), inference)).toBe(0); // inference stays deterministic
      expect(maxDiff(passes[0]!, passes[1]!)).toBeGreaterThan(1e-4);
      expect(maxDiff(passes[0]!, inference)).toBeGreaterThan(1e-4);
      for (const p of passes)
        for (let i = 0; i < n; i++) expect(p[i * 3]! + p[i * 3 + 1]! + p[i * 3 + 2]!).toBeCloseTo(1, 5);
      expect(Math.max(...bald(passes, 3, 'multiclass'))).toBeGreaterThan(0);
    } finally {
      s.dispose();
    }
  });
  it('are all the inference output with dropout 0, so BALD is 0 for every document', () => {
    const s = Student.create({ ...base, arch, dropout: 0 }, 3);
    try {
      const x = ids(n, base.maxLen, 1);
      const passes = s.mcDropoutProbs(x, n, 4);
      const inference = s.predictProbs(x, n);
      for (const p of passes) expect(maxDiff(p, inference)).toBe(0);
      expect([...bald(passes, 3, 'multiclass')]).toEqual(new Array(n).fill(0));
    } finally {
      s.dispose();
    }
  });
});
