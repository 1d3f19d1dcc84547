/**
 * TextCNN: conv1d per filter width (valid padding) → ReLU → max over time → concat.
 * The convolution is written as shifted matMuls: they run on XNNPACK in the wasm backend, and the
 * gradient needs no Conv2DBackpropFilter kernel (which wasm lacks).
 */
import * as tf from '@tensorflow/tfjs';
import type { ForwardContext } from '../building-blocks';
import { maxOverTime } from '../ops/max-over-time';

export function textcnnFeatures(ctx: ForwardContext, ids: tf.Tensor2D): tf.Tensor2D {
  const c = ctx.config;
  const [B, T] = ids.shape;
  const x = tf.gather(ctx.vars.embedding, ids) as tf.Tensor3D; // [B, T, E]
  const E = c.embedDim;
  const pooled = c.filterSizes.map((k) => {
    if (T < k) throw new Error(`textcnn: sequence length ${T} is shorter than filter width ${k}`);
    const steps = T - k + 1;
    // conv[t] = Σ_j x[t + j]·W[j]: one matMul per tap, so no concat (whose gradient is a costly split).
    const W = ctx.vars[`conv${k}_W`];
    let acc: tf.Tensor2D | undefined;
    for (let j = 0; j < k; j++) {
      const xj = tf.reshape(tf.slice(x, [0, j, 0], [B, steps, E]), [B * steps, E]);
      const wj = tf.reshape(tf.slice(W, [j, 0, 0], [1, E, c.numFilters]), [E, c.numFilters]);
      const yj = tf.matMul(xj, wj) as tf.Tensor2D;
      acc = acc ? (tf.add(acc, yj) as tf.Tensor2D) : yj;
    }
    const conv = tf.relu(tf.add(acc!, ctx.vars[`conv${k}_b`]));
    return maxOverTime(tf.reshape(conv, [B, steps, c.numFilters]) as tf.Tensor3D);
  });
  return (pooled.length === 1 ? pooled[0] : tf.concat(pooled, 1)) as tf.Tensor2D;
}
