/**
 * HAN (Yang et al. 2016, Hierarchical Attention Networks; digest B): the input row is the text
 * pipeline's sentence grid, S slots of W ids. Word level: each sentence through the bidirectional
 * GRU stack, then word attention → one vector per sentence. Sentence level: a bidirectional GRU over
 * the sentence vectors, then sentence attention → the document vector (D = 2H). Padding is masked
 * at both levels: PAD ids inside a sentence, and empty sentence slots.
 */
import * as tf from '@tensorflow/tfjs';
import { embedTimeMajor, projectTimeMajor, recurrentStack, type ForwardContext } from '../building-blocks';
import { attentionContext } from '../ops/attention';
import { gruSequence } from '../rnn/sequence-ops';

export function hanFeatures(ctx: ForwardContext, ids: tf.Tensor2D, idsHost: Int32Array): tf.Tensor2D {
  const W = ctx.config.sentenceLen!;
  const [B, T] = ids.shape;
  const S = T / W;
  const H = ctx.config.hidden;
  // Row b·S + s of the grid is sentence s of document b (the host array has the same layout).
  // Only slots holding a sentence go through the word encoder: most slots of a short text are
  // empty, and an empty slot's vector is 0 anyway (attention over no step).
  const real: number[] = [];
  const slotRow = new Int32Array(B * S).fill(-1);
  for (let r = 0; r < B * S; r++) {
    if (idsHost[r * W] !== 0) {
      slotRow[r] = real.length;
      real.push(r);
    }
  }
  const sentMask = new Float32Array(S * B); // time-major, like the word mask: 1 where the slot holds a sentence
  for (let b = 0; b < B; b++) for (let s = 0; s < S; s++) sentMask[s * B + b] = slotRow[b * S + s] >= 0 ? 1 : 0;
  const realHost = new Int32Array(real.length * W);
  real.forEach((r, i) => realHost.set(idsHost.subarray(r * W, (r + 1) * W), i * W));

  let sentVecs: tf.Tensor2D; // [B·S, 2H]
  if (real.length === 0) {
    sentVecs = tf.zeros([B * S, 2 * H]);
  } else {
    const words = embedTimeMajor(ctx, tf.tensor2d(realHost, [real.length, W], 'int32'), realHost);
    const { seq } = recurrentStack(ctx, words); // [W, n, 2H]
    const wordMask = tf.tensor3d(words.mask, [W, real.length, 1]);
    const vecs = attentionContext(seq, wordMask, { W: ctx.vars.att_W, b: ctx.vars.att_b, v: ctx.vars.att_v }); // [n, 2H]
    // Scatter back to the grid: empty slots read the appended zero row.
    const withZero = tf.concat([vecs, tf.zeros([1, 2 * H])], 0);
    sentVecs = tf.gather(
      withZero,
      Int32Array.from(slotRow, (i) => (i < 0 ? real.length : i)),
    ) as tf.Tensor2D;
  }

  const x = tf.transpose(tf.reshape(sentVecs, [B, S, 2 * H]), [1, 0, 2]) as tf.Tensor3D; // [S, B, 2H]
  const states = (['fw', 'bw'] as const).map((d) => {
    const p = (n: string) => ctx.vars[`sgru_${d}_${n}`];
    return gruSequence(
      projectTimeMajor(x, p('W'), p('bW')),
      p('U') as tf.Tensor2D,
      p('bU') as tf.Tensor1D,
      sentMask,
      d === 'bw',
    );
  });
  const sentSeq = tf.concat(states, 2) as tf.Tensor3D; // [S, B, 2H]
  return attentionContext(sentSeq, tf.tensor3d(sentMask, [S, B, 1]), {
    W: ctx.vars.satt_W,
    b: ctx.vars.satt_b,
    v: ctx.vars.satt_v,
  });
}
