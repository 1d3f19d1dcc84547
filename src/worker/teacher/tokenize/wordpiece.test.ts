import { describe, expect, it } from 'vitest';
import { parseVocabText, WordPieceTokenizer } from './wordpiece';

// Expected outputs are worked by hand from HF's BasicTokenizer + WordpieceTokenizer rules.
const VOCAB = [
  '[PAD]',
  '[UNK]',
  '[CLS]',
  '[SEP]',
  '[MASK]',
  '我',
  '爱',
  '北',
  '京',
  '天',
  '安',
  '门',
  '，',
  '。',
  '!',
  "'",
  '好',
  'un',
  '##aff',
  '##able',
  'hello',
  'world',
  '##s',
  'cafe',
  'naive',
  'play',
  '##ing',
  'don',
  't',
  'i',
  'phone',
  '##12',
  '12',
  'x',
  '$',
  '^',
  'é',
];

const tok = (opts = {}) => new WordPieceTokenizer(VOCAB, opts);

describe('WordPieceTokenizer', () => {
  it('splits Chinese into single characters, punctuation included', () => {
    expect(tok().tokenize('我爱北京天安门。')).toEqual(['我', '爱', '北', '京', '天', '安', '门', '。']);
    expect(tok().tokenize('我，爱')).toEqual(['我', '，', '爱']);
  });

  it('lower-cases and takes the longest word pieces first', () => {
    expect(tok().tokenize('UNaffable')).toEqual(['un', '##aff', '##able']);
    expect(tok().tokenize('Plays playing')).toEqual(['play', '##s', 'play', '##ing']);
  });

  it('handles mixed Chinese and English without spaces', () => {
    expect(tok().tokenize('我爱hello world!')).toEqual(['我', '爱', 'hello', 'world', '!']);
    expect(tok().tokenize('好Hello12')).toEqual(['好', 'hello', '##12']);
    // "i" matches, but "##phone12" … "##p" do not: the whole word is unknown.
    expect(tok().tokenize('好iPhone12')).toEqual(['好', '[UNK]']);
  });

  it('strips accents when lower-casing, keeps them otherwise', () => {
    expect(tok().tokenize('Café NAÏVE')).toEqual(['cafe', 'naive']);
    expect(tok({ doLowerCase: false }).tokenize('café')).toEqual(['[UNK]']);
    // do_lower_case with strip_accents=false keeps the accent: "é" is in the vocabulary on its own.
    expect(tok({ stripAccents: false }).tokenize('É')).toEqual(['é']);
    expect(tok({ doLowerCase: false, stripAccents: true }).tokenize('é')).toEqual(['[UNK]']);
  });

  it('maps a word with any unknown rest to a single [UNK]', () => {
    expect(tok().tokenize('xyz')).toEqual(['[UNK]']);
    expect(tok().tokenize('playingz hello')).toEqual(['[UNK]', 'hello']);
    expect(tok().tokenize('a'.repeat(101))).toEqual(['[UNK]']);
  });

  it('splits ASCII symbols and quotes as punctuation', () => {
    expect(tok().tokenize("don't")).toEqual(['don', "'", 't']);
    expect(tok().tokenize('x$^12')).toEqual(['x', '$', '^', '12']);
  });

  it('cleans control characters and odd whitespace', () => {
    expect(tok().tokenize('hello\u0000\u200b\tworld\u3000我\ufffd')).toEqual(['hello', 'world', '我']);
  });

  it('keeps special tokens written in the text whole', () => {
    expect(tok().tokenize('[MASK]我[SEP]')).toEqual(['[MASK]', '我', '[SEP]']);
    // Matching is case-sensitive: "[mask]" is the punctuation "[", the word "mask" and "]".
    expect(tok().tokenize('[mask]')).toEqual(['[UNK]', '[UNK]', '[UNK]']);
  });

  it('treats a CJK Extension B character as one character, and kana as letters', () => {
    expect(tok().tokenize('我𠀀爱')).toEqual(['我', '[UNK]', '爱']);
    expect(tok({ doLowerCase: false }).basicTokenize('ひらがな我')).toEqual(['ひらがな', '我']);
    // HF's quirk, kept: accent stripping (NFD, drop Mn) also drops kana voicing marks.
    expect(tok().basicTokenize('ひらがな')).toEqual(['ひらかな']);
  });

  it('encodes with [CLS]/[SEP], padding and truncation', () => {
    const t = tok();
    const e = t.encode('我好', 6);
    expect(Array.from(e.inputIds)).toEqual([2, 5, 16, 3, 0, 0]);
    expect(Array.from(e.attentionMask)).toEqual([1, 1, 1, 1, 0, 0]);
    expect(Array.from(e.tokenTypeIds)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(e.length).toBe(4);
    expect(e.truncated).toBe(false);
    const cut = t.encode('我爱北京天安门', 5);
    expect(Array.from(cut.inputIds)).toEqual([2, 5, 6, 7, 3]);
    expect(cut.truncated).toBe(true);
    const b = t.encodeBatch(['我', '你好'], 4);
    expect(b.n).toBe(2);
    expect(Array.from(b.inputIds)).toEqual([2, 5, 3, 0, 2, 1, 16, 3]);
    expect(Array.from(b.attentionMask)).toEqual([1, 1, 1, 0, 1, 1, 1, 1]);
    expect(t.decode(t.encode('UNaffable 我', 8).inputIds)).toBe('unaffable 我');
  });

  it('reads vocab.txt lines (CRLF, BOM, final newline) and tokenizer.json', () => {
    expect(parseVocabText('\ufeff[PAD]\r\n[UNK]\r\n\n[CLS]\n')).toEqual(['[PAD]', '[UNK]', '', '[CLS]']);
    const json = {
      normalizer: { type: 'BertNormalizer', lowercase: false, strip_accents: null, handle_chinese_chars: true },
      model: {
        type: 'WordPiece',
        unk_token: '[UNK]',
        continuing_subword_prefix: '##',
        max_input_chars_per_word: 100,
        vocab: Object.fromEntries(VOCAB.map((t, i) => [t, i])),
      },
    };
    const fromJson = WordPieceTokenizer.fromTokenizerJson(json);
    expect(fromJson.doLowerCase).toBe(false);
    expect(fromJson.tokenize('Hello hello')).toEqual(['[UNK]', 'hello']);
    expect(WordPieceTokenizer.fromTokenizerJson(json, { doLowerCase: true }).tokenize('Hello')).toEqual(['hello']);
    expect(() => WordPieceTokenizer.fromTokenizerJson({ model: { type: 'BPE', vocab: {} } })).toThrow(/WordPiece/);
  });

  it('requires the special tokens in the vocabulary', () => {
    expect(() => new WordPieceTokenizer(['[PAD]', '[CLS]', '[SEP]'])).toThrow(/unknown token "\[UNK\]"/);
  });
});

describe('WordPieceTokenizer text options (issue #13: as the students)', () => {
  const id = (t: string) => VOCAB.indexOf(t);
  // 7 pieces of head, then 30 of filler, then the tail piece 好: far more than maxLen − 2 = 8.
  const long = '我爱北京天安门' + '，'.repeat(30) + '好';

  it('head (Hugging Face, the old default) drops the tail of a long text', () => {
    const e = tok().encode(long, 10);
    expect([...e.inputIds]).not.toContain(id('好'));
    expect(e.truncated).toBe(true);
  });

  it('head+tail: the tail of a long text reaches the input ids, the head kept as the students keep it (a quarter)', () => {
    const e = tok().withTextOptions({ t2s: false, truncate: 'head+tail' }).encode(long, 10);
    // [CLS], ⌈8 · 0.25⌉ = 2 head pieces, 6 tail pieces ending in 好, [SEP]
    expect([...e.inputIds]).toEqual([
      id('[CLS]'),
      id('我'),
      id('爱'),
      ...Array(5).fill(id('，')),
      id('好'),
      id('[SEP]'),
    ]);
    expect(e.length).toBe(10);
    expect(e.truncated).toBe(true);
    // A text that fits is not cut either way.
    expect([...tok().withTextOptions({ t2s: false, truncate: 'head+tail' }).encode('我爱北京', 10).inputIds]).toEqual([
      ...tok().encode('我爱北京', 10).inputIds,
    ]);
  });

  it('t2s: a traditional text gets the ids of its simplified form', () => {
    const t = tok().withTextOptions({ t2s: true, truncate: 'head+tail' });
    expect([...t.encode('我愛北京天安門', 12).inputIds]).toEqual([...t.encode('我爱北京天安门', 12).inputIds]);
    expect([...tok().encode('我愛北京天安門', 12).inputIds]).toContain(id('[UNK]'));
  });
});
