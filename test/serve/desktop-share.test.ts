/**
 * The desktop app serves its open project to teammates (issue #10 item 1, src/host/share.ts): the
 * Electron main process (on the fake 'electron' module, test/doubles: no binary here) starts serve
 * mode's server on its own backend through the window's IPC calls. One journal: a teammate's label
 * over HTTP reaches the window as the JOURNAL_CHANNEL news IPC forwards, the desktop owner's label
 * reaches the teammate's WebSocket as a `journal` push; after share.stop the port refuses connections
 * and the app goes on; beyond 127.0.0.1 every request needs a member's token. Real HTTP, WebSocket,
 * journal and team file on a temporary projects folder.
 */
import { existsSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { JournalNews, JournalPage, ProjectMeta, ShareStatus } from '../../src/shared/api';
import type { LabelEvent } from '../../src/shared/label-event';
import type { Invite, MemberInfo } from '../../src/shared/roles';
import { createBackend, dispatch } from '../../src/host/api-backend';
import { TeamStore } from '../../src/host/serve/team';
import { api, ok, request, until } from './helpers';

vi.mock('electron', () => import('../doubles/fake-electron'));

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const fake = await import('../doubles/fake-electron');
fake.app.appPath = repoRoot;
const main = await import('../../src/main/index');
const JOURNAL_CHANNEL = 'distillery:journal';

type Reply = { ok: boolean; result?: unknown; error?: { code: string; message: string; details?: { field?: string } } };
let started: NonNullable<Awaited<typeof main.startup>>;
let win: InstanceType<typeof fake.BrowserWindow>;
let project: ProjectMeta;

/** A call from the desktop window, through main's IPC handler (what the preload sends). */
async function fromWindow<T>(name: string, ...args: unknown[]): Promise<T> {
  const r = (await callFromWindow(name, ...args)) as Reply;
  if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.error)}`);
  return r.result as T;
}
function callFromWindow(name: string, ...args: unknown[]): Promise<Reply> {
  const handler = fake.ipcMain.handlers.get('distillery:call')!;
  return handler({ sender: win.webContents, senderFrame: win.webContents.mainFrame }, name, args) as Promise<Reply>;
}

/** What the window was sent on the journal channel. */
const windowNews = () => win.webContents.sent.filter(([c]) => c === JOURNAL_CHANNEL).map(([, m]) => m as JournalNews);

const label = (docId: string, labels: string[], who: string): LabelEvent => ({
  docId,
  labels,
  source: 'human',
  who,
  at: new Date().toISOString(),
  action: 'label',
});

/** A teammate's event socket: the frames it receives, parsed. */
async function teammateSocket(
  port: number,
  token: string,
): Promise<{ frames: Record<string, unknown>[]; ws: WebSocket }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/events`, {
    headers: { Authorization: `token ${token}`, Origin: `http://127.0.0.1:${port}` },
  });
  const frames: Record<string, unknown>[] = [];
  ws.on('message', (d) => frames.push(JSON.parse(String(d)) as Record<string, unknown>));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  await until(() => frames.some((f) => f.type === 'hello'), 10_000, 'the hello frame');
  return { frames, ws };
}

