/**
 * `distillery pipeline` end to end through the real binary: teacher → pre-label → plain and
 * distilled student → ONNX evaluation and timing → one report. A learnable synthetic task (filler
 * characters with one 好 = pos or 坏 = neg; chance is 0.5), 600 labeled rows and 100 without a label
 * (whose true labels the test knows, to check the teacher's pre-labels). Teachers: a tiny random BERT
 * checkpoint fine-tuned (makeTinyBertFolder), an ensemble of 2 TextCNNs, and a BERT pre-trained here.
 * Latencies are only checked to be positive numbers (no timing assertions).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineReport } from '../../src/worker/jobs/pipeline-job';
import { PRETRAINED_HERE_KIND } from '../../src/worker/jobs/teacher-pretrain-job';
import { makeTinyBertFolder } from '../fixtures/tiny-bert';
import { keywordRows } from '../fixtures/keyword-reviews';
import { cliOk, runCli } from '../fixtures/run-cli';

const LABELED = 600;
const UNLABELED = 100;

let tmp: string;
let base: string;
let dataFile: string;
let truth: { text: string; y: number }[];

const readJson = <T>(f: string): T => JSON.parse(readFileSync(f, 'utf8')) as T;
const lines = (f: string) => readFileSync(f, 'utf8').split('\n').filter(Boolean);

/** Small students, one split, quick timing; every run on the wasm backend. */
const STUDENT = [
  '--model',
  'textcnn',
  '--embed-dim',
  '16',
  '--num-filters',
  '16',
  '--epochs',
  '2',
  '--min-count',
  '1',
  '--seed',
  '7',
  '--test-split',
  '0.1',
  '--valid-split',
  '0.1',
];
const COMMON = ['--no-charts', '--backend', 'wasm', '--latency-docs', '20', '--threads', '1'];
const TINY_BERT = [
  '--teacher-epochs',
  '2',
  '--teacher-max-len',
  '16',
  '--teacher-batch-size',
  '16',
  '--teacher-lr',
  '2e-3',
];

