/**
 * Max over the time axis, [B, T, F] → [B, F], remembering the argmax so the gradient is a scatter.
 * tf.max's own gradient builds an equality mask (an Equal over the whole input), which on the wasm
 * backend cost TextCNN more than its convolutions. Host-memory backends only; elsewhere tf.max.
 */
import * as tf from '@tensorflow/tfjs';
import { hasHostMemory } from '../../backend/tfjs-backend';

export function maxOverTime(x: tf.Tensor3D): tf.Tensor2D {
  if (!hasHostMemory()) return tf.max(x, 1);
  const op = tf.customGrad(((input: tf.Tensor3D) => {
    const [B, T, F] = input.shape;
    const v = input.dataSync() as Float32Array;
    const out = new Float32Array(B * F);
    const arg = new Int32Array(B * F);
    for (let b = 0; b < B; b++) {
      for (let f = 0; f < F; f++) {
        let best = -Infinity;
        let at = 0;
        for (let t = 0; t < T; t++) {
          const val = v[(b * T + t) * F + f];
          if (val > best) {
            best = val;
            at = t;
          }
        }
        out[b * F + f] = best;
        arg[b * F + f] = at;
      }
    }
    return {
      value: tf.tensor2d(out, [B, F]),
      gradFunc: (dy: tf.Tensor) => {
        const g = dy.dataSync() as Float32Array;
        const dx = new Float32Array(B * T * F);
        for (let b = 0; b < B; b++) for (let f = 0; f < F; f++) dx[(b * T + arg[b * F + f]) * F + f] = g[b * F + f];
        return [tf.tensor3d(dx, [B, T, F])];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x) as tf.Tensor2D;
}
