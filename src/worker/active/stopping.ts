/**
 * When to stop labeling: the simulator's stop set and its decisions; the rule (κ over the last three
 * rounds) and the curve's slope are in shared/stopping.ts, shared with the app. Two signals:
 *  - Stabilizing predictions (Bloodgood & Vijay-Shanker 2009): Cohen's κ between the predictions of
 *    successive models on a fixed stop set of unlabeled documents drawn once; stop once κ has stayed
 *    at or above a threshold (0.99) for the last three rounds. It needs no labels beyond the ones
 *    bought, so it works in the live loop where no test set exists.
 *  - The learning curve's slope on the gold set as a plain sentence ("the last 300 labels changed
 *    accuracy by +0.4 ± 1.1 points").
 */
import { SIMULATE_OPTIONS } from '../../shared/job-options';
import { argmax } from '../../shared/metrics';
import { createRng } from '../../shared/random';

// The rule and the curve's slope are shared with the app's stopping chart.
export {
  curveChange,
  curveChangeSentence,
  SLOPE_WINDOW,
  stabilizedAt,
  STOP_KAPPA,
  STOP_WINDOW,
  successiveKappas,
  type CurveChange,
} from '../../shared/stopping';

export const STOP_SET_SIZE = SIMULATE_OPTIONS.stopSet.default;

/** `size` documents drawn once (seeded) from these candidates: the fixed stop set. */
export function drawStopSet(candidates: readonly number[], size: number, seed: number): number[] {
  return createRng(seed)
    .shuffle([...candidates])
    .slice(0, Math.min(size, candidates.length));
}

/**
 * The decisions a model makes on the stop set, as categories for κ: the argmax class per
 * document (single-label), or one yes/no per (document, label) cell (multi-label: κ then measures
 * agreement over all n × K decisions).
 */
export function stopSetDecisions(probs: Float32Array, K: number, multiLabel: boolean): Uint8Array | Int32Array {
  if (multiLabel) return Uint8Array.from(probs, (p) => (p >= 0.5 ? 1 : 0));
  const n = probs.length / K;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = argmax(probs.subarray(i * K, (i + 1) * K));
  return out;
}
