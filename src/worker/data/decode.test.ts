import { describe, it, expect } from 'vitest';
import iconv from 'iconv-lite';
import { decodeBytes, firstInvalidOffset, lineAt } from './decode';
import { InputError } from '../../shared/errors';

const ZH_SIMPLIFIED = [
  '这家店的外卖送得很快，味道也不错，下次还会再点。',
  '米饭有点硬，菜的分量太少了，不太满意。',
  '服务态度很好，骑手准时送到，包装也很干净。',
  '价格实惠，口味正宗，强烈推荐给大家。',
];
const ZH_TRADITIONAL = [
  '這家餐廳的服務非常好，菜色也很豐富，我們下次還會再來。',
  '今天天氣很好，我們一起去公園散步吧！',
  '這本書的內容很有趣，值得一讀再讀。',
  '臺灣的夜市有很多好吃的小吃，價格也很便宜。',
  '請問最近的捷運站在哪裡？謝謝你的幫忙。',
];
const JAPANESE = [
  '今日はとても良い天気ですね。公園へ散歩に行きましょう。',
  'このレストランの料理はおいしくて、値段も手頃です。',
  '日本語の勉強はとても楽しいですが、漢字は難しいです。',
  '電車が遅れたので、会議に少し遅刻してしまいました。',
];
const KOREAN = [
  '오늘 날씨가 정말 좋네요. 공원에 산책하러 갈까요?',
  '이 식당의 음식은 맛있고 가격도 저렴합니다.',
  '한국어 공부는 재미있지만 조금 어렵습니다.',
];

const csv = (lines: string[]) => 'label,text\n' + lines.map((l, i) => `${i % 2},${l}`).join('\n') + '\n';

