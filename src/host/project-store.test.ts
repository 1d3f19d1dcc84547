import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LabelDef } from '../shared/api';
import { ProjectStore } from './project-store';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-store-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const labels: LabelDef[] = [
  { name: '负面', color: '#c0392b', hotkey: '1', description: '差评' },
  { name: '正面', color: '#27ae60', hotkey: '2' },
];

describe('ProjectStore', () => {
  it('creates project folders (project.json, models, exports, datasets) and lists them', async () => {
    const store = new ProjectStore(path.join(tmp, 'a'));
    expect(await store.list()).toEqual([]);
    const p = await store.create({ name: '外卖评论 Reviews', task: 'binary', labels, guidelines: '按整体情感标注' });
    expect(p.id).toMatch(/^reviews-[0-9a-f]{8}$/);
    expect(p.folder).toBe(path.join(tmp, 'a', p.id));
    for (const f of ['project.json', 'models', 'exports', 'datasets'])
      expect(existsSync(path.join(p.folder, f))).toBe(true);
    const onDisk = JSON.parse(readFileSync(path.join(p.folder, 'project.json'), 'utf8'));
    expect(onDisk).toMatchObject({ name: '外卖评论 Reviews', task: 'binary', labels, guidelines: '按整体情感标注' });
    expect(onDisk.folder).toBeUndefined(); // where it lies, not what it says
    const q = await store.create({
      name: '第二个',
      task: 'multilabel',
      labels: [{ name: '口味', color: '#111', hotkey: 'a' }],
    });
    expect(q.id).toMatch(/^project-[0-9a-f]{8}$/);
    // A stray folder without project.json is not a project.
    mkdirSync(path.join(tmp, 'a', 'junk'));
    expect((await store.list()).map((x) => x.id)).toEqual([p.id, q.id]);
    expect(await store.get(p.id)).toEqual(p);
  });

  it('updates what may change and keeps id, createdAt and folder', async () => {
    const store = new ProjectStore(path.join(tmp, 'b'));
    const p = await store.create({
      name: 'x',
      task: 'multiclass',
      labels: [...labels, { name: '中性', color: '#999', hotkey: '3' }],
    });
    const u = await store.update({
      ...p,
      name: 'renamed',
      createdAt: '1999-01-01',
      folder: '/etc',
      labels: p.labels.slice(0, 2),
    });
    expect(u).toMatchObject({ id: p.id, name: 'renamed', createdAt: p.createdAt, folder: p.folder });
    expect(u.labels).toHaveLength(2);
    expect((await store.get(p.id)).name).toBe('renamed');
  });

  it('records the sample project in project.json (every browser sees it) and keeps the mark across updates', async () => {
    const store = new ProjectStore(path.join(tmp, 's'));
    const s = await store.create({ name: 'Sample project', task: 'binary', labels, sample: true });
    const plain = await store.create({ name: 'mine', task: 'binary', labels });
    expect(JSON.parse(readFileSync(path.join(s.folder, 'project.json'), 'utf8')).sample).toBe(true);
    expect((await store.list()).map((x) => [x.name, x.sample ?? false])).toEqual([
      ['Sample project', true],
      ['mine', false],
    ]);
    // An update from a UI that does not send the mark keeps it; nothing makes a project the sample later.
    expect((await store.update({ ...s, name: '示例项目', sample: undefined })).sample).toBe(true);
    expect((await store.update({ ...plain, sample: true })).sample).toBeUndefined();
    await expect(
      store.create({ name: 'x', task: 'binary', labels, sample: 'yes' as unknown as boolean }),
    ).rejects.toMatchObject({ code: 'CONFIG', details: { field: 'sample' } });
  });

  it('keeps team routing (overlap) in project.json, drops it when an update leaves it out, and refuses a bad one naming the field', async () => {
    const store = new ProjectStore(path.join(tmp, 'routing'));
    const p = await store.create({ name: 'team', task: 'binary', labels });
    const u = await store.update({ ...p, overlap: { fraction: 0.2, k: 2, blind: true } });
    expect(u.overlap).toEqual({ fraction: 0.2, k: 2, blind: true });
    expect(JSON.parse(readFileSync(path.join(p.folder, 'project.json'), 'utf8')).overlap).toEqual({
      fraction: 0.2,
      k: 2,
      blind: true,
    });
    await expect(store.update({ ...p, overlap: { fraction: 0.2, k: 1, blind: false } })).rejects.toMatchObject({
      code: 'CONFIG',
      details: { field: 'overlap.k' },
    });
    expect((await store.get(p.id)).overlap).toEqual({ fraction: 0.2, k: 2, blind: true }); // a refused update changes nothing
    expect((await store.update({ ...p })).overlap).toBeUndefined();
  });

  it('refuses ids that are not ids (path traversal) and unknown projects', async () => {
    const store = new ProjectStore(path.join(tmp, 'c'));
    writeFileSync(path.join(tmp, 'project.json'), '{}');
    for (const id of ['..', '../c', '/etc', 'a/b', '', 'A', 'x'.repeat(80), 42])
      await expect(store.folder(id)).rejects.toMatchObject({ code: 'CONFIG' });
    await expect(store.folder('nope-00000000')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('validates the schema: names, hotkeys, task', async () => {
    const store = new ProjectStore(path.join(tmp, 'd'));
    const base = { name: 'v', task: 'multiclass' as const, labels };
    await expect(store.create({ ...base, name: ' ' })).rejects.toMatchObject({
      code: 'CONFIG',
      details: { field: 'name' },
    });
    await expect(store.create({ ...base, task: 'regression' as 'binary' })).rejects.toMatchObject({
      details: { field: 'task' },
    });
    await expect(store.create({ ...base, labels: [labels[0], { ...labels[1], hotkey: '1' }] })).rejects.toThrow(
      /hotkey "1" is already used/,
    );
    await expect(store.create({ ...base, labels: [labels[0], { ...labels[1], hotkey: 'F5' }] })).rejects.toThrow(
      /one key/,
    );
    await expect(store.create({ ...base, labels: [labels[0], { ...labels[0], hotkey: '3' }] })).rejects.toThrow(
      /appears twice/,
    );
    await expect(store.create({ ...base, labels: [labels[0], { ...labels[1], name: 'a|b' }] })).rejects.toThrow(
      /separates labels/,
    );
    await expect(
      store.create({ ...base, task: 'binary', labels: [...labels, { name: 'x', color: '#000', hotkey: '9' }] }),
    ).rejects.toThrow(/exactly two/);
    expect(await store.list()).toEqual([]);
  });
});
