/**
 * The journal as a team's shared log: host-given sequence numbers written into each line,
 * idempotent appends by event id, paging with `since`, and seqs that survive a repair.
 */
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LabelEvent } from '../shared/api';
import { nodeFs } from './fs-util';
import { Journal } from './journal';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-journal-seq-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
function folder(): { dir: string; journal: Journal; file: string } {
  const dir = path.join(tmp, `p${++n}`);
  mkdirSync(dir);
  return { dir, journal: new Journal(async () => dir), file: path.join(dir, 'journal.jsonl') };
}

const ev = (docId: string, labels: string[], id?: string, who = 'ann'): LabelEvent => ({
  docId,
  ...(id ? { id } : {}),
  labels,
  source: 'human',
  who,
  at: '2026-01-01T00:00:00.000Z',
  action: 'label',
});

const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LabelEvent & { seq?: number });

describe('journal seqs and ids', () => {
  it('gives each written event the next seq, written into its line', async () => {
    const { journal, file } = folder();
    expect(await journal.append('p', [ev('1', ['a'], 'e1'), ev('2', ['b'], 'e2')])).toEqual([1, 2]);
    expect(await journal.append('p', [ev('3', ['a'])])).toEqual([3]);
    expect(lines(file).map((l) => [l.docId, l.id, l.seq])).toEqual([
      ['1', 'e1', 1],
      ['2', 'e2', 2],
      ['3', undefined, 3],
    ]);
    // A restarted host continues the numbering from the file.
    expect(await new Journal(async () => path.dirname(file)).append('p', [ev('4', ['a'])])).toEqual([4]);
    // read() keeps giving plain label events.
    expect((await journal.read('p'))[0]).toEqual(ev('1', ['a'], 'e1'));
  });

  it('an event whose id the journal holds is not written again (same batch, later batch, after a restart)', async () => {
    const { dir, journal, file } = folder();
    expect(await journal.append('p', [ev('1', ['a'], 'x'), ev('1', ['a'], 'x'), ev('2', ['b'], 'y')])).toEqual([
      1, 1, 2,
    ]);
    expect(await journal.append('p', [ev('2', ['b'], 'y'), ev('3', ['a'], 'z')])).toEqual([2, 3]);
    const restarted = new Journal(async () => dir);
    expect(await restarted.append('p', [ev('1', ['a'], 'x')])).toEqual([1]);
    expect(lines(file).map((l) => l.id)).toEqual(['x', 'y', 'z']);
    expect(await restarted.eventCount('p')).toBe(3);
  });

  it('tells listeners of appends that wrote something, with the last seq', async () => {
    const { journal } = folder();
    const heard: [string, number][] = [];
    const off = journal.onAppend((p, s) => heard.push([p, s]));
    await journal.append('p', [ev('1', ['a'], 'a1'), ev('2', ['a'], 'a2')]);
    await journal.append('p', [ev('1', ['a'], 'a1')]); // nothing new
    await journal.append('p', [ev('3', ['a'], 'a3')]);
    off();
    await journal.append('p', [ev('4', ['a'], 'a4')]);
    expect(heard).toEqual([
      ['p', 2],
      ['p', 3],
    ]);
  });

  it('since reads only the bytes of its page, not the whole journal', async () => {
    const { dir, journal, file } = folder();
    await journal.append(
      'p',
      Array.from({ length: 200 }, (_, i) => ev(String(i + 1), ['a'], `id${i + 1}`)),
    );
    const reads = { whole: 0, rangeBytes: 0 };
    const counting = new Journal(async () => dir, {
      ...nodeFs,
      readFileBytes: (f) => (reads.whole++, nodeFs.readFileBytes(f)),
      readRange: (f, a, b) => ((reads.rangeBytes += b - a), nodeFs.readRange(f, a, b)),
    });
    await counting.since('p', 0, 1); // the first call replays the journal once
    Object.assign(reads, { whole: 0, rangeBytes: 0 });
    const page = await counting.since('p', 150, 5);
    expect(page.events.map((e) => e.id)).toEqual(['id151', 'id152', 'id153', 'id154', 'id155']);
    expect(reads.whole).toBe(0);
    const pageBytes = lines(file)
      .slice(150, 155)
      .reduce((sum, l) => sum + Buffer.byteLength(JSON.stringify(l)) + 1, 0);
    expect(reads.rangeBytes).toBeLessThanOrEqual(pageBytes);
    expect(reads.rangeBytes).toBeGreaterThan(pageBytes / 2);
  });

  it('since pages through the events after a seq', async () => {
    const { journal } = folder();
    await journal.append(
      'p',
      Array.from({ length: 12 }, (_, i) => ev(String(i + 1), ['a'], `id${i + 1}`)),
    );
    const first = await journal.since('p', 0, 5);
    expect(first.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(first).toMatchObject({ lastSeq: 12, more: true });
    expect(first.events[0]).toEqual({ ...ev('1', ['a'], 'id1'), seq: 1 });
    const rest = await journal.since('p', 10, 5);
    expect(rest.events.map((e) => [e.seq, e.id])).toEqual([
      [11, 'id11'],
      [12, 'id12'],
    ]);
    expect(rest.more).toBe(false);
    expect(await journal.since('p', 12)).toEqual({ events: [], lastSeq: 12, more: false });
    // A page after an append made by another instance (another process) sees it.
    await new Journal(async () =>
      (journal as unknown as { folderOf: (id: string) => Promise<string> }).folderOf('p'),
    ).append('p', [ev('13', ['b'], 'id13')]);
    expect((await journal.since('p', 12)).events.map((e) => e.seq)).toEqual([13]);
    await expect(journal.since('p', -1)).rejects.toThrow(/afterSeq must be a whole number/);
    await expect(journal.since('p', 1.5)).rejects.toMatchObject({ code: 'CONFIG', details: { field: 'afterSeq' } });
  });

  it('numbers an old journal (lines without seq) by position, and a repair writes those numbers in', async () => {
    const { dir, file } = folder();
    const old = [ev('1', ['a']), ev('2', ['b']), ev('3', ['a'])];
    writeFileSync(
      file,
      old.map((e) => JSON.stringify(e)).join('\n') + '\ngarbage\n' + JSON.stringify(ev('4', ['b'])) + '\n',
    );
    const journal = new Journal(async () => dir);
    const page = await journal.since('p', 0);
    // Readable events are numbered 1..4 (the damaged line is set aside, not counted).
    expect(page.events.map((e) => [e.docId, e.seq])).toEqual([
      ['1', 1],
      ['2', 2],
      ['3', 3],
      ['4', 4],
    ]);
    expect(lines(file).map((l) => l.seq)).toEqual([1, 2, 3, 4]);
    expect(await journal.append('p', [ev('5', ['a'], 'new')])).toEqual([5]);
  });

  it('seqs of acknowledged events stay the same after a torn last record is set aside', async () => {
    const { dir, journal, file } = folder();
    await journal.append('p', [ev('1', ['a'], 'a'), ev('2', ['b'], 'b'), ev('3', ['a'], 'c')]);
    const before = (await journal.since('p', 0)).events;
    // A crash mid-write: a torn record at the end, then another cut in the middle of a line.
    appendFileSync(file, '{"docId":"4","id":"d","lab');
    const reopened = new Journal(async () => dir);
    const after = (await reopened.since('p', 0)).events;
    expect(after).toEqual(before);
    expect(await reopened.append('p', [ev('4', ['a'], 'd')])).toEqual([4]);
    // A damaged line in the middle (a hand edit): the events after it keep their seqs.
    const text = readFileSync(file, 'utf8').split('\n');
    text[1] = text[1].slice(0, 20);
    writeFileSync(file, text.join('\n'));
    const third = new Journal(async () => dir);
    expect((await third.since('p', 0)).events.map((e) => [e.id, e.seq])).toEqual([
      ['a', 1],
      ['c', 3],
      ['d', 4],
    ]);
    expect(await third.append('p', [ev('5', ['a'], 'e'), ev('1', ['a'], 'a')])).toEqual([5, 1]);
  });
});
