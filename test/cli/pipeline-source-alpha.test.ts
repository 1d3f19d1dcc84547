/**
 * `distillery pipeline --source-col C --source-alpha …` through the real binary: a bad source=α pair
 * is a usage error (exit 2) naming it, --source-alpha without --source-col is refused before any
 * stage, and a good one reaches the distillation stage only: the distilled student's training record
 * and report.json carry it, the plain student's do not. Tiny models (an ensemble of one TextCNN as
 * the teacher, one epoch each) on the keyword toy task; every fourth label an accepted pre-label.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineReport } from '../../src/worker/jobs/pipeline-job';
import { keywordRows } from '../fixtures/keyword-reviews';
import { cliOk, runCli } from '../fixtures/run-cli';

let tmp: string;
let dataFile: string;
const readJson = <T>(f: string): T => JSON.parse(readFileSync(f, 'utf8')) as T;

const TINY = [
  '--teacher-ensemble',
  '1',
  '--teacher-arch',
  'textcnn',
  '--teacher-epochs',
  '1',
  '--model',
  'textcnn',
  '--embed-dim',
  '8',
  '--num-filters',
  '8',
  '--epochs',
  '1',
  '--min-count',
  '1',
  '--test-split',
  '0.2',
  '--valid-split',
  '0.1',
  '--no-charts',
  '--backend',
  'wasm',
  '--latency-docs',
  '5',
  '--latency-batch',
  '1',
  '--threads',
  '1',
];

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-pipeline-alpha-'));
  dataFile = path.join(tmp, 'reviews.csv');
  const rows = keywordRows(160, 4).map((r, i) =>
    i < 140 ? `${r.text},${r.y ? 'pos' : 'neg'},${i % 4 === 3 ? 'teacher' : 'human'}` : `${r.text},,`,
  );
  writeFileSync(dataFile, 'text,label,source\n' + rows.join('\n') + '\n');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('distillery pipeline --source-alpha', () => {
  it('a bad source=α pair exits 2 naming it; --source-alpha without --source-col is refused before any stage', async () => {
    const out = path.join(tmp, 'bad');
    const bad = await runCli([
      'pipeline',
      '--data',
      dataFile,
      '--out',
      out,
      '--source-col',
      'source',
      '--source-alpha',
      'human=0.5,teacher=2',
      ...TINY,
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--source-alpha: source α "teacher=2": expected source=α with α in [0, 1]');
    const noCol = await runCli(['pipeline', '--data', dataFile, '--out', out, '--source-alpha', 'teacher=1', ...TINY]);
    expect(noCol.code).toBe(1);
    expect(noCol.stderr).toContain('--source-alpha needs --source-col');
    expect(noCol.stderr).not.toContain('[stage 1/');
    expect(existsSync(out)).toBe(false);
  });

  it('a good one reaches the distilled student only: its training record and report.json carry the α per source', async () => {
    const out = path.join(tmp, 'good');
    await cliOk([
      'pipeline',
      '--data',
      dataFile,
      '--out',
      out,
      '--source-col',
      'source',
      '--source-alpha',
      'teacher=0.8,rule=0.9',
      ...TINY,
    ]);
    const distilled = readJson<{
      training: { options: Record<string, unknown>; distillation: Record<string, unknown> };
    }>(path.join(out, 'distilled', 'config.json'));
    expect(distilled.training.options.sourceAlpha).toEqual({ teacher: 0.8, student: 1, rule: 0.9 });
    expect(distilled.training.distillation).toMatchObject({ sourceAlpha: { teacher: 0.8, student: 1, rule: 0.9 } });
    expect(readFileSync(path.join(out, 'distilled', 'model-card.md'), 'utf8')).toContain(
      'α per label source: teacher 0.8, student 1, rule 0.9',
    );
    const plain = readJson<{ training: { options: Record<string, unknown>; distillation?: unknown } }>(
      path.join(out, 'plain', 'config.json'),
    );
    expect(plain.training.options.sourceAlpha).toBeUndefined();
    expect(plain.training.distillation).toBeUndefined();
    const report = readJson<PipelineReport>(path.join(out, 'report.json'));
    expect(report.distillation.source_alpha).toEqual({ teacher: 0.8, student: 1, rule: 0.9 });
    expect(readFileSync(path.join(out, 'report.md'), 'utf8')).toContain(
      'α per label source: teacher 0.8, student 1, rule 0.9; other sources the global α.',
    );
  }, 120_000);
});
