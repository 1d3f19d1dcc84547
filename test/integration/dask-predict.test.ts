/**
 * `distillery predict` inside a real distributed engine: a local Dask cluster (two worker
 * processes) splits a text file into partitions and pipes each through its own `predict --data -`
 * process (test/integration/dask_predict.py); the concatenated output must equal, byte for byte, one
 * single-process run over the whole file. Dask comes from Debian (apt-get install python3-distributed,
 * for /usr/bin/python3); where it is missing the test is skipped and says why.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOk, ROOT } from '../fixtures/run-cli';
import { writeCorpusCsv, writeTextLines } from '../fixtures/synthetic-corpus';

const PYTHON = '/usr/bin/python3';
const N = 1_000;
const PARTITIONS = 4;

function daskMissing(): string | undefined {
  const r = spawnSync(PYTHON, ['-c', 'import dask.distributed'], { encoding: 'utf8' });
  if (r.error) return `${PYTHON} not found`;
  if (r.status !== 0) return `${PYTHON} has no dask.distributed (apt-get install python3-distributed)`;
  return undefined;
}
const missing = daskMissing();
if (missing) console.warn(`skipping the Dask test: ${missing}`);

let dir: string;
let model: string;
let textFile: string;

describe.skipIf(missing !== undefined)('predict on a Dask cluster', () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'distillery-dask-'));
    const data = writeCorpusCsv(dir, 600, 61, 'binary');
    model = path.join(dir, 'model');
    await cliOk([
      'train',
      '--data',
      data,
      '--out',
      model,
      '--model',
      'bilstm',
      '--hidden',
      '16',
      '--layers',
      '1',
      '--embed-dim',
      '16',
      '--epochs',
      '2',
      '--lr',
      '0.005',
      '--no-charts',
    ]);
    ({ file: textFile } = writeTextLines(dir, N, 62));
  }, 600_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // Generous: a cluster start and four `predict` processes, on a shared 2-core machine.
  it(
    'two worker processes, one predict process per partition: output identical to a single-process run',
    { timeout: 600_000 },
    async () => {
      const single = await cliOk(['predict', '--model', model, '--data', textFile]);
      const expected = single.stdout.slice(0, -1).split('\n');
      expect(expected).toHaveLength(N);

      const { stdout } = await promisify(execFile)(
        PYTHON,
        [
          path.join(ROOT, 'test/integration/dask_predict.py'),
          process.execPath,
          ROOT,
          model,
          textFile,
          String(PARTITIONS),
        ],
        {
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024,
        },
      );
      const r = JSON.parse(stdout.trim().split('\n').pop()!) as {
        lines: string[];
        pids: number[];
        workers: number;
        partitions: number;
      };
      expect(r.workers).toBe(2);
      expect(r.partitions).toBe(PARTITIONS);
      // Partitions ran in two different worker processes, neither of them this one.
      expect(r.pids).toHaveLength(2);
      expect(r.pids).not.toContain(process.pid);
      expect(r.lines).toHaveLength(N);
      expect(r.lines).toEqual(expected);
    },
  );
});
