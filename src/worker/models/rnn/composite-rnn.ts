/**
 * The same LSTM/GRU sequence ops as fused-lstm.ts / fused-gru.ts, built from plain tf ops and
 * differentiated by tfjs autograd. Used on backends whose tensors live on a device (tfjs-node,
 * CUDA, WebGPU), where reading each step back to JS would be slower than launching more kernels,
 * and in tests as the reference for the hand-written gradients.
 */
import * as tf from '@tensorflow/tfjs';

function stepMasks(mask: Float32Array, T: number, B: number): tf.Tensor2D[] {
  return tf.unstack(tf.tensor2d(mask, [T, B])).map((m) => m.expandDims(1) as tf.Tensor2D);
}

const carry = (m: tf.Tensor2D, next: tf.Tensor2D, prev: tf.Tensor2D) =>
  tf.add(tf.mul(m, next), tf.mul(tf.sub(1, m), prev)) as tf.Tensor2D;

export function compositeLstmSequence(
  xProj: tf.Tensor3D,
  U: tf.Tensor2D,
  mask: Float32Array,
  reverse: boolean,
): tf.Tensor3D {
  return tf.tidy(() => {
    const [T, B, G] = xProj.shape;
    const H = G / 4;
    const xs = tf.unstack(xProj) as tf.Tensor2D[];
    const ms = stepMasks(mask, T, B);
    let h: tf.Tensor2D = tf.zeros([B, H]);
    let c: tf.Tensor2D = tf.zeros([B, H]);
    const outs: tf.Tensor2D[] = new Array(T);
    for (let s = 0; s < T; s++) {
      const t = reverse ? T - 1 - s : s;
      const z = tf.add(xs[t], tf.matMul(h, U));
      const [zi, zf, zg, zo] = tf.split(z, 4, 1);
      const cn = tf.add(tf.mul(tf.sigmoid(zf), c), tf.mul(tf.sigmoid(zi), tf.tanh(zg))) as tf.Tensor2D;
      const hn = tf.mul(tf.sigmoid(zo), tf.tanh(cn)) as tf.Tensor2D;
      c = carry(ms[t], cn, c);
      h = carry(ms[t], hn, h);
      outs[t] = h;
    }
    return tf.stack(outs) as tf.Tensor3D;
  });
}

export function compositeGruSequence(
  xProj: tf.Tensor3D,
  U: tf.Tensor2D,
  bU: tf.Tensor1D,
  mask: Float32Array,
  reverse: boolean,
): tf.Tensor3D {
  return tf.tidy(() => {
    const [T, B, G] = xProj.shape;
    const H = G / 3;
    const xs = tf.unstack(xProj) as tf.Tensor2D[];
    const ms = stepMasks(mask, T, B);
    let h: tf.Tensor2D = tf.zeros([B, H]);
    const outs: tf.Tensor2D[] = new Array(T);
    for (let s = 0; s < T; s++) {
      const t = reverse ? T - 1 - s : s;
      const [az, ar, ah] = tf.split(xs[t], 3, 1);
      const [uz, ur, uh] = tf.split(tf.add(tf.matMul(h, U), bU), 3, 1);
      const z = tf.sigmoid(tf.add(az, uz));
      const r = tf.sigmoid(tf.add(ar, ur));
      const n = tf.tanh(tf.add(ah, tf.mul(r, uh)));
      const hn = tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h)) as tf.Tensor2D;
      h = carry(ms[t], hn, h);
      outs[t] = h;
    }
    return tf.stack(outs) as tf.Tensor3D;
  });
}
