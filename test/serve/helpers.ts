/** Helpers for the serve-mode tests: real sockets on 127.0.0.1, real processes, bounded waits. */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import type { JobStatus } from '../../src/shared/api';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP request to 127.0.0.1:port with exactly the headers given (Host included, when given). */
export function request(
  port: number,
  o: { method?: string; path?: string; headers?: Record<string, string>; body?: string },
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: o.method ?? 'GET', path: o.path ?? '/', headers: o.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.setTimeout(60_000, () => req.destroy(new Error('request timed out')));
    req.end(o.body);
  });
}

/** An API call as the UI makes it (token as the cookie the server set). */
export async function api<T = unknown>(
  port: number,
  token: string,
  call: string,
  args: unknown[],
): Promise<{
  status: number;
  ok: boolean;
  result?: T;
  error?: { code: string; message: string; details: Record<string, unknown> };
}> {
  const r = await request(port, {
    method: 'POST',
    path: `/api/${call}`,
    headers: {
      'Content-Type': 'application/json',
      Cookie: `distillery-token-${port}=${token}`,
      Origin: `http://127.0.0.1:${port}`,
      Host: `127.0.0.1:${port}`,
    },
    body: JSON.stringify(args),
  });
  return { status: r.status, ...JSON.parse(r.body) };
}

/** Calls and requires ok. */
export async function ok<T = unknown>(port: number, token: string, call: string, args: unknown[]): Promise<T> {
  const r = await api<T>(port, token, call, args);
  if (!r.ok) throw new Error(`${call}: HTTP ${r.status} ${JSON.stringify(r.error)}`);
  return r.result as T;
}

/** The job-event socket, collecting every JobStatus. */
export async function events(
  port: number,
  token: string,
): Promise<{
  statuses: JobStatus[];
  waitFor(pred: (s: JobStatus) => boolean, ms?: number): Promise<JobStatus>;
  close(): void;
}> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/events`, {
    headers: { Cookie: `distillery-token-${port}=${token}`, Origin: `http://127.0.0.1:${port}` },
  });
  const statuses: JobStatus[] = [];
  const waiters: { pred: (s: JobStatus) => boolean; resolve: (s: JobStatus) => void }[] = [];
  ws.on('message', (d) => {
    const m = JSON.parse(String(d));
    if (typeof m.id !== 'string') return;
    statuses.push(m);
    for (const w of [...waiters]) {
      if (w.pred(m)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    statuses,
    waitFor(pred, ms = 90_000) {
      const seen = statuses.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const t = setTimeout(
          () =>
            reject(
              new Error(
                `no matching job status within ${ms} ms; last: ${JSON.stringify(statuses.at(-1))?.slice(0, 500)}`,
              ),
            ),
          ms,
        );
        waiters.push({
          pred,
          resolve: (s) => {
            clearTimeout(t);
            resolve(s);
          },
        });
      });
    },
    close: () => ws.close(),
  };
}

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  port: number;
  token: string;
  stdout(): string;
  stderr(): string;
  stop(): Promise<number | null>;
}

/** `distillery serve --port 0 …` as a real process; resolves once it printed its URL. */
export function startServe(args: string[]): Promise<ServeProcess> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/distillery.mjs'), 'serve', '--port', '0', ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1' },
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve printed no URL within 60 s:\n${err}`));
    }, 60_000);
    const check = () => {
      const m = /^(https?:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]+))$/m.exec(out);
      if (!m) return;
      clearTimeout(t);
      child.stdout!.off('data', check);
      resolve({
        child,
        url: m[1],
        port: Number(m[2]),
        token: m[3],
        stdout: () => out,
        stderr: () => err,
        stop: async () => {
          if (child.exitCode === null) child.kill('SIGTERM');
          const k = setTimeout(() => child.kill('SIGKILL'), 10_000);
          const code = await exited;
          clearTimeout(k);
          return code;
        },
      });
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(t);
      reject(new Error(`serve exited (${code}) before printing a URL:\n${err}`));
    });
  });
}

export async function until(cond: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
