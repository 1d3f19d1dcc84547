import { describe, expect, it } from 'vitest';
import { bucketedBatches, orderByLength, rowLengths } from './length-buckets';

const T = 6;
// Lengths 3, 0, 6, 1, 3, 5 (a PAD inside row 4 does not end it: its last real id is at 2).
const ids = Int32Array.from(
  [
    [4, 5, 6, 0, 0, 0],
    [0, 0, 0, 0, 0, 0],
    [1, 2, 3, 4, 5, 6],
    [9, 0, 0, 0, 0, 0],
    [7, 0, 8, 0, 0, 0],
    [2, 2, 2, 2, 2, 0],
  ].flat(),
);
const n = 6;

describe('rowLengths / orderByLength', () => {
  it('a row ends after its last non-PAD id', () => {
    expect(Array.from(rowLengths(ids, n, T))).toEqual([3, 0, 6, 1, 3, 5]);
  });

  it('orders by length, ties in input order', () => {
    expect(Array.from(orderByLength(rowLengths(ids, n, T), T))).toEqual([1, 3, 0, 4, 5, 2]);
  });
});

describe('bucketedBatches', () => {
  it('without a margin: input order, full T, the rows as they are', () => {
    const batches = [...bucketedBatches(ids, n, T, 4, null)];
    expect(batches.map((b) => [Array.from(b.rows), b.T])).toEqual([
      [[0, 1, 2, 3], T],
      [[4, 5], T],
    ]);
    expect(Array.from(batches[1].ids)).toEqual(Array.from(ids.subarray(4 * T)));
  });

  it('with a margin: sorted rows cut to min(T, longest + margin), each row once, its ids kept', () => {
    const batches = [...bucketedBatches(ids, n, T, 2, 1)];
    expect(batches.map((b) => [Array.from(b.rows), b.T])).toEqual([
      [[1, 3], 2],
      [[0, 4], 4],
      [[5, 2], 6],
    ]);
    for (const b of batches)
      b.rows.forEach((r, j) =>
        expect(Array.from(b.ids.subarray(j * b.T, (j + 1) * b.T))).toEqual(
          Array.from(ids.subarray(r * T, r * T + b.T)),
        ),
      );
  });

  it('a batch of empty rows keeps one step', () => {
    const empty = new Int32Array(3 * T);
    const [b] = [...bucketedBatches(empty, 3, T, 8, 0)];
    expect(b.T).toBe(1);
    expect(Array.from(b.ids)).toEqual([0, 0, 0]);
  });
});
