import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import type { JobStatus, JournalNews, ProjectMeta } from '../shared/api';
import { DistilleryError } from '../shared/errors';
import type { HostApi } from '../host/api-backend';

vi.mock('electron', () => import('../../test/doubles/fake-electron'));

const fake = await import('../../test/doubles/fake-electron');
const { CALL_CHANNEL, JOB_CHANNEL, registerIpc } = await import('./ipc');

const project: ProjectMeta = {
  id: 'p1',
  name: 'Reviews',
  task: 'binary',
  labels: [],
  createdAt: '2025-01-01T00:00:00Z',
  folder: '/projects/p1',
};

function setup() {
  const ours = new fake.FakeWebContents('app://distillery/index.html');
  const listeners = new Set<(s: JobStatus) => void>();
  const calls: unknown[][] = [];
  const log: string[] = [];
  const backend = {
    system: { info: vi.fn() },
    projects: {
      list: vi.fn(async () => [project]),
      create: vi.fn(async (p: Omit<ProjectMeta, 'id' | 'createdAt' | 'folder'>) => ({ ...project, ...p })),
      update: vi.fn(),
    },
    corpus: { parse: vi.fn() },
    jobs: {
      start: vi.fn(),
      cancel: vi.fn(async () => undefined),
      status: vi.fn(async (id: string) => {
        throw new DistilleryError('NOT_FOUND', `no job "${id}"`, { field: 'id' });
      }),
    },
    journal: { append: vi.fn(), read: vi.fn(), sentinel: vi.fn() },
    exports: {
      dataset: vi.fn(async () => {
        throw new Error('disk on fire');
      }),
      model: vi.fn(),
    },
    backups: { save: vi.fn(), list: vi.fn(), read: vi.fn() },
    team: { me: vi.fn(), list: vi.fn(), invite: vi.fn(), revoke: vi.fn() },
    share: { start: vi.fn(), stop: vi.fn(), status: vi.fn() },
  } satisfies Record<keyof HostApi, Record<string, unknown>>;
  const windows = [ours];
  const journalListeners = new Set<(n: JournalNews) => void>();
  const dispose = registerIpc({
    backend: backend as unknown as HostApi,
    subscribe: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    subscribeJournal: (l) => {
      journalListeners.add(l);
      return () => journalListeners.delete(l);
    },
    isOwnUrl: (u) => u.startsWith('app://distillery/'),
    windows: () => windows as unknown as WebContents[],
    log: (m) => log.push(m),
  });
  const handler = fake.ipcMain.handlers.get('distillery:call')!;
  const invoke = (name: unknown, args: unknown, from: { sender?: unknown; senderFrame?: unknown } = {}) => {
    calls.push([name, args]);
    const event = {
      sender: from.sender ?? ours,
      senderFrame: 'senderFrame' in from ? from.senderFrame : ours.mainFrame,
    } as unknown as IpcMainInvokeEvent;
    return handler(event, name, args);
  };
  return { ours, windows, backend, invoke, listeners, journalListeners, log, dispose };
}

beforeEach(() => fake.ipcMain.handlers.clear());

