/**
 * The call table (API_TABLE, src/shared/api.ts) against every transport: each call in it must
 * travel through the IPC client (preload) to the main-process handler (main/ipc.ts) and on to the
 * backend, through the HTTP client to the wire, and through serve mode's server (host/serve/server.ts)
 * to the backend, with the body cap and upload handling the table states. A call added to the
 * table and not carried by one of them fails here (or does not compile: createBackend, fromFile and
 * the desktop handlers are typed from the table).
 *
 * The backend here is a recorder (a fake, as a unit test may have one); the transports are the real
 * ones: the preload's client, main's handler on the fake electron module, HttpApi, and the real
 * HTTP server on 127.0.0.1.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { API_TABLE, type ApiCall, type CallName, type HostApi, type UploadCall } from '../../src/shared/api';
import { API_CALLS, clientFor, DESKTOP_CALLS } from '../../src/shared/api-calls';
import { CALL_CHANNEL } from '../../src/shared/ipc-channels';
import { createBackend, type Backend, type FileHandlers } from '../../src/host/api-backend';
import { request } from '../serve/helpers';

vi.mock('electron', async () => ({
  ...(await import('../doubles/fake-electron')),
  contextBridge: { exposeInMainWorld: () => {} },
  ipcRenderer: {},
}));

const fake = await import('../doubles/fake-electron');
const { registerIpc } = await import('../../src/main/ipc');
const { createIpcApi } = await import('../../src/preload/index');
const { HttpApi } = await import('../../src/renderer/api/http-client');
const { startServer } = await import('../../src/host/serve/server');

const ALL: readonly CallName[] = [...API_CALLS, ...DESKTOP_CALLS];
const UPLOAD_CALLS = API_CALLS.filter((c): c is UploadCall => API_TABLE[c].upload !== undefined);

/** Sample arguments: any call gets one string per argument, a file-carrying call what its upload fact names. */
function sampleArgs(name: CallName): unknown[] {
  const up = API_TABLE[name].upload;
  const args: unknown[] = ['p1', 'v1', 'onnx'];
  if (up)
    args[up.arg] = up.base64Field
      ? { fileName: 'a.csv', [up.base64Field]: Buffer.from('text\nhi\n').toString('base64') }
      : 'file text';
  return args;
}

/** What the recorder answers: projects.list a list (the desktop call's check reads it), others their name. */
const answer = (name: CallName): unknown => (name === 'projects.list' ? [] : { answered: name });

/** A backend that records each call it receives. */
function recorder() {
  const seen: [string, unknown[]][] = [];
  const api = clientFor(API_CALLS, async (name, args) => {
    seen.push([name, args]);
    return answer(name);
  });
  const fromFile = Object.fromEntries(
    [...new Set(UPLOAD_CALLS.map((c) => c.split('.')[0]))].map((g) => [
      g,
      Object.fromEntries(
        UPLOAD_CALLS.filter((c) => c.startsWith(`${g}.`)).map((c) => [
          c.split('.')[1],
          async (args: unknown[], file: string) => {
            seen.push([`fromFile ${c}`, [args, file]]);
            return { answered: c };
          },
        ]),
      ),
    ]),
  ) as unknown as FileHandlers;
  return { seen, api: api as HostApi, fromFile };
}

