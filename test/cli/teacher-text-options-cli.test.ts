/**
 * The BERT teacher's text options (issue #13 item 5): `teacher train --t2s` (head+tail by default, as
 * the students) records them in teacher.json and `teacher predict` applies them: a traditional text
 * gets the logits of its simplified form. A teacher.json written before the options existed keeps the
 * head-only cut it was trained with.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { teacherTokenizer } from '../../src/worker/jobs/teacher-job';
import { loadHfFolder } from '../../src/worker/teacher/checkpoint/hf-folder';
import { cliOk } from '../fixtures/run-cli';
import { makeTinyBertFolder } from '../fixtures/tiny-bert';

const TRAD = '這外賣難吃';
const SIMP = '这外卖难吃';
let tmp: string;
let teacher: string;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-teacher-text-'));
  const base = path.join(tmp, 'base');
  await makeTinyBertFolder(base, {
    layers: 1,
    hidden: 16,
    heads: 2,
    intermediate: 32,
    seed: 3,
    vocabWords: [...'这外卖好吃难'],
  });
  const rows = Array.from({ length: 40 }, (_, i) => (i % 2 ? `这外卖好吃${i},pos` : `这外卖难吃${i},neg`));
  writeFileSync(path.join(tmp, 'd.csv'), 'text,label\n' + rows.join('\n') + '\n');
  teacher = path.join(tmp, 'teacher');
  await cliOk([
    'teacher',
    'train',
    '--model-dir',
    base,
    '--data',
    path.join(tmp, 'd.csv'),
    '--out',
    teacher,
    '--epochs',
    '1',
    '--max-len',
    '8',
    '--batch-size',
    '8',
    '--valid-split',
    '0.2',
    '--test-split',
    '0.2',
    '--backend',
    'wasm',
    '--t2s',
  ]);
}, 300_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('BERT teacher text options', () => {
  it('teacher.json records t2s and head+tail (the default)', () => {
    expect(JSON.parse(readFileSync(path.join(teacher, 'teacher.json'), 'utf8')).text).toEqual({
      t2s: true,
      truncate: 'head+tail',
    });
  });

  it('teacher predict applies t2s: a traditional text gets the logits of its simplified form', async () => {
    writeFileSync(path.join(tmp, 'p.csv'), `text\n${TRAD}\n${SIMP}\n`);
    const out = path.join(tmp, 'p.jsonl');
    await cliOk(['teacher', 'predict', '--model', teacher, '--data', path.join(tmp, 'p.csv'), '--out', out]);
    const [a, b] = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).logits as number[]);
    expect(a).toEqual(b);
  }, 120_000);

  it('a teacher.json without text options (older folders) predicts head-only, as it was trained', async () => {
    const { tokenizer } = await loadHfFolder(teacher, { configOnly: true });
    expect(teacherTokenizer(tokenizer, {}).text).toEqual({ t2s: false, truncate: 'head' });
    expect(teacherTokenizer(tokenizer, { text: { t2s: true, truncate: 'head+tail' } }).text).toEqual({
      t2s: true,
      truncate: 'head+tail',
    });
  });
});