describe('IPC (main side)', () => {
  it('registers one handler, on the agreed channel', () => {
    setup();
    expect(CALL_CHANNEL).toBe('distillery:call');
    expect(JOB_CHANNEL).toBe('distillery:job');
    expect([...fake.ipcMain.handlers.keys()]).toEqual(['distillery:call']);
  });

  it('a valid call reaches dispatch and returns its result', async () => {
    const { invoke, backend } = setup();
    expect(await invoke('projects.list', [])).toEqual({ ok: true, result: [project] });
    const created = await invoke('projects.create', [{ name: 'Mail', task: 'multiclass', labels: [] }]);
    expect(created).toMatchObject({ ok: true, result: { name: 'Mail', task: 'multiclass' } });
    expect(backend.projects.create).toHaveBeenCalledWith({ name: 'Mail', task: 'multiclass', labels: [] });
    expect(await invoke('jobs.cancel', ['j1'])).toEqual({ ok: true, result: null }); // void → null, as in serve mode
  });

  it('rejects IPC from a foreign sender without running anything', async () => {
    const { invoke, backend, ours, log } = setup();
    const other = new fake.FakeWebContents('app://distillery/index.html');
    const evil = new fake.FakeFrame('https://evil.example/');
    const sub = new fake.FakeFrame('app://distillery/index.html');
    sub.parent = ours.mainFrame;
    const cases: [string, { sender?: unknown; senderFrame?: unknown }][] = [
      ['another webContents', { sender: other, senderFrame: other.mainFrame }],
      ['something that is no webContents', { sender: {}, senderFrame: ours.mainFrame }],
      ['a foreign page in our window', { senderFrame: evil }],
      ['a file:// page in our window', { senderFrame: new fake.FakeFrame('file:///tmp/x.html') }],
      ['a subframe', { senderFrame: sub }],
      ['a frame that is gone', { senderFrame: null }],
    ];
    for (const [what, from] of cases) {
      const r = await invoke('projects.list', [], from);
      expect(r, what).toMatchObject({ ok: false, error: { name: 'Forbidden', details: { status: 403 } } });
    }
    ours.destroyed = true;
    expect(await invoke('projects.list', [])).toMatchObject({ ok: false, error: { name: 'Forbidden' } });
    expect(backend.projects.list).not.toHaveBeenCalled();
    expect(log.filter((l) => l.startsWith('refused IPC call'))).toHaveLength(7);
  });

  it('rejects an unknown call name', async () => {
    const { invoke, backend } = setup();
    for (const name of [
      'projects.delete',
      'constructor',
      '__proto__',
      'projects.list.call',
      'jobs.subscribe',
      'store.root',
      'router.dispose',
      'dispose',
      42,
      undefined,
      { toString: () => 'projects.list' },
    ]) {
      const r = await invoke(name, []);
      expect(r, String(name)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', details: { field: 'call' } } });
    }
    expect(backend.projects.list).not.toHaveBeenCalled();
    expect(await invoke('projects.list', { 0: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'CONFIG', details: { field: 'args' } },
    });
  });

  it('errors arrive as WireError, without stacks', async () => {
    const { invoke, log } = setup();
    const nf = (await invoke('jobs.status', ['nope'])) as { ok: false; error: Record<string, unknown> };
    expect(nf).toEqual({
      ok: false,
      error: { name: 'DistilleryError', code: 'NOT_FOUND', message: 'no job "nope"', details: { field: 'id' } },
    });
    const internal = (await invoke('exports.dataset', [{}])) as { ok: false; error: Record<string, unknown> };
    expect(internal.error).toEqual({ name: 'Error', code: 'INTERNAL', message: 'disk on fire', details: {} });
    expect(log.some((l) => l.startsWith('exports.dataset failed') && l.includes('disk on fire'))).toBe(true);
    expect(structuredClone(internal)).toEqual(internal); // survives IPC's structured clone
  });

  it('forwards job events to our window only, and stops on dispose', () => {
    const { ours, windows, listeners, dispose } = setup();
    const gone = new fake.FakeWebContents();
    gone.destroyed = true;
    windows.push(gone);
    const s: JobStatus = {
      id: 'j1',
      kind: 'train-student',
      state: 'running',
      progress: { phase: 'epoch', done: 1, total: 5 },
    };
    for (const l of listeners) l(s);
    expect(ours.sent).toEqual([['distillery:job', s]]);
    expect(gone.sent).toEqual([]);
    dispose();
    expect(listeners.size).toBe(0);
    expect(fake.ipcMain.handlers.size).toBe(0);
  });

  it('forwards journal news to our window on their own channel, and stops on dispose', () => {
    const { ours, journalListeners, dispose } = setup();
    const n: JournalNews = { type: 'journal', projectId: 'p1', lastSeq: 3 };
    for (const l of journalListeners) l(n);
    expect(ours.sent).toEqual([['distillery:journal', n]]);
    dispose();
    expect(journalListeners.size).toBe(0);
  });
});

describe('IPC: desktop.showItemInFolder', () => {
  const tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'distillery-reveal-')));
  const folder = path.join(tmp, 'projects', 'p1');
  const exported = path.join(folder, 'exports', 'dataset-20250101.csv');
  const journal = path.join(folder, 'journal.jsonl');
  const outside = path.join(tmp, 'outside.txt');
  const sibling = path.join(tmp, 'projects', 'p1-evil', 'x.csv');
  const link = path.join(folder, 'exports', 'link.csv');
  mkdirSync(path.dirname(exported), { recursive: true });
  mkdirSync(path.dirname(sibling), { recursive: true });
  for (const f of [exported, journal, outside, sibling]) writeFileSync(f, 'x');
  symlinkSync(outside, link);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  function reveal() {
    const t = setup();
    t.backend.projects.list.mockResolvedValue([{ ...project, folder }]);
    fake.shell.shown.length = 0;
    return {
      ...t,
      show: (file: unknown, from?: { sender?: unknown; senderFrame?: unknown }) =>
        t.invoke('desktop.showItemInFolder', [file], from),
    };
  }

  it('shows a file the app wrote in a project folder, through shell.showItemInFolder', async () => {
    const { show } = reveal();
    expect(await show(exported)).toEqual({ ok: true, result: null });
    expect(await show(journal)).toEqual({ ok: true, result: null });
    expect(fake.shell.shown).toEqual([exported, journal]);
  });

  it('refuses paths outside the project folders, relative paths, links out and the folder itself; shows nothing', async () => {
    const { show, log } = reveal();
    for (const file of [
      outside,
      path.join(folder, '..', '..', 'outside.txt'),
      sibling,
      link,
      folder,
      path.join(tmp, 'projects'),
      '/',
      'exports/dataset-20250101.csv',
      './journal.jsonl',
    ]) {
      expect(await show(file), file).toMatchObject({
        ok: false,
        error: { code: 'CONFIG', details: { field: 'file', status: 403 } },
      });
    }
    for (const bad of [undefined, 42, '', { toString: () => exported }, `${exported}\0.png`, 'x'.repeat(5000)]) {
      expect(await show(bad), String(bad)).toMatchObject({
        ok: false,
        error: { code: 'CONFIG', details: { status: 403 } },
      });
    }
    expect(await show(path.join(folder, 'exports', 'missing.csv'))).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(fake.shell.shown).toEqual([]);
    expect(log.filter((l) => l.startsWith('Show in folder refused')).length).toBeGreaterThanOrEqual(9);
  });

  it('checks its sender like every call: a foreign frame reaches neither the projects nor the shell', async () => {
    const { show, backend } = reveal();
    const r = await show(exported, { senderFrame: new fake.FakeFrame('https://evil.example/') });
    expect(r).toMatchObject({ ok: false, error: { name: 'Forbidden', details: { status: 403 } } });
    expect(backend.projects.list).not.toHaveBeenCalled();
    expect(fake.shell.shown).toEqual([]);
  });

  it('also shows a file an export returned this session, wherever the export wrote it', async () => {
    const { show, invoke, backend } = reveal();
    expect(await show(outside)).toMatchObject({ ok: false, error: { details: { status: 403 } } });
    backend.exports.model.mockResolvedValue({ file: outside } as never);
    expect(await invoke('exports.model', ['p1', 'v1', 'onnx'])).toEqual({ ok: true, result: { file: outside } });
    expect(await show(outside)).toEqual({ ok: true, result: null });
    expect(fake.shell.shown).toEqual([outside]);
  });

  it('is no API call: serve mode cannot reach it, and its arguments must be a list', async () => {
    const { isApiCall } = await import('../shared/api-calls');
    expect(isApiCall('desktop.showItemInFolder')).toBe(false);
    const { invoke } = reveal();
    expect(await invoke('desktop.showItemInFolder', { 0: exported })).toMatchObject({
      ok: false,
      error: { code: 'CONFIG', details: { field: 'args' } },
    });
    expect(await invoke('desktop.openExternal', ['https://example.com'])).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(fake.shell.shown).toEqual([]);
  });
});
