import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeFs, type HostFs } from '../fs-util';
import { TeamStore } from './team';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-team-store-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('TeamStore', () => {
  it('a damaged team.json is an error naming the file and the member field', async () => {
    const file = path.join(tmp, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({ version: 1, members: [{ name: 'a', role: 'boss', tokenSha256: 'x', createdAt: 'now' }] }),
    );
    await expect(TeamStore.open(file)).rejects.toMatchObject({
      code: 'CONFIG',
      details: { file, field: 'members[0].role' },
    });
    writeFileSync(file, '{"members": [');
    await expect(TeamStore.open(file)).rejects.toThrow(/bad\.json: not valid JSON/);
  });

  it('two processes on one team.json: neither writes over the other, and a revoke made in one reaches the other', async () => {
    const file = path.join(tmp, 'shared-team.json');
    const a = await TeamStore.open(file);
    const b = await TeamStore.open(file);
    const ann = await a.invite('ann', 'annotator');
    // b has not re-read the file; its invite still keeps ann's.
    await b.invite('bob', 'annotator');
    const onDisk = () => (JSON.parse(readFileSync(file, 'utf8')) as { members: { name: string }[] }).members;
    expect(onDisk().map((m) => m.name)).toEqual(['ann', 'bob']);
    expect(b.resolve(ann)).toEqual({ name: 'ann', role: 'annotator' });
    // a hears of bob at its next refresh, and of b's revoke of ann: her token stops working in a too.
    const revoked: string[] = [];
    let changes = 0;
    a.onRevoke((n) => revoked.push(n));
    a.onChange(() => changes++);
    expect(await a.refresh()).toBe(true);
    expect(a.names().map((m) => m.name)).toEqual(['ann', 'bob']);
    expect(await a.refresh()).toBe(false); // nothing new
    await b.revoke('ann');
    expect(a.resolve(ann)).toBeDefined(); // not yet re-read
    await a.refresh();
    expect(a.resolve(ann)).toBeUndefined();
    expect(revoked).toEqual(['ann']);
    expect(changes).toBe(2);
    // A damaged file written elsewhere: an error naming it, and the members stay.
    writeFileSync(file, '{"members": [');
    await expect(a.refresh()).rejects.toMatchObject({ code: 'CONFIG' });
    expect(a.names().map((m) => m.name)).toEqual(['bob']);
  });

  it('watch() re-reads the file by itself', async () => {
    const file = path.join(tmp, 'watched-team.json');
    const a = await TeamStore.open(file);
    const b = await TeamStore.open(file);
    const stop = a.watch(20);
    try {
      const tok = await b.invite('cid', 'reviewer');
      await expect.poll(() => a.resolve(tok), { timeout: 5000 }).toEqual({ name: 'cid', role: 'reviewer' });
    } finally {
      stop();
    }
    expect(TeamStore.inMemory().watch(20)).toBeTypeOf('function');
  });

  it('a change that cannot be written is not made: the old file and the old tokens stay', async () => {
    const file = path.join(tmp, 'team.json');
    const ok = await TeamStore.open(file);
    const owner = await ok.ownerToken('olga');
    const before = readFileSync(file, 'utf8');
    const full: HostFs = {
      ...nodeFs,
      open: () => Promise.reject(Object.assign(new Error('no space'), { code: 'ENOSPC' })),
    };
    const t = await TeamStore.open(file, full);
    await expect(t.invite('ann', 'annotator')).rejects.toMatchObject({ code: 'DISK_FULL' });
    expect(t.list().map((m) => m.name)).toEqual(['olga']);
    await expect(t.ownerToken('olga')).rejects.toMatchObject({ code: 'DISK_FULL' });
    expect(t.resolve(owner)).toEqual({ name: 'olga', role: 'owner' });
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('names are checked; the start-up owner may not be an existing non-owner; revoked members may be invited back', async () => {
    const t = TeamStore.inMemory();
    await expect(t.invite('  ', 'annotator')).rejects.toThrow(/1 to 64 printable characters/);
    await expect(t.invite('x', 'admin')).rejects.toThrow(/annotator, reviewer or owner/);
    const first = await t.invite('ann', 'annotator');
    await expect(t.ownerToken('ann')).rejects.toThrow(/"ann" is a member with the role annotator/);
    await t.revoke('ann');
    expect(t.resolve(first)).toBeUndefined();
    const second = await t.invite('ann', 'reviewer');
    expect(t.resolve(second)).toEqual({ name: 'ann', role: 'reviewer' });
    expect(t.resolve(first)).toBeUndefined();
    await expect(t.revoke('nobody')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
