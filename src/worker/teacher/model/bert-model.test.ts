import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../../shared/random';
import { initBackend } from '../../backend/tfjs-backend';
import type { BertInput } from './bert-model';
import { BertClassifier, dense, layerNorm } from './bert-model';
import { referenceBertForward } from './bert-reference';
import { randomBertWeights, tinyBertConfig } from './random-bert';

beforeAll(async () => {
  await initBackend('wasm');
});

const config = tinyBertConfig({ layers: 2, hidden: 12, heads: 3, intermediate: 20, maxPositions: 16 }, 40);

/** Post-padded rows of lengths 1…9 in a T = 12 batch (so the forward cuts to 9), mixed token types. */
function randomInput(seed: number, n = 5, T = 12): BertInput {
  const rng = createRng(seed);
  const inputIds = new Int32Array(n * T);
  const attentionMask = new Int32Array(n * T);
  const tokenTypeIds = new Int32Array(n * T);
  const lens = [1, 9, 4, 7, 2, 9, 3].slice(0, n);
  for (let r = 0; r < n; r++) {
    for (let t = 0; t < lens[r]; t++) {
      inputIds[r * T + t] = t === 0 ? 2 : 5 + rng.int(35);
      attentionMask[r * T + t] = 1;
      tokenTypeIds[r * T + t] = t > lens[r] / 2 ? 1 : 0;
    }
  }
  return { n, T, inputIds, attentionMask, tokenTypeIds };
}

