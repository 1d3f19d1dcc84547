import { describe, expect, it } from 'vitest';
import { defaultHeads, isFullPath, parseAlphaList, whyBadBertTeacher, whyBadSweep } from './worker-protocol';

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

describe('BERT teacher options', () => {
  it('accepts both sources with their own options', () => {
    expect(
      whyBadBertTeacher({
        source: 'model-dir',
        modelDir: '/models/rbt3',
        epochs: 3,
        learningRate: 3e-5,
        maxLen: 128,
        batchSize: 16,
      }),
    ).toBeUndefined();
    expect(whyBadBertTeacher({ source: 'model-dir', modelDir: 'C:\\models\\rbt3', lr: 2e-5 })).toBeUndefined();
    expect(
      whyBadBertTeacher({ source: 'pretrain', layers: 2, hidden: 128, pretrainEpochs: 2, epochs: 3, maxLen: 64 }),
    ).toBeUndefined();
  });

  it('says which option is wrong and why', () => {
    expect(whyBadBertTeacher(null)).toMatchObject({ field: 'options' });
    expect(whyBadBertTeacher({ source: 'bert' })).toMatchObject({ field: 'source' });
    expect(whyBadBertTeacher({ source: 'model-dir', modelDir: '  ' })).toMatchObject({ field: 'modelDir' });
    expect(whyBadBertTeacher({ source: 'model-dir', modelDir: './bert' })?.message).toMatch(/full path/);
    expect(whyBadBertTeacher({ source: 'pretrain', hidden: '128' })?.message).toMatch(/expected a number, got "128"/);
    expect(whyBadBertTeacher({ source: 'pretrain', layers: 25 })?.message).toMatch(
      /"layers" must be in \[1, 24\], got 25/,
    );
  });

  it('full paths and default heads', () => {
    expect(['/a', '~', '~/a', 'C:\\a', 'd:/a', '\\\\server\\share'].every(isFullPath)).toBe(true);
    expect(['a', './a', '../a', '~user/a', 'C:a'].some(isFullPath)).toBe(false);
    expect([32, 128, 256, 768, 30, 9].map(defaultHeads)).toEqual([4, 2, 4, 12, 2, 1]);
  });
});
