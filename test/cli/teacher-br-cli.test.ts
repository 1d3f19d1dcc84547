/**
 * `distillery teacher train --binary-relevance` / `teacher predict` end to end through the real
 * binary, on a tiny random BERT checkpoint and a synthetic multi-label corpus whose three labels
 * each have one keyword (香 taste, 快 speed, 贵 price) at different frequencies (long-tailed, as
 * digest B's data). Then the per-label logits go through `distill --teacher-outputs`.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/shared/random';
import { makeTinyBertFolder } from '../fixtures/tiny-bert';
import { cliOk, runCli } from '../fixtures/run-cli';

const FILLER = Array.from('的了是我不很也就都吃菜送餐慢味道辣咸甜难太一个这那外卖饭店点份钱便宜服务态度');
const LABELS = [
  { name: 'taste', key: '香', p: 0.5 },
  { name: 'speed', key: '快', p: 0.35 },
  { name: 'price', key: '贵', p: 0.2 },
];
const N = 600;

let tmp: string;
let base: string;
let multiFile: string;
let singleFile: string;
/** Per row, the label names it has. */
let truth: string[][];

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-teacher-br-'));
  base = path.join(tmp, 'base');
  await makeTinyBertFolder(base, { layers: 2, hidden: 32, heads: 2, intermediate: 64, seed: 3 });
  const rng = createRng(1);
  const lines: string[] = [];
  truth = [];
  for (let i = 0; i < N; i++) {
    let has: boolean[];
    do has = LABELS.map((l) => rng.next() < l.p);
    while (!has.some(Boolean)); // a row without labels would count as unlabeled
    const chars = Array.from({ length: 3 + rng.int(6) }, () => FILLER[rng.int(FILLER.length)]);
    LABELS.forEach((l, j) => has[j] && chars.splice(rng.int(chars.length + 1), 0, l.key));
    const names = LABELS.filter((_, j) => has[j]).map((l) => l.name);
    truth.push(names);
    // Short enough for --max-len 16 with [CLS] and [SEP]; the row number keeps every text unique.
    lines.push(`${chars.join('')}${i},${names.join('|')}`);
  }
  multiFile = path.join(tmp, 'aspects.csv');
  writeFileSync(multiFile, 'text,labels\n' + lines.join('\n') + '\n');
  singleFile = path.join(tmp, 'reviews.csv');
  writeFileSync(
    singleFile,
    'text,label\n' + lines.map((l, i) => `${l.split(',')[0]},${i % 2 ? 'pos' : 'neg'}`).join('\n') + '\n',
  );
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const tiny = [
  '--epochs',
  '4',
  '--max-len',
  '16',
  '--batch-size',
  '16',
  '--lr',
  '2e-3',
  '--seed',
  '5',
  '--valid-split',
  '0.15',
  '--test-split',
  '0.2',
  '--backend',
  'wasm',
];

