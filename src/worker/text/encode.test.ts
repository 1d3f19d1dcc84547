import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeIds, lengthAtPercentile, truncate, TRUNCATIONS } from './encode';
import { Vocabulary } from './vocab';

describe('lengthAtPercentile (nearest rank)', () => {
  it('picks an observed length', () => {
    const lengths = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted
    expect(lengthAtPercentile(lengths, 95)).toBe(95);
    expect(lengthAtPercentile(lengths, 100)).toBe(100);
    expect(lengthAtPercentile([4, 1, 3, 2], 50)).toBe(2);
    expect(lengthAtPercentile([7], 1)).toBe(7);
    expect(lengthAtPercentile([10, 2, 30], 75)).toBe(30);
  });
  it('sorts numerically, not as strings', () => {
    expect(lengthAtPercentile([100, 9, 20], 34)).toBe(20);
  });
  it('is 0 for no lengths and rejects bad percentiles', () => {
    expect(lengthAtPercentile([], 95)).toBe(0);
    expect(() => lengthAtPercentile([1], 0)).toThrow(/percentile/);
    expect(() => lengthAtPercentile([1], 101)).toThrow(/percentile/);
  });
});

describe('truncate', () => {
  const t = Array.from({ length: 20 }, (_, i) => i);
  it('head', () => expect(truncate(t, 8, 'head')).toEqual([0, 1, 2, 3, 4, 5, 6, 7]));
  it('tail', () => expect(truncate(t, 8, 'tail')).toEqual([12, 13, 14, 15, 16, 17, 18, 19]));
  it('head+tail keeps ⌈maxLen/4⌉ from the head by default', () => {
    expect(truncate(t, 8, 'head+tail')).toEqual([0, 1, 14, 15, 16, 17, 18, 19]);
    expect(truncate(t, 7, 'head+tail')).toEqual([0, 1, 15, 16, 17, 18, 19]);
    const long = Array.from({ length: 1000 }, (_, i) => i);
    const cut = truncate(long, 512, 'head+tail');
    expect(cut.slice(0, 128)).toEqual(long.slice(0, 128));
    expect(cut.slice(128)).toEqual(long.slice(1000 - 384));
  });
  it('head+tail with a configurable head share', () => {
    expect(truncate(t, 8, 'head+tail', 0.5)).toEqual([0, 1, 2, 3, 16, 17, 18, 19]);
    expect(truncate(t, 4, 'head+tail', 1)).toEqual([0, 1, 2, 3]);
    expect(truncate(t, 4, 'head+tail', 0)).toEqual([16, 17, 18, 19]);
  });
  it('leaves short lists unchanged (as a copy)', () => {
    for (const m of TRUNCATIONS) {
      const s = [1, 2, 3];
      const r = truncate(s, 3, m);
      expect(r).toEqual(s);
      expect(r).not.toBe(s);
    }
  });
});

describe('encodeIds', () => {
  const vocab = Vocabulary.build([['a', 'b', 'c', 'a']]); // <pad> <unk> a b c
  it('post-pads with PAD and maps unknown tokens to UNK', () => {
    expect([...encodeIds(['a', 'x', 'c'], vocab, 5, 'head')]).toEqual([2, 1, 4, 0, 0]);
  });
  it('gives all zeros for an empty text', () => {
    expect([...encodeIds([], vocab, 4, 'head+tail')]).toEqual([0, 0, 0, 0]);
  });
  it('truncates', () => {
    expect([...encodeIds(['a', 'b', 'c', 'x', 'a'], vocab, 4, 'head+tail')]).toEqual([2, 4, 1, 2]);
  });
  it('writes a literal <pad> token as UNK so 0 only means padding', () => {
    expect([...encodeIds(['<pad>', 'a'], vocab, 3, 'head')]).toEqual([1, 2, 0]);
  });

  it('property: length = maxLen, no PAD before the last real id, real count = min(n, maxLen)', () => {
    const token = fc.constantFrom('a', 'b', 'c', 'x', 'y', '<pad>', '<unk>', '');
    fc.assert(
      fc.property(
        fc.array(token, { maxLength: 40 }),
        fc.integer({ min: 1, max: 32 }),
        fc.constantFrom(...TRUNCATIONS),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (tokens, maxLen, mode, headShare) => {
          const ids = encodeIds(tokens, vocab, maxLen, mode, headShare);
          expect(ids).toBeInstanceOf(Int32Array);
          expect(ids.length).toBe(maxLen);
          const real = Math.min(tokens.length, maxLen);
          for (let i = 0; i < maxLen; i++) {
            if (i < real) expect(ids[i]).not.toBe(0);
            else expect(ids[i]).toBe(0);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
