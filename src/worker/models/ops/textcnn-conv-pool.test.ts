import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../../shared/random';
import { initBackend } from '../../backend/tfjs-backend';
import { nativeKernels, nativeKernelsStatus } from '../../backend/native-kernels';
import { referenceForward } from '../../export/onnx/reference-forward';
import { singleLabelLoss } from '../../train/losses';
import { textcnnConv } from '../arch/textcnn';
import { Student } from '../student';
import { studentParamShapes, type StudentConfig, type StudentParams } from '../student-config';
import { textcnnConvPool } from './textcnn-conv-pool';

beforeAll(async () => {
  await initBackend('wasm');
});
afterEach(() => {
  delete process.env.DISTILLERY_TEXTCNN_CONV;
});

const config: StudentConfig = {
  arch: 'textcnn',
  vocabSize: 30,
  embedDim: 7,
  maxLen: 11,
  numClasses: 3,
  multiLabel: false,
  hidden: 4,
  layers: 1,
  filterSizes: [2, 3, 5],
  numFilters: 6,
  attDim: 4,
  dropout: 0,
};

function randomParams(c: StudentConfig, seed: number): StudentParams {
  const rng = createRng(seed);
  const out: StudentParams = {};
  for (const [name, shape] of Object.entries(studentParamShapes(c))) {
    const n = shape.reduce((a, b) => a * b, 1);
    out[name] = { shape, data: Float32Array.from({ length: n }, () => rng.next() * 2 - 1) };
  }
  return out;
}

/** Post-padded rows of lengths 0, 1, full and in between (padding id 0 embeds like any token). */
function batchIds(c: StudentConfig, B: number, seed: number): Int32Array {
  const rng = createRng(seed);
  const ids = new Int32Array(B * c.maxLen);
  for (let b = 0; b < B; b++) {
    const len = b === 0 ? 0 : b === 1 ? 1 : b === 2 ? c.maxLen : 1 + rng.int(c.maxLen);
    for (let t = 0; t < len; t++) ids[b * c.maxLen + t] = 1 + rng.int(c.vocabSize - 1);
  }
  return ids;
}

/** Loss and every parameter's gradient of one training step, with the given TextCNN implementation. */
function lossAndGrads(conv: 'fused' | 'shifted', params: StudentParams, ids: Int32Array, B: number) {
  process.env.DISTILLERY_TEXTCNN_CONV = conv;
  const s = Student.fromParams(config, params);
  const hard = Int32Array.from({ length: B }, (_, i) => i % config.numClasses);
  const { value, grads } = tf.variableGrads(
    () => singleLabelLoss({ logits: s.logits(tf.tensor2d(ids, [B, config.maxLen], 'int32'), ids, true), hard }),
    s.trainableVars(),
  );
  const out = { loss: value.dataSync()[0], grads: {} as Record<string, Float32Array> };
  for (const [name, v] of Object.entries(s.vars)) out.grads[name] = grads[v.name].dataSync() as Float32Array;
  value.dispose();
  Object.values(grads).forEach((g) => g.dispose());
  s.dispose();
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const impls: [string, boolean][] = [
  ['JS loops', false],
  ['native kernels', true],
];

describe.each(impls)('TextCNN conv+ReLU+max-over-time as one op (%s)', (_, useNative) => {
  const kernels = useNative ? nativeKernels() : null;
  const skip = useNative && !kernels;
  if (skip) it.skip(`native kernels ${nativeKernelsStatus()}`, () => {});

  it.skipIf(skip)('gives the shifted-matMul features and the same gradients for x, W and b', () => {
    const rng = createRng(4);
    const [B, T, E, F] = [5, 9, 4, 3];
    const widths = [1, 2, 4];
    const rand = (shape: number[]) =>
      tf.tensor(
        Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.next() * 2 - 1),
        shape,
      );
    const x = rand([B, T, E]) as tf.Tensor3D;
    const W = widths.map((k) => rand([k, E, F]));
    const b = widths.map(() => rand([F]));
    const dy = rand([B, widths.length * F]);
    // The definition, through autograd: valid conv1d (as conv2d), ReLU, max over time, concat.
    const reference = (xx: tf.Tensor3D, ...wb: tf.Tensor[]) =>
      tf.concat(
        widths.map((k, w) => {
          const conv = tf.conv1d(xx, wb[w] as tf.Tensor3D, 1, 'valid');
          return tf.max(tf.relu(tf.add(conv, wb[widths.length + w])), 1);
        }),
        1,
      );
    const fused = (xx: tf.Tensor3D, ...wb: tf.Tensor[]) =>
      textcnnConvPool(xx, wb.slice(0, widths.length), wb.slice(widths.length), widths, kernels);
    const want = tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(reference(a[0] as tf.Tensor3D, ...a.slice(1)), dy)))([
      x,
      ...W,
      ...b,
    ]);
    const got = tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(fused(a[0] as tf.Tensor3D, ...a.slice(1)), dy)))([
      x,
      ...W,
      ...b,
    ]);
    expect(maxAbsDiff(fused(x, ...W, ...b).dataSync(), reference(x, ...W, ...b).dataSync())).toBeLessThan(1e-5);
    expect(got.length).toBe(1 + 2 * widths.length);
    got.forEach((g, i) => {
      expect(g.shape).toEqual(want[i].shape);
      expect(maxAbsDiff(g.dataSync(), want[i].dataSync())).toBeLessThan(1e-5);
    });
    // Not vacuous: every input gets some gradient.
    for (const g of got) expect(Math.max(...Array.from(g.dataSync(), Math.abs))).toBeGreaterThan(1e-3);
  });

  it.skipIf(skip)('rejects rows shorter than the widest filter by name', () => {
    const x = tf.zeros([1, 3, 2]) as tf.Tensor3D;
    expect(() => textcnnConvPool(x, [tf.zeros([4, 2, 2])], [tf.zeros([2])], [4], kernels)).toThrow(
      /sequence length 3 is shorter than filter width 4/,
    );
  });
});

