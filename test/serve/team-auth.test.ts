/**
 * Issue #10 item 2 over real sockets: members' tokens from the team store (team.json), roles per
 * call (403 naming the call and the role), revocation (401 on HTTP and on the WebSocket upgrade, and
 * the member's open socket closed), and the journal's `who` taken from the token, not the client.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabelEvent, ProjectMeta } from '../../src/shared/api';
import type { Invite, MemberInfo, Principal } from '../../src/shared/roles';
import { createBackend, type Backend } from '../../src/host/api-backend';
import { startServer, type RunningServer } from '../../src/host/serve/server';
import { TEAM_FILE, TeamStore } from '../../src/host/serve/team';
import { api, ok, request } from './helpers';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-team-'));
const root = path.join(tmp, 'projects');
let backend: Backend;
let server: RunningServer;
let port: number;
let owner: string;
let project: ProjectMeta;

beforeAll(async () => {
  // No call here needs the worker, so none is started.
  backend = createBackend({ root, mode: 'serve' });
  server = await startServer({
    backend,
    rendererDir: path.join(tmp, 'no-ui'),
    port: 0,
    team: await TeamStore.open(path.join(root, TEAM_FILE)),
    owner: 'olga',
  });
  port = server.port;
  owner = new URL(server.url).searchParams.get('token')!;
  project = await ok<ProjectMeta>(port, owner, 'projects.create', [
    {
      name: 'T',
      task: 'binary',
      labels: [
        { name: 'pos', color: '#000', hotkey: '1' },
        { name: 'neg', color: '#111', hotkey: '2' },
      ],
    },
  ]);
});

afterAll(async () => {
  await server?.close();
  await backend?.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

const ev = (docId: string, who: string, action: LabelEvent['action'] = 'label'): LabelEvent => ({
  docId,
  labels: ['pos'],
  source: 'human',
  who,
  at: new Date().toISOString(),
  action,
});

/** Upgrade to the event socket with a token; 'open' (and the socket) or the refusal's HTTP status. */
function socket(token: string): Promise<{ status: 'open'; ws: WebSocket } | { status: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/events`, {
      headers: { Authorization: `token ${token}`, Origin: `http://127.0.0.1:${port}` },
    });
    ws.once('open', () => resolve({ status: 'open', ws }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      res.resume();
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

describe('serve: members, roles and revocation', () => {
  it('the printed token is the owner’s; invites are shown once and only their hashes are kept', async () => {
    expect(await ok<Principal>(port, owner, 'team.me', [])).toEqual({ name: 'olga', role: 'owner' });
    const inv = await ok<Invite>(port, owner, 'team.invite', ['ann', 'annotator']);
    expect(inv).toMatchObject({ name: 'ann', role: 'annotator' });
    expect(inv.token).toMatch(/^[0-9a-f]{64}$/);
    expect(inv.url).toBe(`http://127.0.0.1:${port}/?token=${inv.token}`);
    const file = readFileSync(path.join(root, TEAM_FILE), 'utf8');
    expect(file).not.toContain(inv.token);
    expect(file).not.toContain(owner);
    expect(JSON.parse(file).members.map((m: { name: string; role: string }) => [m.name, m.role])).toEqual([
      ['olga', 'owner'],
      ['ann', 'annotator'],
    ]);
    const members = await ok<MemberInfo[]>(port, owner, 'team.list', []);
    expect(members.map((m) => m.name)).toEqual(['olga', 'ann']);
    expect(JSON.stringify(members)).not.toMatch(/token/i);
    // The same name twice is refused while the first token is valid.
    const again = await api(port, owner, 'team.invite', ['ann', 'reviewer']);
    expect(again.status).toBe(400);
    expect(again.error!.message).toMatch(/already a member/);
  });

  it('an annotator labels and reads, but owner-only calls get 403 naming the call and the role', async () => {
    const ann = (await ok<Invite>(port, owner, 'team.invite', ['amy', 'annotator'])).token;
    expect(await ok<Principal>(port, ann, 'team.me', [])).toEqual({ name: 'amy', role: 'annotator' });
    expect((await ok<ProjectMeta[]>(port, ann, 'projects.list', [])).map((p) => p.id)).toEqual([project.id]);
    for (const [call, args] of [
      ['projects.create', [{ name: 'X', task: 'binary', labels: [] }]],
      ['team.invite', ['eve', 'owner']],
      ['team.list', []],
      ['exports.dataset', [{ projectId: project.id, format: 'csv', rows: [], labels: [] }]],
    ] as const) {
      const r = await api(port, ann, call, [...args]);
      expect(r.status, call).toBe(403);
      expect(r.error!.message).toBe(`${call} needs the owner role (amy is an annotator)`);
    }
    // A training job is the owner's; the live loop's quick retrain is anyone's (it runs while labeling).
    const train = await api(port, ann, 'jobs.start', [
      {
        kind: 'train-student',
        projectId: project.id,
        task: 'binary',
        labels: ['pos', 'neg'],
        docs: { labeled: [] },
        options: {},
      },
    ]);
    expect(train.status).toBe(403);
    expect(train.error!.message).toMatch(/^jobs\.start \(a 'train-student' job\) needs the owner role/);
    // A reviewer's final label is not an annotator's to make.
    const adj = await api(port, ann, 'journal.append', [project.id, [ev('d9', 'amy', 'adjudicate')]]);
    expect(adj.status).toBe(403);
    expect(adj.error!.message).toMatch(/'adjudicate' event needs the reviewer role/);
    expect(await ok<LabelEvent[]>(port, owner, 'journal.read', [project.id])).toEqual([]);
  });

  it('who of an appended event is the token’s name, whatever the client sent', async () => {
    const ann = (await ok<Invite>(port, owner, 'team.invite', ['bob', 'annotator'])).token;
    const rev = (await ok<Invite>(port, owner, 'team.invite', ['rita', 'reviewer'])).token;
    await ok(port, ann, 'journal.append', [project.id, [ev('d1', 'olga'), ev('d2', '')]]);
    await ok(port, rev, 'journal.append', [project.id, [ev('d1', 'bob', 'adjudicate')]]);
    const read = await ok<LabelEvent[]>(port, owner, 'journal.read', [project.id]);
    expect(read.map((e) => [e.docId, e.action, e.who])).toEqual([
      ['d1', 'label', 'bob'],
      ['d2', 'label', 'bob'],
      ['d1', 'adjudicate', 'rita'],
    ]);
  });

  it("every member's socket hears {type: 'team'} after an invite and a revoke, not after a refused change", async () => {
    const tok = (await ok<Invite>(port, owner, 'team.invite', ['dora', 'annotator'])).token;
    const open = await socket(tok);
    expect(open.status).toBe('open');
    const ws = (open as { ws: WebSocket }).ws;
    const heard: string[] = [];
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as { type?: string };
      if (m.type === 'team') heard.push('team');
    });
    await ok(port, owner, 'team.invite', ['ed', 'annotator']);
    await expect.poll(() => heard.length).toBe(1);
    expect((await api(port, owner, 'team.invite', ['ed', 'annotator'])).status).toBe(400); // already a member
    await ok(port, owner, 'team.revoke', ['ed']);
    await expect.poll(() => heard.length).toBe(2);
    await new Promise((r) => setTimeout(r, 100));
    expect(heard).toEqual(['team', 'team']);
    ws.close();
  });

  it('a revoked token gets 401 on HTTP and on the WebSocket upgrade, and its open socket is closed', async () => {
    const tok = (await ok<Invite>(port, owner, 'team.invite', ['carl', 'annotator'])).token;
    const open = await socket(tok);
    expect(open.status).toBe('open');
    const ws = (open as { ws: WebSocket }).ws;
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    await ok(port, owner, 'team.revoke', ['carl']);
    expect(await closed).toBe(4401);
    const r = await api(port, tok, 'projects.list', []);
    expect(r.status).toBe(401);
    // Page loads too: the invite link no longer opens the workbench.
    expect((await request(port, { path: `/?token=${tok}`, headers: { Host: `127.0.0.1:${port}` } })).status).toBe(401);
    expect(await socket(tok)).toEqual({ status: 401 });
    expect(
      (await ok<MemberInfo[]>(port, owner, 'team.list', [])).find((m) => m.name === 'carl')?.revokedAt,
    ).toBeTruthy();
    // The owner cannot lock themselves out.
    const self = await api(port, owner, 'team.revoke', ['olga']);
    expect(self.status).toBe(400);
  });

  it('any member reads the active members’ names and roles (team.names): a revoked one is gone from it', async () => {
    const amy = (await ok<Invite>(port, owner, 'team.invite', ['nia', 'annotator'])).token;
    const names = await ok<Principal[]>(port, amy, 'team.names', []);
    // Name and role only: no dates, no tokens (team.list stays the owner's).
    for (const m of names) expect(Object.keys(m).sort()).toEqual(['name', 'role']);
    expect(names).toContainEqual({ name: 'nia', role: 'annotator' });
    expect(names).toContainEqual({ name: 'olga', role: 'owner' });
    const listed = await ok<MemberInfo[]>(port, owner, 'team.list', []);
    expect(names.map((m) => m.name)).toEqual(listed.filter((m) => !m.revokedAt).map((m) => m.name));
    // carl was revoked above: listed by team.list, absent from team.names.
    expect(listed.find((m) => m.name === 'carl')?.revokedAt).toBeTruthy();
    expect(names.map((m) => m.name)).not.toContain('carl');
  });

  it('members and revocations outlive the server: a new store on team.json knows them', async () => {
    const tok = (await ok<Invite>(port, owner, 'team.invite', ['dana', 'reviewer'])).token;
    const again = await TeamStore.open(path.join(root, TEAM_FILE));
    expect(again.resolve(tok)).toEqual({ name: 'dana', role: 'reviewer' });
    expect(again.resolve(owner)).toEqual({ name: 'olga', role: 'owner' });
    expect(again.list().find((m) => m.name === 'carl')?.revokedAt).toBeTruthy();
    expect(again.resolve('0'.repeat(64))).toBeUndefined();
  });
});

