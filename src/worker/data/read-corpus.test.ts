import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import Papa from 'papaparse';
import fc from 'fast-check';
import { parseCorpusText, readCorpus, type ReadCorpusOptions } from './read-corpus';
import { InputError } from '../../shared/errors';
import { MAX_LABEL_CHARS, MAX_LABELS } from '../../shared/label-limits';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'distillery-data-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function fixture(name: string, content: string | Uint8Array): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

async function importError(file: string, opts: ReadCorpusOptions = {}): Promise<InputError> {
  try {
    await readCorpus(file, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

describe('readCorpus', () => {
  it('reads a UTF-8 CSV with a BOM before a quoted header', async () => {
    const file = fixture('bom.csv', '\ufeff"label","review"\r\n"1","很快，好吃"\r\n0,"送餐慢, 凉了"\r\n');
    const c = await readCorpus(file);
    expect(c).toMatchObject({ file, format: 'csv', encoding: 'utf-8', textColumn: 'review', labelColumn: 'label' });
    expect(c.labels).toEqual(['0', '1']);
    expect(c.docs).toEqual([
      { id: '1', text: '很快，好吃', labels: ['1'], line: 2 },
      { id: '2', text: '送餐慢, 凉了', labels: ['0'], line: 3 },
    ]);
    expect(c.multiLabel).toBe(false);
  });

  it('de-duplicates by normalised text, keeping the first, and warns about conflicting labels', async () => {
    const file = fixture('dup.csv', 'text,label\nsame  text,1\n" same text ",1\nother,0\nsame\ttext,0\n   ,1\n,0\n');
    const c = await readCorpus(file);
    expect(c.docs.map((d) => [d.id, d.text])).toEqual([
      ['1', 'same  text'],
      ['3', 'other'],
    ]);
    expect(c.duplicatesRemoved).toBe(2);
    expect(c.skippedEmpty).toBe(2);
    expect(c.warnings?.join()).toMatch(/1 duplicate/);
    const all = await readCorpus(file, { dedupe: false });
    expect(all.docs).toHaveLength(4);
    expect(all.duplicatesRemoved).toBe(0);
  });

  it('reads multi-label cells, unlabeled rows and an id column', async () => {
    const file = fixture(
      'multi.jsonl',
      [
        '{"doc":"d1","text":"a","labels":["x","y"]}',
        '{"doc":"d2","text":"b","labels":"y|z"}',
        '{"doc":"d3","text":"c","labels":""}',
      ].join('\n'),
    );
    const c = await readCorpus(file, { idCol: 'doc' });
    expect(c.multiLabel).toBe(true);
    expect(c.labels).toEqual(['x', 'y', 'z']);
    expect(c.docs.map((d) => [d.id, d.labels])).toEqual([
      ['d1', ['x', 'y']],
      ['d2', ['y', 'z']],
      ['d3', []],
    ]);
    const dupIds = fixture('dupid.csv', 'id,text\n7,a\n7,b\n');
    expect((await importError(dupIds, { idCol: 'id' })).details).toMatchObject({ line: 3 });
  });

  it('marks the corpus multi-label when the syntax is used even with one label per row', () => {
    expect(parseCorpusText('text,label\na,x|\nb,y\n', 'm.csv').multiLabel).toBe(true);
    expect(parseCorpusText('text,label\na,x\nb,y\n', 'm.csv').multiLabel).toBe(false);
  });

  it('reads plain text, one document per line, with no labels', async () => {
    const c = await readCorpus(fixture('docs.txt', '第一篇\n\n第二篇\r\n第三篇'));
    expect(c).toMatchObject({ format: 'txt', textColumn: 'text', labels: [], multiLabel: false });
    expect(c.labelColumn).toBeUndefined();
    expect(c.docs.map((d) => [d.line, d.text])).toEqual([
      [1, '第一篇'],
      [3, '第二篇'],
      [4, '第三篇'],
    ]);
  });

  it('reads UTF-16LE with BOM', async () => {
    const text = 'label\ttext\n1\t味道不错😀\n0\t太慢了\n';
    const c = await readCorpus(fixture('u16.tsv', iconv.encode(text, 'utf-16le', { addBOM: true })));
    expect(c.encoding).toBe('utf-16le');
    expect(c.docs.map((d) => d.text)).toEqual(['味道不错😀', '太慢了']);
  });

  it('reads UTF-16LE and UTF-16BE without BOM, mostly Chinese, as their UTF-8 copy reads', async () => {
    const text = 'label,review\n1,很快，好吃，味道足𠀀\n0,米饭有点硬，分量太少\n1,一心一意，一百分\n';
    const utf8 = await readCorpus(fixture('u8.csv', text));
    for (const enc of ['utf-16le', 'utf-16be']) {
      const c = await readCorpus(fixture(`${enc}.csv`, iconv.encode(text, enc)));
      expect(c.encoding).toBe(enc);
      expect(c.docs).toEqual(utf8.docs);
      expect(c.warnings).toContain(
        `${join(dir, `${enc}.csv`)}: no byte-order mark; decoded as ${enc} from its NUL-byte pattern`,
      );
    }
  });

  it('reads GB18030 with 4-byte characters', async () => {
    const text = 'label,review\n1,很快，好吃，味道足𠀀\n0,米饭有点硬𪚥，分量太少\n';
    const c = await readCorpus(fixture('gb.csv', iconv.encode(text, 'gb18030')));
    expect(c.encoding).toBe('gb18030');
    expect(c.docs.map((d) => d.text)).toEqual(['很快，好吃，味道足𠀀', '米饭有点硬𪚥，分量太少']);
  });

  it('refuses Big5 and Shift-JIS files with INPUT_ENCODING, and reads them when told', async () => {
    const big5 =
      'label,text\n1,這家餐廳的服務非常好，菜色也很豐富。\n0,今天天氣很好，我們一起去公園散步吧！\n1,請問最近的捷運站在哪裡？謝謝你的幫忙。\n';
    const bFile = fixture('big5.csv', iconv.encode(big5, 'big5'));
    const e = await importError(bFile);
    expect(e).toMatchObject({ code: 'INPUT_ENCODING', details: { file: bFile, encoding: 'big5' } });
    expect((await readCorpus(bFile, { encoding: 'big5' })).docs[0]!.text).toBe('這家餐廳的服務非常好，菜色也很豐富。');

    const sjis =
      'label,text\n1,今日はとても良い天気ですね。\n0,電車が遅れたので、会議に少し遅刻してしまいました。\n1,このレストランの料理はおいしくて、値段も手頃です。\n';
    const sFile = fixture('sjis.csv', iconv.encode(sjis, 'shift_jis'));
    expect(await importError(sFile)).toMatchObject({
      code: 'INPUT_ENCODING',
      details: { file: sFile, encoding: 'shift_jis' },
    });
  });

  it('reports undecodable bytes with the line', async () => {
    const bytes = Buffer.concat([
      Buffer.from('text,label\nok,1\n'),
      Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2c, 0x30, 0x0a]),
    ]);
    const e = await importError(fixture('latin1.csv', bytes));
    expect(e).toMatchObject({ code: 'INPUT_ENCODING', details: { line: 3 } });
  });

  it('strips NUL bytes and reports them as a warning', async () => {
    const c = await readCorpus(fixture('nul.csv', 'text,label\nab\0c,1\n\0\0,0\nd,0\n'));
    expect(c.docs.map((d) => d.text)).toEqual(['abc', 'd']);
    expect(c.skippedEmpty).toBe(1);
    expect(c.warnings?.join()).toMatch(/3 NUL character\(s\), first on line 2/);
  });

  it('reports an unbalanced quote at its physical line', async () => {
    const file = fixture('quote.csv', 'text,label\r\n"multi\r\nline",1\r\nfine,0\r\n"never closed,1\r\nx,0\r\n');
    const e = await importError(file);
    expect(e).toMatchObject({ code: 'INPUT_PARSE', details: { file, line: 5 } });
  });

  it('reads a 50 MB single-line document', async () => {
    const line = '外卖很好吃 tasty '.repeat(2_400_000);
    expect(Buffer.byteLength(line)).toBeGreaterThan(50e6);
    const file = fixture('big.txt', line);
    const c = await readCorpus(file);
    expect(c.docs).toHaveLength(1);
    expect(c.docs[0]!.text.length).toBe(line.length);
  });

  it('rejects empty files and files with no usable rows with INPUT_EMPTY', async () => {
    for (const [name, content] of [
      ['empty.csv', ''],
      ['empty.txt', ''],
      ['bom-only-utf16.txt', Buffer.from([0xff, 0xfe])],
      ['blank.txt', ' \n\r\n '],
      ['bom-only.csv', '\ufeff'],
      ['header-only.csv', 'text,label\n'],
      ['no-text.csv', 'text,label\n,1\n  ,0\n'],
    ] as [string, string | Buffer][]) {
      const file = fixture(name, content);
      const e = await importError(file);
      expect(e.code, name).toBe('INPUT_EMPTY');
      expect(e.message).toContain(file);
    }
  });

  it('rejects a missing text column with INPUT_COLUMN listing the columns', async () => {
    const e = await importError(fixture('cols.csv', 'foo,bar\n1,2\n'));
    expect(e.code).toBe('INPUT_COLUMN');
    expect(e.message).toMatch(/"foo", "bar"/);
  });

  it('requires labels when asked', async () => {
    const file = fixture('nolabels.csv', 'text,label\na,\nb,\n');
    expect((await importError(file, { requireLabels: true })).code).toBe('INPUT_EMPTY');
    expect((await readCorpus(file)).docs.every((d) => d.labels.length === 0)).toBe(true);
  });

  it('reports a missing file clearly', async () => {
    expect((await importError(join(dir, 'nope.csv'))).message).toMatch(/nope\.csv.*no such file/);
  });
});

describe('hostile corpus: label limits', () => {
  const REVIEWS = ['菜很好吃', '送餐太慢了', '味道不错', '太难吃了', '很满意', '一般般', '服务很好', '再也不点了'];
  /** `n` rows "label,review" with distinct texts; label of row i from `labelOf`. */
  const rows = (n: number, labelOf: (i: number) => string) =>
    'label,review\n' +
    Array.from({ length: n }, (_, i) => `${labelOf(i)},${REVIEWS[i % REVIEWS.length]} 第${i}单`).join('\n') +
    '\n';

  it('refuses 100,000-character label names naming file, line and column, in the CLI reader and the app import', async () => {
    const long = ['a'.repeat(100_000), 'b'.repeat(100_000)];
    const text = rows(40, (i) => long[i % 2]!);
    const file = fixture('long-labels.csv', text);
    const e = await importError(file);
    expect(e).toMatchObject({
      code: 'INPUT_PARSE',
      details: { file, line: 2, column: 'label', length: 100_000, max: MAX_LABEL_CHARS },
    });
    expect(e.message).toContain(
      `${file}:2: the label in column "label" is 100,000 characters long ("${'a'.repeat(39)}…")`,
    );
    expect(e.message).toContain(`at most ${MAX_LABEL_CHARS} characters`);
    expect(e.message.length).toBeLessThan(600);
    // The app's import (worker parse-corpus) parses already-decoded text with the same reader.
    expect(() => parseCorpusText(text, 'upload.csv')).toThrow(
      /upload\.csv:2: the label in column "label" is 100,000 characters long/,
    );
  });

  it('accepts a label of exactly the limit (counted in characters, not UTF-16 units) and refuses one more', async () => {
    const atLimit = '𠀀'.repeat(MAX_LABEL_CHARS); // 2 UTF-16 units each
    const ok = parseCorpusText(
      rows(4, (i) => (i % 2 ? atLimit : 'short')),
      'x.csv',
    );
    expect(ok.labels).toContain(atLimit);
    const over = rows(4, (i) => (i === 3 ? 'x'.repeat(MAX_LABEL_CHARS + 1) : 'short'));
    expect(() => parseCorpusText(over, 'x.csv')).toThrow(
      `x.csv:5: the label in column "label" is ${MAX_LABEL_CHARS + 1} characters long`,
    );
    // In a multi-label cell too, and in JSONL.
    expect(() => parseCorpusText(`label,text\nok|${'y'.repeat(300)},t\n`, 'm.csv')).toThrow(
      /m\.csv:2: the label in column "label" is 300 characters/,
    );
    expect(() => parseCorpusText(JSON.stringify({ text: 't', labels: ['z'.repeat(250)] }) + '\n', 'j.jsonl')).toThrow(
      /j\.jsonl:1: the label in column "labels" is 250/,
    );
  });

  it(`refuses 10,000 labels (and 10,000 one-document labels) at the line of label number ${MAX_LABELS + 1}`, async () => {
    // 10,000 labels, 3 documents each, rows cycling through the labels: label 1,001 first appears on line 1,002.
    const many = fixture(
      '10k-labels.csv',
      rows(30_000, (i) => `L${i % 10_000}`),
    );
    const e1 = await importError(many);
    expect(e1).toMatchObject({
      code: 'INPUT_PARSE',
      details: { file: many, line: MAX_LABELS + 2, column: 'label', max: MAX_LABELS },
    });
    expect(e1.message).toContain(
      `${many}:${MAX_LABELS + 2}: label "L${MAX_LABELS}" in column "label" would be label number 1,001; at most 1,000 different labels`,
    );
    const singles = fixture(
      '10k-single.csv',
      rows(10_000, (i) => `only-${i}`),
    );
    const e2 = await importError(singles);
    expect(e2.message).toContain(`${singles}:${MAX_LABELS + 2}: label "only-${MAX_LABELS}"`);
    // Exactly the limit is accepted.
    expect(
      (
        await readCorpus(
          fixture(
            '1k-labels.csv',
            rows(2 * MAX_LABELS, (i) => `L${i % MAX_LABELS}`),
          ),
        )
      ).labels,
    ).toHaveLength(MAX_LABELS);
  });

  it('warns about labels with a single document, listing the first ten with their lines', async () => {
    // Two labels with many documents, 25 with one each (rows 100..124).
    const file = fixture(
      'singles.csv',
      rows(125, (i) => (i < 100 ? (i % 2 ? 'pos' : 'neg') : `rare-${i}`)),
    );
    const c = await readCorpus(file);
    expect(c.labels).toHaveLength(27);
    const w = c.warnings?.find((x) => x.includes('single document'));
    expect(w).toBe(
      `${file}: 25 of 27 label(s) in column "label" have a single document, too few to learn or to test: ` +
        Array.from({ length: 10 }, (_, k) => `"rare-${100 + k}" (line ${102 + k})`).join(', ') +
        ', and 15 more',
    );
    // No such warning when every label has two or more documents.
    expect(
      (
        await readCorpus(
          fixture(
            'pairs.csv',
            rows(8, (i) => (i % 2 ? 'pos' : 'neg')),
          ),
        )
      ).warnings,
    ).toBeUndefined();
  });
});

describe('round trip (property)', () => {
  // Characters that stress quoting and decoding: quotes, delimiters, all newline kinds, CJK, emoji.
  const piece = fc.constantFrom(
    'a',
    'Z',
    '1',
    ' ',
    '"',
    "'",
    ',',
    '\t',
    '\n',
    '\r\n',
    '\r',
    '|',
    '\\',
    '{',
    '[',
    '中',
    '文',
    '評',
    '😀',
    '👍🏽',
    'é',
    '\u3000',
  );
  const docText = fc
    .array(piece, { minLength: 1, maxLength: 30 })
    .map((a) => a.join(''))
    .filter((t) => t.trim() !== '');
  const label = fc.constantFrom('pos', 'neg', '中性', '');
  const rows = fc.array(fc.record({ text: docText, label }), { minLength: 1, maxLength: 25 });
  const expectedText = (t: string) => t.replace(/\r\n?/g, '\n');
  const newlines = (t: string) => (t.match(/\r\n|\r|\n/g) ?? []).length;

  it('CSV written by papaparse reads back with the same rows, texts, labels and lines', () => {
    fc.assert(
      fc.property(rows, fc.constantFrom('\r\n', '\n'), (data, newline) => {
        const csv = Papa.unparse(data, { columns: ['text', 'label'], newline });
        const c = parseCorpusText(csv, 'p.csv', { dedupe: false });
        expect(c.docs.map((d) => d.text)).toEqual(data.map((r) => expectedText(r.text)));
        expect(c.docs.map((d) => d.labels)).toEqual(data.map((r) => (r.label ? [r.label] : [])));
        let line = 2;
        const lines = data.map((r) => {
          const at = line;
          line += newlines(r.text) + 1;
          return at;
        });
        expect(c.docs.map((d) => d.line)).toEqual(lines);
      }),
      { numRuns: 150, seed: 20251122 },
    );
  });

  it('JSONL reads back with the same rows and texts', () => {
    fc.assert(
      fc.property(rows, (data) => {
        const jsonl = data.map((r) => JSON.stringify({ text: r.text, label: r.label })).join('\n');
        const c = parseCorpusText(jsonl, 'p.jsonl', { dedupe: false });
        expect(c.docs.map((d) => d.text)).toEqual(data.map((r) => expectedText(r.text)));
        expect(c.docs.map((d) => d.line)).toEqual(data.map((_, i) => i + 1));
      }),
      { numRuns: 150, seed: 20251122 },
    );
  });

  it('files in UTF-8, UTF-8 with BOM, UTF-16 and GB18030 all read back the same', async () => {
    await fc.assert(
      fc.asyncProperty(rows, fc.constantFrom('utf-8', 'utf-8-bom', 'utf-16le', 'gb18030'), async (data, enc) => {
        // Detection judges the file as a whole: give it one realistic Chinese row, as real files have.
        data = [{ text: '这家店的外卖送得很快，味道也不错，下次还会再点。', label: 'pos' }, ...data];
        const csv = Papa.unparse(data, { columns: ['text', 'label'] });
        const bytes =
          enc === 'utf-8-bom'
            ? iconv.encode(csv, 'utf-8', { addBOM: true })
            : iconv.encode(csv, enc, { addBOM: enc === 'utf-16le' });
        const c = await readCorpus(fixture('prop.csv', bytes), { dedupe: false });
        expect(c.docs.map((d) => d.text)).toEqual(data.map((r) => expectedText(r.text)));
      }),
      { numRuns: 60, seed: 7 },
    );
  });
});
