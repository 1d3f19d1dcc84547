import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiCall, DesktopCall, ElectronApi, JobStatus } from '../shared/api';
import { isBridgeError, withWireErrors } from '../shared/bridge';
import { CancelledError, DistilleryError } from '../shared/errors';

type Listener = (event: unknown, ...args: unknown[]) => void;

const h = vi.hoisted(() => {
  const state = {
    exposed: [] as [string, unknown][],
    invoked: [] as unknown[][],
    reply: undefined as unknown,
    listeners: new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>(),
  };
  const ipcRenderer = {
    invoke: async (...a: unknown[]) => {
      state.invoked.push(a);
      const r = state.reply;
      if (r instanceof Error) throw r;
      return typeof r === 'function' ? (r as (...x: unknown[]) => unknown)(...a) : r;
    },
    on(channel: string, l: (event: unknown, ...args: unknown[]) => void) {
      if (!state.listeners.has(channel)) state.listeners.set(channel, new Set());
      state.listeners.get(channel)!.add(l);
      return ipcRenderer;
    },
    removeListener(channel: string, l: (event: unknown, ...args: unknown[]) => void) {
      state.listeners.get(channel)?.delete(l);
      return ipcRenderer;
    },
    send: () => {},
    sendSync: () => {},
    postMessage: () => {},
  };
  return { state, ipcRenderer };
});

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => h.state.exposed.push([key, api]) },
  ipcRenderer: h.ipcRenderer,
}));

const preload = await import('./index');
const api = h.state.exposed[0]?.[1] as ElectronApi;

/** Every method of ElectronApi (DistilleryApi + desktop) with sample arguments; the Record type makes the list exact. */
const METHODS: Record<ApiCall | DesktopCall | 'jobs.subscribe' | 'journal.subscribe', unknown[]> = {
  'system.info': [],
  'projects.list': [],
  'projects.create': [{ name: 'n', task: 'binary', labels: [] }],
  'projects.update': [{ id: 'p', name: 'n', task: 'binary', labels: [], createdAt: '', folder: '' }],
  'corpus.parse': [{ fileName: 'a.csv', base64: 'YQ==' }],
  'jobs.start': [{ kind: 'score', projectId: 'p', task: 'binary', labels: [], docs: { labeled: [] }, options: {} }],
  'jobs.cancel': ['j'],
  'jobs.status': ['j'],
  'jobs.subscribe': [() => {}],
  'journal.append': ['p', []],
  'journal.read': ['p'],
  'journal.sentinel': ['p'],
  'journal.since': ['p', 0],
  'journal.subscribe': [() => {}],
  'exports.dataset': [{ projectId: 'p', format: 'csv', rows: [], labels: [] }],
  'exports.model': ['p', 'v1', 'onnx'],
  'exports.list': ['p'],
  'backups.save': ['p', '{"formatName":"dexie"}', { reason: 'labels', docs: 1, labeled: 1 }],
  'backups.list': ['p'],
  'backups.read': ['p', 'auto-20250101-000000-000.json'],
  'team.me': [],
  'team.names': [],
  'team.list': [],
  'team.invite': ['ann', 'annotator'],
  'team.revoke': ['ann'],
  'share.start': [{ host: '127.0.0.1', port: 0 }],
  'share.stop': [],
  'share.status': [],
  'desktop.showItemInFolder': ['/home/u/.config/distillery/projects/p/exports/dataset-1.csv'],
};

beforeEach(() => {
  h.state.invoked.length = 0;
  h.state.reply = { ok: true, result: null };
});

