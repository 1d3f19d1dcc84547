/**
 * `train` without a model on a CPU backend (wasm here) trains the CPU preset and says so in one line;
 * `--preset digest-a` brings back digest A's BiLSTM (issue #11). The real CLI on a small corpus.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOk } from '../fixtures/run-cli';
import { writeCorpusCsv } from '../fixtures/synthetic-corpus';

let dir: string;
let corpus: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'distillery-cli-defaults-'));
  corpus = writeCorpusCsv(dir, 200, 7, 'binary');
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The architecture a model folder was trained as (its student config). */
const configOf = (out: string) =>
  (JSON.parse(readFileSync(path.join(out, 'config.json'), 'utf8')) as { student: Record<string, unknown> }).student;

describe.concurrent('distillery train: defaults by backend', () => {
  it('no --model on wasm: a TextCNN with 64 filters × widths 2–5, and the line that says why', async () => {
    const out = path.join(dir, 'cpu');
    const r = await cliOk([
      'train',
      '--data',
      corpus,
      '--out',
      out,
      '--backend',
      'wasm',
      '--epochs',
      '1',
      '--embed-dim',
      '8',
      '--max-vocab',
      '200',
      '--no-charts',
    ]);
    expect(r.stderr).toContain(
      "defaults: textcnn, 64 filters × widths 2–5, 1 epoch — chosen for a CPU backend (wasm); --preset digest-a for the paper's BiLSTM",
    );
    expect(JSON.parse(r.stdout).model).toBe('textcnn');
    expect(configOf(out)).toMatchObject({ arch: 'textcnn', numFilters: 64, filterSizes: [2, 3, 4, 5] });
  });

  it('--preset digest-a: a BiLSTM (sizes given on the command line still win)', async () => {
    const out = path.join(dir, 'digest-a');
    const r = await cliOk([
      'train',
      '--data',
      corpus,
      '--out',
      out,
      '--backend',
      'wasm',
      '--preset',
      'digest-a',
      '--epochs',
      '1',
      '--hidden',
      '8',
      '--layers',
      '1',
      '--embed-dim',
      '8',
      '--max-vocab',
      '200',
      '--no-charts',
    ]);
    expect(r.stderr).toContain(
      "defaults: bilstm, 1 layer, hidden 8, 1 epoch — --preset digest-a (digest A's configuration)",
    );
    expect(JSON.parse(r.stdout).model).toBe('bilstm');
  });
});
