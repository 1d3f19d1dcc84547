import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../shared/errors';
import { onCorpusWarning } from './corpus-warnings';
import { textLines } from './decode-stream';

let dir: string;
let warnings: string[] = [];
let stop: () => void;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'distillery-decode-stream-'));
  stop = onCorpusWarning((w) => warnings.push(w));
});
afterEach(() => {
  warnings = [];
});
afterAll(() => {
  stop();
  rmSync(dir, { recursive: true, force: true });
});

const REVIEWS = [
  '这家店的外卖送得很快，味道也不错',
  '米饭有点硬，菜的分量太少了',
  'ok 123',
  '',
  '价格实惠😀，口味正宗𠀀',
];
/** `n` lines cycling through REVIEWS (blank ones included), each numbered so they differ. */
const corpus = (n: number) =>
  Array.from({ length: n }, (_, i) => (REVIEWS[i % REVIEWS.length] ? `${REVIEWS[i % REVIEWS.length]} ${i}` : '')).join(
    '\n',
  ) + '\n';

async function collect(lines: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const l of lines) out.push(l);
  return out;
}

/** A file read as `predict --data x.txt` reads it (small chunks, to cross characters and CRLFs). */
const fromFile = (name: string, bytes: Buffer) => {
  const f = join(dir, name);
  writeFileSync(f, bytes);
  return textLines(createReadStream(f, { highWaterMark: 1000 }), f);
};
/** Bytes as `predict --data -` reads stdin. */
const fromStdin = (bytes: Buffer) => textLines(Readable.from([bytes.subarray(0, 7), bytes.subarray(7)]), '<stdin>');

describe('textLines (plain-text input for predict: .txt files and stdin)', () => {
  const small = corpus(10);
  const big = corpus(4000); // > 64 KB in every encoding: the streaming path
  const expected = (t: string) => t.split('\n').slice(0, -1);

  for (const [name, text] of [
    ['short (decoded whole)', small],
    ['long (streamed after the first 64 KB)', big],
  ] as const) {
    it(`${name}: UTF-8, UTF-16 with BOM, UTF-16LE/BE without BOM and GB18030 give the same lines`, async () => {
      const encodings: [string, Buffer][] = [
        ['utf8', Buffer.from(text)],
        ['utf16le-bom', iconv.encode(text, 'utf-16le', { addBOM: true })],
        ['utf16be-bom', iconv.encode(text, 'utf-16be', { addBOM: true })],
        ['utf16le', iconv.encode(text, 'utf-16le')],
        ['utf16be', iconv.encode(text, 'utf-16be')],
        ['gb18030', iconv.encode(text, 'gb18030')],
      ];
      if (text === big) expect(Math.min(...encodings.map(([, b]) => b.length))).toBeGreaterThan(64 * 1024);
      for (const [enc, bytes] of encodings) {
        expect(await collect(fromFile(`${enc}.txt`, bytes)), enc).toEqual(expected(text));
        expect(await collect(fromStdin(bytes)), `${enc} on stdin`).toEqual(expected(text));
      }
      expect(warnings.filter((w) => /no byte-order mark; decoded as utf-16le/.test(w))).toHaveLength(2);
      expect(warnings.filter((w) => /no byte-order mark; decoded as utf-16be/.test(w))).toHaveLength(2);
    });

    it(`${name}: removes NULs and reports how many and the first line, as the importer does`, async () => {
      const lines = expected(text);
      lines[2] = 'a\0b\0';
      lines[lines.length - 1] += '\0';
      const bytes = Buffer.from(lines.join('\r\n') + '\r\n');
      const got = await collect(fromFile('nul.txt', bytes));
      expect(got).toEqual(lines.map((l) => l.replace(/\0/g, '')));
      expect(warnings).toEqual([`${join(dir, 'nul.txt')}: removed 3 NUL character(s), first on line 3`]);
    });
  }

  it('an empty input gives no lines and no error (an empty split for a streaming mapper)', async () => {
    expect(await collect(fromFile('empty.txt', Buffer.alloc(0)))).toEqual([]);
    expect(await collect(fromStdin(Buffer.alloc(0)))).toEqual([]);
  });

  it('bytes that break the chosen encoding after the first 64 KB are INPUT_ENCODING naming the line', async () => {
    const head = corpus(4000);
    const bytes = Buffer.concat([Buffer.from(head), Buffer.from([0xb2, 0xcb, 0x0a])]);
    const lines = head.split('\n').length; // the bad line comes after them
    const err = await collect(fromFile('late-bad.txt', bytes)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).code).toBe('INPUT_ENCODING');
    expect((err as InputError).message).toMatch(
      new RegExp(`late-bad\\.txt:${lines}: bytes at offset ${Buffer.byteLength(head)} are not valid utf-8`),
    );
  });

  it('Big5 is refused as the importer refuses it, naming the file', async () => {
    const big5 =
      '這家餐廳的服務非常好，菜色也很豐富。\n今天天氣很好，我們一起去公園散步吧！\n請問最近的捷運站在哪裡？謝謝你的幫忙。\n';
    const err = await collect(fromFile('big5.txt', iconv.encode(big5, 'big5'))).catch((e: unknown) => e as InputError);
    expect(err).toMatchObject({ code: 'INPUT_ENCODING', details: { encoding: 'big5' } });
  });
});
