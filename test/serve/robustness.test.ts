/**
 * Serve mode against hostile or broken clients (issue #8, items 4–8), on an in-process server on
 * 127.0.0.1: malformed URLs, redirects that must stay on this origin, symlinks out of the served
 * folders, slow clients (headers, body, idle keep-alive) with small timeouts, the connection cap,
 * and the per-call body caps. Every client here is bounded in count and time.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupInfo, ParsedCorpus, ProjectMeta } from '../../src/shared/api';
import { createBackend, type Backend } from '../../src/host/api-backend';
import { startServer, type RunningServer, type ServerOptions } from '../../src/host/serve/server';
import { ok, request, until } from './helpers';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-robust-'));
const renderer = path.join(tmp, 'renderer');
const SECRET = path.join(tmp, 'secret.txt');
let backend: Backend;

beforeAll(() => {
  mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  writeFileSync(
    path.join(renderer, 'index.html'),
    '<!doctype html><title>workbench</title><div id="app">WORKBENCH</div>',
  );
  writeFileSync(path.join(renderer, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(SECRET, 'SECRET-OUTSIDE');
  mkdirSync(path.join(tmp, 'outside-dir'));
  writeFileSync(path.join(tmp, 'outside-dir', 'x.js'), 'SECRET-OUTSIDE');
  symlinkSync(SECRET, path.join(renderer, 'assets', 'leak.js'));
  symlinkSync(path.join(tmp, 'outside-dir'), path.join(renderer, 'linked'));
  backend = createBackend({ root: path.join(tmp, 'projects'), mode: 'serve' });
});

afterAll(async () => {
  await backend?.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

async function withServer(
  extra: Partial<ServerOptions>,
  fn: (s: RunningServer, auth: Record<string, string>) => Promise<void>,
): Promise<void> {
  const s = await startServer({ backend, rendererDir: renderer, port: 0, ...extra });
  const token = new URL(s.url).searchParams.get('token')!;
  try {
    await fn(s, { Host: `127.0.0.1:${s.port}`, Cookie: `distillery-token-${s.port}=${token}` });
  } finally {
    await s.close();
  }
}

/**
 * A raw client on 127.0.0.1 that writes `head`, then one byte of `drip` every `everyMs`, for at
 * most `forMs`; resolves whether the server closed the socket before then, and what it answered.
 */
function slowClient(
  port: number,
  head: string,
  drip: string,
  everyMs: number,
  forMs: number,
): Promise<{ closedByServer: boolean; answer: string }> {
  return new Promise((resolve) => {
    const c = net.connect({ host: '127.0.0.1', port });
    let answer = '';
    let i = 0;
    let done = false;
    const finish = (closedByServer: boolean) => {
      if (done) return;
      done = true;
      clearInterval(tick);
      clearTimeout(stop);
      c.destroy();
      resolve({ closedByServer, answer });
    };
    c.setEncoding('utf8');
    c.on('data', (d: string) => (answer += d));
    c.on('error', () => finish(true));
    c.on('close', () => finish(true));
    c.on('connect', () => c.write(head));
    const tick = setInterval(() => {
      if (c.writable && i < drip.length) c.write(drip[i++]!);
    }, everyMs);
    const stop = setTimeout(() => finish(false), forMs);
  });
}

describe('serve: malformed request paths', () => {
  it('answers 400, not 500, for a call name or path that is not valid percent-encoding', async () => {
    await withServer({}, async (s, auth) => {
      for (const p of ['/api/%ff', '/api/projects.%E0%A4%A', '/api/%']) {
        const r = await request(s.port, {
          method: 'POST',
          path: p,
          headers: { ...auth, 'Content-Type': 'application/json' },
          body: '[]',
        });
        expect(r.status, p).toBe(400);
        expect(JSON.parse(r.body), p).toMatchObject({
          ok: false,
          error: { message: expect.stringMatching(/percent-encod/) },
        });
      }
      for (const p of ['/%ff', '/api/download/%ff/x.csv', '/api/download/p/%ff']) {
        expect((await request(s.port, { path: p, headers: auth })).status, p).toBe(400);
      }
      // A target that is not a path (absolute-form, as to a proxy) is no request for this server.
      const proxy = await slowClient(
        s.port,
        `GET http://evil.example/ HTTP/1.1\r\nHost: ${auth.Host}\r\nCookie: ${auth.Cookie}\r\nConnection: close\r\n\r\n`,
        '',
        1000,
        5000,
      );
      expect(proxy.answer).toMatch(/^HTTP\/1\.1 400/);
      expect(proxy.answer).not.toContain('WORKBENCH');
    });
  });
});

