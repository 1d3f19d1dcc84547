/**
 * `teacher pretrain --t2s` / `--truncate` (issue 13), from the one option table (TEXT_OPTIONS): with
 * t2s a traditional corpus and its simplified form give the same pre-training input ids — the same
 * vocabulary and, same seed, the same weights to the byte; the options are recorded in pretrain.json;
 * a teacher fine-tuned from it keeps t2s (recorded in teacher.json, a traditional text predicts as its
 * simplified form) even when its fine-tuning is not given t2s.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBertScorer } from '../../src/worker/jobs/pipeline-models';
import { runTeacherTrain } from '../../src/worker/jobs/teacher-job';
import { toSimplified } from '../../src/worker/text/normalize';
import { cliOk } from '../fixtures/run-cli';

/** Simplified → traditional for the characters the corpus uses (OpenCC maps them back). */
const TRAD: Record<string, string> = { 这: '這', 卖: '賣', 难: '難', 点: '點', 钱: '錢', 饭: '飯', 们: '們', 时: '時' };
const WORDS = ['这外卖好吃', '这外卖难吃', '点菜', '钱太多', '饭店', '我们', '按时送到', '很好'];
let tmp: string;
const pre = (name: string) => path.join(tmp, name);

async function pretrain(data: string, out: string, ...flags: string[]) {
  const r = await cliOk([
    'teacher',
    'pretrain',
    '--data',
    data,
    '--out',
    out,
    '--layers',
    '1',
    '--hidden',
    '16',
    '--heads',
    '2',
    '--max-len',
    '16',
    '--epochs',
    '1',
    '--min-freq',
    '1',
    '--seed',
    '3',
    '--backend',
    'wasm',
    ...flags,
  ]);
  return JSON.parse(r.stdout.trim());
}
const file = (dir: string, f: string) => readFileSync(path.join(dir, f));

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-pretrain-text-'));
  const simple = Array.from({ length: 40 }, (_, i) => `${WORDS[i % 8]}${WORDS[(i * 3) % 8]}${i}`);
  const trad = simple.map((t) => Array.from(t, (c) => TRAD[c] ?? c).join(''));
  expect(trad.map(toSimplified)).toEqual(simple);
  expect(trad[0]).not.toBe(simple[0]);
  const labeled = (texts: string[]) =>
    'text,label\n' + texts.map((t, i) => `${t},${i % 2 ? 'a' : 'b'}`).join('\n') + '\n';
  writeFileSync(pre('simple.csv'), labeled(simple));
  writeFileSync(pre('trad.csv'), labeled(trad));
  await pretrain(pre('simple.csv'), pre('pre-simple'), '--t2s');
  await pretrain(pre('trad.csv'), pre('pre-trad'), '--t2s');
}, 180_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('teacher pretrain text options', () => {
  it('--t2s: a traditional corpus and its simplified form pre-train on the same ids (same vocabulary, same weights)', () => {
    expect(file(pre('pre-trad'), 'vocab.txt').equals(file(pre('pre-simple'), 'vocab.txt'))).toBe(true);
    expect(file(pre('pre-trad'), 'vocab.txt').toString()).not.toContain('這');
    expect(file(pre('pre-trad'), 'model.safetensors').equals(file(pre('pre-simple'), 'model.safetensors'))).toBe(true);
    expect(JSON.parse(file(pre('pre-trad'), 'pretrain.json').toString()).text).toEqual({
      t2s: true,
      truncate: 'head+tail',
    });
  });

  it('without --t2s the traditional forms stay (their own vocabulary entries); --truncate head is recorded', async () => {
    const out = await pretrain(pre('trad.csv'), pre('pre-trad-raw'), '--truncate', 'head');
    expect(out.text).toEqual({ t2s: false, truncate: 'head' });
    expect(file(pre('pre-trad-raw'), 'vocab.txt').toString()).toContain('這');
    expect(JSON.parse(file(pre('pre-trad-raw'), 'pretrain.json').toString()).text).toEqual({
      t2s: false,
      truncate: 'head',
    });
  }, 60_000);

  it('a teacher fine-tuned from a t2s encoder keeps t2s (teacher.json) and predicts a traditional text as its simplified form', async () => {
    // Fine-tuned without t2s asked for (as `teacher train` without --t2s).
    const teacher = pre('teacher');
    const r = await runTeacherTrain({
      modelDir: pre('pre-trad'),
      data: pre('simple.csv'),
      out: teacher,
      epochs: 1,
      batchSize: 8,
      learningRate: 2e-3,
      maxLen: 16,
      seed: 1,
      validSplit: 0.2,
      testSplit: 0.2,
      backend: 'wasm',
    });
    expect(r.warnings.join('\n')).toMatch(/pre-trained on simplified text/);
    expect(JSON.parse(file(teacher, 'teacher.json').toString()).text).toEqual({ t2s: true, truncate: 'head+tail' });
    const scorer = await openBertScorer(teacher);
    const p = await scorer.predict(['這外賣難吃', '这外卖难吃']).finally(() => scorer.dispose());
    expect(Array.from(p.subarray(0, 2))).toEqual(Array.from(p.subarray(2, 4)));
  }, 120_000);
});
