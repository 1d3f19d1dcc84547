import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend/tfjs-backend';
import { AdamW, clipScale, decaysWeight, globalNorm, linearWarmupDecay } from './adamw';

beforeAll(async () => {
  await initBackend('wasm');
});

/** torch.optim.AdamW's update, in float64, for comparison. */
function torchAdamW(
  p: number[],
  grads: number[][],
  lrs: number[],
  wd: number,
  b1 = 0.9,
  b2 = 0.999,
  eps = 1e-8,
): number[] {
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  p = p.slice();
  grads.forEach((g, k) => {
    const t = k + 1;
    const lr = lrs[k];
    for (let i = 0; i < p.length; i++) {
      p[i] *= 1 - lr * wd;
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      const denom = Math.sqrt(v[i]) / Math.sqrt(1 - b2 ** t) + eps;
      p[i] -= (lr / (1 - b1 ** t)) * (m[i] / denom);
    }
  });
  return p;
}

describe('AdamW', () => {
  it('follows torch.optim.AdamW, with decay only where it applies', () => {
    const w = tf.variable(tf.tensor1d([1, -2, 0.5]), true, 'adamw_test_w');
    const b = tf.variable(tf.tensor1d([0.3, -0.1]), true, 'adamw_test_b');
    const opt = new AdamW({ 'dense.weight': w, 'dense.bias': b }, { weightDecay: 0.1 });
    const gw = [
      [0.5, 0.1, -0.3],
      [-0.2, 0.4, 0.0],
      [0.1, 0.1, 0.1],
    ];
    const gb = [
      [1, -1],
      [0.5, 0.5],
      [0, 2],
    ];
    const lrs = [0.1, 0.05, 0.01];
    for (let k = 0; k < 3; k++)
      tf.tidy(() => opt.step({ 'dense.weight': tf.tensor1d(gw[k]), 'dense.bias': tf.tensor1d(gb[k]) }, lrs[k]));
    const ew = torchAdamW([1, -2, 0.5], gw, lrs, 0.1);
    const eb = torchAdamW([0.3, -0.1], gb, lrs, 0);
    Array.from(w.dataSync()).forEach((x, i) => expect(x).toBeCloseTo(ew[i], 5));
    Array.from(b.dataSync()).forEach((x, i) => expect(x).toBeCloseTo(eb[i], 5));
    expect(opt.steps).toBe(3);
    opt.dispose();
    w.dispose();
    b.dispose();
  });

  it('decays weights and embeddings but not biases or LayerNorm weights', () => {
    expect(decaysWeight('encoder.layer.0.attention.self.query.weight')).toBe(true);
    expect(decaysWeight('embeddings.word_embeddings.weight')).toBe(true);
    expect(decaysWeight('encoder.layer.0.output.dense.bias')).toBe(false);
    expect(decaysWeight('embeddings.LayerNorm.weight')).toBe(false);
  });

  it('clips by global norm as clip_grad_norm_ and schedules warm-up then linear decay', () => {
    const g = [tf.tensor1d([3, 0]), tf.tensor2d([[0, 4]])];
    expect(globalNorm(g)).toBeCloseTo(5, 6);
    g.forEach((t) => t.dispose());
    expect(clipScale(5, 1)).toBeCloseTo(0.2, 6);
    expect(clipScale(0.5, 1)).toBe(1);
    expect(clipScale(5, 0)).toBe(1);
    const lr = Array.from({ length: 10 }, (_, i) => linearWarmupDecay(i + 1, 10, 2));
    expect(lr).toEqual([0.5, 1, 1, 7 / 8, 6 / 8, 5 / 8, 4 / 8, 3 / 8, 2 / 8, 1 / 8]);
    expect(linearWarmupDecay(1, 4, 0)).toBe(1);
  });
});
