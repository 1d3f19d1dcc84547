/**
 * Batches of rows of similar length, in random order. A transformer batch costs as much as its
 * longest row (BertClassifier cuts each batch there), and with short reviews and a long tail a random
 * batch of 32 almost always holds one row at the length cap. Shuffling, then sorting windows of
 * `window` batches by length, keeps batches varied from epoch to epoch while padding little.
 */
import type { Rng } from '../../../shared/random';

export function lengthBucketedBatches(
  lengths: ArrayLike<number>,
  batchSize: number,
  rng: Rng,
  window = 50,
): number[][] {
  const order = rng.shuffle(Array.from({ length: lengths.length }, (_, i) => i));
  const batches: number[][] = [];
  const span = batchSize * window;
  for (let s = 0; s < order.length; s += span) {
    const chunk = order.slice(s, s + span).sort((a, b) => lengths[a] - lengths[b]);
    for (let b = 0; b < chunk.length; b += batchSize) batches.push(chunk.slice(b, b + batchSize));
  }
  return rng.shuffle(batches);
}

/** Real tokens per row of a row-major n × T attention mask. */
export function rowLengths(mask: ArrayLike<number>, n: number, T: number): Int32Array {
  const out = new Int32Array(n);
  for (let r = 0; r < n; r++)
    for (let t = T - 1; t >= 0; t--)
      if (mask[r * T + t]) {
        out[r] = t + 1;
        break;
      }
  return out;
}

/** The longest of rowLengths (at least 1): where BertClassifier cuts a batch. */
export function longestRow(lengths: Int32Array): number {
  return lengths.reduce((a, b) => Math.max(a, b), 1);
}

/** Plain shuffled batches (what bucketing replaces; kept for A/B measurements). */
export function shuffledBatches(n: number, batchSize: number, rng: Rng): number[][] {
  const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
  return Array.from({ length: Math.ceil(n / batchSize) }, (_, b) => order.slice(b * batchSize, (b + 1) * batchSize));
}
