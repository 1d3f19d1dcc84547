/**
 * Pieces every architecture shares: the time-major embedding lookup with its padding mask,
 * a stack of (bi)directional recurrent layers, dropout and the output head.
 * Time-major ([T, B, …]) so that a layer's input projection is one matMul and steps are slices.
 */
import * as tf from '@tensorflow/tfjs';
import { gruSequence, lstmLayer, projectTimeMajor } from './rnn/sequence-ops';
import { cellOf, directions, type StudentConfig } from './student-config';

export type Vars = Record<string, tf.Variable>;

export interface ForwardContext {
  config: StudentConfig;
  vars: Vars;
  training: boolean;
  /** Seeds for dropout masks, drawn per call so runs are reproducible. */
  nextSeed: () => number;
}

export interface Embedded {
  /** [T, B, E] */
  x: tf.Tensor3D;
  /** mask[t*B + b] = 1 where ids[b, t] != PAD. */
  mask: Float32Array;
  lens: Int32Array;
}

/** ids: [B, T] int32, post-padded with 0. */
export function embedTimeMajor(ctx: ForwardContext, ids: tf.Tensor2D, idsHost: Int32Array): Embedded {
  const [B, T] = ids.shape;
  const mask = new Float32Array(T * B);
  const lens = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      if (idsHost[b * T + t] !== 0) {
        mask[t * B + b] = 1;
        lens[b]++;
      }
    }
  }
  const x = tf.gather(ctx.vars.embedding, tf.transpose(ids)) as tf.Tensor3D;
  return { x, mask, lens };
}

export function dropout<T extends tf.Tensor>(ctx: ForwardContext, x: T, rate = ctx.config.dropout): T {
  if (!ctx.training || rate <= 0) return x;
  return tf.dropout(x, rate, undefined, ctx.nextSeed()) as T;
}

export { projectTimeMajor };

export interface RecurrentOut {
  /** Top layer's states per position, directions concatenated: [T, B, dirs·H]. */
  seq: tf.Tensor3D;
  /** Top layer: forward state after the last real token, [B, H]. */
  lastFw: tf.Tensor2D;
  /** Top layer (bidirectional only): backward state after position 0, [B, H]. */
  lastBw?: tf.Tensor2D;
}

export function recurrentStack(ctx: ForwardContext, emb: Embedded): RecurrentOut {
  const c = ctx.config;
  const cell = cellOf(c.arch);
  if (!cell) throw new Error(`${c.arch} is not recurrent`);
  const [T] = emb.x.shape;
  let input = emb.x;
  let out: RecurrentOut | undefined;
  for (let l = 0; l < c.layers; l++) {
    if (l > 0) input = dropout(ctx, input);
    const states: Record<string, tf.Tensor3D> = {};
    for (const d of directions(c.arch)) {
      const p = `${cell}${l}_${d}_`;
      const reverse = d === 'bw';
      if (cell === 'lstm') {
        const [W, b, U] = [ctx.vars[p + 'W'], ctx.vars[p + 'b'], ctx.vars[p + 'U']];
        states[d] = lstmLayer(input, W as tf.Tensor2D, b as tf.Tensor1D, U as tf.Tensor2D, emb.mask, reverse);
      } else {
        const xp = projectTimeMajor(input, ctx.vars[p + 'W'], ctx.vars[p + 'bW']);
        states[d] = gruSequence(
          xp,
          ctx.vars[p + 'U'] as tf.Tensor2D,
          ctx.vars[p + 'bU'] as tf.Tensor1D,
          emb.mask,
          reverse,
        );
      }
    }
    const seq = states.bw ? tf.concat([states.fw, states.bw], 2) : states.fw;
    const H = c.hidden;
    const B = seq.shape[1];
    out = {
      seq,
      // With post-padding the forward state is carried to the end, and the backward one starts at 0.
      lastFw: tf.reshape(tf.slice(states.fw, [T - 1, 0, 0], [1, B, H]), [B, H]),
      lastBw: states.bw ? tf.reshape(tf.slice(states.bw, [0, 0, 0], [1, B, H]), [B, H]) : undefined,
    };
    input = seq;
  }
  return out!;
}

export function outputHead(ctx: ForwardContext, features: tf.Tensor2D): tf.Tensor2D {
  return tf.add(tf.matMul(dropout(ctx, features), ctx.vars.out_W as tf.Tensor2D), ctx.vars.out_b) as tf.Tensor2D;
}
