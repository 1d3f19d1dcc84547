import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../shared/errors';
import { readCorpus } from './read-corpus';
import { streamDocs, streamDocsOfFile, type StreamDocsOptions } from './stream-docs';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'distillery-stream-docs-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function fixture(name: string, content: string): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

async function all(file: string, o: StreamDocsOptions = {}) {
  const out = [];
  for await (const d of streamDocsOfFile(file, o)) out.push(d);
  return out;
}

async function errorOf(file: string, o: StreamDocsOptions = {}): Promise<InputError> {
  try {
    await all(file, o);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

/** What the importer gives without de-duplication: the reference. */
async function imported(file: string, o: StreamDocsOptions = {}) {
  const c = await readCorpus(file, { textCol: o.textCol, idCol: o.idCol, dedupe: false });
  return c.docs.map((d) => ({ id: d.id, text: d.text, line: d.line }));
}

const CSV =
  '\ufefflabel,review\r\n' +
  '1,很快，好吃\r\n' +
  '\r\n' +
  '0,"送餐慢,\r\n凉了"\r\n' +
  '1,\r\n' + // blank text: skipped, keeps its row number
  '0,"他说""难吃""\n真的"\n' +
  '1,量大\n' +
  '1,"三\n行\n文本"\n' +
  '0,最后一行';

describe('streamDocs', () => {
  it('gives the documents, ids and lines readCorpus gives, across piece boundaries (CSV with quoted newlines, blank rows and texts)', async () => {
    const file = fixture('a.csv', CSV);
    const ref = await imported(file);
    expect(ref.length).toBe(6);
    for (const rowsPerPiece of [1, 2, 3, 1024]) expect(await all(file, { rowsPerPiece })).toEqual(ref);
  });

  it('TSV, JSONL and text files, and an id column', async () => {
    const tsv = fixture('b.tsv', 'id\ttext\nd1\t一\nd2\t"二\n二"\n\nd3\t三\n');
    const jsonl = fixture('c.jsonl', '{"text":"一","id":7}\n\n"二"\n{"text":"","id":9}\n{"text":"四","id":10}\n');
    const txt = fixture('d.txt', '一\n\n  \n二\n三');
    for (const [file, o] of [
      [tsv, { idCol: 'id' }],
      [tsv, {}],
      [jsonl, {}],
      [txt, {}],
    ] as const) {
      expect(await all(file, { ...o, rowsPerPiece: 2 }), file).toEqual(await imported(file, o));
    }
  });

  it('names the file line of an error in a later piece', async () => {
    const rows = Array.from({ length: 9 }, (_, i) => `1,文本${i}`);
    const unclosed = fixture('e.csv', ['label,text', ...rows, '0,"never closed', '1,x'].join('\n'));
    expect((await errorOf(unclosed, { rowsPerPiece: 4 })).message).toMatch(/e\.csv:11:3: quoted field is never closed/);
    const extra = fixture('f.csv', ['label,text', ...rows, '0,a,b'].join('\n'));
    expect((await errorOf(extra, { rowsPerPiece: 4 })).message).toMatch(
      /f\.csv:11: expected 2 fields \(header on line 1\), found 3/,
    );
    const json = fixture('g.jsonl', [...rows.map((r) => JSON.stringify({ text: r })), '{oops'].join('\n'));
    expect((await errorOf(json, { rowsPerPiece: 4 })).message).toMatch(/g\.jsonl:10: invalid JSON/);
    expect((await errorOf(fixture('h.csv', 'label,text\n1,\n'))).message).toMatch(
      /has no rows with text in column "text"/,
    );
    expect((await errorOf(fixture('i.csv', 'label,text\n1,x\n'), { textCol: 'body' })).message).toMatch(
      /no text column named "body"/,
    );
    expect((await errorOf(fixture('j.csv', 'id,text\n,x\n'), { idCol: 'id' })).message).toMatch(
      /j\.csv:2: empty id in column "id"/,
    );
  });

  it(
    'yields the first documents before the input ends (memory bounded by a piece, not the file)',
    { timeout: 20_000 },
    async () => {
      const input = new PassThrough();
      // More than the 64 KB the decoder reads to choose the encoding.
      const head = Array.from({ length: 4000 }, (_, i) => `1,文本文本文本${i}`);
      input.write(['label,text', ...head, ''].join('\n'));
      const it = streamDocs(input, 'live.csv', { rowsPerPiece: 100 })[Symbol.asyncIterator]();
      // The input is still open: a reader of the whole file would wait here until the test times out.
      expect((await it.next()).value).toEqual({ id: '1', text: '文本文本文本0', line: 2 });
      expect((await it.next()).value).toEqual({ id: '2', text: '文本文本文本1', line: 3 });
      input.end('0,尾\n');
      let last;
      let n = 2;
      for (let r = await it.next(); !r.done; r = await it.next()) {
        last = r.value;
        n++;
      }
      expect(n).toBe(4001);
      expect(last).toEqual({ id: '4001', text: '尾', line: 4002 });
    },
  );

  it('an empty input is an error naming it', async () => {
    await expect(async () => {
      for await (const _ of streamDocs(Readable.from([Buffer.from('\n\n')]), 'empty.csv')) void _;
    }).rejects.toThrow(/empty\.csv: the file is empty/);
  });
});
