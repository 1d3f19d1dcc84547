import { describe, expect, it } from 'vitest';
import { createRng } from '../../../shared/random';
import { lengthBucketedBatches, rowLengths } from './length-buckets';

describe('lengthBucketedBatches', () => {
  const rng = createRng(3);
  const lengths = Array.from({ length: 1000 }, () => 3 + rng.int(60));

  it('uses every row exactly once, in batches of at most batchSize', () => {
    const batches = lengthBucketedBatches(lengths, 32, createRng(1));
    const rows = batches.flat().sort((a, b) => a - b);
    expect(rows).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Math.max(...batches.map((b) => b.length))).toBe(32);
  });

  it('pads far less than random batches: the sum of batch maxima drops', () => {
    const padded = (bs: number[][]) => bs.reduce((s, b) => s + b.length * Math.max(...b.map((i) => lengths[i])), 0);
    const random = createRng(1).shuffle(Array.from({ length: 1000 }, (_, i) => i));
    const randomBatches = Array.from({ length: Math.ceil(1000 / 32) }, (_, k) => random.slice(k * 32, (k + 1) * 32));
    expect(padded(lengthBucketedBatches(lengths, 32, createRng(1)))).toBeLessThan(0.7 * padded(randomBatches));
  });

  it('changes the batches with the seed', () => {
    expect(lengthBucketedBatches(lengths, 32, createRng(1))).not.toEqual(
      lengthBucketedBatches(lengths, 32, createRng(2)),
    );
  });
});

describe('rowLengths', () => {
  it('finds the last real position of each row', () => {
    expect(Array.from(rowLengths([1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0], 3, 4))).toEqual([2, 4, 0]);
  });
});