function decodeError(bytes: Uint8Array, file = 'in.csv', encoding?: string): InputError {
  try {
    decodeBytes(bytes, file, { encoding });
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

describe('decodeBytes', () => {
  it('reads UTF-8 without and with BOM, dropping the BOM', () => {
    const text = csv(ZH_SIMPLIFIED) + '😀 emoji\n';
    expect(decodeBytes(Buffer.from(text), 'a.csv')).toMatchObject({ text, encoding: 'utf-8', bom: false });
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    expect(decodeBytes(withBom, 'a.csv')).toMatchObject({ text, encoding: 'utf-8', bom: true });
  });

  it('reads UTF-16LE and UTF-16BE with BOM', () => {
    const text = csv(ZH_SIMPLIFIED) + '𠀀😀\n';
    const le = iconv.encode(text, 'utf-16le', { addBOM: true });
    expect([le[0], le[1]]).toEqual([0xff, 0xfe]);
    expect(decodeBytes(le, 'a.csv')).toMatchObject({ text, encoding: 'utf-16le', bom: true });
    const be = iconv.encode(text, 'utf-16be', { addBOM: true });
    expect(decodeBytes(be, 'a.csv')).toMatchObject({ text, encoding: 'utf-16be', bom: true });
  });

  it('reads UTF-16LE without BOM from its NUL pattern, with a warning', () => {
    const text = 'text,label\nhello world,1\nsecond line,0\n';
    const d = decodeBytes(iconv.encode(text, 'utf-16le'), 'a.csv');
    expect(d).toMatchObject({ text, encoding: 'utf-16le', bom: false });
    expect(d.warnings.join()).toMatch(/byte-order mark/);
  });

  it('reads mostly-Chinese UTF-16LE and UTF-16BE without BOM (few NULs, on both parities) with a warning', () => {
    // 一 (U+4E00) and 😀 (D83D DE00) put zero bytes on the "wrong" parity; ASCII gives only a few.
    const text = csv([...ZH_SIMPLIFIED, '一一一，一心一意😀𠀀']);
    for (const enc of ['utf-16le', 'utf-16be'] as const) {
      const d = decodeBytes(iconv.encode(text, enc), 'a.csv');
      expect(d, enc).toMatchObject({ text, encoding: enc, bom: false });
      expect(d.warnings).toEqual([`a.csv: no byte-order mark; decoded as ${enc} from its NUL-byte pattern`]);
    }
  });

  it('keeps GB18030 with a few NUL characters GB18030 (not UTF-16), removing the NULs', () => {
    const text = csv(ZH_SIMPLIFIED).replace('味道', '味\0道\0');
    const d = decodeBytes(iconv.encode(text, 'gb18030'), 'a.csv');
    expect(d).toMatchObject({ text: text.replace(/\0/g, ''), encoding: 'gb18030', nulsRemoved: 2 });
  });

  it('reads GB18030 including 4-byte sequences', () => {
    const text = csv([...ZH_SIMPLIFIED, '扩展B区的字𠀀和𪚥也要能读，还有欧元符号€。']);
    const bytes = iconv.encode(text, 'gb18030');
    // U+20000 is the 4-byte sequence 95 32 82 36
    expect(bytes.includes(Buffer.from([0x95, 0x32, 0x82, 0x36]))).toBe(true);
    expect(decodeBytes(bytes, 'a.csv')).toMatchObject({ text, encoding: 'gb18030', bom: false });
  });

  it('reads short GB18030 text that statistical detectors cannot judge', () => {
    for (const text of ['好\n', 'hello 中文 world\n', 'id,text\n1,很快，好吃\n']) {
      expect(decodeBytes(iconv.encode(text, 'gb18030'), 'a.txt')).toMatchObject({ text, encoding: 'gb18030' });
    }
  });

  it('refuses Big5 naming the file and the encoding', () => {
    const bytes = iconv.encode(csv(ZH_TRADITIONAL), 'big5');
    const e = decodeError(bytes, 'trad.csv');
    expect(e.code).toBe('INPUT_ENCODING');
    expect(e.details).toMatchObject({ file: 'trad.csv', encoding: 'big5', line: 2 });
    expect(e.message).toMatch(/trad\.csv/);
    expect(e.message).toMatch(/Big5/);
    expect(e.message).toMatch(/--encoding big5/);
  });

  it('refuses a single short Big5 line too', () => {
    const e = decodeError(iconv.encode('今天天氣很好，我們一起去公園散步吧！\n', 'big5'));
    expect(e.details.encoding).toBe('big5');
  });

  it('refuses Shift-JIS naming the encoding', () => {
    const e = decodeError(iconv.encode(csv(JAPANESE), 'shift_jis'), 'ja.csv');
    expect(e.code).toBe('INPUT_ENCODING');
    expect(e.details).toMatchObject({ file: 'ja.csv', encoding: 'shift_jis' });
    expect(e.message).toMatch(/Shift-JIS/);
    expect(e.message).toMatch(/--encoding shift_jis/);
  });

  it('refuses EUC-KR, which is byte-compatible with GB2312 hanzi', () => {
    const e = decodeError(iconv.encode(csv(KOREAN), 'euc-kr'));
    expect(e.details.encoding).toBe('euc-kr');
  });

  it('decodes Big5 and Shift-JIS when the encoding is given', () => {
    const big5 = csv(ZH_TRADITIONAL);
    expect(decodeBytes(iconv.encode(big5, 'big5'), 'a.csv', { encoding: 'big5' })).toMatchObject({
      text: big5,
      encoding: 'big5',
    });
    const ja = csv(JAPANESE);
    expect(decodeBytes(iconv.encode(ja, 'shift_jis'), 'a.csv', { encoding: 'Shift_JIS' })).toMatchObject({
      text: ja,
      encoding: 'shift_jis',
    });
  });

  it('rejects an unknown encoding name', () => {
    try {
      decodeBytes(Buffer.from('x'), 'a.csv', { encoding: 'klingon-8' });
      expect.unreachable();
    } catch (e) {
      expect((e as InputError).code).toBe('CONFIG');
    }
  });

  it('reports undecodable bytes with offset and line', () => {
    const head = Buffer.from('text,label\n好吃,1\n');
    const bytes = Buffer.concat([
      head,
      Buffer.from('bad '),
      Buffer.from([0xff, 0xfe, 0xfd]),
      Buffer.from(' bytes,0\nok,1\n'),
    ]);
    const e = decodeError(bytes, 'bad.csv');
    expect(e.code).toBe('INPUT_ENCODING');
    expect(e.details).toMatchObject({ file: 'bad.csv', line: 3, offset: head.length + 4 });
    expect(e.message).toMatch(/^bad\.csv:3:/);
  });

  it('reports bad bytes under an explicit encoding with offset and line', () => {
    const bytes = Buffer.concat([Buffer.from('a\nb\nc'), Buffer.from([0xc3]), Buffer.from('x\n')]);
    const e = decodeError(bytes, 'x.txt', 'utf-8');
    expect(e.details).toMatchObject({ line: 3, offset: 6 });
  });

  it('strips NUL bytes and says where', () => {
    const bytes = Buffer.from('text,label\nhel\0lo,1\nwor\0\0ld,0\n');
    const d = decodeBytes(bytes, 'nul.csv');
    expect(d.text).toBe('text,label\nhello,1\nworld,0\n');
    expect(d.nulsRemoved).toBe(3);
    expect(d.warnings.join()).toMatch(/3 NUL.*line 2/);
  });

  it('refuses spreadsheets and archives with a hint', () => {
    const e = decodeError(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]), 'book.csv');
    expect(e.code).toBe('INPUT_ENCODING');
    expect(e.message).toMatch(/book\.csv: .*spreadsheet.*export it as CSV/);
  });

  it('handles empty input', () => {
    expect(decodeBytes(new Uint8Array(0), 'e.csv')).toMatchObject({ text: '', encoding: 'utf-8' });
  });
});

describe('error location helpers', () => {
  it('finds the first invalid byte and its line', () => {
    const buf = Buffer.concat([Buffer.from('ab\r\ncd\rе'), Buffer.from([0x80]), Buffer.from('z')]);
    const at = firstInvalidOffset(buf, 'utf-8')!;
    expect(at).toBe(buf.length - 2);
    expect(lineAt(buf, at, 'utf-8')).toBe(3);
    expect(firstInvalidOffset(Buffer.from('fine'), 'utf-8')).toBeUndefined();
  });
});
