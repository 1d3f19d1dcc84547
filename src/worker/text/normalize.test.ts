import { describe, expect, it } from 'vitest';
import { normalizeText, replacePlaceholders, toHalfWidth } from './normalize';

const raw = { fullToHalfWidth: false, lowercase: false, placeholders: false } as const;

describe('full-width → half-width', () => {
  it('maps full-width ASCII and the ideographic space', () => {
    expect(toHalfWidth('ＡＢＣ１２３，！？（ｘ）　＠～')).toBe('ABC123,!?(x) @~');
  });
  it('leaves CJK text and CJK punctuation outside the block alone', () => {
    expect(toHalfWidth('好吃。、「」')).toBe('好吃。、「」');
  });
  it('is on by default and can be turned off', () => {
    expect(normalizeText('ＯＫ', { lowercase: false })).toBe('OK');
    expect(normalizeText('ＯＫ', raw)).toBe('ＯＫ');
  });
});

describe('traditional → simplified', () => {
  it('converts when asked', () => {
    expect(normalizeText('這個外賣很好吃', { traditionalToSimplified: true })).toBe('这个外卖很好吃');
    expect(normalizeText('送餐員態度還行，湯灑了', { traditionalToSimplified: true })).toBe('送餐员态度还行,汤洒了');
  });
  it('is off by default', () => {
    expect(normalizeText('這個外賣很好吃')).toBe('這個外賣很好吃');
  });
});

describe('placeholders', () => {
  it('replaces URLs, keeping sentence punctuation after them', () => {
    expect(replacePlaceholders('看 https://Example.com/a?b=1&c=2. 好')).toBe('看 <url>. 好');
    expect(replacePlaceholders('链接www.meituan.com/x很好')).toBe('链接<url>很好');
    expect(replacePlaceholders('去taobao.com买')).toBe('去<url>买');
  });
  it('replaces emails and mentions', () => {
    expect(replacePlaceholders('发到foo.bar+1@qq.com吧')).toBe('发到<email>吧');
    expect(replacePlaceholders('@张三_2 你好 @bob:')).toBe('<at> 你好 <at>:');
  });
  it('replaces integers, decimals, thousands and percents', () => {
    expect(replacePlaceholders('12.5元,打8折,50%,共1,000份')).toBe('<num>元,打<num>折,<num>,共<num>份');
  });
  it('leaves digits glued to a Latin name alone', () => {
    expect(replacePlaceholders('mp3 iphone13')).toBe('mp3 iphone13');
  });
  it('sees full-width forms after width normalization', () => {
    expect(normalizeText('送了４５分钟，ｈｔｔｐ：／／ａ．ｃｎ')).toBe('送了<num>分钟,<url>');
  });
  it('can be turned off', () => {
    expect(normalizeText('3 个 http://a.cn', { placeholders: false })).toBe('3 个 http://a.cn');
  });
});

describe('case and whitespace', () => {
  it('lowercases by default, not placeholders', () => {
    expect(normalizeText('Very GOOD 2 Times')).toBe('very good <num> times');
    expect(normalizeText('Very', { lowercase: false })).toBe('Very');
  });
  it('collapses whitespace and drops zero-width characters', () => {
    expect(normalizeText('  好\u200b吃 \n\t 真的\u3000\u3000香  ')).toBe('好吃 真的 香');
  });
});
