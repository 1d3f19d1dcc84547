/**
 * `distillery teacher train` / `teacher predict` end to end through the real binary, on a tiny random
 * BERT checkpoint (makeTinyBertFolder) and a learnable synthetic task: filler characters with one
 * 好 (label pos) or 坏 (label neg) somewhere — chance accuracy is 0.5. Then the teacher's logits go
 * through `distill --teacher-outputs`.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTinyBertFolder } from '../fixtures/tiny-bert';
import { loadHfFolder } from '../../src/worker/teacher/checkpoint/hf-folder';
import { keywordRows } from '../fixtures/keyword-reviews';
import { cliOk } from '../fixtures/run-cli';

let tmp: string;
let base: string;
let dataFile: string;
let multiFile: string;
const N = 800;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-teacher-cli-'));
  base = path.join(tmp, 'base');
  await makeTinyBertFolder(base, { layers: 2, hidden: 32, heads: 2, intermediate: 64, seed: 3 });
  const data = keywordRows(N, 1);
  dataFile = path.join(tmp, 'reviews.csv');
  writeFileSync(dataFile, 'text,label\n' + data.map((r) => `${r.text},${r.y ? 'pos' : 'neg'}`).join('\n') + '\n');
  multiFile = path.join(tmp, 'aspects.csv');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const tiny = [
  '--epochs',
  '2',
  '--max-len',
  '16',
  '--batch-size',
  '16',
  '--lr',
  '2e-3',
  '--seed',
  '5',
  '--valid-split',
  '0.1',
  '--test-split',
  '0.2',
  '--backend',
  'wasm',
];

describe('distillery teacher', () => {
  it('train fine-tunes, evaluates and saves a HF folder + ONNX; predict writes logits that distill accepts', async () => {
    const out = path.join(tmp, 'teacher');
    const r = await cliOk(['teacher', 'train', '--model-dir', base, '--data', dataFile, '--out', out, ...tiny]);
    const lines = r.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    const s = JSON.parse(lines[0]);
    expect(s).toMatchObject({
      teacher: 'fine-tuned BERT',
      task: 'binary',
      labels: ['neg', 'pos'],
      backend: 'wasm',
      evaluated_on: 'test',
      cancelled: false,
    });
    expect(s.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(s.macro_f1).toBeGreaterThan(0.9);
    expect(s.params).toBeGreaterThan(0);
    expect(s.samples_per_second).toBeGreaterThan(0);
    expect(s.sizes.test).toBe(160);
    expect(r.stderr).toMatch(/teacher epoch 2\/2/);

    for (const f of ['config.json', 'vocab.txt', 'model.safetensors', 'model.onnx', 'teacher.json'])
      expect(existsSync(path.join(out, f)), f).toBe(true);
    const config = JSON.parse(readFileSync(path.join(out, 'config.json'), 'utf8'));
    expect(config).toMatchObject({
      num_labels: 2,
      id2label: { 0: 'neg', 1: 'pos' },
      architectures: ['BertForSequenceClassification'],
    });
    const info = JSON.parse(readFileSync(path.join(out, 'teacher.json'), 'utf8'));
    expect(info).toMatchObject({
      kind: 'fine-tuned BERT',
      base: path.resolve(base),
      labels: ['neg', 'pos'],
      task: 'binary',
      maxLen: 16,
      seed: 5,
      backend: 'wasm',
    });
    expect(info.metrics.accuracy).toBe(s.accuracy);
    const back = await loadHfFolder(out);
    expect(back.weights['classifier.weight'].shape).toEqual([2, 32]);

    const logitsFile = path.join(tmp, 'teacher-logits.jsonl');
    const p = await cliOk([
      'teacher',
      'predict',
      '--model',
      out,
      '--data',
      dataFile,
      '--out',
      logitsFile,
      '--batch-size',
      '32',
    ]);
    expect(p.stdout).toBe('');
    expect(p.stderr.split('\n')[0]).toMatch(/^teacher: fine-tuned BERT/);
    const preds = readFileSync(logitsFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(preds).toHaveLength(N);
    expect(preds.map((x) => x.id)).toEqual(Array.from({ length: N }, (_, i) => String(i + 1)));
    for (const x of preds) expect(x.logits).toHaveLength(2);
    // The ONNX logits agree with the labels about as well as the teacher's test accuracy says.
    const truth = readFileSync(dataFile, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => (l.endsWith('pos') ? 1 : 0));
    const agree = preds.filter((x, i) => (x.logits[1] > x.logits[0] ? 1 : 0) === truth[i]).length / N;
    expect(agree).toBeGreaterThanOrEqual(0.9);

    const d = await cliOk([
      'distill',
      '--data',
      dataFile,
      '--teacher-outputs',
      logitsFile,
      '--out',
      path.join(tmp, 'student'),
      '--model',
      'textcnn',
      '--epochs',
      '1',
      '--backend',
      'wasm',
      '--no-charts',
      '--min-count',
      '1',
    ]);
    expect(d.stdout.trim()).not.toBe('');
    // predict's sidecar names the teacher; distill says so and puts it in the model card.
    expect(JSON.parse(readFileSync(`${logitsFile}.teacher.json`, 'utf8'))).toMatchObject({
      kind: 'fine-tuned BERT',
      labels: ['neg', 'pos'],
    });
    expect(d.stderr).toMatch(/teacher: fine-tuned BERT \(/);
    expect(readFileSync(path.join(tmp, 'student', 'model-card.md'), 'utf8')).toMatch(/Teacher: fine-tuned BERT \(/);
  }, 90_000);

  it('fine-tunes a multi-label teacher (micro-F1) and predicts sigmoid-head logits', async () => {
    const out = path.join(tmp, 'teacher-multi');
    // JSON-array label cells make the task multi-label even though each row holds one label.
    const data = keywordRows(N, 2);
    writeFileSync(
      multiFile,
      'text,labels\n' + data.map((r) => `${r.text},"[""${r.y ? 'good' : 'bad'}""]"`).join('\n') + '\n',
    );
    const r = await cliOk(['teacher', 'train', '--model-dir', base, '--data', multiFile, '--out', out, ...tiny]);
    const s = JSON.parse(r.stdout.trim());
    expect(s.task).toBe('multilabel');
    expect(s.micro_f1).toBeGreaterThanOrEqual(0.9);
    const logitsFile = path.join(tmp, 'multi-logits.jsonl');
    await cliOk(['teacher', 'predict', '--model', out, '--data', multiFile, '--out', logitsFile]);
    const preds = readFileSync(logitsFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(preds).toHaveLength(N);
    for (const x of preds) expect(x.logits).toHaveLength(2);
  }, 60_000);
});
