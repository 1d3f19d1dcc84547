import { describe, expect, it } from 'vitest';
import { bucketedBatches, cutLength, LENGTH_STEP, orderByKey, rowLengths } from './length-buckets';

const T = 10;
// Lengths 3, 0, 10, 1, 3, 9 (a PAD inside row 4 does not end it: its last real id is at 2).
const ids = Int32Array.from(
  [
    [4, 5, 6, 0, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 1],
    [9, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [7, 0, 8, 0, 0, 0, 0, 0, 0, 0],
    [2, 2, 2, 2, 2, 2, 2, 2, 2, 0],
  ].flat(),
);
const n = 6;

describe('rowLengths / cutLength / orderByKey', () => {
  it('a row ends after its last non-PAD id', () => {
    expect(Array.from(rowLengths(ids, n, T))).toEqual([3, 0, 10, 1, 3, 9]);
  });

  it('a row is cut to its length + margin, rounded up to the step, at least one step, at most T', () => {
    expect(LENGTH_STEP).toBe(4);
    expect([0, 1, 3, 4, 5, 9, 10].map((L) => cutLength(L, 1, T))).toEqual([4, 4, 4, 8, 8, 10, 10]);
    expect(cutLength(0, 0, T)).toBe(4);
    expect(cutLength(0, 0, 2)).toBe(2);
  });

  it('orders by key, ties in input order', () => {
    expect(Array.from(orderByKey(Int32Array.from([3, 0, 6, 1, 3, 5]), 6))).toEqual([1, 3, 0, 4, 5, 2]);
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

  it('with a margin: rows grouped by their own cut length, each row once, its ids kept', () => {
    const batches = [...bucketedBatches(ids, n, T, 2, 1)];
    expect(batches.map((b) => [Array.from(b.rows), b.T])).toEqual([
      [[0, 1], 4],
      [[3, 4], 4],
      [[2, 5], 10],
    ]);
    for (const b of batches)
      b.rows.forEach((r, j) =>
        expect(Array.from(b.ids.subarray(j * b.T, (j + 1) * b.T))).toEqual(
          Array.from(ids.subarray(r * T, r * T + b.T)),
        ),
      );
  });

  it("a row's cut does not depend on the rows beside it", () => {
    const alone = [...bucketedBatches(ids.subarray(0, T), 1, T, 8, 1)];
    const together = [...bucketedBatches(ids, n, T, 8, 1)];
    expect(alone[0].T).toBe(together.find((b) => b.rows.includes(0))!.T);
  });
});
