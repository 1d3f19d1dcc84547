import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../../shared/random';
import { nativeKernels, nativeKernelsStatus } from '../../backend/native-kernels';
import { initBackend } from '../../backend/tfjs-backend';
import { compositeGruSequence, compositeLstmSequence } from './composite-rnn';
import { fusedGruSequence } from './fused-gru';
import { fusedLstmSequence, nativeLstmLayer } from './fused-lstm';
import { projectTimeMajor } from './sequence-ops';

beforeAll(async () => {
  await initBackend('wasm');
});

const rng = createRng(7);
const rand = (n: number, scale = 0.8) => Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * scale);

/** Lengths 0, 1, a middle one and the full T: post-padded masks like real batches. */
function maskFor(T: number, lens: number[]): Float32Array {
  const B = lens.length;
  const m = new Float32Array(T * B);
  lens.forEach((len, b) => {
    for (let t = 0; t < len; t++) m[t * B + b] = 1;
  });
  return m;
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

describe.each([false, true])('fused recurrent ops (reverse=%s) match tf autograd', (reverse) => {
  const T = 7;
  const H = 5;
  const lens = [0, 1, 4, 7];
  const B = lens.length;
  const mask = maskFor(T, lens);

  // null: the JS loop; the default: the native kernels where they are built.
  it.each([
    ['JS loop', null],
    ['native kernels', undefined],
  ] as const)('LSTM (%s): states and gradients', (_, kernels) => {
    const xp = tf.tensor3d(rand(T * B * 4 * H), [T, B, 4 * H]);
    const U = tf.tensor2d(rand(H * 4 * H), [H, 4 * H]);
    const up = tf.tensor3d(rand(T * B * H), [T, B, H]); // random upstream gradient
    const fused = (x: tf.Tensor3D, u: tf.Tensor2D, m: Float32Array, r: boolean) =>
      fusedLstmSequence(x, u, m, r, kernels === null ? null : nativeKernels());
    const loss = (f: typeof fusedLstmSequence) => (x: tf.Tensor, u: tf.Tensor) =>
      tf.sum(tf.mul(f(x as tf.Tensor3D, u as tf.Tensor2D, mask, reverse), up));
    const a = fused(xp, U, mask, reverse);
    const b = compositeLstmSequence(xp, U, mask, reverse);
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-5);
    const ga = tf.grads(loss(fused))([xp, U]);
    const gb = tf.grads(loss(compositeLstmSequence))([xp, U]);
    expect(maxAbsDiff(ga[0], gb[0])).toBeLessThan(1e-5);
    expect(maxAbsDiff(ga[1], gb[1])).toBeLessThan(1e-5);
    // Not vacuous: the gradients are far from zero.
    expect(tf.max(tf.abs(gb[1])).dataSync()[0]).toBeGreaterThan(1e-2);
  });

  it('GRU: states and gradients', () => {
    const xp = tf.tensor3d(rand(T * B * 3 * H), [T, B, 3 * H]);
    const U = tf.tensor2d(rand(H * 3 * H), [H, 3 * H]);
    const bU = tf.tensor1d(rand(3 * H));
    const up = tf.tensor3d(rand(T * B * H), [T, B, H]);
    const loss = (f: typeof fusedGruSequence) => (x: tf.Tensor, u: tf.Tensor, bu: tf.Tensor) =>
      tf.sum(tf.mul(f(x as tf.Tensor3D, u as tf.Tensor2D, bu as tf.Tensor1D, mask, reverse), up));
    expect(
      maxAbsDiff(fusedGruSequence(xp, U, bU, mask, reverse), compositeGruSequence(xp, U, bU, mask, reverse)),
    ).toBeLessThan(1e-5);
    const ga = tf.grads(loss(fusedGruSequence))([xp, U, bU]);
    const gb = tf.grads(loss(compositeGruSequence))([xp, U, bU]);
    for (let i = 0; i < 3; i++) expect(maxAbsDiff(ga[i], gb[i])).toBeLessThan(1e-5);
    expect(tf.max(tf.abs(gb[2])).dataSync()[0]).toBeGreaterThan(1e-2);
  });

  it('padded rows carry state: a length-0 row stays zero, a length-1 row keeps its first state', () => {
    const xp = tf.tensor3d(rand(T * B * 4 * H), [T, B, 4 * H]);
    const U = tf.tensor2d(rand(H * 4 * H), [H, 4 * H]);
    const s = fusedLstmSequence(xp, U, mask, reverse).arraySync();
    for (let t = 0; t < T; t++) expect(s[t][0].every((v) => v === 0)).toBe(true);
    if (!reverse) expect(s[T - 1][1]).toEqual(s[0][1]);
  });
});

