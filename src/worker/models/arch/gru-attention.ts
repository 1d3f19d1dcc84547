/**
 * GRU-attention (digest B): bidirectional GRU → additive attention over real tokens, plus masked
 * max- and mean-pooling; features = concat(context, max, mean), 6H wide.
 */
import * as tf from '@tensorflow/tfjs';
import { embedTimeMajor, recurrentStack, type ForwardContext } from '../building-blocks';
import { attentionContext } from '../ops/attention';

const NEG = -1e9;

export function gruAttentionFeatures(ctx: ForwardContext, ids: tf.Tensor2D, idsHost: Int32Array): tf.Tensor2D {
  const emb = embedTimeMajor(ctx, ids, idsHost);
  const { seq } = recurrentStack(ctx, emb); // [T, B, 2H]
  const [T, B] = seq.shape;
  const m = tf.tensor3d(emb.mask, [T, B, 1]);
  const context = attentionContext(seq, m, { W: ctx.vars.att_W, b: ctx.vars.att_b, v: ctx.vars.att_v });
  // A row with no real token (len 0) gets zeros for max and mean, as in the spec.
  const any = tf.tensor2d(
    Array.from(emb.lens, (l) => (l > 0 ? 1 : 0)),
    [B, 1],
  );
  const maxPool = tf.mul(tf.max(tf.add(seq, tf.mul(tf.sub(1, m), NEG)), 0), any);
  const lens = tf.tensor2d(
    Array.from(emb.lens, (l) => Math.max(l, 1)),
    [B, 1],
  );
  const meanPool = tf.div(tf.sum(tf.mul(seq, m), 0), lens);
  return tf.concat([context, maxPool, meanPool], 1) as tf.Tensor2D;
}
