/** LSTM and GRU baselines (digest A's table): forward layers only; features = last state of the top layer. */
import type * as tf from '@tensorflow/tfjs';
import { embedTimeMajor, recurrentStack, type ForwardContext } from '../building-blocks';

export function lastStateFeatures(ctx: ForwardContext, ids: tf.Tensor2D, idsHost: Int32Array): tf.Tensor2D {
  return recurrentStack(ctx, embedTimeMajor(ctx, ids, idsHost)).lastFw;
}
