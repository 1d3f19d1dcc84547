/** BiLSTM (digest A): stacked bidirectional LSTM; features = concat(last fw, last bw) of the top layer. */
import * as tf from '@tensorflow/tfjs';
import { embedTimeMajor, recurrentStack, type ForwardContext } from '../building-blocks';

export function bilstmFeatures(ctx: ForwardContext, ids: tf.Tensor2D, idsHost: Int32Array): tf.Tensor2D {
  const r = recurrentStack(ctx, embedTimeMajor(ctx, ids, idsHost));
  return tf.concat([r.lastFw, r.lastBw!], 1) as tf.Tensor2D;
}
