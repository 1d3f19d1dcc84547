/**
 * `distillery teacher pretrain` end to end through the real binary: masked-LM pre-training of a tiny
 * BERT on a corpus's texts, then `teacher train --model-dir` on the result, which must name the
 * teacher as pre-trained here and learn the synthetic task (filler characters with one 好 = pos or
 * 坏 = neg; chance 0.5).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRETRAINED_HERE_KIND } from '../../src/worker/jobs/teacher-pretrain-job';
import { loadHfFolder } from '../../src/worker/teacher/checkpoint/hf-folder';
import { keywordRows } from '../fixtures/keyword-reviews';
import { runCli } from '../fixtures/run-cli';

let tmp: string;
let dataFile: string;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-pretrain-cli-'));
  const lines = keywordRows(600, 1).map((r) => `${r.text},${r.y ? 'pos' : 'neg'}`);
  dataFile = path.join(tmp, 'reviews.csv');
  writeFileSync(dataFile, 'text,label\n' + lines.join('\n') + '\n');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('distillery teacher pretrain', () => {
  it('pre-trains a HF folder with its record, and teacher train fine-tunes it as a teacher "pre-trained here"', async () => {
    const pre = path.join(tmp, 'pre');
    const r = await runCli([
      'teacher',
      'pretrain',
      '--data',
      dataFile,
      '--out',
      pre,
      '--layers',
      '1',
      '--hidden',
      '32',
      '--heads',
      '2',
      '--max-len',
      '16',
      '--epochs',
      '2',
      '--lr',
      '2e-3',
      '--seed',
      '7',
      '--backend',
      'wasm',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/pretrain epoch 2\/2 done .*valid_mlm_acc/);
    const out = JSON.parse(r.stdout.trim());
    expect(out).toMatchObject({
      texts: 600,
      seed: 7,
      epochs: 2,
      backend: 'wasm',
      config: { layers: 1, hidden: 32, heads: 2, intermediate: 128, max_len: 16 },
    });
    expect(out.data_hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    for (const f of ['config.json', 'vocab.txt', 'tokenizer_config.json', 'model.safetensors', 'pretrain.json'])
      expect(existsSync(path.join(pre, f)), f).toBe(true);
    const record = JSON.parse(readFileSync(path.join(pre, 'pretrain.json'), 'utf8'));
    expect(record.history).toHaveLength(2);
    expect(record.history[1].validAccuracy).toBeGreaterThan(0);
    const config = JSON.parse(readFileSync(path.join(pre, 'config.json'), 'utf8'));
    expect(config.architectures).toEqual(['BertForMaskedLM']);
    const vocab = readFileSync(path.join(pre, 'vocab.txt'), 'utf8').split('\n');
    expect(vocab.slice(0, 5)).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
    expect(vocab).toContain('好');
    const folder = await loadHfFolder(pre); // the MLM head (cls.*) is not part of the encoder
    expect(Object.keys(folder.weights).some((k) => k.startsWith('cls.'))).toBe(false);
    expect(folder.config.vocab_size).toBe(vocab.filter(Boolean).length);

    const teacher = path.join(tmp, 'teacher');
    const t = await runCli([
      'teacher',
      'train',
      '--model-dir',
      pre,
      '--data',
      dataFile,
      '--out',
      teacher,
      '--epochs',
      '3',
      '--max-len',
      '16',
      '--batch-size',
      '16',
      '--lr',
      '2e-3',
      '--seed',
      '5',
      '--backend',
      'wasm',
    ]);
    expect(t.code, t.stderr).toBe(0);
    const res = JSON.parse(t.stdout.trim());
    expect(res.teacher).toBe(PRETRAINED_HERE_KIND);
    expect(res.accuracy).toBeGreaterThan(0.8);
    expect(JSON.parse(readFileSync(path.join(teacher, 'teacher.json'), 'utf8')).kind).toBe(PRETRAINED_HERE_KIND);
  }, 120_000);

  it('refuses a hidden size the heads do not divide, naming the option', async () => {
    const r = await runCli([
      'teacher',
      'pretrain',
      '--data',
      dataFile,
      '--out',
      path.join(tmp, 'bad'),
      '--hidden',
      '30',
      '--heads',
      '4',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--hidden 30 is not a multiple of --heads 4/);
    expect(existsSync(path.join(tmp, 'bad'))).toBe(false);
  });

  it('refuses a missing data file', async () => {
    const r = await runCli(['teacher', 'pretrain', '--data', path.join(tmp, 'nope.csv'), '--out', path.join(tmp, 'x')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nope\.csv/);
  });
});
