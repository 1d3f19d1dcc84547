import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LabelEvent } from '../shared/api';
import { DistilleryError } from '../shared/errors';
import { nodeFs, type HostFileHandle, type HostFs } from './fs-util';
import { Journal } from './journal';
import { ProjectStore } from './project-store';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-journal-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const ev = (
  docId: string,
  labels: string[],
  action: LabelEvent['action'] = 'label',
  at = '2025-01-01T00:00:00.000Z',
): LabelEvent => ({
  docId,
  labels,
  source: 'human',
  who: 'ann',
  at,
  action,
});

async function project(fs: HostFs = nodeFs) {
  const store = new ProjectStore(path.join(tmp, 'p' + Math.random().toString(16).slice(2)), fs);
  const p = await store.create({
    name: 'J',
    task: 'multiclass',
    labels: ['a', 'b', 'c'].map((name, i) => ({ name, color: '#000', hotkey: String(i + 1) })),
  });
  return {
    store,
    p,
    journal: new Journal((id) => store.folder(id), fs),
    file: path.join(p.folder, 'journal.jsonl'),
    sentinelFile: path.join(p.folder, 'labels.sentinel.json'),
  };
}

/** The records set aside in journal.torn.jsonl. */
function tornLines(folder: string): { line: number; offset: number; base64: string; why: string }[] {
  const f = path.join(folder, 'journal.torn.jsonl');
  return existsSync(f)
    ? readFileSync(f, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];
}

const sha = (file: string) =>
  existsSync(file) ? createHash('sha256').update(readFileSync(file)).digest('hex') : 'absent';

/** nodeFs with a log of writes and syncs, and switchable failures. */
function instrumentedFs() {
  const log: string[] = [];
  const fail = { journalWriteAfter: -1, tmpOpen: false, code: 'ENOSPC' };
  const fs: HostFs = {
    ...nodeFs,
    async open(file, flags, mode) {
      const name = path.basename(file);
      if (fail.tmpOpen && name.includes('.tmp-'))
        throw Object.assign(new Error(`${fail.code}: no space left on device, open '${file}'`), { code: fail.code });
      const h = await nodeFs.open(file, flags, mode);
      const wrapped: HostFileHandle = {
        async write(buf, offset, length, position) {
          if (name === 'journal.jsonl' && fail.journalWriteAfter >= 0) {
            // Write part of the batch, then the disk is full (as a real short write + ENOSPC).
            const part = Math.min(length, fail.journalWriteAfter);
            if (part > 0) await h.write(buf, offset, part, position);
            throw Object.assign(new Error(`${fail.code}: no space left on device, write`), { code: fail.code });
          }
          log.push(`write ${name}`);
          return h.write(buf, offset, length, position);
        },
        async sync() {
          log.push(`sync ${name}`);
          return h.sync();
        },
        truncate: (n) => h.truncate(n),
        stat: () => h.stat(),
        close: () => h.close(),
      };
      return wrapped;
    },
  };
  return { fs, log, fail };
}

