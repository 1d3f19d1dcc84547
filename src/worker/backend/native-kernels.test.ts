import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRng } from '../../shared/random';
import { nativeKernels, nativeKernelsStatus } from './native-kernels';
import { initBackend } from './tfjs-backend';

beforeAll(async () => {
  await initBackend('wasm');
});
beforeEach(() => {
  process.env.DISTILLERY_NATIVE_MATMUL = '1';
});
afterEach(() => {
  delete process.env.DISTILLERY_NATIVE;
  delete process.env.DISTILLERY_NATIVE_MATMUL;
});

const rng = createRng(9);
const rand = (shape: number[]) =>
  tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.next() * 2 - 1),
    shape,
  );

describe('BatchMatMul on wasm through the native kernels (DISTILLERY_NATIVE_MATMUL=1)', () => {
  const skip = !nativeKernels();
  if (skip) it.skip(`native kernels ${nativeKernelsStatus()}`, () => {});

  // [a shape, b shape, transposeA, transposeB]
  const cases: [number[], number[], boolean, boolean][] = [
    [[5, 3], [3, 4], false, false],
    [[3, 5], [3, 4], true, false],
    [[5, 3], [4, 3], false, true],
    [[3, 5], [4, 3], true, true],
    [[2, 5, 3], [2, 3, 4], false, false],
    [[2, 5, 3], [1, 3, 4], false, false],
    [[1, 3, 5], [2, 4, 3], true, true],
    [[0, 3], [3, 4], false, false],
    // Past NATIVE_MATMUL_MIN_MACS, so OpenBLAS (not the XNNPACK fallback) multiplies these.
    [[300, 260], [260, 230], false, false],
    [[260, 300], [230, 260], true, true],
    [[2, 300, 260], [1, 260, 230], false, false],
  ];
  it.skipIf(skip).each(cases)('%j × %j (transpose %s, %s) equals the wasm kernel', (sa, sb, ta, tb) => {
    const a = rand(sa);
    const b = rand(sb);
    const native = tf.matMul(a, b, ta, tb);
    process.env.DISTILLERY_NATIVE = '0';
    const wasm = tf.matMul(a, b, ta, tb);
    expect(native.shape).toEqual(wasm.shape);
    const [x, y] = [native.dataSync(), wasm.dataSync()];
    // Sums of up to 260 products in (−1, 1): the two kernels may round differently in the last bits.
    let maxDiff = 0;
    for (let i = 0; i < y.length; i++) maxDiff = Math.max(maxDiff, Math.abs(x[i] - y[i]));
    expect(maxDiff).toBeLessThan(1e-4);
  });
});

describe('UnsortedSegmentSum (the embedding gradient) in the native kernels', () => {
  const skip = !nativeKernels()?.segmentSum;
  if (skip) it.skip(`native segmentSum ${nativeKernelsStatus()}`, () => {});
  it.skipIf(skip)('equals the JS loop and the hand sum, repeated ids added, rows without ids zero', () => {
    const x = rand([7, 3, 2]);
    const ids = tf.tensor1d([4, 0, 4, 2, 4, 0, 5], 'int32');
    const native = tf.unsortedSegmentSum(x, ids, 6);
    process.env.DISTILLERY_NATIVE = '0';
    const js = tf.unsortedSegmentSum(x, ids, 6);
    const xs = x.arraySync() as number[][][];
    const hand = Array.from({ length: 6 }, (_, s) =>
      [0, 1, 2].map((i) =>
        [0, 1].map((j) => [4, 0, 4, 2, 4, 0, 5].reduce((acc, id, n) => (id === s ? acc + xs[n][i][j] : acc), 0)),
      ),
    );
    expect(native.arraySync()).toEqual(js.arraySync());
    const got = native.arraySync() as number[][][];
    got.forEach((row, s) => row.forEach((r, i) => r.forEach((v, j) => expect(v).toBeCloseTo(hand[s][i][j], 5))));
    expect(got[1].flat()).toEqual([0, 0, 0, 0, 0, 0]);
    tf.dispose([x, ids, native, js]);
  });
});
