import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../shared/random';
import { initBackend } from '../backend/tfjs-backend';
import { referenceForward } from '../export/onnx/reference-forward';
import { Student } from './student';
import { studentParamShapes, type StudentArch, type StudentConfig, type StudentParams } from './student-config';

beforeAll(async () => {
  await initBackend('wasm');
});

const base: StudentConfig = {
  arch: 'bilstm',
  vocabSize: 40,
  embedDim: 6,
  maxLen: 9,
  numClasses: 3,
  multiLabel: false,
  hidden: 5,
  layers: 2,
  filterSizes: [2, 3],
  numFilters: 4,
  attDim: 4,
  dropout: 0.5,
};

function randomParams(c: StudentConfig, seed: number, pcaK = 3): StudentParams {
  const rng = createRng(seed);
  const out: StudentParams = {};
  for (const [name, shape] of Object.entries(studentParamShapes(c, pcaK))) {
    const n = shape.reduce((a, b) => a * b, 1);
    // Variances must be positive; everything else in (−1, 1) so every non-linearity is exercised.
    const data = Float32Array.from({ length: n }, () => (name === 'nb_vars' ? 0.5 + rng.next() : rng.next() * 2 - 1));
    out[name] = { shape, data };
  }
  return out;
}

/** Post-padded rows of lengths 0, 1, full and in between. */
function batchIds(c: StudentConfig, seed: number, B = 6): Int32Array {
  const rng = createRng(seed);
  const T = c.maxLen;
  const ids = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    const len = b === 0 ? 0 : b === 1 ? 1 : b === 2 ? T : 1 + rng.int(T);
    for (let t = 0; t < len; t++) ids[b * T + t] = 1 + rng.int(c.vocabSize - 1);
  }
  return ids;
}

/** han rows: 3 slots of 3 ids, each post-padded, real sentences first (empty, full, ragged). */
const HAN_IDS = Int32Array.from([
  ...[0, 0, 0, 0, 0, 0, 0, 0, 0],
  ...[5, 6, 7, 8, 9, 10, 11, 12, 13],
  ...[4, 0, 0, 0, 0, 0, 0, 0, 0],
  ...[3, 0, 0, 7, 8, 0, 9, 9, 9],
  ...[21, 22, 23, 1, 0, 0, 0, 0, 0],
  ...[30, 31, 0, 32, 0, 0, 0, 0, 0],
]);

const cases: [StudentArch, Partial<StudentConfig>][] = [
  ['bilstm', {}],
  ['bilstm', { multiLabel: true, layers: 1 }],
  ['lstm', { layers: 2 }],
  ['gru', {}],
  ['gru-att', { layers: 2 }],
  ['textcnn', {}],
  ['textcnn', { multiLabel: true }],
  ['cnn-nb', {}],
  ['han', { sentenceLen: 3, layers: 1 }],
  ['han', { sentenceLen: 3, multiLabel: true }],
];

describe.each(cases)('tfjs student %s %j computes docs/model-spec.md', (arch, over) => {
  it('matches the float64 reference forward within 1e-5', () => {
    const c = { ...base, ...over, arch };
    const params = randomParams(c, 11);
    const s = Student.fromParams(c, params);
    const B = 6;
    const ids = arch === 'han' ? HAN_IDS : batchIds(c, 5, B);
    const got = s.predictProbs(ids, B);
    const want = referenceForward(c, params, ids, B, c.maxLen).probs;
    let maxDiff = 0;
    for (let i = 0; i < want.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
    expect(maxDiff).toBeLessThan(1e-5);
    // Not a constant function: rows differ.
    expect(Math.abs(got[0] - got[2 * c.numClasses])).toBeGreaterThan(1e-4);
    s.dispose();
  });
});
