import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeText } from './normalize';
import { charTokens, loadUserDict, tokenize, TOKEN_MODES, useUserWords, wordTokens } from './tokenize';

describe('char mode', () => {
  it('splits CJK per character, keeps Latin/digit runs, punctuation as tokens', () => {
    expect(tokenize('hello世界 world2024，好!', 'char')).toEqual(['hello', '世', '界', 'world2024', '，', '好', '!']);
  });
  it('keeps emoji (surrogate pairs) and accented words whole, drops whitespace', () => {
    expect(charTokens(' 好😀  café ')).toEqual(['好', '😀', 'café']);
  });
  it('gives nothing for empty text', () => {
    expect(tokenize('', 'char')).toEqual([]);
    expect(tokenize('   ', 'word')).toEqual([]);
  });
});

describe('word mode (jieba)', () => {
  it('segments a known sentence', () => {
    expect(tokenize('我来到北京清华大学', 'word')).toEqual(['我', '来到', '北京', '清华大学']);
  });
  it('drops whitespace tokens', () => {
    expect(wordTokens('南京市长江大桥 hello world')).toEqual(['南京市', '长江大桥', 'hello', 'world']);
  });
});

describe('placeholders survive every mode', () => {
  const text = normalizeText('价格100元 http://a.cn/x 找@小明 或 a@b.com, 好评<num>');
  for (const mode of TOKEN_MODES) {
    it(mode, () => {
      const toks = tokenize(text, mode);
      for (const p of ['<num>', '<url>', '<at>', '<email>']) expect(toks).toContain(p);
      expect(toks).not.toContain('<');
      expect(toks).not.toContain('num');
      expect(toks).not.toContain('>');
    });
  }
});

describe('both mode and stop words', () => {
  it('is word tokens followed by char tokens', () => {
    const t = '外卖很好吃';
    expect(tokenize(t, 'both')).toEqual([...tokenize(t, 'word'), ...tokenize(t, 'char')]);
  });
  it('filters stop words', () => {
    expect(tokenize('我的外卖', 'char', { stopWords: new Set(['的']) })).toEqual(['我', '外', '卖']);
  });
});

describe('user dictionary', () => {
  it('keeps inserted words together', () => {
    const s = '今天真是蓝瘦香菇啊';
    expect(wordTokens(s)).not.toContain('蓝瘦香菇');
    const dir = mkdtempSync(join(tmpdir(), 'distillery-dict-'));
    const file = join(dir, 'user.dict.utf8');
    writeFileSync(file, '\uFEFF# comment\n蓝瘦香菇 3 n\n\n');
    expect(loadUserDict(file)).toEqual(['蓝瘦香菇']);
    expect(wordTokens(s)).toContain('蓝瘦香菇');
  });
  it('useUserWords gives each model its own words: a model without the word splits it again (jieba is process-global)', () => {
    const s = '今天真是蓝瘦香菇啊';
    const withWord = ['蓝瘦香菇'];
    useUserWords(withWord);
    expect(wordTokens(s)).toContain('蓝瘦香菇');
    useUserWords([]);
    expect(wordTokens(s)).not.toContain('蓝瘦香菇');
    useUserWords(withWord);
    expect(wordTokens(s)).toContain('蓝瘦香菇');
  });
  it('reports an unreadable file as a CONFIG error', () => {
    expect(() => loadUserDict('/nonexistent/dict.txt')).toThrow(expect.objectContaining({ code: 'CONFIG' }));
  });
});