describe('the call table', () => {
  it('names each call "<group>.<method>" once, with a body cap, and desktop calls only in the desktop group', () => {
    expect(new Set(ALL).size).toBe(ALL.length);
    for (const name of ALL) {
      expect(name, name).toMatch(/^[a-z]+\.[A-Za-z]+$/);
      expect(['json', 'bulk'], name).toContain(API_TABLE[name].body);
      expect(name.startsWith('desktop.'), name).toBe(API_TABLE[name].desktop === true);
    }
    expect(API_CALLS.length + DESKTOP_CALLS.length).toBe(Object.keys(API_TABLE).length);
  });

  it('the backend implements every API call, and each call that takes a file from a file the host holds', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-call-table-'));
    const b = createBackend({
      root: tmp,
      mode: 'serve',
      launcher: () => {
        throw new Error('no worker in this test');
      },
    });
    try {
      const groups = b as unknown as Record<string, Record<string, unknown>>;
      const files = b.fromFile as unknown as Record<string, Record<string, unknown>>;
      for (const name of API_CALLS) {
        const [g, m] = name.split('.') as [string, string];
        expect(typeof groups[g]?.[m], `createBackend lacks ${name}`).toBe('function');
        if (API_TABLE[name].upload)
          expect(typeof files[g]?.[m], `createBackend's fromFile lacks ${name}`).toBe('function');
      }
    } finally {
      await b.dispose();
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('IPC: the preload client sends every call on one channel and main hands each to its handler', async () => {
    fake.ipcMain.handlers.clear();
    const ours = new fake.FakeWebContents('app://distillery/index.html');
    const backend = recorder();
    const dispose = registerIpc({
      backend: backend.api,
      subscribe: () => () => {},
      isOwnUrl: (u) => u.startsWith('app://distillery/'),
      windows: () => [ours] as unknown as WebContents[],
      shell: fake.shell,
    });
    const invoked: unknown[][] = [];
    const handler = fake.ipcMain.handlers.get(CALL_CHANNEL)!;
    const client = createIpcApi({
      invoke: async (channel, ...a) => {
        invoked.push([channel, ...a]);
        return handler({ sender: ours, senderFrame: ours.mainFrame } as unknown as IpcMainInvokeEvent, ...a);
      },
      on: () => {},
      removeListener: () => {},
    });
    try {
      for (const name of ALL) {
        const [g, m] = name.split('.') as [string, string];
        const fn = (client as unknown as Record<string, Record<string, (...a: unknown[]) => Promise<unknown>>>)[g]?.[m];
        expect(typeof fn, `the IPC client has no ${name}`).toBe('function');
        const args = sampleArgs(name);
        const r = await fn!(...args).catch((e: unknown) => e);
        expect(invoked.at(-1), name).toEqual([CALL_CHANNEL, name, args]);
        if (API_TABLE[name].desktop) {
          // Reached main's desktop handler, which refused a path the app never wrote (not an unknown call).
          expect(r, name).toMatchObject({ code: 'CONFIG', details: { status: 403 } });
          continue;
        }
        expect(backend.seen.at(-1), name).toEqual([name, args]);
        expect(r, name).toEqual(API_TABLE[name].void ? undefined : answer(name));
      }
    } finally {
      dispose();
    }
  });

  it('HTTP client: every API call is a POST to /api/<name>; a file goes to /api/upload first', async () => {
    const posted: { path: string; body: unknown }[] = [];
    const fetchFn = (async (url: string | URL | Request, init?: RequestInit) => {
      const p = String(url).replace('http://h:1', '');
      posted.push({ path: p, body: init?.body });
      return new Response(
        JSON.stringify({ ok: true, result: p === '/api/upload' ? { upload: 'u1' } : { answered: p } }),
      );
    }) as typeof fetch;
    const client = new HttpApi({ base: 'http://h:1', fetch: fetchFn });
    for (const name of API_CALLS) {
      const [g, m] = name.split('.') as [string, string];
      const fn = (client as unknown as Record<string, Record<string, (...a: unknown[]) => Promise<unknown>>>)[g]?.[m];
      expect(typeof fn, `the HTTP client has no ${name}`).toBe('function');
      posted.length = 0;
      const args = sampleArgs(name);
      expect(await fn!.call(client, ...args), name).toEqual({ answered: `/api/${name}` });
      const up = API_TABLE[name].upload;
      expect(
        posted.map((p) => p.path),
        name,
      ).toEqual(up ? ['/api/upload', `/api/${name}`] : [`/api/${name}`]);
      const sent = JSON.parse(String(posted.at(-1)!.body)) as unknown[];
      if (up) expect(sent[up.arg], name).toMatchObject({ upload: 'u1' });
      else expect(sent, name).toEqual(args);
    }
    expect((client as unknown as { desktop?: unknown }).desktop).toBeUndefined();
  });

  describe('serve mode', () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-call-table-'));
    const backend = recorder();
    const maxJsonBytes = 1024;
    let server: Awaited<ReturnType<typeof startServer>>;
    let token = '';
    const post = (p: string, body: string | Buffer, type = 'application/json') =>
      request(server.port, {
        method: 'POST',
        path: p,
        headers: { 'Content-Type': type, Authorization: `token ${token}` },
        body: body as string,
      });

    beforeAll(async () => {
      const b = {
        ...backend.api,
        fromFile: backend.fromFile,
        router: { active: () => [] },
        subscribe: () => () => {},
      } as unknown as Backend;
      server = await startServer({
        backend: b,
        rendererDir: tmp,
        uploadsParent: tmp,
        limits: { maxJsonBytes, maxBulkBytes: 8 * maxJsonBytes },
      });
      token = new URL(server.url).searchParams.get('token')!;
    });
    afterAll(async () => {
      await server?.close();
      rmSync(tmp, { recursive: true, force: true });
    });

    it('serves every API call and no desktop call', async () => {
      // team.* are answered from the request's member and the server's team (test/serve/team-auth.test.ts).
      for (const name of API_CALLS.filter((c) => !c.startsWith('team.'))) {
        const args = sampleArgs(name);
        const r = await post(`/api/${name}`, JSON.stringify(args));
        expect(r.status, `${name}: ${r.body}`).toBe(200);
        expect(backend.seen.at(-1), name).toEqual([name, args]);
      }
      for (const name of DESKTOP_CALLS) expect((await post(`/api/${name}`, '[]')).status, name).toBe(404);
    });

    it("caps each call's body as the table says: 'json' calls at maxJsonBytes, 'bulk' ones higher", async () => {
      const big = JSON.stringify(['p1', 'x'.repeat(2 * maxJsonBytes)]);
      for (const name of API_CALLS) {
        const r = await post(`/api/${name}`, big);
        expect(r.status, `${name} (${API_TABLE[name].body}): ${r.body}`).toBe(
          API_TABLE[name].body === 'bulk' ? 200 : 413,
        );
      }
    });

    it('hands a call that names an upload to its fromFile handler, with the file', async () => {
      expect(UPLOAD_CALLS.length).toBeGreaterThan(0);
      for (const name of UPLOAD_CALLS) {
        const u = JSON.parse(
          (await post('/api/upload', Buffer.from('text\nhi\n'), 'application/octet-stream')).body,
        ) as { result: { upload: string } };
        const args = sampleArgs(name as ApiCall);
        args[API_TABLE[name].upload.arg] = { fileName: 'a.csv', upload: u.result.upload };
        const r = await post(`/api/${name}`, JSON.stringify(args));
        expect(r.status, `${name}: ${r.body}`).toBe(200);
        const [what, [gotArgs, file]] = backend.seen.at(-1) as [string, [unknown[], string]];
        expect(what).toBe(`fromFile ${name}`);
        expect(gotArgs).toEqual(args);
        expect(typeof file).toBe('string');
      }
    });
  });
});
