/**
 * Additive attention over a masked, time-major sequence (Bahdanau; Yang et al. 2016's word and
 * sentence attention): s_t = tanh(O_t·W + b)·v, α = softmax over real steps, context = Σ α_t O_t.
 * A row with no real step gets α = 0 and a zero context.
 */
import * as tf from '@tensorflow/tfjs';

const NEG = -1e9;

export interface AttentionParams {
  W: tf.Tensor;
  b: tf.Tensor;
  v: tf.Tensor;
}

/** seq: [T, B, D] time-major; mask: [T, B, 1] (1 = real step). Returns the context [B, D]. */
export function attentionContext(seq: tf.Tensor3D, mask: tf.Tensor3D, p: AttentionParams): tf.Tensor2D {
  const [T, B, D] = seq.shape;
  const scores = tf.matMul(
    tf.tanh(tf.add(tf.matMul(tf.reshape(seq, [T * B, D]), p.W as tf.Tensor2D), p.b)),
    p.v as tf.Tensor2D,
  ); // [T·B, 1]
  const masked = tf.add(tf.reshape(scores, [T, B, 1]), tf.mul(tf.sub(1, mask), NEG));
  const alpha = tf.mul(tf.softmax(tf.transpose(masked, [1, 2, 0])), tf.transpose(mask, [1, 2, 0])); // [B, 1, T]
  return tf.reshape(tf.matMul(alpha, tf.transpose(seq, [1, 0, 2])), [B, D]);
}
