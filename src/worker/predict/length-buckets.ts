/**
 * Length-bucketed batches (bench/predict-speed.md): each row is cut to a length that depends only on
 * its own ids, min(T, the row's length + the model's pad margin, rounded up to a multiple of
 * LENGTH_STEP), and rows cut alike run together. So a TextCNN over short reviews computes over
 * ~L + k positions instead of T, exactly by the margin's contract (export/onnx/pad-margin.ts).
 *
 * Why the cut does not depend on the batch: ORT blocks a convolution's GEMM by the row length, so
 * one row cut to two lengths can differ in the last float bit. Cut by its own length only, a row
 * gets the same bits whichever rows share its window, and a partitioned run (Dask, Spark, Hadoop)
 * writes what a single run writes.
 */

/** Granularity of the cut lengths: coarse enough for full batches, fine enough to waste little. */
export const LENGTH_STEP = 4;

export interface IdBatch {
  /** Input row index of each batch row, in batch order. */
  rows: Int32Array;
  /** rows.length rows of T ids. */
  ids: Int32Array;
  T: number;
}

/** Position after the last non-PAD (≠ 0) id of each of n rows of T ids. */
export function rowLengths(ids: Int32Array, n: number, T: number): Int32Array {
  const lens = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let L = T;
    while (L > 0 && ids[i * T + L - 1] === 0) L--;
    lens[i] = L;
  }
  return lens;
}

/**
 * The length a row of length L is cut to: min(T, L + margin rounded up to a multiple of
 * LENGTH_STEP), at least one step (a zero-length time axis is not a tensor every op accepts).
 */
export function cutLength(L: number, margin: number, T: number): number {
  return Math.min(T, LENGTH_STEP * Math.ceil(Math.max(1, L + margin) / LENGTH_STEP));
}

/** Row indices ordered by key (0..maxKey), ties in input order (a counting sort). */
export function orderByKey(keys: Int32Array, maxKey: number): Int32Array {
  const start = new Int32Array(maxKey + 2);
  for (const k of keys) start[k + 1]++;
  for (let k = 1; k <= maxKey + 1; k++) start[k] += start[k - 1];
  const order = new Int32Array(keys.length);
  keys.forEach((k, i) => (order[start[k]++] = i));
  return order;
}

/**
 * n rows of T ids as batches of up to `batchSize` rows. margin null: in input order at full T (the
 * model needs T). Otherwise rows grouped by cutLength, in input order within a group.
 */
export function* bucketedBatches(
  ids: Int32Array,
  n: number,
  T: number,
  batchSize: number,
  margin: number | null,
): Generator<IdBatch> {
  if (margin === null) {
    for (let s = 0; s < n; s += batchSize) {
      const m = Math.min(batchSize, n - s);
      yield { rows: Int32Array.from({ length: m }, (_, j) => s + j), ids: ids.subarray(s * T, (s + m) * T), T };
    }
    return;
  }
  const cuts = rowLengths(ids, n, T).map((L) => cutLength(L, margin, T));
  const order = orderByKey(cuts, T);
  for (let s = 0; s < n;) {
    const Tb = cuts[order[s]];
    let e = s + 1;
    while (e < n && e - s < batchSize && cuts[order[e]] === Tb) e++;
    const rows = order.subarray(s, e);
    const cut = new Int32Array(rows.length * Tb);
    rows.forEach((r, j) => cut.set(ids.subarray(r * T, r * T + Tb), j * Tb));
    yield { rows, ids: cut, T: Tb };
    s = e;
  }
}