describe('distillery teacher --binary-relevance', () => {
  it('trains one binary model per label with a chosen class weight; predict writes per-label logits that distill accepts', async () => {
    const out = path.join(tmp, 'br');
    const r = await cliOk([
      'teacher',
      'train',
      '--model-dir',
      base,
      '--data',
      multiFile,
      '--out',
      out,
      '--binary-relevance',
      '--br-weights',
      '0.5,3',
      ...tiny,
    ]);
    const lines = r.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    const s = JSON.parse(lines[0]);
    const labels = ['price', 'speed', 'taste'];
    expect(s).toMatchObject({
      teacher: 'binary relevance: one fine-tuned BERT per label',
      task: 'multilabel',
      labels,
      weights_tried: [0.5, 3],
      runs: 6,
      evaluated_on: 'test',
      backend: 'wasm',
    });
    expect(s.micro_f1).toBeGreaterThanOrEqual(0.9);
    expect(s.macro_f1).toBeGreaterThanOrEqual(0.85);
    expect(s.per_label.map((x: { label: string }) => x.label)).toEqual(labels);
    for (const x of s.per_label) expect([0.5, 3]).toContain(x.weight);
    expect(r.stderr).toMatch(/label 1\/3 price · weight 1\/2 \(0\.5\) · teacher epoch 1\/4/);
    expect(r.stderr).toMatch(/label 3\/3 taste · weight 2\/2 \(3\) · teacher epoch/);

    const info = JSON.parse(readFileSync(path.join(out, 'teacher.json'), 'utf8'));
    expect(info).toMatchObject({
      kind: 'binary relevance: one fine-tuned BERT per label',
      base: path.resolve(base),
      labels,
      task: 'multilabel',
      maxLen: 16,
      seed: 5,
    });
    expect(info.metrics.micro_f1).toBe(s.micro_f1);
    expect(info.binaryRelevance.weights).toEqual([0.5, 3]);
    info.binaryRelevance.perLabel.forEach(
      (
        x: {
          label: string;
          folder: string;
          weight: number;
          validF1: number;
          candidates: { weight: number; validF1: number }[];
        },
        i: number,
      ) => {
        expect(x).toMatchObject({ label: labels[i], folder: `label-${i}` });
        expect(x.candidates.map((c) => c.weight)).toEqual([0.5, 3]);
        // The chosen weight is the candidate with the best validation F1.
        expect(x.validF1).toBe(Math.max(...x.candidates.map((c) => c.validF1)));
        expect(x.candidates.find((c) => c.weight === x.weight)!.validF1).toBe(x.validF1);
        for (const f of ['config.json', 'vocab.txt', 'model.safetensors', 'model.onnx', 'label.json'])
          expect(existsSync(path.join(out, x.folder, f)), `${x.folder}/${f}`).toBe(true);
        const config = JSON.parse(readFileSync(path.join(out, x.folder, 'config.json'), 'utf8'));
        expect(config).toMatchObject({ num_labels: 2, id2label: { 0: `not ${labels[i]}`, 1: labels[i] } });
      },
    );

    const logitsFile = path.join(tmp, 'br-logits.jsonl');
    const p = await cliOk([
      'teacher',
      'predict',
      '--model',
      out,
      '--data',
      multiFile,
      '--out',
      logitsFile,
      '--batch-size',
      '100',
    ]);
    expect(p.stderr.split('\n')[0]).toMatch(/^teacher: binary relevance: one fine-tuned BERT per label/);
    expect(p.stderr).toMatch(/scored 600 rows \(3 logits each\)/);
    const preds = readFileSync(logitsFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(preds).toHaveLength(N);
    expect(preds.map((x) => x.id)).toEqual(Array.from({ length: N }, (_, i) => String(i + 1)));
    // sigmoid(logit) ≥ 0.5 ⇔ logit ≥ 0: per-label decisions agree with the truth far above chance
    // (always answering the majority gives micro-F1 ≈ 0.5 here: taste only).
    let tp = 0;
    let fp = 0;
    let fn = 0;
    preds.forEach((x, i) => {
      expect(x.logits).toHaveLength(3);
      labels.forEach((l, k) => {
        const pred = x.logits[k] >= 0;
        const yes = truth[i].includes(l);
        if (pred && yes) tp++;
        else if (pred) fp++;
        else if (yes) fn++;
      });
    });
    expect((2 * tp) / (2 * tp + fp + fn)).toBeGreaterThanOrEqual(0.9);

    const d = await cliOk([
      'distill',
      '--data',
      multiFile,
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
    expect(JSON.parse(d.stdout.trim())).toMatchObject({ task: 'multilabel', labels });
  }, 240_000);

  it('refuses --binary-relevance on single-label data, and --br-weights without it or with a bad value', async () => {
    const r = await runCli([
      'teacher',
      'train',
      '--model-dir',
      base,
      '--data',
      singleFile,
      '--out',
      path.join(tmp, 'nope'),
      '--binary-relevance',
      ...tiny,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /error \[CONFIG\]: --binary-relevance is for multi-label data .* is binary \(labels neg, pos\)/,
    );
    expect(existsSync(path.join(tmp, 'nope'))).toBe(false);

    const w = await runCli([
      'teacher',
      'train',
      '--model-dir',
      base,
      '--data',
      multiFile,
      '--out',
      path.join(tmp, 'nope'),
      '--br-weights',
      '1',
    ]);
    expect(w.code).toBe(1);
    expect(w.stderr).toMatch(/--br-weights needs --binary-relevance/);
    const z = await runCli([
      'teacher',
      'train',
      '--model-dir',
      base,
      '--data',
      multiFile,
      '--out',
      path.join(tmp, 'nope'),
      '--binary-relevance',
      '--br-weights',
      '1,0',
    ]);
    expect(z.code).toBe(1);
    expect(z.stderr).toMatch(/class weights must be positive numbers, got 0/);
  }, 120_000);
});
