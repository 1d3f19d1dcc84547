/** Picks the fused (host-memory) or composite implementation of the recurrent ops per backend. */
import type * as tf from '@tensorflow/tfjs';
import { hasHostMemory } from '../../backend/tfjs-backend';
import { compositeGruSequence, compositeLstmSequence } from './composite-rnn';
import { fusedGruSequence } from './fused-gru';
import { fusedLstmSequence } from './fused-lstm';

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
