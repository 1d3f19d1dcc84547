/**
 * Length-bucketed batches (bench/predict-speed.md): rows sorted by length, each batch cut to
 * min(T, its longest row + the model's pad margin) ids, so a TextCNN over short reviews computes
 * over ~L + k positions instead of T. Exact by the margin's contract (export/onnx/pad-margin.ts).
 */

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

/** Row indices ordered by length, ties in input order (a counting sort: lengths are ≤ T). */
export function orderByLength(lens: Int32Array, T: number): Int32Array {
  const start = new Int32Array(T + 2);
  for (const L of lens) start[L + 1]++;
  for (let L = 1; L <= T + 1; L++) start[L] += start[L - 1];
  const order = new Int32Array(lens.length);
  lens.forEach((L, i) => (order[start[L]++] = i));
  return order;
}

/**
 * n rows of T ids as batches of up to `batchSize` rows. margin null: in input order at full T (the
 * model needs T). Otherwise sorted by length, each batch cut to min(T, longest + margin).
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
  const lens = rowLengths(ids, n, T);
  const order = orderByLength(lens, T);
  for (let s = 0; s < n; s += batchSize) {
    const rows = order.subarray(s, Math.min(s + batchSize, n));
    // At least one step: a zero-length time axis is not a tensor every op accepts.
    const Tb = Math.min(T, Math.max(1, lens[rows[rows.length - 1]] + margin));
    const cut = new Int32Array(rows.length * Tb);
    rows.forEach((r, j) => cut.set(ids.subarray(r * T, r * T + Tb), j * Tb));
    yield { rows, ids: cut, T: Tb };
  }
}