describe('Journal', () => {
  it('appends events as JSON lines and reads them back in order', async () => {
    const { p, journal, file } = await project();
    await journal.append(p.id, [ev('1', ['a']), ev('2', ['b'])]);
    await journal.append(p.id, [
      { ...ev('1', ['c'], 'correct'), source: 'teacher', modelVersion: 'student-20250101-000000-bilstm' },
    ]);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[2])).toMatchObject({
      docId: '1',
      labels: ['c'],
      source: 'teacher',
      modelVersion: 'student-20250101-000000-bilstm',
      action: 'correct',
    });
    const back = await journal.read(p.id);
    expect(back.map((e) => [e.docId, e.labels])).toEqual([
      ['1', ['a']],
      ['2', ['b']],
      ['1', ['c']],
    ]);
  });

  it('keeps the id a client gave an event (shared/label-event.ts: idempotent replay needs it)', async () => {
    const { p, journal, file } = await project();
    await journal.append(p.id, [
      { ...ev('7', ['a'], 'adjudicate'), id: '0b7c1a52-9f3e-4c1d-8a2b-5e6f7a8b9c0d' },
      ev('8', ['b']),
    ]);
    const back = await journal.read(p.id);
    expect(back.map((e) => e.id)).toEqual(['0b7c1a52-9f3e-4c1d-8a2b-5e6f7a8b9c0d', undefined]);
    expect(readFileSync(file, 'utf8').split('\n')[0]).toMatch(/^\{"docId":"7","id":"0b7c1a52-/);
  });

  it('keeps the document text an event carries, so a rebuild needs no corpus file', async () => {
    const { p, journal } = await project();
    await journal.append(p.id, [{ ...ev('7', ['a']), text: '菜很好吃，送餐也快' }]);
    const [back] = await journal.read(p.id);
    expect(back.text).toBe('菜很好吃，送餐也快');
    await expect(journal.append(p.id, [{ ...ev('8', ['a']), text: 42 as unknown as string }])).rejects.toThrow(
      /text must be a string/,
    );
  });

  it('fsyncs the journal after writing and before it resolves, then writes the sentinel', async () => {
    const { fs, log } = instrumentedFs();
    const { p, journal } = await project(fs);
    log.length = 0;
    await journal.append(p.id, [ev('1', ['a'])]);
    const wj = log.indexOf('write journal.jsonl');
    const sj = log.indexOf('sync journal.jsonl');
    const ss = log.findIndex((l) => l.startsWith('sync labels.sentinel.json.tmp'));
    expect(wj).toBeGreaterThanOrEqual(0);
    expect(sj).toBeGreaterThan(wj);
    expect(ss).toBeGreaterThan(sj);
  });

  it('keeps the labeled count in a sentinel outside IndexedDB (undo and skip replayed)', async () => {
    const { p, journal, sentinelFile } = await project();
    expect(await journal.sentinel(p.id)).toBeNull();
    await journal.append(p.id, [ev('1', ['a']), ev('2', ['b']), ev('3', [], 'skip'), ev('4', ['a', 'b'])]);
    expect((await journal.sentinel(p.id))?.labeledCount).toBe(3);
    await journal.append(p.id, [ev('2', [], 'undo'), ev('1', ['b'], 'correct')]);
    const s = await journal.sentinel(p.id);
    expect(s?.labeledCount).toBe(2);
    expect(Date.parse(s!.updatedAt)).not.toBeNaN();
    // A damaged sentinel is recounted from the journal.
    writeFileSync(sentinelFile, '{ not json');
    expect((await journal.sentinel(p.id))?.labeledCount).toBe(2);
    // A second Journal instance (a restarted app) continues from the file.
    const again = new Journal(async () => p.folder);
    await again.append(p.id, [ev('9', ['c'])]);
    expect((await again.sentinel(p.id))?.labeledCount).toBe(3);
  });

  it('serialises concurrent appends: every line whole, each batch contiguous', async () => {
    const { p, journal } = await project();
    await Promise.all(
      Array.from({ length: 20 }, (_, k) =>
        journal.append(
          p.id,
          Array.from({ length: 5 }, (_, j) => ev(`${k}-${j}`, ['a'])),
        ),
      ),
    );
    const back = await journal.read(p.id);
    expect(back).toHaveLength(100);
    for (let b = 0; b < 20; b++) {
      const batch = back.slice(b * 5, b * 5 + 5).map((e) => e.docId.split('-')[0]);
      expect(new Set(batch).size).toBe(1);
    }
    expect((await journal.sentinel(p.id))?.labeledCount).toBe(100);
  });

  it('on a full disk (ENOSPC mid-write) throws DISK_FULL and leaves journal and sentinel as they were', async () => {
    const { fs, fail } = instrumentedFs();
    const { p, journal, file, sentinelFile } = await project(fs);
    await journal.append(p.id, [ev('1', ['a']), ev('2', ['b'])]);
    const before = [sha(file), sha(sentinelFile)];
    fail.journalWriteAfter = 17; // half a line reaches the disk, then ENOSPC
    const err = await journal.append(p.id, [ev('3', ['c']), ev('4', ['a'])]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DistilleryError);
    expect(err).toMatchObject({ code: 'DISK_FULL' });
    expect((err as Error).message).toMatch(/disk is full.*nothing partial/);
    expect([sha(file), sha(sentinelFile)]).toEqual(before);
    expect((await journal.read(p.id)).map((e) => e.docId)).toEqual(['1', '2']);

    // The sentinel cannot be written (its temp file): the journal batch is rolled back too.
    fail.journalWriteAfter = -1;
    fail.tmpOpen = true;
    await expect(journal.append(p.id, [ev('5', ['a'])])).rejects.toMatchObject({ code: 'DISK_FULL' });
    expect([sha(file), sha(sentinelFile)]).toEqual(before);

    // Space again: writing resumes, counts stay right.
    fail.tmpOpen = false;
    await journal.append(p.id, [ev('6', ['a'])]);
    expect((await journal.read(p.id)).map((e) => e.docId)).toEqual(['1', '2', '6']);
    expect((await journal.sentinel(p.id))?.labeledCount).toBe(3);
  });

  it('sets a torn last line and damaged lines aside on open, keeping an event glued to a torn line', async () => {
    const { p, journal, file, sentinelFile } = await project();
    await journal.append(p.id, [ev('1', ['a'])]);
    appendFileSync(
      file,
      'garbage\n{"docId":"2","labels":["b"],"source":"human","who":"x","at":"t","action":"label"}\n{"docId":"9","lab{"docId":"4","labels":["c"],"source":"human","who":"x","at":"t","action":"label"}\n{"docId":"3","lab',
    );
    const logged: string[] = [];
    const reopened = new Journal(
      async () => p.folder,
      nodeFs,
      (m) => logged.push(m),
    );
    const r = await reopened.readWithDamage(p.id);
    expect(r.events.map((e) => e.docId)).toEqual(['1', '2', '4']);
    expect(r.damagedLines).toEqual([]);
    expect(
      readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l).docId),
    ).toEqual(['1', '2', '4']);
    const torn = tornLines(p.folder);
    expect(torn.map((t) => [t.line, Buffer.from(t.base64, 'base64').toString('utf8')])).toEqual([
      [2, 'garbage'],
      [4, '{"docId":"9","lab'],
      [5, '{"docId":"3","lab'],
    ]);
    const s = await reopened.sentinel(p.id);
    expect(s).toMatchObject({
      labeledCount: 3,
      recovery: { file: 'journal.torn.jsonl', setAside: 3, salvaged: 1, lines: [2, 4, 5], events: 3 },
    });
    expect(JSON.parse(readFileSync(sentinelFile, 'utf8'))).toMatchObject({ labeledCount: 3, events: 3 });
    expect(logged.join('\n')).toMatch(
      /3 damaged or torn record\(s\) \(line\(s\) 2, 4, 5\) set aside in journal\.torn\.jsonl, 1 label event\(s\) read back/,
    );
    // Opened again (a restart): nothing more to repair, the same repair is still reported.
    const third = new Journal(async () => p.folder);
    expect((await third.sentinel(p.id))?.recovery).toEqual(s?.recovery);
    await third.append(p.id, [ev('5', ['a'])]);
    expect((await third.sentinel(p.id))?.recovery).toEqual(s?.recovery);
    expect(tornLines(p.folder)).toHaveLength(3);
  });

  it('a repair that cannot be written still never glues an append onto the torn line', async () => {
    const { fs, fail } = instrumentedFs();
    const { p, file } = await project(fs);
    await new Journal(async () => p.folder).append(p.id, [ev('1', ['a'])]);
    appendFileSync(file, '{"docId":"2","lab');
    fail.tmpOpen = true; // the repaired journal cannot be written
    fail.code = 'EROFS';
    const logged: string[] = [];
    const journal = new Journal(
      async () => p.folder,
      fs,
      (m) => logged.push(m),
    );
    expect((await journal.read(p.id)).map((e) => e.docId)).toEqual(['1']);
    expect(logged.join()).toMatch(/could not repair/);
    fail.tmpOpen = false;
    await journal.append(p.id, [ev('3', ['b'])]);
    // The repair runs on the next open and finds one torn line between two whole ones.
    const again = new Journal(async () => p.folder);
    expect((await again.read(p.id)).map((e) => e.docId)).toEqual(['1', '3']);
    expect((await again.sentinel(p.id))?.labeledCount).toBe(2);
  });

  it('journals gold and skip flags (with a reason) without touching the labeled count', async () => {
    const { p, journal, file } = await project();
    await journal.append(p.id, [ev('1', ['a']), ev('2', ['b'])]);
    await journal.append(p.id, [
      ev('1', ['a'], 'gold'),
      { ...ev('2', ['b'], 'skip'), reason: 'duplicate of 1' },
      ev('1', ['a'], 'ungold'),
      ev('2', ['b'], 'unskip'),
      { ...ev('3', [], 'skip'), reason: '' },
    ]);
    expect((await journal.sentinel(p.id))?.labeledCount).toBe(2);
    const back = await journal.read(p.id);
    expect(back.map((e) => e.action)).toEqual(['label', 'label', 'gold', 'skip', 'ungold', 'unskip', 'skip']);
    expect(back[3].reason).toBe('duplicate of 1');
    expect(back[6].reason).toBe('');
    expect(JSON.parse(readFileSync(file, 'utf8').trim().split('\n')[3])).toEqual({
      docId: '2',
      labels: ['b'],
      source: 'human',
      who: 'ann',
      at: '2025-01-01T00:00:00.000Z',
      action: 'skip',
      reason: 'duplicate of 1',
      seq: 4,
    });
  });

  it('rejects a bad reason, naming the event and the field', async () => {
    const { p, journal, file } = await project();
    await expect(
      journal.append(p.id, [ev('1', ['a']), { ...ev('2', ['b'], 'skip'), reason: 7 as unknown as string }]),
    ).rejects.toThrow(/label event 2: reason must be a string/);
    await expect(journal.append(p.id, [{ ...ev('1', ['a'], 'gold'), reason: 'why' }])).rejects.toThrow(
      /label event 1: reason is only for a 'skip'/,
    );
    await expect(journal.append(p.id, [ev('1', ['a'], 'pin' as 'gold')])).rejects.toThrow(
      /action must be one of .*gold, ungold/,
    );
    expect(existsSync(file)).toBe(false);
  });

  it('rejects malformed events before writing anything', async () => {
    const { p, journal, file } = await project();
    await expect(
      journal.append(p.id, [ev('1', ['a']), { ...ev('2', ['b']), source: 'robot' as 'human' }]),
    ).rejects.toMatchObject({ code: 'CONFIG' });
    await expect(journal.append(p.id, 'nope' as unknown as LabelEvent[])).rejects.toMatchObject({ code: 'CONFIG' });
    await expect(journal.append('../../etc', [ev('1', ['a'])])).rejects.toMatchObject({ code: 'CONFIG' });
    expect(existsSync(file)).toBe(false);
  });
});
