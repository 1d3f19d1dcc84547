/**
 * Serve mode's protections, against a real `distillery serve` process on 127.0.0.1: Host and
 * Origin checks (403, DNS rebinding and `localhost.evil.com` tricks included, for HTTP and for the
 * WebSocket upgrade), the token (401 without it; exchanged for an HttpOnly SameSite=Strict cookie;
 * never logged), static files confined to the renderer folder, and the placeholder page.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend } from '../../src/host/api-backend';
import { startServer } from '../../src/host/serve/server';
import { request, startServe, type ServeProcess } from './helpers';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-security-'));
const renderer = path.join(tmp, 'renderer');
let s: ServeProcess;
let port: number;
let token: string;

beforeAll(async () => {
  mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  writeFileSync(
    path.join(renderer, 'index.html'),
    '<!doctype html><title>workbench</title><div id="app">WORKBENCH</div>',
  );
  writeFileSync(path.join(renderer, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(tmp, 'secret.txt'), 'SECRET');
  s = await startServe(['--projects', path.join(tmp, 'projects'), '--renderer', renderer]);
  ({ port, token } = s);
});

afterAll(async () => {
  const code = await s?.stop();
  expect(code).toBe(0);
  rmSync(tmp, { recursive: true, force: true });
});

const good = () => ({ Host: `127.0.0.1:${port}`, Cookie: `distillery-token-${port}=${token}` });
const post = (headers: Record<string, string>, call = 'projects.list') =>
  request(port, {
    method: 'POST',
    path: `/api/${call}`,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: '[]',
  });

/** Upgrade to the event socket; resolves 'open' or the HTTP status it was refused with. */
function upgrade(headers: Record<string, string>, query = ''): Promise<number | 'open'> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/events${query}`, { headers });
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.once('error', (e) => reject(e));
  });
}

describe('distillery serve: security', () => {
  it('prints one URL on stdout with a ≥128-bit token, bound to 127.0.0.1', async () => {
    expect(s.url).toBe(`http://127.0.0.1:${port}/?token=${token}`);
    expect(token).toMatch(/^[0-9a-f]{64}$/); // 256 bits
    expect(s.stdout().trim().split('\n')).toEqual([s.url]);
    // Not reachable on another interface of this machine (where it has one).
    const other = Object.values(os.networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal);
    if (other) {
      const reached = await new Promise<boolean>((resolve) => {
        const c = net.connect({ host: other.address, port }, () => {
          c.destroy();
          resolve(true);
        });
        c.on('error', () => resolve(false));
        c.setTimeout(3000, () => {
          c.destroy();
          resolve(false);
        });
      });
      expect(reached).toBe(false);
    }
  });

  it('403 for a Host outside 127.0.0.1 / localhost / [::1] with this port, token or not', async () => {
    for (const host of [
      'evil.com',
      `evil.com:${port}`,
      `localhost.evil.com:${port}`,
      `127.0.0.1.nip.io:${port}`,
      `127.0.0.1:${port + 1}`,
      'localhost',
      `user@127.0.0.1:${port}`,
      `127.0.0.1:${port}/x`,
    ]) {
      const r = await request(port, { path: `/?token=${token}`, headers: { Host: host } });
      expect(r.status, host).toBe(403);
      expect((await post({ ...good(), Host: host })).status, host).toBe(403);
    }
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
      expect((await post({ ...good(), Host: host })).status, host).toBe(200);
    }
  });

  it('403 for a foreign Origin, even with the cookie', async () => {
    const foreign = [
      'http://evil.com',
      `http://localhost.evil.com:${port}`,
      `http://127.0.0.1.evil.com:${port}`,
      `http://127.0.0.1:${port}.evil.com`,
      `http://127.0.0.1:${port + 1}`,
      `https://127.0.0.1:${port}`,
      'null',
      'file://',
    ];
    for (const origin of foreign) {
      const r = await post({ ...good(), Origin: origin });
      expect(r.status, origin).toBe(403);
      expect(JSON.parse(r.body)).toMatchObject({ ok: false, error: { message: 'cross-origin request refused' } });
    }
    expect((await post({ ...good(), 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'cors' })).status).toBe(403);
    expect(
      (
        await request(port, {
          path: '/api/download/x/y.zip',
          headers: { ...good(), 'Sec-Fetch-Site': 'same-site', 'Sec-Fetch-Mode': 'no-cors' },
        })
      ).status,
    ).toBe(403);
    expect((await post({ ...good(), 'Sec-Fetch-Site': 'same-origin', 'Sec-Fetch-Mode': 'cors' })).status).toBe(200);
    for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`]) {
      expect((await post({ ...good(), Origin: origin })).status, origin).toBe(200);
    }
  });

  it('403 for a WebSocket upgrade from a foreign Origin or Host; 401 without the token', async () => {
    expect(await upgrade({ ...good(), Origin: 'http://evil.com' })).toBe(403);
    expect(await upgrade({ ...good(), Origin: `http://localhost.evil.com:${port}` })).toBe(403);
    expect(await upgrade({ ...good(), Origin: `http://127.0.0.1:${port + 1}` })).toBe(403);
    expect(await upgrade({ ...good(), Host: `evil.com:${port}`, Origin: `http://evil.com:${port}` })).toBe(403);
    expect(await upgrade({ Origin: `http://127.0.0.1:${port}` })).toBe(401);
    expect(
      await upgrade({ Origin: `http://127.0.0.1:${port}`, Cookie: `distillery-token-${port}=${'0'.repeat(64)}` }),
    ).toBe(401);
    expect(await upgrade({ ...good(), Origin: `http://127.0.0.1:${port}` })).toBe('open');
    expect(await upgrade({ Origin: `http://127.0.0.1:${port}` }, `?token=${token}`)).toBe('open');
  });

  it("401 without the token, with a wrong one, or with another port's cookie", async () => {
    const page = await request(port, { headers: { Host: `127.0.0.1:${port}` } });
    expect(page.status).toBe(401);
    expect(page.body).toMatch(/token/);
    expect(page.body).not.toContain('WORKBENCH');
    expect((await request(port, { path: '/assets/app.js' })).status).toBe(401);
    expect((await post({})).status).toBe(401);
    const wrong = token.slice(0, -1) + (token.endsWith('0') ? '1' : '0');
    expect((await post({ Cookie: `distillery-token-${port}=${wrong}` })).status).toBe(401);
    expect((await post({ Cookie: `distillery-token-${port}=${token.slice(0, 32)}` })).status).toBe(401);
    expect((await post({ Cookie: `distillery-token-${port + 1}=${token}` })).status).toBe(401);
    expect((await post({ Authorization: `token ${wrong}` })).status).toBe(401);
    expect((await request(port, { path: `/?token=${wrong}` })).status).toBe(401);
    const body = JSON.parse((await post({})).body);
    expect(body).toMatchObject({ ok: false, error: { details: { status: 401 } } });
  });

  it('200 with the token: exchanged for an HttpOnly SameSite=Strict cookie, then the cookie or a header', async () => {
    const first = await request(port, { path: `/?token=${token}`, headers: { Host: `127.0.0.1:${port}` } });
    expect(first.status).toBe(302);
    expect(first.headers.location).toBe('/'); // the token leaves the address bar
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toMatch(new RegExp(`^distillery-token-${port}=${token};`));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\//);
    const page = await request(port, { headers: good() });
    expect(page.status).toBe(200);
    expect(page.body).toContain('WORKBENCH');
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect((await request(port, { path: '/annotate/42', headers: good() })).body).toContain('WORKBENCH'); // app routes
    expect((await request(port, { path: '/assets/app.js', headers: good() })).body).toBe('console.log(1)');
    expect((await post({ Authorization: `token ${token}` })).status).toBe(200);
    const r = await post(good());
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ ok: true, result: [] });
  });

  it('keeps static files and downloads inside their folders', async () => {
    for (const p of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
      '/assets/../../secret.txt',
    ]) {
      const r = await request(port, { path: p, headers: good() });
      expect(r.body, p).not.toContain('SECRET');
    }
    for (const p of [
      '/api/download/..%2F..%2Fsecret.txt/x',
      '/api/download/x/..%2Fproject.json',
      '/api/download/x/.hidden',
      '/api/download/a/b/c',
    ]) {
      const r = await request(port, { path: p, headers: good() });
      expect([400, 404], p).toContain(r.status);
    }
  });

  it('answers API errors as {ok:false, error} with a status, and unknown calls with 404', async () => {
    const unknown = await post(good(), 'system.constructor');
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const bad = await post(good(), 'projects.create');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ ok: false, error: { code: 'CONFIG' } });
    expect(JSON.parse(bad.body).error.stack).toBeUndefined();
    const form = await request(port, {
      method: 'POST',
      path: '/api/projects.list',
      headers: { ...good(), 'Content-Type': 'text/plain' },
      body: '[]',
    });
    expect(form.status).toBe(415);
    const notJson = await request(port, {
      method: 'POST',
      path: '/api/projects.list',
      headers: { ...good(), 'Content-Type': 'application/json' },
      body: '[',
    });
    expect(notJson.status).toBe(400);
  });

  it('never logs the token', () => {
    expect(s.stderr()).not.toContain(token);
    expect(s.stdout().split(token)).toHaveLength(2);
  });
});

describe('serve: without a built UI', () => {
  it('shows a placeholder page that says how to build it', async () => {
    const backend = createBackend({ root: path.join(tmp, 'p2'), mode: 'serve' });
    const server = await startServer({ backend, rendererDir: path.join(tmp, 'nothing-here'), port: 0 });
    try {
      const t = new URL(server.url).searchParams.get('token')!;
      const r = await request(server.port, { headers: { Cookie: `distillery-token-${server.port}=${t}` } });
      expect(r.status).toBe(200);
      expect(r.body).toMatch(/UI is not built/);
      expect(r.body).toMatch(/electron-vite build/);
    } finally {
      await server.close();
      await backend.dispose();
    }
  });
});
