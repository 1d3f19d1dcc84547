import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './tfjs-backend';
import { useHeapRowKernels } from './wasm-kernels';

beforeAll(async () => {
  await initBackend('wasm');
});
afterAll(() => {
  useHeapRowKernels(true);
});

/** f's values and error with the heap-row wrappers and with wasm's stock kernels. */
function both(f: () => tf.Tensor): { wrapped: unknown; stock: unknown } {
  const run = (on: boolean) => {
    expect(useHeapRowKernels(on)).toBe(on);
    try {
      return tf.tidy(f).arraySync();
    } catch (e) {
      return `error: ${(e as Error).message}`;
    }
  };
  return { wrapped: run(true), stock: run(false) };
}

describe('GatherV2 and Slice wrappers equal the stock wasm kernels', () => {
  const x = tf.tensor3d(
    Float32Array.from({ length: 6 * 4 * 3 }, (_, i) => i * 0.5 - 7),
    [6, 4, 3],
  );
  const ids = tf.tensor2d([5, 0, 2, 2, 1, 5], [2, 3], 'int32');

  it.each([
    ['rows along axis 0, 2-D indices', () => tf.gather(x, ids)],
    ['1-D indices', () => tf.gather(x, tf.tensor1d([3, 3, 0], 'int32'))],
    ['int32 values', () => tf.gather(tf.cast(x, 'int32'), tf.tensor1d([1, 4], 'int32'))],
    ['axis 1 (the stock kernel)', () => tf.gather(x, tf.tensor1d([3, 0], 'int32'), 1)],
    ['axis -3 (that is 0)', () => tf.gather(x, tf.tensor1d([2], 'int32'), -3)],
    ['an empty index list', () => tf.gather(x, tf.tensor1d([], 'int32'))],
  ])('gather: %s', (_, f) => {
    const { wrapped, stock } = both(f);
    expect(wrapped).toEqual(stock);
  });

  it('gather: an index out of range fails with the stock kernel’s error', () => {
    const { wrapped, stock } = both(() => tf.gather(x, tf.tensor1d([1, 6], 'int32')));
    expect(String(wrapped)).toMatch(/index value 6 is not in \[0, 5\]/);
    expect(wrapped).toEqual(stock);
  });

  it.each([
    ['a time step [1, 4, 3] (contiguous)', () => tf.slice(x, [5, 0, 0], [1, 4, 3])],
    ['the first two steps', () => tf.slice(x, [0, 0, 0], [2, -1, -1])],
    ['a row inside a step (contiguous)', () => tf.slice(x, [2, 1, 0], [1, 1, 3])],
    ['a column block (the stock kernel)', () => tf.slice(x, [1, 1, 1], [3, 2, 2])],
    ['an empty slice', () => tf.slice(x, [2, 0, 0], [0, 4, 3])],
    ['1-D', () => tf.slice(tf.range(0, 10), [3], [4])],
  ])('slice: %s', (_, f) => {
    const { wrapped, stock } = both(f);
    expect(wrapped).toEqual(stock);
  });

  it('the gradients through gather and slice are unchanged', () => {
    const g = (on: boolean) => {
      useHeapRowKernels(on);
      return tf
        .grad((e: tf.Tensor) => tf.sum(tf.mul(tf.slice(tf.gather(e, ids), [1, 0, 0, 0], [1, 3, 4, 3]), 2)))(x)
        .arraySync();
    };
    const wrapped = g(true);
    expect(wrapped).toEqual(g(false));
    expect(JSON.stringify(wrapped)).toMatch(/[1-9]/); // not all zero
  });
});

describe('Identity shares its input memory (no copy)', () => {
  it('a clone adds no buffer, reads the same values and outlives its source', () => {
    expect(useHeapRowKernels(true)).toBe(true);
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const a = tf.tensor2d([1, 2, 3, 4.5], [2, 2]);
    const ids = backend.numDataIds();
    const c = tf.clone(a);
    expect(backend.numDataIds()).toBe(ids);
    a.dispose();
    expect(Array.from(c.dataSync())).toEqual([1, 2, 3, 4.5]);
    c.dispose();
    const s = tf.clone(tf.tensor1d(['x', 'y'], 'string'));
    expect(s.arraySync()).toEqual(['x', 'y']);
  });

  it('the stock kernel copies (what the wrapper saves)', () => {
    useHeapRowKernels(false);
    try {
      const backend = tf.backend() as unknown as { numDataIds(): number };
      const a = tf.tensor1d([7, 8]);
      const ids = backend.numDataIds();
      const c = tf.clone(a);
      expect(backend.numDataIds()).toBe(ids + 1);
      tf.dispose([a, c]);
    } finally {
      useHeapRowKernels(true);
    }
  });
});