describe('serve: --allow-origin', () => {
  it('adds host names and origins to the Host/Origin allowlist; others are still refused', async () => {
    const s = await startServer({
      backend,
      rendererDir: path.join(tmp, 'no-ui'),
      port: 0,
      allowOrigins: ['labels.example.org', 'https://proxy.example.org:8443'],
    });
    try {
      const tok = new URL(s.url).searchParams.get('token')!;
      const call = (headers: Record<string, string>) =>
        request(s.port, {
          method: 'POST',
          path: '/api/team.me',
          headers: { 'Content-Type': 'application/json', Authorization: `token ${tok}`, ...headers },
          body: '[]',
        });
      expect(
        (await call({ Host: `labels.example.org:${s.port}`, Origin: `http://labels.example.org:${s.port}` })).status,
      ).toBe(200);
      expect((await call({ Host: 'proxy.example.org:8443', Origin: 'https://proxy.example.org:8443' })).status).toBe(
        200,
      );
      expect((await call({ Host: `127.0.0.1:${s.port}`, Origin: 'https://proxy.example.org:8443' })).status).toBe(200);
      expect((await call({ Host: `evil.example.org:${s.port}` })).status).toBe(403);
      expect((await call({ Host: `127.0.0.1:${s.port}`, Origin: 'https://proxy.example.org' })).status).toBe(403);
      expect((await call({ Host: `labels.example.org:1` })).status).toBe(403);
    } finally {
      await s.close();
    }
  });

  it('a malformed entry is a clear error naming the flag', async () => {
    await expect(
      startServer({ backend, rendererDir: tmp, port: 0, allowOrigins: ['https://x.org/path'] }),
    ).rejects.toThrow(/--allow-origin: "https:\/\/x.org\/path" is neither a host name/);
  });
});
