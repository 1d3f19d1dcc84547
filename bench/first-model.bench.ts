/**
 * Time to a first model (issue #11): the real `distillery train` with the defaults the backend
 * picks (no --model), on a fixed split, as a user would run it. Prints the config chosen (the
 * "defaults:" line), wall time, CPU time, test accuracy and the load average before and after
 * (the machine may be shared: wall time means little without it). Numbers, not assertions.
 * Usage: npx tsx bench/first-model.bench.ts [DATA.csv] [extra train flags, e.g. --preset digest-a]
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const [data = '../shared/data/waimai_10k.csv', ...extra] = process.argv.slice(2);
const out = mkdtempSync(path.join(os.tmpdir(), 'distillery-first-model-'));
const args = ['bin/distillery.mjs', 'train', '--data', data, '--split-seed', '42', '--out', out, '--no-charts', ...extra];
// GNU time gives the child's CPU seconds: on a shared machine they show the work apart from the waiting.
const TIME = '/usr/bin/time';
const [cmd, argv] = existsSync(TIME) ? [TIME, ['-f', 'cpu_seconds %U %S', process.execPath, ...args]] : [process.execPath, args];

const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
const loadBefore = load();
const t0 = performance.now();
const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
  const child = spawn(cmd, argv, { cwd: ROOT });
  let so = '';
  let se = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (so += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (se += d));
  child.on('error', reject);
  child.on('close', (c) => resolve({ code: c, stdout: so, stderr: se }));
});
const wall = (performance.now() - t0) / 1000;
rmSync(out, { recursive: true, force: true });
if (code !== 0) {
  console.error(stderr);
  throw new Error(`distillery train exited ${code}`);
}
const r = JSON.parse(stdout.trim().split('\n').pop()!) as { model: string; backend: string; accuracy: number; macro_f1: number; n: number; best_epoch: number; params: number };
const cpu = /cpu_seconds ([\d.]+) ([\d.]+)/.exec(stderr);
const row = {
  config: stderr.split('\n').find((l) => l.startsWith('defaults:')) ?? `no preset (explicit flags: ${extra.join(' ')})`,
  model: r.model,
  backend: r.backend,
  params: r.params,
  wall_s: Number(wall.toFixed(1)),
  cpu_s: cpu ? Number((Number(cpu[1]) + Number(cpu[2])).toFixed(1)) : undefined,
  test_accuracy: Number((100 * r.accuracy).toFixed(2)),
  test_macro_f1: Number((100 * r.macro_f1).toFixed(2)),
  test_docs: r.n,
  load_before: loadBefore,
  load_after: load(),
  cores: os.cpus().length,
  command: `node ${args.join(' ')}`,
};
console.log(JSON.stringify(row, null, 2));
