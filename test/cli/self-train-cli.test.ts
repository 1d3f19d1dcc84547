/**
 * `distillery distill --self-train` from the command line (issue 13 item 4): a bad --confidence stops at
 * the command line naming the flag (exit 2); plain distill still needs --teacher-outputs; a run writes
 * its rounds as self-training.json / .md into the model folder and as JSON on stdout; --final-finetune
 * adds a last phase on the human labels only, recorded before and after.
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

  it('--final-finetune: the last phase trains on the human labels, --finetune-epochs long, and is recorded', async () => {
    const out = path.join(dir, 'model-ft');
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
      '--final-finetune',
      '--finetune-epochs',
      '1',
      '--out',
      out,
      ...TINY,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const printed = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
      selfTraining: { humanLabels: number; finalFinetune: { rows: number; epochs: number; learningRate: number } }[];
    };
    const st = printed.selfTraining[0];
    expect(st.finalFinetune).toMatchObject({ rows: st.humanLabels, epochs: 1, learningRate: 0.001 });
    expect(r.stderr).toMatch(/final fine-tune on \d+ human labels \(1 epochs, lr 0\.001\): accuracy [\d.]+ → [\d.]+ %/);
    expect(readFileSync(path.join(out, 'self-training.md'), 'utf8')).toContain('| final fine-tune | human labels only');
    expect(JSON.parse(readFileSync(path.join(out, 'config.json'), 'utf8')).training.fineTune.rows).toBe(st.humanLabels);
  }, 60_000);

  it('--final-finetune without --self-train is refused naming it; --finetune-epochs 0 exits 2', async () => {
    const a = await runCli(['distill', '--data', corpus, '--final-finetune', '--out', path.join(dir, 'z')]);
    expect(a.code).not.toBe(0);
    expect(a.stderr).toContain('--final-finetune');
    expect(a.stderr).toContain('--self-train');
    const b = await runCli(['distill', '--data', corpus, '--self-train', '1', '--finetune-epochs', '0']);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('--finetune-epochs must be in [1, 1000], got 0');
  });
});