describe('a TextCNN student, fused against shifted', () => {
  it('takes the fused path by default on wasm', () => {
    expect(textcnnConv()).toBe('fused');
    process.env.DISTILLERY_TEXTCNN_CONV = 'bogus';
    expect(() => textcnnConv()).toThrow(/DISTILLERY_TEXTCNN_CONV must be "fused" or "shifted"/);
  });

  it('has the float64 reference forward, and the shifted path loss and gradients', () => {
    const params = randomParams(config, 21);
    const B = 7;
    const ids = batchIds(config, B, 8);
    process.env.DISTILLERY_TEXTCNN_CONV = 'fused';
    const s = Student.fromParams(config, params);
    const probs = s.predictProbs(ids, B);
    s.dispose();
    expect(maxAbsDiff(probs, referenceForward(config, params, ids, B, config.maxLen).probs)).toBeLessThan(1e-5);
    const fused = lossAndGrads('fused', params, ids, B);
    const shifted = lossAndGrads('shifted', params, ids, B);
    expect(Math.abs(fused.loss - shifted.loss)).toBeLessThan(1e-5);
    for (const name of Object.keys(shifted.grads))
      expect(maxAbsDiff(fused.grads[name], shifted.grads[name]), name).toBeLessThan(1e-5);
  });

  it('runs a training step without per-tap matMuls (one GEMM for every width, none in the backward pass)', async () => {
    const c = { ...config, filterSizes: [2, 3, 4, 5], maxLen: 12 };
    const s = Student.create(c, 3);
    const B = 4;
    const ids = batchIds(c, B, 2);
    const opt = tf.train.adam(1e-3);
    const step = () => {
      const loss = opt.minimize(
        () =>
          singleLabelLoss({
            logits: s.logits(tf.tensor2d(ids, [B, c.maxLen], 'int32'), ids, true),
            hard: new Int32Array(B),
          }),
        true,
        s.trainableVars(),
      );
      loss!.dataSync();
      loss!.dispose();
    };
    step();
    const p = await tf.profile(step);
    const matMuls = p.kernels.filter((k) => k.name === 'BatchMatMul').length;
    // The output head's forward and two gradients, plus at most the conv GEMM (JS path without native).
    expect(matMuls).toBeLessThanOrEqual(4);
    expect(p.kernels.filter((k) => k.name === 'Slice').length).toBe(0);
    opt.dispose();
    s.dispose();
  });
});