describe('preload', () => {
  it('exposes exactly one object, window.distillery, with the keys of DistilleryApi and the desktop group', () => {
    expect(h.state.exposed.map(([k]) => k)).toEqual(['distillery']);
    const shape = Object.fromEntries(Object.entries(api).map(([g, m]) => [g, Object.keys(m as object).sort()]));
    const expected: Record<string, string[]> = {};
    for (const name of Object.keys(METHODS)) {
      const [g, m] = name.split('.');
      (expected[g] ??= []).push(m);
    }
    for (const g of Object.keys(expected)) expected[g].sort();
    expect(shape).toEqual(expected);
  });

  it('exposes no ipcRenderer, no IPC primitive and no getter', () => {
    const seen: unknown[] = [];
    const walk = (v: unknown, where: string) => {
      expect(v, where).not.toBe(h.ipcRenderer);
      if (!v || typeof v !== 'object') return;
      seen.push(v);
      for (const k of Object.keys(v)) {
        expect(
          [
            'invoke',
            'send',
            'sendSync',
            'sendTo',
            'on',
            'once',
            'removeListener',
            'removeAllListeners',
            'postMessage',
            'ipcRenderer',
          ],
          where,
        ).not.toContain(k);
        const d = Object.getOwnPropertyDescriptor(v, k)!;
        expect(d.get, `${where}.${k} is a getter`).toBeUndefined();
        if (typeof d.value === 'object') walk(d.value, `${where}.${k}`);
        else expect(typeof d.value, `${where}.${k}`).toBe('function');
      }
    };
    walk(api, 'distillery');
    expect(seen.length).toBe(11);
  });

  it('each method is one invoke on distillery:call with its name and arguments', async () => {
    expect(preload.CALL_CHANNEL).toBe('distillery:call'); // = src/main/ipc.ts
    expect(preload.JOB_CHANNEL).toBe('distillery:job');
    for (const [name, args] of Object.entries(METHODS)) {
      if (name.endsWith('.subscribe')) continue;
      const [g, m] = name.split('.');
      h.state.reply = { ok: true, result: { echo: name } };
      const fn = (api as unknown as Record<string, Record<string, (...a: unknown[]) => Promise<unknown>>>)[g][m];
      const r = await fn(...args);
      expect(h.state.invoked.at(-1), name).toEqual(['distillery:call', name, args]);
      if (!['jobs.cancel', 'journal.append', 'team.revoke', 'desktop.showItemInFolder'].includes(name))
        expect(r, name).toEqual({ echo: name });
      else expect(r, name).toBeUndefined();
    }
    expect(h.state.invoked).toHaveLength(Object.keys(METHODS).length - 2);
  });

  it('errors cross the bridge as plain WireErrors, rebuilt as DistilleryErrors in the page', async () => {
    const w = {
      name: 'InputError',
      code: 'INPUT_PARSE',
      message: 'a.csv:3:7 unterminated quote',
      details: { file: 'a.csv', line: 3, column: 7 },
    };
    h.state.reply = { ok: false, error: w };
    const raw = await api.corpus.parse({ fileName: 'a.csv', base64: '' }).catch((e: unknown) => e);
    // What the preload rejects with is a plain object: the contextBridge copies it whole (an Error
    // would arrive with its message only).
    expect(raw).not.toBeInstanceOf(Error);
    expect(isBridgeError(raw)).toBe(true);
    expect(structuredClone(raw)).toEqual(raw);
    const e = await withWireErrors(api)
      .corpus.parse({ fileName: 'a.csv', base64: '' })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DistilleryError);
    expect(e).toMatchObject({ code: 'INPUT_PARSE', message: w.message, details: w.details });
    h.state.reply = {
      ok: false,
      error: { name: 'CancelledError', code: 'CANCELLED', message: 'cancelled', details: {} },
    };
    expect(
      await withWireErrors(api)
        .jobs.status('j')
        .catch((x: unknown) => x),
    ).toBeInstanceOf(CancelledError);
    h.state.reply = {
      ok: false,
      error: { name: 'Forbidden', code: 'CONFIG', message: 'IPC call refused', details: { status: 403 } },
    };
    expect(
      await withWireErrors(api)
        .projects.list()
        .catch((x: unknown) => x),
    ).toMatchObject({ code: 'CONFIG', details: { status: 403 } });
  });

  it('desktop.showItemInFolder: one invoke with the path; a refusal arrives as a DistilleryError', async () => {
    const file = '/home/u/.config/distillery/projects/p/exports/dataset-1.csv';
    h.state.reply = { ok: true, result: null };
    await expect(withWireErrors(api).desktop.showItemInFolder(file)).resolves.toBeUndefined();
    expect(h.state.invoked.at(-1)).toEqual(['distillery:call', 'desktop.showItemInFolder', [file]]);
    const refused = {
      name: 'DistilleryError',
      code: 'CONFIG',
      message: 'Show in folder refused: /etc/passwd is not a file the app wrote',
      details: { field: 'file', status: 403 },
    };
    h.state.reply = { ok: false, error: refused };
    const e = await withWireErrors(api)
      .desktop.showItemInFolder('/etc/passwd')
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DistilleryError);
    expect(e).toMatchObject({ code: 'CONFIG', details: { status: 403 } });
  });

  it('a main process that does not answer is an INTERNAL error', async () => {
    h.state.reply = new Error("No handler registered for 'distillery:call'");
    const e = await withWireErrors(api)
      .projects.list()
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DistilleryError);
    expect(e).toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('No handler registered') });
    h.state.reply = undefined;
    expect(
      await withWireErrors(api)
        .projects.list()
        .catch((x: unknown) => x),
    ).toMatchObject({ code: 'INTERNAL' });
    // Errors that are not the bridge's pass through unchanged.
    const plain = new TypeError('x');
    const wrapped = withWireErrors({ ...api, system: { info: () => Promise.reject(plain) } });
    expect(await wrapped.system.info().catch((x: unknown) => x)).toBe(plain);
  });

  it('subscribe hands listeners bare JobStatus objects, never the IPC event', () => {
    const got: JobStatus[][] = [[], []];
    const un1 = api.jobs.subscribe((s) => got[0].push(s));
    const un2 = api.jobs.subscribe((s) => {
      got[1].push(s);
      throw new Error('a broken listener does not stop the others');
    });
    const ls = h.state.listeners.get('distillery:job')!;
    expect(ls.size).toBe(1); // one IPC listener, whatever the number of subscribers
    const s: JobStatus = {
      id: 'j1',
      kind: 'distill',
      state: 'running',
      progress: { phase: 'epoch', done: 1, total: 3 },
    };
    const event = { sender: h.ipcRenderer, senderId: 0 };
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    for (const l of ls) (l as Listener)(event, s);
    for (const l of ls) (l as Listener)(event, 'garbage');
    for (const l of ls) (l as Listener)(event, null);
    expect(got[0]).toEqual([s]);
    expect(got[1]).toEqual([s]);
    expect(err).toHaveBeenCalledTimes(1);
    un1();
    un1();
    expect(ls.size).toBe(1);
    un2();
    expect(ls.size).toBe(0);
    expect(() => api.jobs.subscribe(undefined as unknown as () => void)).toThrow(TypeError);
  });
});
