/**
 * Serve mode over TLS (`--cert/--key`, issue #10 item 2): an API call over HTTPS and the event
 * socket over WSS, with a self-signed certificate made by the `openssl` CLI (skipped, saying why,
 * where there is none).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../src/host/api-backend';
import { startServer, type RunningServer } from '../../src/host/serve/server';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
if (!hasOpenssl)
  console.log('tls.test.ts skipped: no `openssl` command to make a self-signed certificate (apt-get install openssl)');

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-tls-'));
let backend: Backend;
let server: RunningServer;
let cert: Buffer;
let token: string;

beforeAll(async () => {
  if (!hasOpenssl) return;
  const [certFile, keyFile] = [path.join(tmp, 'cert.pem'), path.join(tmp, 'key.pem')];
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  );
  cert = readFileSync(certFile);
  backend = createBackend({ root: path.join(tmp, 'projects'), mode: 'serve' });
  server = await startServer({
    backend,
    rendererDir: path.join(tmp, 'no-ui'),
    port: 0,
    owner: 'olga',
    tls: { cert, key: readFileSync(keyFile) },
  });
  token = new URL(server.url).searchParams.get('token')!;
});

afterAll(async () => {
  await server?.close();
  await backend?.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

function post(call: string, origin: string): Promise<{ status: number; body: string; cookie?: string[] }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port: server.port,
        method: 'POST',
        path: `/api/${call}`,
        ca: cert,
        agent: false,
        headers: { 'Content-Type': 'application/json', Authorization: `token ${token}`, Origin: origin },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end('[]');
  });
}

describe.skipIf(!hasOpenssl)('serve over TLS', () => {
  it('prints an https URL; a call over HTTPS verifies the certificate and answers; an http:// Origin is refused', async () => {
    expect(server.url).toMatch(new RegExp(`^https://127\\.0\\.0\\.1:${server.port}/\\?token=[0-9a-f]{64}$`));
    const r = await post('team.me', `https://127.0.0.1:${server.port}`);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ ok: true, result: { name: 'olga', role: 'owner' } });
    expect((await post('team.me', `http://127.0.0.1:${server.port}`)).status).toBe(403);
  });

  it('the event socket over WSS says hello', async () => {
    const ws = new WebSocket(`wss://127.0.0.1:${server.port}/api/events`, {
      ca: cert,
      headers: { Authorization: `token ${token}`, Origin: `https://127.0.0.1:${server.port}` },
    });
    const hello = await new Promise<{ type: string; mode: string }>((resolve, reject) => {
      ws.once('message', (d) => resolve(JSON.parse(String(d))));
      ws.once('error', reject);
    });
    ws.close();
    expect(hello).toMatchObject({ type: 'hello', mode: 'serve' });
  });
});
