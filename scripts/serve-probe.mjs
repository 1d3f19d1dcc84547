#!/usr/bin/env node
// Probes a real `distillery serve` (default limits, a fresh temporary projects folder) with hostile
// clients on 127.0.0.1 only, and prints what happened. Every run is bounded in count and time and
// stops by itself. The figures in issue #8 (items 4 and 5) come from here.
//
//   node scripts/serve-probe.mjs slow [connections=300] [everySeconds=5] [forSeconds=40]
//       Slowloris: each connection sends a request line and then one header byte every N s.
//       Prints how many the server accepted and dropped, and when it closed them.
//   node scripts/serve-probe.mjs post [MB=250] [call=projects.list] [chunked]
//       One authenticated POST of MB megabytes to /api/<call> (`upload`: POST /api/upload); prints
//       the answer and the server's RSS before, at its peak during, and after the request.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const [mode = 'slow', ...rest] = process.argv.slice(2);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-probe-'));

const child = spawn(
  process.execPath,
  [
    path.join(root, 'bin/distillery.mjs'),
    'serve',
    '--port',
    '0',
    '--projects',
    path.join(tmp, 'projects'),
    '--renderer',
    path.join(tmp, 'no-ui'),
  ],
  {
    stdio: ['ignore', 'pipe', 'pipe'],
  },
);
const hardStop = setTimeout(() => finish('probe ran over 5 minutes'), 300_000);
let out = '';
child.stdout.setEncoding('utf8');
child.stderr.resume();
const { port, token } = await new Promise((resolve, reject) => {
  child.stdout.on('data', (d) => {
    out += d;
    const m = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]+)/.exec(out);
    if (m) resolve({ port: Number(m[1]), token: m[2] });
  });
  child.once('exit', (code) => reject(new Error(`serve exited (${code})`)));
});
const host = `127.0.0.1:${port}`;
const rssMB = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) / 1024;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const t0 = Date.now();
const secs = () => ((Date.now() - t0) / 1000).toFixed(1);

async function finish(message) {
  if (message) console.log(message);
  clearTimeout(hardStop);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(tmp, { recursive: true, force: true });
  process.exit(0);
}

if (mode === 'slow') {
  const [n = 300, every = 5, bound = 40] = rest.map(Number);
  console.log(`${n} connections to ${host}, one header byte every ${every} s each, for at most ${bound} s`);
  const results = [];
  // The owner's request while the slow clients hold their connections, and once they are gone.
  const owner = () =>
    new Promise((resolve) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/api/projects.list',
          headers: { Host: host, Authorization: `token ${token}`, 'Content-Type': 'application/json' },
        },
        (res) => {
          res.resume();
          resolve(`HTTP ${res.statusCode}`);
        },
      );
      req.on('error', (e) => resolve(e.message));
      req.setTimeout(20_000, () => req.destroy(new Error('no answer in 20 s')));
      req.end('[]');
    });
  const during = sleep(3000).then(owner);
  await Promise.all(
    Array.from(
      { length: n },
      (_, i) =>
        new Promise((resolve) => {
          const r = { i, connected: false, answer: '', closedAt: undefined, sent: 0 };
          results.push(r);
          const c = net.connect({ host: '127.0.0.1', port });
          let tick;
          const done = () => {
            clearInterval(tick);
            clearTimeout(stop);
            c.destroy();
            resolve();
          };
          c.setEncoding('utf8');
          c.on('data', (d) => (r.answer += d));
          c.on('connect', () => {
            r.connected = true;
            c.write(`GET / HTTP/1.1\r\nHost: ${host}\r\nX-Slow: `);
            tick = setInterval(() => c.writable && (c.write('a'), r.sent++), every * 1000);
          });
          c.on('error', () => {});
          c.on('close', () => {
            r.closedAt ??= (Date.now() - t0) / 1000;
            done();
          });
          const stop = setTimeout(done, bound * 1000);
        }),
    ),
  );
  const closed = results.filter((r) => r.closedAt !== undefined);
  const answered = closed.filter((r) => r.answer.startsWith('HTTP/1.1 408'));
  const silent = closed.filter((r) => !r.answer);
  const silentAt = silent.map((r) => r.closedAt).sort((a, b) => a - b);
  const times = answered.map((r) => r.closedAt).sort((a, b) => a - b);
  console.log(
    `closed by the server: ${closed.length} of ${n} (still open at the ${bound} s bound: ${n - closed.length})`,
  );
  console.log(
    `  answered 408 and closed: ${answered.length}, after ${times[0]?.toFixed(1)}–${times.at(-1)?.toFixed(1)} s`,
  );
  console.log(
    `  closed without an answer, to make way over the connection cap: ${silent.length}, after ${silentAt[0]?.toFixed(1)}–${silentAt.at(-1)?.toFixed(1)} s`,
  );
  console.log(
    `an authenticated request 3 s into the attack: ${await during}; afterwards: ${await owner()}; server RSS ${rssMB().toFixed(0)} MB`,
  );
  await finish();
} else if (mode === 'post') {
  const mb = Number(rest[0] ?? 250);
  const call = rest[1] ?? 'projects.list';
  const chunked = rest.includes('chunked');
  await sleep(3000); // the worker and its backend start at launch; let the RSS settle
  const before = rssMB();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMB())), 50);
  const total = mb * 1024 * 1024;
  // `upload` is POST /api/upload (raw bytes, streamed to disk); anything else an API call with a JSON body.
  const headers = {
    Host: host,
    Authorization: `token ${token}`,
    'Content-Type': call === 'upload' ? 'application/octet-stream' : 'application/json',
  };
  if (!chunked) headers['Content-Length'] = String(total);
  const answer = await new Promise((resolve) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: `/api/${call}`, headers, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve(`HTTP ${res.statusCode} ${body.slice(0, 300)}`));
      },
    );
    req.on('error', (e) => resolve(`connection ended: ${e.message}`));
    // A JSON array of one long string, sent 1 MB at a time.
    const chunk = Buffer.alloc(1024 * 1024, 'x');
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        const piece =
          sent === 0
            ? Buffer.concat([Buffer.from('["'), chunk.subarray(2)])
            : sent + chunk.length >= total
              ? Buffer.concat([chunk.subarray(0, total - sent - 2), Buffer.from('"]')])
              : chunk;
        sent += piece.length;
        if (!req.write(piece)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
  console.log(`POST /api/${call}, ${mb} MB${chunked ? ' (chunked, no Content-Length)' : ''}: ${answer}`);
  await sleep(2000);
  clearInterval(sampler);
  console.log(
    `server RSS: before ${before.toFixed(0)} MB, peak ${peak.toFixed(0)} MB, 2 s after ${rssMB().toFixed(0)} MB`,
  );
  await finish();
} else {
  await finish(`unknown mode ${mode}: slow | post`);
}
