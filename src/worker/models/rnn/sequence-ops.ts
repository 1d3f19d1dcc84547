/** Picks the fused (host-memory) or composite implementation of the recurrent ops per backend. */
import * as tf from '@tensorflow/tfjs';
import { hasHostMemory } from '../../backend/tfjs-backend';
import { compositeGruSequence, compositeLstmSequence } from './composite-rnn';
import { fusedGruSequence } from './fused-gru';
import { fusedLstmSequence, nativeLstmLayer, nativeLstmLayerKernels } from './fused-lstm';

/** x·W + b for a time-major input, as one matMul: [T, B, in] → [T, B, out]. */
export function projectTimeMajor(x: tf.Tensor3D, W: tf.Tensor, b: tf.Tensor): tf.Tensor3D {
  const [T, B, I] = x.shape;
  const y = tf.add(tf.matMul(tf.reshape(x, [T * B, I]), W as tf.Tensor2D), b);
  return tf.reshape(y, [T, B, W.shape[1] as number]);
}

/** An LSTM direction from its input: one native op, projection included, where the kernels are loaded. */
export function lstmLayer(
  x: tf.Tensor3D,
  W: tf.Tensor2D,
  b: tf.Tensor1D,
  U: tf.Tensor2D,
  mask: Float32Array,
  reverse: boolean,
): tf.Tensor3D {
  const native = hasHostMemory() ? nativeLstmLayerKernels() : undefined;
  if (native) return nativeLstmLayer(native, x, W, b, U, mask, reverse);
  return lstmSequence(projectTimeMajor(x, W, b), U, mask, reverse);
}

export function lstmSequence(xProj: tf.Tensor3D, U: tf.Tensor2D, mask: Float32Array, reverse: boolean): tf.Tensor3D {
  return hasHostMemory() ? fusedLstmSequence(xProj, U, mask, reverse) : compositeLstmSequence(xProj, U, mask, reverse);
}

export function gruSequence(
  xProj: tf.Tensor3D,
  U: tf.Tensor2D,
  bU: tf.Tensor1D,
  mask: Float32Array,
  reverse: boolean,
): tf.Tensor3D {
  return hasHostMemory()
    ? fusedGruSequence(xProj, U, bU, mask, reverse)
    : compositeGruSequence(xProj, U, bU, mask, reverse);
}
