import { describe, expect, it } from 'vitest';
import { buildWordPieceVocab } from './build-vocab';
import { SPECIAL_TOKENS } from '../model/random-bert';
import { WordPieceTokenizer } from './wordpiece';

describe('buildWordPieceVocab', () => {
  const texts = [
    '味道很好，送餐很快',
    '味道不好',
    '送餐太慢了',
    'The food was GOOD',
    'good food, slow delivery',
    'food food',
  ];

  it('starts with the special tokens and holds frequent CJK characters and words', () => {
    const v = buildWordPieceVocab(texts, { minFreq: 2 });
    expect(v.slice(0, SPECIAL_TOKENS.length)).toEqual(SPECIAL_TOKENS);
    for (const t of ['味', '道', '送', '餐', '很', 'food', 'good']) expect(v).toContain(t);
    expect(v).not.toContain('快'); // seen once
    expect(new Set(v).size).toBe(v.length);
  });

  it('lets every word of known characters tokenize without [UNK]', () => {
    const v = buildWordPieceVocab(texts, { minFreq: 1 });
    const tok = new WordPieceTokenizer(v);
    for (const t of texts) expect(tok.tokenize(t)).not.toContain('[UNK]');
    // A new word built from seen characters splits into pieces instead of [UNK].
    expect(tok.tokenize('goody')).not.toContain('[UNK]');
  });

  it('keeps the most frequent tokens under maxSize', () => {
    const v = buildWordPieceVocab(['aaa 很很很很 好', '很 好 好'], { minFreq: 1, maxSize: SPECIAL_TOKENS.length + 2 });
    expect(v.slice(SPECIAL_TOKENS.length)).toEqual(['很', '好']);
  });

  it('refuses a corpus with nothing frequent enough, and a size below the specials', () => {
    expect(() => buildWordPieceVocab(['甲乙', '丙丁'], { minFreq: 5 })).toThrow(/no token occurs 5 or more times/);
    expect(() => buildWordPieceVocab(texts, { maxSize: 3 })).toThrow(/must exceed/);
  });
});