function refused(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

beforeAll(async () => {
  vi.spyOn(console, 'error').mockImplementation(() => {});
  started = (await main.startup)!;
  win = fake.BrowserWindow.instances[0];
  project = await fromWindow<ProjectMeta>('projects.create', {
    name: 'waimai',
    task: 'binary',
    labels: [
      { name: 'pos', color: '#0a0', hotkey: '1' },
      { name: 'neg', color: '#a00', hotkey: '2' },
    ],
  });
});

afterAll(async () => {
  await started?.backend.dispose();
  rmSync(fake.userData, { recursive: true, force: true });
});

describe('the desktop app shares its projects (share.*)', () => {
  let status: ShareStatus;
  let ann: Invite;

  it('starts the serve server on 127.0.0.1 from the window, with the team of <userData>/projects', async () => {
    expect(await fromWindow<ShareStatus>('share.status')).toMatchObject({ running: false });
    // Before sharing there is no address for an invite link.
    const early = await callFromWindow('team.invite', 'ann', 'annotator');
    expect(early).toMatchObject({
      ok: false,
      error: { code: 'CONFIG', message: expect.stringContaining('start sharing first') },
    });

    status = await fromWindow<ShareStatus>('share.start', { port: 0 });
    const teamFile = path.join(fake.userData, 'projects', 'team.json');
    expect(status).toMatchObject({ running: true, host: '127.0.0.1', exposure: 'local', warnings: [], teamFile });
    expect(status.url).toBe(`http://127.0.0.1:${status.port}/`);
    expect(status.ownerUrl).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${status.port}/\\?token=[0-9a-f]{64}$`));
    expect(await fromWindow('share.status')).toEqual(status);
    // A second start while sharing says where it already is.
    expect(await callFromWindow('share.start', { port: 0 })).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining(`already sharing at ${status.url}`) },
    });

    ann = await fromWindow<Invite>('team.invite', 'ann', 'annotator');
    expect(ann.url).toBe(`${status.url}?token=${ann.token}`);
    const members = await fromWindow<MemberInfo[]>('team.list');
    expect(members.map((m) => [m.name, m.role])).toEqual([
      [status.owner, 'owner'],
      ['ann', 'annotator'],
    ]);
    // The same file `distillery serve --projects <userData>/projects` would use.
    expect((await TeamStore.open(teamFile)).resolve(ann.token)).toEqual({ name: 'ann', role: 'annotator' });
  });

  it('the app’s annotator name becomes the owner’s name while sharing; a member’s name is refused', async () => {
    await fromWindow('share.stop');
    const named = await fromWindow<ShareStatus>('share.start', { port: 0, owner: 'Li Lei' });
    expect(named.owner).toBe('Li Lei');
    expect(await fromWindow('team.me')).toEqual({ name: 'Li Lei', role: 'owner' });
    await fromWindow('share.stop');
    expect(await callFromWindow('share.start', { port: 0, owner: 'ann' })).toMatchObject({
      ok: false,
      error: { code: 'CONFIG', message: expect.stringContaining('already a member'), details: { field: 'owner' } },
    });
    expect(await callFromWindow('share.start', { port: 0, owner: ' ' })).toMatchObject({
      ok: false,
      error: { code: 'CONFIG', details: { field: 'owner' } },
    });
    status = await fromWindow<ShareStatus>('share.start', { port: 0, owner: status.owner });
    ann = { ...ann, url: `${status.url}?token=${ann.token}` };
  });

  it('(a) a label posted over HTTP with the annotator’s token reaches the window’s journal news, who = ann', async () => {
    const before = windowNews().length;
    // The annotator's browser sees the served UI in serve mode (its own replica database).
    expect((await api(status.port!, ann.token, 'projects.list', [])).result).toHaveLength(1);
    await ok(status.port!, ann.token, 'journal.append', [project.id, [label('d1', ['pos'], 'mallory')]]);
    await until(() => windowNews().length > before, 10_000, 'journal news in the window');
    expect(windowNews().at(-1)).toEqual({ type: 'journal', projectId: project.id, lastSeq: 1 });
    // What the window then pulls over IPC: the teammate's label, under the name of the token.
    const page = await fromWindow<JournalPage>('journal.since', project.id, 0);
    expect(page.events.map((e) => [e.docId, e.labels, e.who, e.seq])).toEqual([['d1', ['pos'], 'ann', 1]]);
  });

  it('(b) a label made in the desktop window reaches the annotator’s WebSocket as a journal push', async () => {
    const { frames, ws } = await teammateSocket(status.port!, ann.token);
    try {
      await fromWindow('journal.append', project.id, [label('d2', ['neg'], status.owner)]);
      await until(() => frames.some((f) => f.type === 'journal' && f.lastSeq === 2), 10_000, 'the journal push');
      expect(frames.find((f) => f.type === 'journal')).toEqual({ type: 'journal', projectId: project.id, lastSeq: 2 });
      const page = await ok<JournalPage>(status.port!, ann.token, 'journal.since', [project.id, 1]);
      expect(page.events.map((e) => [e.docId, e.labels, e.who])).toEqual([['d2', ['neg'], status.owner]]);
    } finally {
      ws.close();
    }
  });

  it('browsers cannot start or stop the desktop app’s sharing, not even with the owner’s link', async () => {
    const ownerToken = new URL(status.ownerUrl!).searchParams.get('token')!;
    const r = await api(status.port!, ownerToken, 'share.stop', []);
    expect(r).toMatchObject({ status: 400, ok: false, error: { code: 'CONFIG' } });
    expect(r.error!.message).toContain('only the desktop app that shares this project');
    // An annotator is refused by role before that.
    expect((await api(status.port!, ann.token, 'share.status', [])).status).toBe(403);
    expect((await fromWindow<ShareStatus>('share.status')).running).toBe(true);
  });

  it('(c) after share.stop the port refuses connections, open sockets close, and the desktop app goes on', async () => {
    const { ws } = await teammateSocket(status.port!, ann.token);
    const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
    expect(await fromWindow<ShareStatus>('share.stop')).toMatchObject({ running: false });
    await closed;
    expect(await refused(status.port!)).toBe('ECONNREFUSED');
    expect(await fromWindow<ShareStatus>('share.status')).toMatchObject({ running: false });
    const before = windowNews().length;
    await fromWindow('journal.append', project.id, [label('d3', ['pos'], status.owner)]);
    await until(() => windowNews().length > before, 10_000, 'journal news in the window');
    expect((await fromWindow<LabelEvent[]>('journal.read', project.id)).map((e) => e.docId)).toEqual([
      'd1',
      'd2',
      'd3',
    ]);
  });

  it('(d) beyond 127.0.0.1 it warns of plain HTTP and every request needs a member’s token; the invite outlives a restart', async () => {
    const wide = await fromWindow<ShareStatus>('share.start', { host: '0.0.0.0', port: 0 });
    try {
      expect(wide.exposure).toBe('network-http');
      expect(wide.warnings!.join('\n')).toMatch(/plain HTTP beyond this machine/);
      expect(new URL(wide.url!).port).toBe(String(wide.port));
      const noToken = await request(wide.port!, {
        method: 'POST',
        path: '/api/projects.list',
        headers: { 'Content-Type': 'application/json', Host: `127.0.0.1:${wide.port}` },
        body: '[]',
      });
      expect(noToken.status).toBe(401);
      // ann's invite of the first share is in the team file: it opens the new server too.
      expect((await ok<ProjectMeta[]>(wide.port!, ann.token, 'projects.list', [])).map((p) => p.id)).toEqual([
        project.id,
      ]);
    } finally {
      await fromWindow('share.stop');
    }
  });

  it('revoking ann in the window locks her out of the shared server at once', async () => {
    const s = await fromWindow<ShareStatus>('share.start', { port: 0 });
    try {
      const { ws } = await teammateSocket(s.port!, ann.token);
      const code = new Promise<number>((resolve) => ws.once('close', (c) => resolve(c)));
      await fromWindow('team.revoke', 'ann');
      expect(await code).toBe(4401);
      expect((await api(s.port!, ann.token, 'projects.list', [])).status).toBe(401);
      expect(await callFromWindow('team.revoke', s.owner)).toMatchObject({
        ok: false,
        error: { message: 'you cannot revoke your own token' },
      });
    } finally {
      await fromWindow('share.stop');
    }
  });

  it('checks what it is asked: cert without key, unreadable PEM files, a bad port, each named', async () => {
    const cases: [unknown, string][] = [
      [{ cert: '/nope/cert.pem' }, 'key'],
      [{ cert: '/nope/cert.pem', key: '/nope/key.pem' }, 'cert'],
      [{ port: 70000 }, 'port'],
      [{ host: 'a b' }, 'host'],
    ];
    for (const [req, field] of cases) {
      const r = await callFromWindow('share.start', req);
      expect(r, JSON.stringify(req)).toMatchObject({ ok: false, error: { code: 'CONFIG', details: { field } } });
    }
    expect((await fromWindow<ShareStatus>('share.status')).running).toBe(false);
  });
});

describe('where sharing is not the app’s to do', () => {
  it('`distillery serve`’s backend answers share.* with a clear error', async () => {
    const root = path.join(fake.userData, 'serve-projects');
    const b = createBackend({ root, mode: 'serve' });
    try {
      await expect(dispatch(b, 'share.start', [{}])).rejects.toThrow(
        /this `distillery serve` server is already shared/,
      );
      expect(existsSync(path.join(root, 'team.json'))).toBe(false);
    } finally {
      await b.dispose();
    }
  });
});
