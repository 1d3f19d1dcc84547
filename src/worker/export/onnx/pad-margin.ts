/**
 * Length-bucketed prediction's contract (bench/predict-speed.md, "Length-bucketed prediction"). A
 * student whose output provably does not depend on trailing PAD beyond `margin` positions is
 * exported with a dynamic sequence dimension and its margin in the model's metadata_props; predict
 * may then feed a batch whose longest row (up to its last non-PAD id) is L as rows of
 * min(T, L + margin) or more ids instead of T: the same function. (Not always the same float
 * bits: ORT blocks its sums by the row length, so probabilities can differ in the last bit.)
 */
import type { StudentConfig } from '../../models/student-config';
import type { ModelProto } from './proto';

export const PAD_MARGIN_KEY = 'distillery.exact_pad_margin';

/**
 * The margin for `c`, or null where the output depends on the full T.
 * - Recurrent (bilstm, lstm, gru, gru-att): 0. LSTM/GRU read sequence_lens = count(ids ≠ PAD), and
 *   gru-att's attention, max and mean are masked to t < len, so steps past the last real id never count.
 * - textcnn, cnn-nb: the widest filter k_max. Valid convolutions + max over time: a row of length
 *   L ≤ T − k padded to T has its windows starting at t ≤ L − 1 (real ids, then PAD) plus all-PAD
 *   windows, which are identical (PAD's embedding is one fixed vector). At T' ≥ L + k the windows
 *   t ≤ L − 1 and the all-PAD window at t = L are all there, so the max is the same; rows with
 *   L > T − k get T' = T.
 * - han: null. Its row is a grid of S = maxLen / W sentence slots and the graph reshapes by the
 *   constant S; cutting the row would need S taken from the input's shape and cuts in whole slots.
 */
export function exactPadMargin(c: StudentConfig): number | null {
  switch (c.arch) {
    case 'textcnn':
    case 'cnn-nb':
      return Math.max(...c.filterSizes);
    case 'han':
      return null;
    default:
      return 0;
  }
}

/** The margin an exported model declares, or null (older exports, han, models not made here). */
export function padMarginOf(model: ModelProto): number | null {
  const entry = model.metadataProps.find((p) => p.key === PAD_MARGIN_KEY);
  if (!entry) return null;
  const margin = Number(entry.value);
  return Number.isInteger(margin) && margin >= 0 ? margin : null;
}
