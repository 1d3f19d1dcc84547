import { describe, expect, it } from 'vitest';
import { defaultTextPipelineConfig, TextPipeline } from './pipeline';

const corpus = [
  '很快，好吃，味道足，量大',
  '没有送水没有送水没有送水',
  '非常快，态度好。',
  '方便，快捷，味道可口，快递给力',
  '菜味道很棒！送餐很及时！',
  '今天师傅是不是手抖了，微辣格外辣！',
  '送餐快,态度也特别好,辛苦啦谢谢',
  '超级快就送到了，这么冷的天气骑士们辛苦了。谢谢你们。麻辣香锅依然很好吃。',
  '经过上次晚了2小时，这次超级快，20分钟就送到了……',
  '最后五分钟订的，卖家特别好接单了，谢谢。',
  '量大，好吃，每次点的都够吃两次 http://example.com @小明',
  '這個外賣很好吃，ＯＫ！',
];
const unseen = ['从来没吃过这么难吃的', '', '   ', '价格3.5元 ' + '很好吃'.repeat(50), 'ＨＥＬＬＯ 世界'];

function roundTrip(p: TextPipeline): TextPipeline {
  return TextPipeline.fromJSON(JSON.parse(JSON.stringify(p.toJSON())));
}

describe('TextPipeline.fit', () => {
  it('uses the defaults (char, head+tail, 95th percentile)', () => {
    const p = TextPipeline.fit(corpus);
    expect(p.config.mode).toBe('char');
    expect(p.config.truncation).toBe('head+tail');
    const lengths = corpus.map((t) => p.tokens(t).length).sort((a, b) => a - b);
    expect(p.maxLen).toBe(lengths[Math.ceil(0.95 * lengths.length) - 1]);
    expect(p.vocab.id('好')).toBeGreaterThan(1);
    expect(p.vocab.id('<num>')).toBeGreaterThan(1);
  });
  it('honours a fixed maxLen and the minLen floor', () => {
    expect(TextPipeline.fit(corpus, { maxLen: 5 }).maxLen).toBe(5);
    expect(TextPipeline.fit(['短', '好'], {}).maxLen).toBe(8);
    expect(TextPipeline.fit(['短', '好'], { minLen: 1 }).maxLen).toBe(1);
    expect(TextPipeline.fit([], {}).maxLen).toBe(8);
  });
  it('applies minCount and maxVocab', () => {
    const p = TextPipeline.fit(corpus, { minCount: 3 });
    expect(p.vocab.size).toBeLessThan(TextPipeline.fit(corpus).vocab.size);
    expect(TextPipeline.fit(corpus, { maxVocab: 10 }).vocab.size).toBe(10);
  });
  it('rejects bad config with CONFIG errors', () => {
    const bad = [
      { mode: 'bpe' as never },
      { truncation: 'middle' as never },
      { minCount: 0 },
      { maxLen: 0 },
      { lengthPercentile: 0 },
      { headShare: 2 },
    ];
    for (const cfg of bad) {
      expect(() => TextPipeline.fit(corpus, cfg)).toThrow(expect.objectContaining({ code: 'CONFIG' }));
    }
  });
});

describe('TextPipeline.encode', () => {
  const p = TextPipeline.fit(corpus, { maxLen: 16 });
  it('gives Int32Array(maxLen) post-padded', () => {
    const ids = p.encode('很快');
    expect(ids).toBeInstanceOf(Int32Array);
    expect([...ids.slice(2)]).toEqual(new Array(14).fill(0));
    expect(ids[0]).toBe(p.vocab.id('很'));
    expect([...p.encode('')]).toEqual(new Array(16).fill(0));
  });
  it('encodeBatch is encode row by row', () => {
    const texts = [...corpus, ...unseen];
    const batch = p.encodeBatch(texts);
    expect(batch.length).toBe(texts.length * 16);
    texts.forEach((t, i) => expect([...batch.subarray(i * 16, (i + 1) * 16)]).toEqual([...p.encode(t)]));
  });
});

