import { describe, expect, it } from 'vitest';
import { splitSentences } from './sentences';

describe('splitSentences', () => {
  it('cuts after Chinese end punctuation and keeps it with the sentence', () => {
    expect(splitSentences('菜很好吃。送得很慢！还会再点吗？会；下次见')).toEqual([
      '菜很好吃。',
      '送得很慢！',
      '还会再点吗？',
      '会；',
      '下次见',
    ]);
  });
  it('cuts after Western end punctuation', () => {
    expect(splitSentences('Great food! Slow delivery? Fine; ok. Done')).toEqual([
      'Great food!',
      'Slow delivery?',
      'Fine;',
      'ok.',
      'Done',
    ]);
  });
  it('keeps a run of terminators together', () => {
    expect(splitSentences('太好吃了！！！再来？！wait...what')).toEqual([
      '太好吃了！！！',
      '再来？！',
      'wait...',
      'what',
    ]);
  });
  it('cuts at line breaks (LF, CRLF, CR) and drops them', () => {
    expect(splitSentences('第一行\n第二行\r\n第三行\r第四行')).toEqual(['第一行', '第二行', '第三行', '第四行']);
  });
  it('does not cut decimals, domains or e-mail addresses', () => {
    expect(splitSentences('才3.5元，见www.ele.me或a.b@x.com。好')).toEqual([
      '才3.5元，见www.ele.me或a.b@x.com。',
      '好',
    ]);
  });
  it('a full stop before a CJK character or a space still cuts', () => {
    expect(splitSentences('good.好吃. ok')).toEqual(['good.', '好吃.', 'ok']);
  });
  it('drops blank sentences and trims', () => {
    expect(splitSentences('')).toEqual([]);
    expect(splitSentences('  \n\n 。 ')).toEqual(['。']);
    expect(splitSentences('  一 。  二  ')).toEqual(['一 。', '二']);
  });
  it('a text without terminators is one sentence', () => {
    expect(splitSentences('菜很好吃，送得也快')).toEqual(['菜很好吃，送得也快']);
  });
});
