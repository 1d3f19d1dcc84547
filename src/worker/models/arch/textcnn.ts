/**
 * TextCNN: conv1d per filter width (valid padding) → ReLU → max over time → concat.
 * Two implementations, same numbers:
 * - 'fused' (default on host-memory backends): ops/textcnn-conv-pool.ts, one GEMM for all widths and
 *   a hand-written sparse gradient, native where built.
 * - 'shifted': the convolution as shifted matMuls, through autograd (no Conv2DBackpropFilter, which
 *   wasm lacks); used on tfjs-node, and kept selectable (DISTILLERY_TEXTCNN_CONV=shifted) so the
 *   bench and the tests compare both.
 */
import * as tf from '@tensorflow/tfjs';
import { hasHostMemory } from '../../backend/tfjs-backend';
import type { ForwardContext } from '../building-blocks';
import { maxOverTime } from '../ops/max-over-time';
import { textcnnConvPool } from '../ops/textcnn-conv-pool';

export type TextcnnConv = 'fused' | 'shifted';

/** Which implementation runs now: DISTILLERY_TEXTCNN_CONV, else 'fused' where tensors live in host memory. */
export function textcnnConv(): TextcnnConv {
  const v = process.env.DISTILLERY_TEXTCNN_CONV;
  if (v !== undefined && v !== 'fused' && v !== 'shifted')
    throw new Error(`DISTILLERY_TEXTCNN_CONV must be "fused" or "shifted", not "${v}"`);
  if (!hasHostMemory()) return 'shifted';
  return v ?? 'fused';
}

export function textcnnFeatures(ctx: ForwardContext, ids: tf.Tensor2D): tf.Tensor2D {
  const c = ctx.config;
  const x = tf.gather(ctx.vars.embedding, ids) as tf.Tensor3D; // [B, T, E]
  if (textcnnConv() === 'fused') {
    return textcnnConvPool(
      x,
      c.filterSizes.map((k) => ctx.vars[`conv${k}_W`]),
      c.filterSizes.map((k) => ctx.vars[`conv${k}_b`]),
      c.filterSizes,
    );
  }
  return shiftedConvPool(ctx, x);
}

function shiftedConvPool(ctx: ForwardContext, x: tf.Tensor3D): tf.Tensor2D {
  const c = ctx.config;
  const [B, T, E] = x.shape;
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