describe('TextPipeline JSON round trip', () => {
  const configs = [
    {},
    { mode: 'word' as const },
    {
      mode: 'both' as const,
      truncation: 'tail' as const,
      lengthPercentile: 50,
      normalize: { traditionalToSimplified: true, lowercase: false },
      stopWords: ['的', '了', 'ＯＫ'],
      userWords: ['麻辣香锅'],
      minCount: 2,
    },
  ];
  for (const cfg of configs) {
    it(`same ids and same JSON after a round trip (${JSON.stringify(cfg)})`, () => {
      const p = TextPipeline.fit(corpus, cfg);
      const q = roundTrip(p);
      expect(q.toJSON()).toEqual(p.toJSON());
      expect(JSON.stringify(q)).toBe(JSON.stringify(p));
      expect(q.maxLen).toBe(p.maxLen);
      const texts = [...corpus, ...unseen];
      expect([...q.encodeBatch(texts)]).toEqual([...p.encodeBatch(texts)]);
    });
  }
  it('stores the resolved config with no undefined fields', () => {
    const json = TextPipeline.fit(corpus).toJSON();
    expect(json.config).toEqual({ ...defaultTextPipelineConfig });
    expect(json.format).toBe('distillery.text-pipeline');
  });
  it('applies stop words and traditional→simplified at encode time', () => {
    const p = TextPipeline.fit(corpus, {
      normalize: { traditionalToSimplified: true },
      stopWords: ['的'],
    });
    expect(p.tokens('這個的外賣')).toEqual(['这', '个', '外', '卖']);
  });
  it('rejects foreign or broken JSON as MODEL_FOLDER errors', () => {
    const good = TextPipeline.fit(corpus).toJSON();
    for (const bad of [null, {}, { ...good, version: 2 }, { ...good, maxLen: 0 }, { ...good, config: { mode: 'x' } }]) {
      expect(() => TextPipeline.fromJSON(bad)).toThrow(expect.objectContaining({ code: 'MODEL_FOLDER' }));
    }
  });
});

describe('TextPipeline with a sentence grid (HAN)', () => {
  const docs = ['菜很好吃。送得很快！', '太咸了。不会再点了。服务一般。', '还行', '包装很好。\n下次再来？'];
  it('chooses sentences × words from the data and writes sentence s into slot s', () => {
    const p = TextPipeline.fit(docs, { sentenceGrid: {}, lengthPercentile: 100 });
    expect(p.grid).toEqual({ sentences: 3, words: 6 }); // 3 sentences at most; 不会再点了。 has 6 tokens
    expect(p.maxLen).toBe(18);
    const ids = p.encode('菜很好吃。太咸了');
    const id = (t: string) => p.vocab.id(t);
    expect([...ids.subarray(0, 6)]).toEqual([...['菜', '很', '好', '吃', '。'].map(id), 0]);
    expect([...ids.subarray(6, 12)]).toEqual([id('太'), id('咸'), id('了'), 0, 0, 0]);
    expect([...ids.subarray(12)]).toEqual(new Array(6).fill(0));
    expect([...p.encode('')]).toEqual(new Array(18).fill(0));
  });
  it('cuts extra sentences and long sentences with the truncation mode', () => {
    const p = TextPipeline.fit(docs, { sentenceGrid: { sentences: 2, words: 3 }, truncation: 'head' });
    const id = (t: string) => p.vocab.id(t);
    expect([...p.encode('菜很好吃。太咸了。还行')]).toEqual([
      id('菜'),
      id('很'),
      id('好'),
      id('太'),
      id('咸'),
      id('了'),
    ]);
  });
  it('drops sentences that are left with no token (stop words)', () => {
    const p = TextPipeline.fit(docs, { sentenceGrid: { sentences: 2, words: 3 }, stopWords: ['好', '。'] });
    expect(p.sentenceTokens('好。好。还行')).toEqual([['还', '行']]);
  });
  it('round-trips through JSON with the same ids and writes spec_version 2', () => {
    const p = TextPipeline.fit(docs, { sentenceGrid: { words: 6 } });
    const json = p.toJSON();
    expect(json.spec_version).toBe(2);
    expect(json.grid).toEqual({ sentences: p.grid!.sentences, words: 6 });
    const q = TextPipeline.fromJSON(JSON.parse(JSON.stringify(json)));
    expect([...q.encodeBatch([...docs, ...unseen])]).toEqual([...p.encodeBatch([...docs, ...unseen])]);
    expect(TextPipeline.fit(docs).toJSON().spec_version).toBe(1);
    expect(TextPipeline.fit(docs).toJSON().grid).toBeUndefined();
  });
  it('rejects a grid that does not match maxLen, and maxLen beside a grid', () => {
    const json = TextPipeline.fit(docs, { sentenceGrid: {} }).toJSON();
    for (const grid of [undefined, { sentences: 1, words: json.maxLen + 1 }, { sentences: 0, words: 1 }]) {
      expect(() => TextPipeline.fromJSON({ ...json, grid })).toThrow(
        expect.objectContaining({ code: 'MODEL_FOLDER', details: expect.objectContaining({ field: 'grid' }) }),
      );
    }
    expect(() => TextPipeline.fit(docs, { sentenceGrid: {}, maxLen: 8 })).toThrow(
      expect.objectContaining({ code: 'CONFIG' }),
    );
  });
});
