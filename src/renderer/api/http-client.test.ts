import { toBridgeError } from '../../shared/bridge';
import { describe, expect, it, vi } from 'vitest';
import type { JobStatus } from '../../shared/api';
import { CancelledError, DistilleryError } from '../../shared/errors';
import { createApi } from './index';
import { HttpApi } from './http-client';

function fakeFetch(reply: (name: string, args: unknown[]) => { status?: number; body: unknown }) {
  const calls: { url: string; init: RequestInit }[] = [];
  const f = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init: init! });
    const name = String(url).split('/api/')[1];
    const r = reply(name, typeof init!.body === 'string' ? JSON.parse(init!.body) : [init!.body]);
    return new Response(typeof r.body === 'string' ? r.body : JSON.stringify(r.body), { status: r.status ?? 200 });
  });
  return { f: f as unknown as typeof fetch, calls };
}

class FakeWS {
  static all: FakeWS[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeWS.all.push(this);
  }
  close() {
    this.closed = true;
    this.onclose?.();
  }
}

describe('HttpApi', () => {
  it('sends small requests as keepalive while the page is hidden (it may be closing), others as usual', async () => {
    const { f, calls } = fakeFetch(() => ({ body: { ok: true, result: null } }));
    const api = new HttpApi({ base: 'http://h:1', fetch: f });
    const ev = { docId: 'd', labels: ['a'], source: 'human' as const, who: 'w', at: 't', action: 'label' as const };
    await api.journal.append('p1', [ev]);
    const doc = { visibilityState: 'hidden' };
    vi.stubGlobal('document', doc);
    try {
      await api.journal.append('p1', [ev]);
      await api.journal.append('p1', [{ ...ev, text: '长'.repeat(20_000) }]);
      doc.visibilityState = 'visible';
      await api.journal.append('p1', [ev]);
    } finally {
      vi.unstubAllGlobals();
    }
    expect(calls.map((c) => c.init.keepalive ?? false)).toEqual([false, true, false, false]);
  });

  it('POSTs the arguments as a JSON array with same-origin credentials and returns the result', async () => {
    const { f, calls } = fakeFetch((name, args) => ({ body: { ok: true, result: { name, args } } }));
    const api = new HttpApi({ base: 'http://h:1', fetch: f });
    const r = (await api.journal.append('p1', [
      { docId: 'd', labels: ['a'], source: 'human', who: 'w', at: 't', action: 'label' },
    ])) as unknown;
    expect(r).toEqual({
      name: 'journal.append',
      args: ['p1', [{ docId: 'd', labels: ['a'], source: 'human', who: 'w', at: 't', action: 'label' }]],
    });
    expect(calls[0].url).toBe('http://h:1/api/journal.append');
    expect(calls[0].init).toMatchObject({ method: 'POST', credentials: 'same-origin' });
    await api.exports.model('p', 'v1', 'onnx');
    expect(JSON.parse(String(calls[1].init.body))).toEqual(['p', 'v1', 'onnx']);
    await api.system.info();
    expect(JSON.parse(String(calls[2].init.body))).toEqual([]);
  });

  it('sends a corpus file and a backup to /api/upload as bytes, then names the upload in the call', async () => {
    let n = 0;
    const { f, calls } = fakeFetch((name, args) => ({
      body: { ok: true, result: name === 'upload' ? { upload: `u${++n}` } : { name, args } },
    }));
    const api = new HttpApi({ base: 'http://h:1', fetch: f });
    const csv = 'text,label\n很好吃,1\n';
    const parsed = (await api.corpus.parse({
      fileName: 'a.csv',
      base64: Buffer.from(csv).toString('base64'),
      dedupe: true,
    })) as unknown;
    expect(calls[0]).toMatchObject({
      url: 'http://h:1/api/upload',
      init: { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, credentials: 'same-origin' },
    });
    expect(new TextDecoder().decode(calls[0].init.body as Uint8Array)).toBe(csv);
    expect(parsed).toEqual({ name: 'corpus.parse', args: [{ fileName: 'a.csv', dedupe: true, upload: 'u1' }] });
    const data = '{"formatName":"dexie","data":"备份"}';
    const saved = (await api.backups.save('p1', data, { reason: 'import', docs: 1, labeled: 0 })) as unknown;
    expect(calls[2].url).toBe('http://h:1/api/upload');
    expect(await (calls[2].init.body as Blob).text()).toBe(data);
    expect(saved).toEqual({
      name: 'backups.save',
      args: ['p1', { upload: 'u2' }, { reason: 'import', docs: 1, labeled: 0 }],
    });
  });

  it('rebuilds wire errors as DistilleryErrors with code and details (and the HTTP status)', async () => {
    const { f } = fakeFetch(() => ({
      status: 400,
      body: {
        ok: false,
        error: { name: 'InputError', code: 'INPUT_PARSE', message: 'a.csv:7: bad quote', details: { line: 7 } },
      },
    }));
    const api = new HttpApi({ fetch: f });
    const e = await api.corpus.parse({ fileName: 'a.csv', base64: '' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DistilleryError);
    expect(e).toMatchObject({ code: 'INPUT_PARSE', message: 'a.csv:7: bad quote', details: { line: 7, status: 400 } });
    const { f: f2 } = fakeFetch(() => ({
      body: { ok: false, error: { name: 'CancelledError', code: 'CANCELLED', message: 'stop', details: {} } },
    }));
    await expect(new HttpApi({ fetch: f2 }).jobs.cancel('x')).rejects.toBeInstanceOf(CancelledError);
  });

  it('reports a non-JSON answer (401 page, proxy error) and a network failure clearly', async () => {
    const { f } = fakeFetch(() => ({ status: 401, body: 'unauthorized' }));
    await expect(new HttpApi({ fetch: f }).projects.list()).rejects.toMatchObject({
      code: 'INTERNAL',
      details: { status: 401 },
    });
    const down = (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch;
    await expect(new HttpApi({ fetch: down }).projects.list()).rejects.toMatchObject({
      message: expect.stringContaining('did not answer'),
    });
  });

  it('delivers job events from the WebSocket and reconnects while someone listens', async () => {
    FakeWS.all = [];
    const api = new HttpApi({
      base: 'http://127.0.0.1:9',
      WebSocket: FakeWS as unknown as typeof WebSocket,
      reconnectMs: { first: 5, max: 10 },
    });
    const got: JobStatus[] = [];
    const off = api.jobs.subscribe((s) => got.push(s));
    expect(FakeWS.all).toHaveLength(1);
    expect(FakeWS.all[0].url).toBe('ws://127.0.0.1:9/api/events');
    FakeWS.all[0].onopen?.();
    FakeWS.all[0].onmessage?.({ data: JSON.stringify({ id: 'j1', kind: 'train-student', state: 'running' }) });
    FakeWS.all[0].onmessage?.({ data: 'not json' });
    expect(got).toEqual([{ id: 'j1', kind: 'train-student', state: 'running' }]);
    // The server went away: a new socket follows.
    FakeWS.all[0].onclose?.();
    await new Promise((r) => setTimeout(r, 20));
    expect(FakeWS.all).toHaveLength(2);
    off();
    expect(FakeWS.all[1].closed).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    expect(FakeWS.all).toHaveLength(2);
  });

  it('hands journal news to journal listeners and job statuses to job listeners, on one socket', async () => {
    FakeWS.all = [];
    const api = new HttpApi({
      base: 'http://127.0.0.1:9',
      WebSocket: FakeWS as unknown as typeof WebSocket,
      reconnectMs: { first: 5, max: 10 },
    });
    const news: unknown[] = [];
    const jobs: unknown[] = [];
    const teams: unknown[] = [];
    const offNews = api.journal.subscribe((n) => news.push(n));
    const offJobs = api.jobs.subscribe((s) => jobs.push(s));
    const offTeam = api.team.subscribe!((n) => teams.push(n));
    expect(FakeWS.all).toHaveLength(1);
    const ws = FakeWS.all[0];
    ws.onopen?.();
    ws.onmessage?.({ data: JSON.stringify({ type: 'hello', version: '0.1.0', mode: 'serve' }) });
    ws.onmessage?.({ data: JSON.stringify({ type: 'journal', projectId: 'p1', lastSeq: 7 }) });
    ws.onmessage?.({ data: JSON.stringify({ type: 'journal', projectId: 'p1' }) });
    ws.onmessage?.({ data: JSON.stringify({ id: 'j1', kind: 'train-student', state: 'running' }) });
    ws.onmessage?.({ data: JSON.stringify({ type: 'team' }) });
    expect(news).toEqual([{ type: 'journal', projectId: 'p1', lastSeq: 7 }]);
    expect(teams).toEqual([{ type: 'team' }]);
    offTeam();
    expect(jobs).toEqual([{ id: 'j1', kind: 'train-student', state: 'running' }]);
    // The socket stays while journal news are wanted, even with no job listener left.
    offJobs();
    expect(ws.closed).toBeFalsy();
    offNews();
    expect(ws.closed).toBe(true);
  });

  it('uses the preload API when Electron exposed one, rebuilding its errors', async () => {
    const info = { version: 'x' };
    const fake = {
      system: { info: async () => info },
      projects: {
        list: async () => {
          throw toBridgeError({
            name: 'DistilleryError',
            code: 'NOT_FOUND',
            message: 'no such project',
            details: { field: 'id' },
          });
        },
      },
    } as never;
    const api = createApi({ distillery: fake });
    expect(await api.system.info()).toBe(info);
    const err = await api.projects.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DistilleryError);
    expect((err as DistilleryError).code).toBe('NOT_FOUND');
    expect(createApi({})).toBeInstanceOf(HttpApi);
  });
});
