import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Backups } from './backups';
import { nodeFs, type HostFs } from './fs-util';
import { Journal } from './journal';
import { ProjectStore } from './project-store';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-backups-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const dexie = (n: number) =>
  JSON.stringify({ formatName: 'dexie', formatVersion: 1, data: { databaseName: 'distillery', n } });

async function setup(o: { keep?: number; fs?: HostFs } = {}) {
  const store = new ProjectStore(path.join(tmp, 'p' + Math.random().toString(16).slice(2)));
  const p = await store.create({
    name: 'B',
    task: 'binary',
    labels: ['a', 'b'].map((name, i) => ({ name, color: '#000', hotkey: String(i + 1) })),
  });
  const journal = new Journal((id) => store.folder(id));
  let t = Date.UTC(2025, 0, 2, 3, 4, 5, 6);
  const backups = new Backups({
    folderOf: (id) => store.folder(id),
    journalEvents: (id) => journal.eventCount(id),
    keep: o.keep,
    fs: o.fs,
    now: () => new Date((t += 1000)),
  });
  return { p, journal, backups, dir: path.join(p.folder, 'backups') };
}

describe('automatic backups', () => {
  it('saves, lists newest first with what a restore needs, and reads back', async () => {
    const { p, journal, backups } = await setup();
    expect(await backups.list(p.id)).toEqual([]);
    const a = await backups.save(p.id, dexie(1), { reason: 'import', docs: 300, labeled: 0 });
    expect(a).toMatchObject({
      name: 'auto-20250102-030406-006.json',
      reason: 'import',
      docs: 300,
      labeled: 0,
      journalEvents: 0,
      bytes: dexie(1).length,
      at: '2025-01-02T03:04:06.006Z',
    });
    await journal.append(p.id, [
      { docId: '1', labels: ['a'], source: 'human', who: 'me', at: 'now', action: 'label' },
      { docId: '1', labels: ['a'], source: 'human', who: 'me', at: 'now', action: 'skip' },
    ]);
    const b = await backups.save(p.id, dexie(2), { reason: 'labels', docs: 300, labeled: 1 });
    expect(b.journalEvents).toBe(2);
    expect((await backups.list(p.id)).map((x) => x.name)).toEqual([b.name, a.name]);
    expect(await backups.read(p.id, a.name)).toBe(dexie(1));
    expect(await backups.read(p.id, b.name)).toBe(dexie(2));
  });

  it('keeps the newest K and cleans up what a crash left', async () => {
    const { p, backups, dir } = await setup({ keep: 3 });
    const names: string[] = [];
    for (let i = 0; i < 5; i++)
      names.push((await backups.save(p.id, dexie(i), { reason: 'timer', docs: i, labeled: i })).name);
    expect((await backups.list(p.id)).map((x) => x.name)).toEqual(names.slice(2).reverse());
    // A data file whose meta never got written, and a temp file: neither is offered; the next save removes them.
    writeFileSync(path.join(dir, 'auto-20990101-000000-000.json'), dexie(9));
    writeFileSync(path.join(dir, 'auto-20990101-000000-001.json.tmp-1-1'), 'half');
    writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    expect((await backups.list(p.id)).map((x) => x.name)).not.toContain('auto-20990101-000000-000.json');
    await expect(backups.read(p.id, 'auto-20990101-000000-000.json')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const last = await backups.save(p.id, dexie(5), { reason: 'labels', docs: 5, labeled: 5 });
    expect(readdirSync(dir).sort()).toEqual(
      [...names.slice(3), last.name]
        .flatMap((n) => [n, n.replace(/\.json$/, '.meta.json')])
        .concat('notes.txt')
        .sort(),
    );
  });

  it('refuses what is not a backup, bad names and bad metadata', async () => {
    const { p, backups } = await setup();
    await expect(backups.save(p.id, '{"hello":1}', { reason: 'labels', docs: 0, labeled: 0 })).rejects.toMatchObject({
      code: 'CONFIG',
      details: { field: 'data' },
    });
    await expect(
      backups.save(p.id, dexie(1), { reason: 'whenever' as 'labels', docs: 0, labeled: 0 }),
    ).rejects.toMatchObject({ code: 'CONFIG', details: { field: 'reason' } });
    await expect(backups.save(p.id, dexie(1), { reason: 'labels', docs: -1, labeled: 0 })).rejects.toMatchObject({
      code: 'CONFIG',
      details: { field: 'docs' },
    });
    for (const bad of ['../project.json', 'journal.jsonl', 'auto-1.json', 'auto-20250102-030406-006.meta.json']) {
      await expect(backups.read(p.id, bad)).rejects.toMatchObject({ code: 'CONFIG' });
    }
    await expect(backups.list('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a full disk fails the save with DISK_FULL and leaves no partial backup', async () => {
    let failMeta = false;
    const fs: HostFs = {
      ...nodeFs,
      async open(file, flags, mode) {
        if (flags === 'w' && (!failMeta || file.includes('.meta.json')))
          throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        return nodeFs.open(file, flags, mode);
      },
    };
    const { p, backups, dir } = await setup({ fs });
    await expect(backups.save(p.id, dexie(1), { reason: 'labels', docs: 1, labeled: 1 })).rejects.toMatchObject({
      code: 'DISK_FULL',
    });
    failMeta = true;
    await expect(backups.save(p.id, dexie(1), { reason: 'labels', docs: 1, labeled: 1 })).rejects.toMatchObject({
      code: 'DISK_FULL',
    });
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
    expect(await backups.list(p.id)).toEqual([]);
  });
});

describe('automatic backups from a file (serve mode uploads)', () => {
  const big = JSON.stringify({
    formatName: 'dexie',
    formatVersion: 1,
    data: { rows: Array.from({ length: 20_000 }, (_, i) => `文档 ${i}`) },
  });
  const file = path.join(tmp, 'upload.json');
  writeFileSync(file, big);

  it('streams the file into place in pieces and reads back the same text; the file stays', async () => {
    const writes: number[] = [];
    const fs: HostFs = {
      ...nodeFs,
      async open(f, flags, mode) {
        const h = await nodeFs.open(f, flags, mode);
        return {
          ...h,
          write: (buf, off, len, pos) => (writes.push(len), h.write(buf, off, len, pos)),
          sync: () => h.sync(),
          truncate: (n) => h.truncate(n),
          stat: () => h.stat(),
          close: () => h.close(),
        };
      },
    };
    const { p, backups } = await setup({ fs });
    const info = await backups.saveFile(p.id, file, { reason: 'import', docs: 20_000, labeled: 0 });
    expect(info).toMatchObject({ reason: 'import', docs: 20_000, bytes: Buffer.byteLength(big) });
    expect(await backups.read(p.id, info.name)).toBe(big);
    expect(writes.length).toBeGreaterThan(2); // pieces, not the whole file at once
    expect(Math.max(...writes)).toBeLessThan(Buffer.byteLength(big));
    expect(existsSync(file)).toBe(true);
  });

  it('refuses a file that is not a dexie backup, and a full disk leaves no partial backup', async () => {
    const junk = path.join(tmp, 'junk.json');
    writeFileSync(junk, '{"not":"dexie"}');
    const full: HostFs = {
      ...nodeFs,
      open: async (f, flags, mode) =>
        flags === 'w'
          ? Promise.reject(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }))
          : nodeFs.open(f, flags, mode),
    };
    const { p, backups, dir } = await setup({ fs: full });
    await expect(backups.saveFile(p.id, junk, { reason: 'import', docs: 0, labeled: 0 })).rejects.toMatchObject({
      code: 'CONFIG',
      message: expect.stringMatching(/not a dexie-export-import backup/),
    });
    await expect(backups.saveFile(p.id, file, { reason: 'import', docs: 0, labeled: 0 })).rejects.toMatchObject({
      code: 'DISK_FULL',
    });
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
  });
});
