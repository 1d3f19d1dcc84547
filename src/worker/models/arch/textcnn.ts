/**
 * TextCNN: conv1d per filter width (valid padding) → ReLU → max over time → concat.
 * The convolution is written as im2col + one matMul per width: it runs on XNNPACK in the wasm
 * backend, and its gradient needs no Conv2DBackpropFilter kernel (which wasm lacks).
 */
import * as tf from '@tensorflow/tfjs';
import type { ForwardContext } from '../building-blocks';

export function textcnnFeatures(ctx: ForwardContext, ids: tf.Tensor2D): tf.Tensor2D {
  const c = ctx.config;
  const [B, T] = ids.shape;
  const x = tf.gather(ctx.vars.embedding, ids) as tf.Tensor3D; // [B, T, E]
  const E = c.embedDim;
  const pooled = c.filterSizes.map((k) => {
    if (T < k) throw new Error(`textcnn: sequence length ${T} is shorter than filter width ${k}`);
    const steps = T - k + 1;
    const windows = Array.from({ length: k }, (_, j) => tf.slice(x, [0, j, 0], [B, steps, E]));
    // Row (b, t) holds x[t], x[t+1], …, x[t+k−1]: index j·E + e matches W[j, e, :].
    const cols = tf.reshape(k === 1 ? windows[0] : tf.concat(windows, 2), [B * steps, k * E]);
    const W = tf.reshape(ctx.vars[`conv${k}_W`], [k * E, c.numFilters]);
    const conv = tf.relu(tf.add(tf.matMul(cols, W), ctx.vars[`conv${k}_b`]));
    return tf.max(tf.reshape(conv, [B, steps, c.numFilters]), 1);
  });
  return (pooled.length === 1 ? pooled[0] : tf.concat(pooled, 1)) as tf.Tensor2D;
}