function checkReport(out: string, stdout: string): PipelineReport {
  const report = readJson<PipelineReport>(path.join(out, 'report.json'));
  // stdout: one JSON line with the same rows.
  const summary = JSON.parse(stdout.trim());
  expect(summary.rows.map((r: { name: string }) => r.name)).toEqual(['teacher', 'plain student', 'distilled student']);
  expect(report.rows.map((r) => r.role)).toEqual(['teacher', 'plain', 'distilled']);
  expect(report.task).toBe('binary');
  expect(report.labels).toEqual(['neg', 'pos']);
  // One split for everything: 600 labeled rows → 480 / 60 / 60, the 100 unlabeled rows used by distillation.
  expect(report.split).toMatchObject({
    train: 480,
    valid: 60,
    test: 60,
    evaluated_on: 'test',
    evaluated_rows: 60,
    unlabeled: UNLABELED,
    unlabeled_used: UNLABELED,
    seed: 7,
  });
  for (const role of ['plain', 'distilled']) {
    const m = readJson<{ sizes: Record<string, number>; test: { accuracy: number } }>(
      path.join(out, role, 'metrics.json'),
    );
    expect(m.sizes).toMatchObject({ train: 480, valid: 60, test: 60 });
    // The training code's test accuracy (tfjs) and the pipeline's (ONNX) are on the same rows.
    expect(report.rows.find((r) => r.role === role)!.metrics.accuracy).toBeCloseTo(m.test.accuracy, 1);
  }
  for (const r of report.rows) {
    expect(r.metrics.accuracy, r.name).toBeGreaterThanOrEqual(0.85);
    expect(r.metrics.macro_f1, r.name).toBeGreaterThan(0.8);
    expect(r.params, r.name).toBeGreaterThan(0);
    expect(r.size_mb, r.name).toBeGreaterThan(0);
    expect(r.onnx_mb, r.name).toBeGreaterThan(0);
    for (const b of ['1', '32']) {
      expect(Number.isFinite(r.latency_ms_per_doc[b]), `${r.name} batch ${b}`).toBe(true);
      expect(r.latency_ms_per_doc[b]).toBeGreaterThan(0);
      expect(Number.isFinite(r.cpu_ms_per_doc[b]), `${r.name} CPU batch ${b}`).toBe(true);
    }
  }
  expect(report.rows[1].params).toBe(report.rows[2].params);
  expect(report.seeds.students[0]).toBe(7);
  expect(report.seeds.split).toBe(7);
  expect(report.data_hash).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(report.backend.training).toBe('wasm');

  for (const f of ['teacher', 'plain', 'distilled']) expect(existsSync(path.join(out, f)), f).toBe(true);
  for (const f of ['plain/model.onnx', 'distilled/model.onnx', 'report.md', 'teacher-outputs.jsonl', 'prelabels.jsonl'])
    expect(existsSync(path.join(out, f)), f).toBe(true);
  // Soft labels for every row, and a suggestion for each unlabeled one that mostly agrees with the truth.
  expect(lines(path.join(out, 'teacher-outputs.jsonl'))).toHaveLength(LABELED + UNLABELED);
  const pre = lines(path.join(out, 'prelabels.jsonl')).map((l) => JSON.parse(l));
  expect(pre).toHaveLength(UNLABELED);
  const byText = new Map(truth.map((t) => [t.text, t.y ? 'pos' : 'neg']));
  expect(pre.filter((p) => byText.get(p.text) === p.label).length / UNLABELED).toBeGreaterThanOrEqual(0.85);

  const md = readFileSync(path.join(out, 'report.md'), 'utf8');
  expect(md).toContain(`**Teacher (the soft labels come from it):** ${report.teacher.description}`);
  expect(md).toMatch(
    /\| Model \| What \| Params \| Size \(MB\) \| Accuracy \| Macro-F1 \| ms\/doc \(batch 1\) \| ms\/doc \(batch 32\) \|/,
  );
  for (const name of ['teacher', 'plain student', 'distilled student'])
    expect(md).toMatch(new RegExp(`^\\| ${name} \\|`, 'm'));
  return report;
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-pipeline-cli-'));
  base = path.join(tmp, 'base');
  await makeTinyBertFolder(base, { layers: 2, hidden: 32, heads: 2, intermediate: 64, seed: 3 });
  truth = keywordRows(LABELED + UNLABELED, 1);
  dataFile = path.join(tmp, 'reviews.csv');
  writeFileSync(
    dataFile,
    'text,label\n' + truth.map((r, i) => `${r.text},${i < LABELED ? (r.y ? 'pos' : 'neg') : ''}`).join('\n') + '\n',
  );
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('distillery pipeline', () => {
  it('fine-tunes a BERT folder, pre-labels, trains plain and distilled students and reports all three on one test split', async () => {
    const out = path.join(tmp, 'bert');
    const r = await cliOk([
      'pipeline',
      '--data',
      dataFile,
      '--out',
      out,
      '--teacher-model-dir',
      base,
      ...TINY_BERT,
      ...STUDENT,
      ...COMMON,
    ]);
    const report = checkReport(out, r.stdout);
    expect(report.teacher).toMatchObject({ source: 'model-dir', kind: 'fine-tuned BERT', dir: 'teacher' });
    expect(report.teacher.description).toMatch(/^pre-trained BERT from base, fine-tuned here \(2 layers, hidden 32/);
    expect(existsSync(path.join(out, 'teacher', 'model.onnx'))).toBe(true);
    // The teacher's own evaluation (tfjs, teacher train) is on the same 60 test rows as the pipeline's (ONNX).
    const info = readJson<{ metrics: { accuracy: number; n: number } }>(path.join(out, 'teacher', 'teacher.json'));
    expect(info.metrics.n).toBe(60);
    expect(report.rows[0].metrics.accuracy).toBeCloseTo(info.metrics.accuracy, 1);
    // Progress per stage on stderr.
    for (let k = 1; k <= 5; k++) expect(r.stderr).toContain(`[stage ${k}/5]`);
    expect(r.stderr).toMatch(/teacher epoch 2\/2/);
  }, 60_000);

  it('uses an ensemble of students as the teacher and reports mean ± std over --runs', async () => {
    const out = path.join(tmp, 'ensemble');
    const r = await cliOk([
      'pipeline',
      '--data',
      dataFile,
      '--out',
      out,
      '--teacher-ensemble',
      '2',
      '--teacher-arch',
      'textcnn',
      '--teacher-epochs',
      '1',
      '--runs',
      '2',
      ...STUDENT,
      ...COMMON,
    ]);
    const report = checkReport(out, r.stdout);
    // Students used as the teacher are named as the teacher.
    expect(report.teacher).toMatchObject({
      source: 'ensemble',
      kind: 'teacher (textcnn ensemble of 2)',
      seeds: [1, 2],
    });
    expect(readJson<{ kind: string }>(path.join(out, 'teacher', 'teacher.json')).kind).toBe(
      'teacher (textcnn ensemble of 2)',
    );
    // The distilled student's card names that teacher, α, ρ and the rows it learned from.
    const card = readFileSync(path.join(out, 'distilled', 'model-card.md'), 'utf8');
    expect(card).toContain(
      '- Teacher: teacher (textcnn ensemble of 2), seeds 1..2, trained here, probabilities averaged',
    );
    expect(card).toMatch(/α = \d[\d.]* \(weight of the distillation term\), ρ = \d[\d.]* \(temperature\)/);
    expect(card).toContain(
      `without one, trained on the teacher's soft label only; data ${report.data_hash}; teacher outputs teacher-outputs.jsonl (sha256:`,
    );
    for (const m of ['member-1', 'member-2'])
      expect(existsSync(path.join(out, 'teacher', m, 'model.onnx')), m).toBe(true);
    expect(readJson<{ members: string[] }>(path.join(out, 'teacher', 'teacher.json')).members).toEqual([
      'member-1',
      'member-2',
    ]);
    expect(report.rows[1].runs?.accuracy.n).toBe(2);
    expect(report.rows[2].runs?.accuracy.n).toBe(2);
    expect(report.seeds.students).toEqual([7, 8]);
    expect(readFileSync(path.join(out, 'report.md'), 'utf8')).toMatch(/Students over 2 seeds \(7, 8\)/);
  }, 60_000);

  it('pre-trains a small BERT on the texts (test texts held out) and says so', async () => {
    const out = path.join(tmp, 'pretrain');
    const r = await cliOk([
      'pipeline',
      '--data',
      dataFile,
      '--out',
      out,
      '--pretrain',
      '--pretrain-layers',
      '1',
      '--pretrain-hidden',
      '32',
      '--pretrain-heads',
      '2',
      '--pretrain-epochs',
      '1',
      '--pretrain-min-freq',
      '1',
      ...TINY_BERT,
      ...STUDENT,
      ...COMMON,
    ]);
    const report = readJson<PipelineReport>(path.join(out, 'report.json'));
    expect(report.teacher.source).toBe('pretrain');
    expect(report.teacher.kind).toBe(PRETRAINED_HERE_KIND);
    expect(report.teacher.description).toContain(PRETRAINED_HERE_KIND);
    expect(JSON.parse(r.stdout.trim()).teacher).toContain('masked LM');
    expect(existsSync(path.join(out, 'pretrained', 'pretrain.json'))).toBe(true);
    expect(existsSync(path.join(out, 'teacher', 'model.onnx'))).toBe(true);
    expect(lines(path.join(out, 'pretrain-texts.jsonl'))).toHaveLength(LABELED + UNLABELED - 60);
    expect(report.rows).toHaveLength(3);
    expect(report.split.test).toBe(60);
    for (let k = 1; k <= 6; k++) expect(r.stderr).toContain(`[stage ${k}/6]`);
  }, 60_000);

  it('errors clearly on a missing data file and on a missing or doubled teacher', async () => {
    const x = path.join(tmp, 'x');
    const [missing, none, two, notTeacher] = await Promise.all([
      runCli([
        'pipeline',
        '--data',
        path.join(tmp, 'nope.csv'),
        '--out',
        x,
        '--teacher-ensemble',
        '2',
        '--backend',
        'wasm',
      ]),
      runCli(['pipeline', '--data', dataFile, '--out', x]),
      runCli(['pipeline', '--data', dataFile, '--out', x, '--pretrain', '--teacher', base]),
      runCli(['pipeline', '--data', dataFile, '--out', x, '--teacher', base, '--backend', 'wasm']),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope\.csv: cannot read input file: no such file/);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(
      /no teacher given: pass exactly one of --teacher-model-dir DIR, --pretrain, --teacher-ensemble K, --teacher DIR/,
    );
    expect(two.code).toBe(1);
    expect(two.stderr).toMatch(/more than one teacher given/);
    expect(notTeacher.code).toBe(1);
    expect(notTeacher.stderr).toMatch(/is not a teacher folder/);
  }, 30_000);
});