describe('BertClassifier', () => {
  for (const pooler of [true, false]) {
    it(`matches the float64 reference forward within 1e-4 (${pooler ? 'with' : 'without'} pooler)`, () => {
      // Larger-than-BERT random weights so that every non-linearity is well off its linear range.
      const weights = randomBertWeights(config, 11, { numLabels: 3, pooler, initStd: 0.25, perturb: 0.3 });
      const model = BertClassifier.fromWeights(config, weights, 3, 1, { initPooler: false });
      expect(model.initialized).toEqual([]);
      expect(model.hasPooler).toBe(pooler);
      const input = randomInput(3);
      const z = tf.tidy(() => model.logits(input, false));
      const got = z.dataSync();
      z.dispose();
      const ref = referenceBertForward(
        config,
        weights,
        input.inputIds,
        input.attentionMask as Int32Array,
        input.tokenTypeIds!,
        input.n,
        input.T,
        3,
      );
      let maxDiff = 0;
      let maxAbs = 0;
      for (let i = 0; i < got.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(got[i] - ref.logits[i]));
        maxAbs = Math.max(maxAbs, Math.abs(ref.logits[i]));
      }
      expect(maxAbs).toBeGreaterThan(0.1); // the comparison is not between two near-zero vectors
      expect(maxDiff).toBeLessThan(1e-4);
      const probs = model.predictProbs(input, 2);
      for (let i = 0; i < probs.length; i++) expect(Math.abs(probs[i] - ref.probs[i])).toBeLessThan(1e-5);
      model.dispose();
    });
  }

  it('gives the same logits however much padding a row carries', () => {
    const weights = randomBertWeights(config, 5, { numLabels: 2, initStd: 0.25 });
    const model = BertClassifier.fromWeights(config, weights, 2, 1);
    const short = randomInput(8, 3, 9);
    const long: BertInput = {
      n: 3,
      T: 16,
      inputIds: new Int32Array(48),
      attentionMask: new Int32Array(48),
      tokenTypeIds: new Int32Array(48),
    };
    for (let r = 0; r < 3; r++) {
      long.inputIds.set(short.inputIds.subarray(r * 9, r * 9 + 9), r * 16);
      (long.attentionMask as Int32Array).set((short.attentionMask as Int32Array).subarray(r * 9, r * 9 + 9), r * 16);
      long.tokenTypeIds!.set(short.tokenTypeIds!.subarray(r * 9, r * 9 + 9), r * 16);
    }
    const a = model.predictLogits(short);
    const b = model.predictLogits(long);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 6);
    model.dispose();
  });

  it('initialises a missing classifier and pooler, round-trips weights and counts parameters', () => {
    const weights = randomBertWeights(config, 2, { pooler: false });
    const model = BertClassifier.fromWeights(config, weights, 4, 9, { multiLabel: true });
    expect(model.initialized.sort()).toEqual([
      'classifier.bias',
      'classifier.weight',
      'pooler.dense.bias',
      'pooler.dense.weight',
    ]);
    const out = model.toWeights();
    for (const [k, w] of Object.entries(weights)) {
      expect(out[k].shape, k).toEqual(w.shape);
      expect(out[k].data, k).toEqual(w.data);
    }
    expect(out['classifier.weight'].shape).toEqual([4, 12]);
    expect(Array.from(out['classifier.bias'].data)).toEqual([0, 0, 0, 0]);
    const H = 12;
    const I = 20;
    const perLayer = 4 * (H * H + H) + 2 * 2 * H + (I * H + I) + (H * I + H);
    expect(model.paramCount()).toBe(40 * H + 16 * H + 2 * H + 2 * H + 2 * perLayer + (H * H + H) + (4 * H + 4));
    // A classifier of another size in the checkpoint is replaced, like HF's ignore_mismatched_sizes.
    const again = BertClassifier.fromWeights(config, out, 2, 9);
    expect(again.initialized.sort()).toEqual(['classifier.bias', 'classifier.weight']);
    // Multi-label heads give independent sigmoids.
    const p = model.predictProbs(randomInput(1, 2));
    expect(p.every((x) => x > 0 && x < 1)).toBe(true);
    expect(Math.abs(p[0] + p[1] + p[2] + p[3] - 1)).toBeGreaterThan(1e-3);
    model.dispose();
    again.dispose();
  });

  it('applies dropout only in training, and leaks no tensors', () => {
    const model = BertClassifier.fromWeights(
      config,
      randomBertWeights(config, 4, { numLabels: 2, initStd: 0.25 }),
      2,
      1,
    );
    const input = randomInput(2);
    const before = tf.memory().numTensors;
    const run = (training: boolean) => tf.tidy(() => model.logits(input, training).dataSync());
    const inf1 = run(false);
    const inf2 = run(false);
    const tr1 = run(true);
    const tr2 = run(true);
    expect(Array.from(inf1)).toEqual(Array.from(inf2));
    expect(Array.from(tr1)).not.toEqual(Array.from(tr2));
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('hand-written gradients of dense and LayerNorm equal autograd of the plain ops', () => {
    const rng = createRng(4);
    const r = (shape: number[]) =>
      tf.tensor(
        Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.next() * 2 - 1),
        shape,
      );
    const x = r([6, 5]) as tf.Tensor2D;
    const W = r([5, 4]) as tf.Tensor2D;
    const b = r([4]);
    const w = r([5]);
    const c = r([5]);
    const dy = r([6, 4]);
    const dy5 = r([6, 5]);
    const plainDense = (x: tf.Tensor, W: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(tf.add(tf.matMul(x as tf.Tensor2D, W as tf.Tensor2D), b), dy));
    const ourDense = (x: tf.Tensor, W: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(dense(x as tf.Tensor2D, W as tf.Tensor2D, b), dy));
    const plainLn = (x: tf.Tensor, w: tf.Tensor, c: tf.Tensor) => {
      const m = tf.mean(x, -1, true);
      const v = tf.mean(tf.square(tf.sub(x, m)), -1, true);
      return tf.sum(tf.mul(tf.add(tf.mul(tf.div(tf.sub(x, m), tf.sqrt(tf.add(v, 1e-5))), w), c), dy5));
    };
    const ourLn = (x: tf.Tensor, w: tf.Tensor, c: tf.Tensor) =>
      tf.sum(tf.mul(layerNorm(x as tf.Tensor2D, w, c, 1e-5), dy5));
    for (const [plain, ours, args] of [
      [plainDense, ourDense, [x, W, b]],
      [plainLn, ourLn, [x, w, c]],
    ] as const) {
      const ga = tf.grads(plain as (...a: tf.Tensor[]) => tf.Tensor)(args as unknown as tf.Tensor[]);
      const gb = tf.grads(ours as (...a: tf.Tensor[]) => tf.Tensor)(args as unknown as tf.Tensor[]);
      ga.forEach((g, i) => {
        expect(gb[i].shape).toEqual(g.shape);
        const d = Array.from(gb[i].dataSync());
        Array.from(g.dataSync()).forEach((v, j) => expect(d[j]).toBeCloseTo(v, 4));
      });
      tf.dispose([...ga, ...gb]);
    }
    tf.dispose([x, W, b, w, c, dy, dy5]);
  });
});