describe('serve: the token redirect stays on this origin', () => {
  it('redirects to a path of this server for every slash trick', async () => {
    await withServer({}, async (s, auth) => {
      const token = new URL(s.url).searchParams.get('token')!;
      const origin = `http://127.0.0.1:${s.port}`;
      const tricks = [
        '//evil.example/',
        '/.//evil.example/',
        '///evil.example/',
        '/..//evil.example/',
        '/\\evil.example/',
        '/\\\\evil.example/',
        '/./\\evil.example/',
        '/%2F%2Fevil.example/',
        '/%2f/evil.example/',
        '/%5C%5Cevil.example/',
        '/.%2F/evil.example/',
        '/annotate//evil.example/',
      ];
      for (const p of tricks) {
        const r = await request(s.port, { path: `${p}?token=${token}`, headers: { Host: auth.Host! } });
        expect(r.status, p).toBe(302);
        const location = String(r.headers.location);
        expect(location, p).toMatch(/^\/(?![/\\])/);
        expect(new URL(location, `${origin}/`).origin, `${p} → ${location}`).toBe(origin);
        expect(location, p).not.toContain('token');
      }
      // A plain app route keeps its path and other query parameters.
      const r = await request(s.port, { path: `/annotate/42?x=1&token=${token}`, headers: { Host: auth.Host! } });
      expect(r.headers.location).toBe('/annotate/42?x=1');
    });
  });
});

describe('serve: symlinks out of the served folders', () => {
  it('does not follow a link in out/renderer to a file or folder outside it', async () => {
    await withServer({}, async (s, auth) => {
      for (const p of ['/assets/leak.js', '/linked/x.js']) {
        const r = await request(s.port, { path: p, headers: auth });
        expect(r.body, p).not.toContain('SECRET-OUTSIDE');
        expect(r.status, p).toBe(404);
      }
      expect((await request(s.port, { path: '/assets/app.js', headers: auth })).body).toBe('console.log(1)');
    });
  });

  it('does not follow a link in <project>/exports to a file outside it', async () => {
    await withServer({}, async (s, auth) => {
      const token = auth.Cookie!.split('=')[1]!;
      const p = await ok<ProjectMeta>(s.port, token, 'projects.create', [
        {
          name: 'links',
          task: 'binary',
          labels: [
            { name: 'pos', color: '#0a0', hotkey: '1' },
            { name: 'neg', color: '#a00', hotkey: '2' },
          ],
        },
      ]);
      const exports = path.join(p.folder, 'exports');
      mkdirSync(exports, { recursive: true });
      writeFileSync(path.join(exports, 'real.csv'), 'text,label\nok,1\n');
      symlinkSync(SECRET, path.join(exports, 'leak.csv'));
      symlinkSync('/etc/passwd', path.join(exports, 'passwd.csv'));
      symlinkSync(path.join(p.folder, 'project.json'), path.join(exports, 'project.csv'));
      for (const name of ['leak.csv', 'passwd.csv', 'project.csv']) {
        const r = await request(s.port, { path: `/api/download/${p.id}/${name}`, headers: auth });
        expect(r.status, name).toBe(404);
        expect(r.body, name).not.toMatch(/SECRET-OUTSIDE|root:/);
      }
      const good = await request(s.port, { path: `/api/download/${p.id}/real.csv`, headers: auth });
      expect(good.status).toBe(200);
      expect(good.body).toBe('text,label\nok,1\n');
    });
  });
});

