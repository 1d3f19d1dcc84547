/**
 * `distillery distill --self-train` from the command line (issue 13 item 4): a bad --confidence stops at
 * the command line naming the flag (exit 2); plain distill still needs --teacher-outputs; a run writes
 * its rounds as self-training.json / .md into the model folder and as JSON on stdout.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../fixtures/run-cli';
import { corpusCsv, generateCorpus, uniqueDocs } from '../fixtures/synthetic-corpus';

const dir = mkdtempSync(path.join(os.tmpdir(), 'distillery-self-train-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const corpus = path.join(dir, 'reviews.csv');
writeFileSync(corpus, corpusCsv(uniqueDocs(generateCorpus(200, 5, 'binary'))));
const TINY = [
  '--model',
  'textcnn',
  '--epochs',
  '3',
  '--lr',
  '0.01',
  '--embed-dim',
  '8',
  '--num-filters',
  '8',
  '--filter-sizes',
  '2',
  '--min-count',
  '1',
  '--patience',
  '0',
  '--no-charts',
];

describe.concurrent('distillery distill --self-train', () => {
  it('a --confidence outside (0, 1] exits 2 naming the flag', async () => {
    const r = await runCli([
      'distill',
      '--data',
      corpus,
      '--self-train',
      '2',
      '--confidence',
      '1.5',
      '--out',
      path.join(dir, 'x'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--confidence must be in (0, 1], got 1.5');
    expect(existsSync(path.join(dir, 'x'))).toBe(false);
  });

  it('without --self-train, distill still asks for --teacher-outputs', async () => {
    const r = await runCli(['distill', '--data', corpus, '--out', path.join(dir, 'y')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--teacher-outputs');
  });

  it('one round with hidden labels: the rounds on stdout and in the model folder', async () => {
    const out = path.join(dir, 'model');
    const r = await runCli([
      'distill',
      '--data',
      corpus,
      '--self-train',
      '1',
      '--confidence',
      '0.7',
      '--unlabeled-frac',
      '0.5',
      '--out',
      out,
      ...TINY,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const printed = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
      selfTraining: { rounds: { round: number; pseudo?: { keptTotal: number } }[] }[];
    };
    expect(printed.selfTraining[0].rounds.map((x) => x.round)).toEqual([0, 1]);
    const saved = JSON.parse(readFileSync(path.join(out, 'self-training.json'), 'utf8'));
    expect(saved.rounds[1].pseudo.keptTotal).toBe(printed.selfTraining[0].rounds[1].pseudo!.keptTotal);
    expect(readFileSync(path.join(out, 'self-training.md'), 'utf8')).toContain('| round | labeled by |');
  }, 60_000);
});