describe.each([false, true])('native LSTM kernels equal the JS loop (reverse=%s)', (reverse) => {
  const native = nativeKernels();
  if (!native) it.skip(`native kernels ${nativeKernelsStatus()}`, () => {});
  // Bench-like widths (several SIMD lanes, several OpenBLAS blocks) and random post-padded lengths.
  const T = 13;
  const H = 24;
  const lens = [0, 1, 13, 5, 9, 2, 12, 7, 13];
  const B = lens.length;
  const mask = maskFor(T, lens);

  it.skipIf(!native)('lstmForward/lstmBackward: states, dxProj and dU within 1e-4', () => {
    expect(typeof native!.lstmForward).toBe('function');
    const xp = tf.tensor3d(rand(T * B * 4 * H, 1.5), [T, B, 4 * H]);
    const U = tf.tensor2d(rand(H * 4 * H, 0.5), [H, 4 * H]);
    const up = tf.tensor3d(rand(T * B * H), [T, B, H]);
    const run = (k: typeof native | null) => {
      const f = (x: tf.Tensor, u: tf.Tensor) =>
        tf.sum(tf.mul(fusedLstmSequence(x as tf.Tensor3D, u as tf.Tensor2D, mask, reverse, k), up));
      return { states: fusedLstmSequence(xp, U, mask, reverse, k), grads: tf.grads(f)([xp, U]) };
    };
    const js = run(null);
    const nat = run(native);
    expect(maxAbsDiff(nat.states, js.states)).toBeLessThan(1e-4);
    expect(maxAbsDiff(nat.grads[0], js.grads[0])).toBeLessThan(1e-4);
    expect(maxAbsDiff(nat.grads[1], js.grads[1])).toBeLessThan(1e-4);
    // Not vacuous: states and both gradients are far from zero.
    for (const t of [js.states, ...js.grads]) expect(tf.max(tf.abs(t)).dataSync()[0]).toBeGreaterThan(1e-2);
  });
});

describe.each([false, true])(
  'native LSTM layer with its projection equals x·W + b then the JS loop (reverse=%s)',
  (reverse) => {
    const native = nativeKernels();
    if (!native) it.skip(`native kernels ${nativeKernelsStatus()}`, () => {});
    const T = 11;
    const H = 16;
    const I = 20;
    const lens = [0, 11, 3, 8, 1, 11, 6];
    const B = lens.length;
    const mask = maskFor(T, lens);

    it.skipIf(!native)('states and the gradients of x, W, b and U within 1e-4', () => {
      const x = tf.tensor3d(rand(T * B * I), [T, B, I]);
      const W = tf.tensor2d(rand(I * 4 * H, 0.4), [I, 4 * H]);
      const b = tf.tensor1d(rand(4 * H));
      const U = tf.tensor2d(rand(H * 4 * H, 0.5), [H, 4 * H]);
      const up = tf.tensor3d(rand(T * B * H), [T, B, H]);
      const layer = (xx: tf.Tensor, w: tf.Tensor, bb: tf.Tensor, u: tf.Tensor) =>
        nativeLstmLayer(
          native!,
          xx as tf.Tensor3D,
          w as tf.Tensor2D,
          bb as tf.Tensor1D,
          u as tf.Tensor2D,
          mask,
          reverse,
        );
      const reference = (xx: tf.Tensor, w: tf.Tensor, bb: tf.Tensor, u: tf.Tensor) =>
        fusedLstmSequence(projectTimeMajor(xx as tf.Tensor3D, w, bb), u as tf.Tensor2D, mask, reverse, null);
      const loss = (f: typeof layer) => (xx: tf.Tensor, w: tf.Tensor, bb: tf.Tensor, u: tf.Tensor) =>
        tf.sum(tf.mul(f(xx, w, bb, u), up));
      expect(maxAbsDiff(layer(x, W, b, U), reference(x, W, b, U))).toBeLessThan(1e-4);
      const ga = tf.grads(loss(layer))([x, W, b, U]);
      const gb = tf.grads(loss(reference))([x, W, b, U]);
      for (let i = 0; i < 4; i++) {
        expect(ga[i].shape).toEqual(gb[i].shape);
        expect(maxAbsDiff(ga[i], gb[i])).toBeLessThan(1e-4);
        // Not vacuous: every gradient is far from zero.
        expect(tf.max(tf.abs(gb[i])).dataSync()[0]).toBeGreaterThan(1e-2);
      }
      // Twice in a row (buffers from the pool): the same values.
      expect(maxAbsDiff(layer(x, W, b, U), reference(x, W, b, U))).toBeLessThan(1e-4);
    });
  },
);