describe('serve: slow clients (small timeouts)', () => {
  const limits = { headersTimeoutMs: 800, requestTimeoutMs: 1500, keepAliveTimeoutMs: 300, checkIntervalMs: 100 };
  // Each client gives up by itself after BOUND_MS; the server's limits are far below it.
  const BOUND_MS = 6000;

  it('closes a connection whose headers trickle in (slowloris), or that sends nothing', async () => {
    await withServer({ limits }, async (s) => {
      const slow = slowClient(
        s.port,
        `GET / HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\n`,
        'X-Slow: ' + 'a'.repeat(100),
        200,
        BOUND_MS,
      );
      const silent = slowClient(s.port, '', '', 1000, BOUND_MS);
      const [a, b] = await Promise.all([slow, silent]);
      expect(a.closedByServer).toBe(true);
      expect(a.answer).toMatch(/^HTTP\/1\.1 408/);
      expect(b.closedByServer).toBe(true);
    });
  });

  it('closes a connection whose body trickles in, with or without the token', async () => {
    await withServer({ limits }, async (s, auth) => {
      const head = (headers: Record<string, string>) =>
        `POST /api/journal.append HTTP/1.1\r\n${Object.entries({
          ...headers,
          'Content-Type': 'application/json',
          'Content-Length': '100000',
        })
          .map(([k, v]) => `${k}: ${v}\r\n`)
          .join('')}\r\n`;
      const drip = '[' + ' '.repeat(200);
      const [authed, anonymous] = await Promise.all([
        slowClient(s.port, head(auth), drip, 200, BOUND_MS),
        slowClient(s.port, head({ Host: auth.Host! }), drip, 200, BOUND_MS),
      ]);
      expect(authed.closedByServer).toBe(true);
      expect(authed.answer).toMatch(/^HTTP\/1\.1 408/);
      expect(anonymous.closedByServer).toBe(true);
      expect(anonymous.answer).toMatch(/^HTTP\/1\.1 401/);
    });
  });

  it('closes an idle keep-alive connection after a finished request', async () => {
    await withServer({ limits }, async (s, auth) => {
      const r = await slowClient(
        s.port,
        `GET /assets/app.js HTTP/1.1\r\nHost: ${auth.Host}\r\nCookie: ${auth.Cookie}\r\nConnection: keep-alive\r\n\r\n`,
        '',
        1000,
        BOUND_MS,
      );
      expect(r.answer).toMatch(/^HTTP\/1\.1 200/);
      expect(r.answer).toContain('console.log(1)');
      expect(r.closedByServer).toBe(true);
    });
  });

  it('over the connection cap, a new connection displaces the oldest idle one: slow clients cannot lock the owner out', async () => {
    await withServer(
      { limits: { maxConnections: 4, headersTimeoutMs: 60_000, requestTimeoutMs: 60_000 } },
      async (s, auth) => {
        const open: net.Socket[] = [];
        const closed = new Set<number>();
        const connect = async (i: number) => {
          const c = net.connect({ host: '127.0.0.1', port: s.port });
          c.on('error', () => {});
          c.on('close', () => closed.add(i));
          await new Promise<void>((resolve) => c.once('connect', () => resolve()));
          open.push(c);
          return c;
        };
        try {
          // Four connections that never finish their headers fill the cap ...
          for (let i = 0; i < 4; i++) await connect(i);
          (open[0] as net.Socket).write('GET / HTTP/1.1\r\nX-Slow: a');
          // ... and the owner is still served, in the place of the oldest.
          expect((await request(s.port, { path: '/assets/app.js', headers: auth })).body).toBe('console.log(1)');
          await until(() => closed.size > 0, BOUND_MS, 'the oldest connection to close');
          expect([...closed]).toEqual([0]);
          // The owner's connection closed (one place free); each one after that takes the place of the next oldest.
          for (let i = 4; i < 7; i++) await connect(i);
          await until(() => closed.has(1) && closed.has(2), BOUND_MS, 'the next two oldest to close');
          for (const i of [4, 5, 6]) expect(closed.has(i), `connection ${i}`).toBe(false);
          expect((await request(s.port, { path: '/assets/app.js', headers: auth })).status).toBe(200);
        } finally {
          for (const c of open) c.destroy();
        }
      },
    );
  });

  it('never displaces a connection that is being answered: when all are busy, the new one is dropped', async () => {
    await withServer(
      { limits: { maxConnections: 3, headersTimeoutMs: 60_000, requestTimeoutMs: 60_000 } },
      async (s, auth) => {
        const head = `POST /api/journal.append HTTP/1.1\r\nHost: ${auth.Host}\r\nCookie: ${auth.Cookie}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[`;
        // Three authenticated uploads in progress (bodies still arriving) hold the cap.
        const busy = [0, 1, 2].map(() => slowClient(s.port, head, ' '.repeat(50), 100, 3000));
        await new Promise((r) => setTimeout(r, 500));
        const extra = await slowClient(s.port, '', '', 1000, 2000);
        expect(extra.closedByServer).toBe(true);
        expect(extra.answer).toBe('');
        for (const b of await Promise.all(busy)) expect(b.closedByServer).toBe(false); // still open when the client gave up
      },
    );
  });
});

