import { describe, expect, it } from 'vitest';
import { parseAlphaList, whyBadSweep } from './worker-protocol';

describe('α sweep options', () => {
  it('parses the UI’s α list: commas, spaces, semicolons, Chinese commas', () => {
    expect(parseAlphaList('0, 0.25 0.5;1')).toEqual([0, 0.25, 0.5, 1]);
    expect(parseAlphaList(' 0，0.5、1 ')).toEqual([0, 0.5, 1]);
    expect(parseAlphaList('')).toEqual([]);
    expect(parseAlphaList('0, half')).toBeNull();
  });

  it('says what is wrong with alphas and seeds', () => {
    expect(whyBadSweep([0, 0.5, 1], undefined)).toBeUndefined();
    expect(whyBadSweep([0.3], 3)).toBeUndefined();
    expect(whyBadSweep(undefined, undefined)).toMatch(/non-empty list/);
    expect(whyBadSweep('0,1', undefined)).toMatch(/non-empty list/);
    expect(whyBadSweep([0, -0.1], undefined)).toMatch(/\[0, 1\], got -0.1/);
    expect(whyBadSweep([0, Number.NaN], undefined)).toMatch(/\[0, 1\]/);
    expect(whyBadSweep([0, '1'], undefined)).toMatch(/got "1"/);
    expect(whyBadSweep([1, 1], undefined)).toMatch(/twice/);
    expect(whyBadSweep([0, 1], 1.5)).toMatch(/seeds/);
    expect(whyBadSweep([0, 1], 11)).toMatch(/seeds/);
  });
});
