/**
 * Seeded parameter initialisation for the spec's parameters (Keras-style: Glorot-uniform kernels,
 * uniform embeddings, zero biases, LSTM forget-gate bias 1 so early gradients flow through time).
 */
import { createRng } from '../../shared/random';
import { studentParamShapes, type StudentConfig, type StudentParams } from './student-config';

export function initStudentParams(c: StudentConfig, seed: number): StudentParams {
  const rng = createRng(seed);
  const uniform = (n: number, limit: number) => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = (rng.next() * 2 - 1) * limit;
    return a;
  };
  const out: StudentParams = {};
  for (const [name, shape] of Object.entries(studentParamShapes(c, 0))) {
    const n = shape.reduce((a, b) => a * b, 1);
    let data: Float32Array;
    if (name === 'embedding') data = uniform(n, 0.05);
    else if (shape.length >= 2) {
      // Glorot: fan-in is every axis but the last (conv kernels [k, E, F] count k·E).
      const fanOut = shape[shape.length - 1];
      const fanIn = n / fanOut;
      data = uniform(n, Math.sqrt(6 / (fanIn + fanOut)));
    } else data = new Float32Array(n);
    if (/^lstm\d+_(fw|bw)_b$/.test(name)) data.fill(1, shape[0] / 4, shape[0] / 2);
    out[name] = { shape, data };
  }
  return out;
}