describe('serve: request body caps', () => {
  const limits = { maxJsonBytes: 64 * 1024, maxBulkBytes: 256 * 1024, maxUploadBytes: 256 * 1024 };
  const post = (
    port: number,
    auth: Record<string, string>,
    call: string,
    body: string,
    headers: Record<string, string> = {},
  ) =>
    request(port, {
      method: 'POST',
      path: `/api/${call}`,
      headers: { ...auth, 'Content-Type': 'application/json', ...headers },
      body,
    });
  /** A JSON array argument list of about `bytes` bytes. */
  const args = (bytes: number) => JSON.stringify(['p', 'x'.repeat(bytes)]);

  it('answers 413 with the call and its cap for a JSON body over the small cap, and keeps serving', async () => {
    await withServer({ limits }, async (s, auth) => {
      const r = await post(s.port, auth, 'projects.list', args(100 * 1024));
      expect(r.status).toBe(413);
      expect(r.headers.connection).toBe('close');
      expect(JSON.parse(r.body)).toMatchObject({
        ok: false,
        error: {
          message: 'projects.list: the request body is larger than 64 KB, the most this call takes',
          details: { status: 413 },
        },
      });
      // Sent in chunks without a Content-Length: refused once the cap is passed.
      const chunked = await post(s.port, auth, 'backups.list', args(100 * 1024), { 'Transfer-Encoding': 'chunked' });
      expect(chunked.status).toBe(413);
      expect((await post(s.port, auth, 'projects.list', '[]')).status).toBe(200);
    });
  });

  it('lets the calls that carry a corpus as JSON (jobs, dataset export, journal) up to the bulk cap', async () => {
    await withServer({ limits }, async (s, auth) => {
      for (const call of ['jobs.start', 'exports.dataset', 'journal.append']) {
        const under = await post(s.port, auth, call, args(100 * 1024));
        expect(under.status, call).not.toBe(413); // reaches the call, which judges its arguments
        const over = await post(s.port, auth, call, args(300 * 1024));
        expect(over.status, call).toBe(413);
        expect(JSON.parse(over.body).error.message, call).toBe(
          `${call}: the request body is larger than 256 KB, the most this call takes`,
        );
      }
    });
  });

  it('answers an unknown call 404 without reading its body', async () => {
    await withServer({ limits }, async (s, auth) => {
      const r = await post(s.port, auth, 'system.constructor', args(100 * 1024));
      expect(r.status).toBe(404);
      expect(r.headers.connection).toBe('close');
      expect(JSON.parse(r.body)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    });
  });
});

describe('serve: uploads (files streamed to disk, then named by corpus.parse and backups.save)', () => {
  const limits = { maxJsonBytes: 64 * 1024, maxUploadBytes: 256 * 1024, maxPendingUploads: 2 };
  const uploadsParent = path.join(tmp, 'uploads');
  mkdirSync(uploadsParent, { recursive: true });
  /** Every upload file on disk now. */
  const onDisk = () => readdirSync(uploadsParent).flatMap((d) => readdirSync(path.join(uploadsParent, d)));
  const upload = (
    port: number,
    auth: Record<string, string>,
    body: string | Buffer,
    headers: Record<string, string> = {},
  ) =>
    request(port, {
      method: 'POST',
      path: '/api/upload',
      headers: { ...auth, 'Content-Type': 'application/octet-stream', ...headers },
      body: body as string,
    });

  it('parses an uploaded corpus, saves an uploaded backup, and deletes each upload once used', async () => {
    await withServer({ limits, uploadsParent }, async (s, auth) => {
      const token = auth.Cookie!.split('=')[1]!;
      // Larger than the JSON cap: as base64 in corpus.parse it is refused, with the way round it.
      const rows = Array.from({ length: 3000 }, (_, i) => `第${i}条评论，味道${i % 2 ? '很好' : '一般'},${i % 2}`);
      const csv = Buffer.from(`text,label\n${rows.join('\n')}\n`);
      expect(csv.length).toBeGreaterThan(64 * 1024);
      const inline = await request(s.port, {
        method: 'POST',
        path: '/api/corpus.parse',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify([{ fileName: 'big.csv', base64: csv.toString('base64') }]),
      });
      expect(inline.status).toBe(413);
      expect(JSON.parse(inline.body).error.message).toMatch(/corpus\.parse: .* larger than 64 KB.*\/api\/upload/);

      const up = await upload(s.port, auth, csv);
      expect(up.status).toBe(200);
      const { upload: id, bytes } = JSON.parse(up.body).result as { upload: string; bytes: number };
      expect(bytes).toBe(csv.length);
      expect(onDisk()).toEqual([id]);
      const parsed = await ok<ParsedCorpus>(s.port, token, 'corpus.parse', [{ fileName: 'big.csv', upload: id }]);
      expect(parsed.docs).toHaveLength(3000);
      expect(parsed.docs[7]).toMatchObject({ text: '第7条评论，味道很好', labels: ['1'] });
      expect(onDisk()).toEqual([]);
      // Used once.
      expect(
        await request(s.port, {
          method: 'POST',
          path: '/api/corpus.parse',
          headers: { ...auth, 'Content-Type': 'application/json' },
          body: JSON.stringify([{ fileName: 'big.csv', upload: id }]),
        }),
      ).toMatchObject({ status: 404 });

      const p = await ok<ProjectMeta>(s.port, token, 'projects.create', [
        {
          name: 'uploads',
          task: 'binary',
          labels: [
            { name: 'pos', color: '#0a0', hotkey: '1' },
            { name: 'neg', color: '#a00', hotkey: '2' },
          ],
        },
      ]);
      const backup = JSON.stringify({ formatName: 'dexie', formatVersion: 1, data: { rows: rows } });
      const b = JSON.parse((await upload(s.port, auth, backup)).body).result.upload as string;
      const saved = await ok<BackupInfo>(s.port, token, 'backups.save', [
        p.id,
        { upload: b },
        { reason: 'import', docs: 3000, labeled: 3000 },
      ]);
      expect(saved).toMatchObject({ reason: 'import', docs: 3000, bytes: Buffer.byteLength(backup) });
      expect(await ok(s.port, token, 'backups.read', [p.id, saved.name])).toBe(backup);
      expect(onDisk()).toEqual([]);
      // Not a backup: refused as before, and the upload is gone all the same.
      const junk = JSON.parse((await upload(s.port, auth, '{"not":"dexie"}')).body).result.upload as string;
      const refused = await request(s.port, {
        method: 'POST',
        path: '/api/backups.save',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify([p.id, { upload: junk }, { reason: 'import', docs: 0, labeled: 0 }]),
      });
      expect(refused.status).toBe(400);
      expect(JSON.parse(refused.body).error.message).toMatch(/not a dexie-export-import backup/);
      expect(onDisk()).toEqual([]);
    });
  });

  it('refuses an upload over its cap (413), too many unused uploads (429), and leaves nothing on disk after closing', async () => {
    await withServer({ limits, uploadsParent }, async (s, auth) => {
      const big = Buffer.alloc(300 * 1024, 'x');
      for (const headers of [{}, { 'Transfer-Encoding': 'chunked' }] as Record<string, string>[]) {
        const r = await upload(s.port, auth, big, headers);
        expect(r.status).toBe(413);
        expect(JSON.parse(r.body).error.message).toBe('the upload is larger than 256 KB, the most the server takes');
      }
      expect(onDisk()).toEqual([]);
      expect((await upload(s.port, auth, 'a')).status).toBe(200);
      expect((await upload(s.port, auth, 'b')).status).toBe(200);
      const third = await upload(s.port, auth, 'c');
      expect(third.status).toBe(429);
      expect(onDisk()).toHaveLength(2);
      expect((await upload(s.port, { Host: auth.Host! }, 'd')).status).toBe(401);
      expect((await upload(s.port, auth, 'e', { 'Content-Type': 'text/plain' })).status).toBe(415);
    });
    expect(readdirSync(uploadsParent)).toEqual([]);
  });
});
