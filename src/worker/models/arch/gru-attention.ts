/**
 * GRU-attention (digest B): bidirectional GRU → additive attention over real tokens, plus masked
 * max- and mean-pooling; features = concat(context, max, mean), 6H wide.
 */
import * as tf from '@tensorflow/tfjs';
import { embedTimeMajor, recurrentStack, type ForwardContext } from '../building-blocks';

const NEG = -1e9;

export function gruAttentionFeatures(ctx: ForwardContext, ids: tf.Tensor2D, idsHost: Int32Array): tf.Tensor2D {
  const emb = embedTimeMajor(ctx, ids, idsHost);
  const { seq } = recurrentStack(ctx, emb); // [T, B, 2H]
  const [T, B, D] = seq.shape;
  const m = tf.tensor3d(emb.mask, [T, B, 1]);
  const scores = tf.matMul(
    tf.tanh(tf.add(tf.matMul(tf.reshape(seq, [T * B, D]), ctx.vars.att_W as tf.Tensor2D), ctx.vars.att_b)),
    ctx.vars.att_v as tf.Tensor2D,
  ); // [T·B, 1]
  const masked = tf.add(tf.reshape(scores, [T, B, 1]), tf.mul(tf.sub(1, m), NEG));
  const alpha = tf.mul(tf.softmax(tf.transpose(masked, [1, 2, 0])), tf.transpose(m, [1, 2, 0])); // [B, 1, T]
  const context = tf.reshape(tf.matMul(alpha, tf.transpose(seq, [1, 0, 2])), [B, D]);
  // A row with no real token (len 0) gets zeros for max and mean, as in the spec.
  const any = tf.tensor2d(Array.from(emb.lens, (l) => (l > 0 ? 1 : 0)), [B, 1]);
  const maxPool = tf.mul(tf.max(tf.add(seq, tf.mul(tf.sub(1, m), NEG)), 0), any);
  const lens = tf.tensor2d(Array.from(emb.lens, (l) => Math.max(l, 1)), [B, 1]);
  const meanPool = tf.div(tf.sum(tf.mul(seq, m), 0), lens);
  return tf.concat([context, maxPool, meanPool], 1) as tf.Tensor2D;
}
