import { describe, expect, it } from 'vitest';
import { makeStudentConfig, pipelineInputFor } from './registry';

describe('pipelineInputFor', () => {
  it('gives han a sentence grid and the others a flat length', () => {
    expect(pipelineInputFor('han', { sentences: 4 })).toEqual({ sentenceGrid: { sentences: 4, words: undefined } });
    expect(pipelineInputFor('bilstm', { maxLen: 32 })).toEqual({ maxLen: 32 });
  });
  it('refuses options the architecture cannot use, naming the ones to use', () => {
    expect(() => pipelineInputFor('han', { maxLen: 32 })).toThrow(
      /--sentences and --sentence-len instead of --max-len/,
    );
    expect(() => pipelineInputFor('textcnn', { sentenceLen: 8 })).toThrow(/han only/);
  });
});

describe('makeStudentConfig for han', () => {
  it('takes W from the pipeline grid and needs it', () => {
    const data = { vocabSize: 50, maxLen: 24, numClasses: 2, multiLabel: false };
    expect(makeStudentConfig('han', { ...data, sentenceLen: 8 }).sentenceLen).toBe(8);
    expect(() => makeStudentConfig('han', data)).toThrow(/sentence grid/);
  });
});
