/**
 * The real `distillery` CLI on bad input: each case must exit non-zero, print nothing on stdout,
 * and say on stderr what is wrong (error code, file, line, column names, counts) so a user can fix it.
 */
import { runCli, type CliResult } from '../fixtures/run-cli';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, it, type ExpectStatic } from 'vitest';
import { generateCorpus, writeCorpusCsv } from '../fixtures/synthetic-corpus';

/** A failed run: the exit code, no result on stdout, and the stderr text to check. */
function expectFailure(expect: ExpectStatic, r: CliResult, code = 1): string {
  if (r.code !== code)
    throw new Error(`expected exit ${code}, got ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  expect(r.stdout).toBe('');
  return r.stderr;
}

const TINY = [
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
];

let dir: string;
let corpus: string;
/** Data rows in `corpus` (header excluded). */
const N = 300;
const SEED = 101;
let model: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'distillery-cli-errors-'));
  corpus = writeCorpusCsv(dir, N, SEED, 'binary');
  model = path.join(dir, 'model');
  const r = await runCli(['train', '--data', corpus, '--out', model, ...TINY]);
  if (r.code !== 0) throw new Error(`training the fixture model failed (${r.code}):\n${r.stderr}`);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: string | Buffer): string {
  const f = path.join(dir, name);
  writeFileSync(f, content);
  return f;
}

describe.concurrent('distillery CLI: input files', () => {
  it('an empty file is INPUT_EMPTY naming the file', async ({ expect }) => {
    const f = file('empty.csv', '');
    const err = expectFailure(expect, await runCli(['train', '--data', f, '--out', path.join(dir, 'x'), ...TINY]));
    expect(err).toContain('error [INPUT_EMPTY]');
    expect(err).toContain(`${f}: the file is empty`);
  });

  it('a missing text column is INPUT_COLUMN listing the available columns', async ({ expect }) => {
    const f = file('no-text.csv', 'label,comment_body,stars\n1,菜很好吃,5\n0,太难吃了,1\n');
    const err = expectFailure(expect, await runCli(['train', '--data', f, '--out', path.join(dir, 'x'), ...TINY]));
    expect(err).toContain('error [INPUT_COLUMN]');
    expect(err).toContain('no text column found');
    expect(err).toContain('available columns: "label", "comment_body", "stars"');
    expect(err).toContain('--text-col');
  });

  it('undecodable bytes are INPUT_ENCODING naming file:line', async ({ expect }) => {
    const bytes = Buffer.concat([
      Buffer.from('label,review\n1,菜很好吃\n0,送餐太慢了\n0,', 'utf8'),
      Buffer.from([0xff, 0xfe, 0xfd, 0x80]),
      Buffer.from('难吃\n1,满意\n', 'utf8'),
    ]);
    const f = file('bad-bytes.csv', bytes);
    const err = expectFailure(expect, await runCli(['train', '--data', f, '--out', path.join(dir, 'x'), ...TINY]));
    expect(err).toContain('error [INPUT_ENCODING]');
    expect(err).toContain(`${f}:4:`);
    expect(err).toMatch(/0xff/);
  });

  it('predict on a .txt or stdin mixing UTF-8 and GB18030 is INPUT_ENCODING naming the line, not garbage predictions', async ({
    expect,
  }) => {
    // 菜很好吃 in GB18030 on line 3, after two UTF-8 lines: neither encoding reads the whole file.
    const bytes = Buffer.concat([
      Buffer.from('送餐很快\n还行\n', 'utf8'),
      Buffer.from([0xb2, 0xcb, 0xba, 0xdc, 0xba, 0xc3, 0xb3, 0xd4, 0x0a]),
    ]);
    const f = file('gbk.txt', bytes);
    const [viaFile, viaStdin] = await Promise.all([
      runCli(['predict', '--model', model, '--data', f]),
      runCli(['predict', '--model', model, '--data', '-'], bytes),
    ]);
    for (const [r, name] of [
      [viaFile, f],
      [viaStdin, '<stdin>'],
    ] as const) {
      const err = expectFailure(expect, r);
      expect(err).toContain(`error [INPUT_ENCODING]: ${name}: not UTF-8 (first non-UTF-8 byte at offset 20, line 3)`);
      expect(err).toContain('--encoding');
    }
  });
});

/**
 * The hostile corpus of issue #8 through the real CLI: each case ends in a clear error naming file,
 * line and field, or in a correct result, and warnings about the input reach stderr. (Each run
 * costs a process start, so the decoding cases themselves are in src/worker/data/*.test.ts.)
 */
describe.concurrent('distillery CLI: hostile corpus', () => {
  const REVIEWS = [
    '菜很好吃，送餐很快',
    '太难吃了，再也不点',
    '味道不错',
    '送餐太慢了，菜都凉了',
    '很满意',
    '米饭有点硬',
  ];
  const rows = (n: number, labelOf: (i: number) => string) =>
    'label,review\n' +
    Array.from({ length: n }, (_, i) => `${labelOf(i)},${REVIEWS[i % REVIEWS.length]} 第${i}单`).join('\n') +
    '\n';

  it('two 100,000-character labels: INPUT_PARSE naming file:line and column, the limit, and no model folder', async ({
    expect,
  }) => {
    const long = ['a'.repeat(100_000), 'b'.repeat(100_000)];
    const f = file(
      'long-labels.csv',
      rows(40, (i) => long[i % 2]!),
    );
    const out = path.join(dir, 'long-labels-model');
    const err = expectFailure(expect, await runCli(['train', '--data', f, '--out', out, '--epochs', '1']));
    expect(err).toContain(
      `error [INPUT_PARSE]: ${f}:2: the label in column "label" is 100,000 characters long ("${'a'.repeat(39)}…"); label names may have at most 200 characters`,
    );
    expect(err.length).toBeLessThan(2000);
    expect(readdirSync(dir).filter((n) => n.startsWith('long-labels-model'))).toEqual([]);
  });

  it('10,000 one-document labels: INPUT_PARSE at the line of label 1,001 (10,000 labels with more documents: see read-corpus.test.ts)', async ({
    expect,
  }) => {
    const singles = file(
      '10k-singles.csv',
      rows(10_000, (i) => `only-${i}`),
    );
    const err = expectFailure(
      expect,
      await runCli(['train', '--data', singles, '--out', path.join(dir, 's10k'), ...TINY]),
    );
    expect(err).toContain(
      `error [INPUT_PARSE]: ${singles}:1002: label "only-1000" in column "label" would be label number 1,001; at most 1,000 different labels are supported`,
    );
    expect(existsSync(path.join(dir, 's10k'))).toBe(false);
  });

  it('train warns on stderr about NULs and labels with a single document, and still trains', async ({ expect }) => {
    // 60 binary rows, 3 NULs on line 6, then three labels with one document each (lines 62-64).
    const text = rows(63, (i) => (i < 60 ? String(i % 2) : `rare${i}`)).replace('第4单', '第\u0000\u0000\u00004单');
    const f = file('nul-rare.csv', text);
    const out = path.join(dir, 'nul-rare-model');
    const r = await runCli(['train', '--data', f, '--out', out, ...TINY]);
    if (r.code !== 0) throw new Error(r.stderr);
    expect(r.stderr).toContain(`warning: ${f}: removed 3 NUL character(s), first on line 6`);
    expect(r.stderr).toContain(
      `warning: ${f}: 3 of 5 label(s) in column "label" have a single document, too few to learn or to test: "rare60" (line 62), "rare61" (line 63), "rare62" (line 64)`,
    );
    expect(existsSync(path.join(out, 'model.onnx'))).toBe(true);
    expect(readdirSync(dir).filter((n) => n.startsWith('nul-rare-model.partial'))).toEqual([]);
  });

  it('predict reads a GB18030 .txt as the importer does (same predictions as UTF-8) and warns about its NULs', async ({
    expect,
  }) => {
    const txt = REVIEWS.join('\n') + '\n';
    const withNuls = txt.replace('味道不错', '味道\u0000不\u0000\u0000错');
    const [utf8, gb] = await Promise.all([
      runCli(['predict', '--model', model, '--data', file('plain.txt', txt)]),
      runCli(['predict', '--model', model, '--data', file('gb-nul.txt', iconv.encode(withNuls, 'gb18030'))]),
    ]);
    for (const r of [utf8, gb]) if (r.code !== 0) throw new Error(r.stderr);
    expect(gb.stderr).toContain(
      `warning: ${path.join(dir, 'gb-nul.txt')}: removed 3 NUL character(s), first on line 3`,
    );
    expect(utf8.stdout.trim().split('\n')).toHaveLength(REVIEWS.length);
    expect(gb.stdout).toBe(utf8.stdout);
  });
});

describe.concurrent('distillery CLI: models', () => {
  it('eval with a label outside the model schema is LABEL_UNKNOWN naming file:line and the label', async ({
    expect,
  }) => {
    const f = file('label-2.csv', 'label,review\n1,菜很好吃，送餐很快\n0,太难吃了\n2,一般般\n1,满意\n');
    const err = expectFailure(expect, await runCli(['eval', '--model', model, '--data', f]));
    expect(err).toContain('error [LABEL_UNKNOWN]');
    expect(err).toContain(`${f}:4: label "2" is not in the model's labels (0, 1)`);
  });

  it('a model folder that does not exist is MODEL_FOLDER naming it', async ({ expect }) => {
    const missing = path.join(dir, 'no-such-model');
    const err = expectFailure(expect, await runCli(['eval', '--model', missing, '--data', corpus]));
    expect(err).toContain('error [MODEL_FOLDER]');
    expect(err).toContain(`model folder ${missing} does not exist`);
  });

  it('an incomplete model folder names the missing file', async ({ expect }) => {
    const broken = path.join(dir, 'model-no-weights');
    cpSync(model, broken, { recursive: true });
    unlinkSync(path.join(broken, 'weights', 'weights.bin'));
    const err = expectFailure(
      expect,
      await runCli(['predict', '--model', broken, '--data', file('one.txt', '菜很好吃\n')]),
    );
    expect(err).toContain('error [MODEL_FOLDER]');
    expect(err).toContain(`model folder ${broken} is incomplete: missing weights/weights.bin`);
  });

  it('a bare .onnx without tokenizer.json / labels.json beside it names what is missing', async ({ expect }) => {
    const lone = path.join(dir, 'lone');
    cpSync(path.join(model, 'model.onnx'), path.join(lone, 'model.onnx'), { recursive: true });
    const err = expectFailure(
      expect,
      await runCli(['predict', '--model', path.join(lone, 'model.onnx'), '--data', file('x.txt', '好吃\n')]),
    );
    expect(err).toContain('error [MODEL_FOLDER]');
    expect(err).toContain('missing tokenizer.json, labels.json');
  });

  it('an unknown --model architecture is CONFIG listing the valid ones', async ({ expect }) => {
    const err = expectFailure(
      expect,
      await runCli(['train', '--data', corpus, '--model', 'transformer', '--out', path.join(dir, 'x'), ...TINY]),
    );
    expect(err).toContain('error [CONFIG]');
    expect(err).toContain('unknown model "transformer"');
    expect(err).toMatch(/valid: .*bilstm.*textcnn.*gru-att.*cnn-nb/);
  });
});

describe.concurrent('distillery CLI: teacher outputs', () => {
  const distill = (teacher: string) => [
    'distill',
    '--data',
    corpus,
    '--teacher-outputs',
    teacher,
    '--out',
    path.join(dir, 'd'),
    ...TINY,
  ];

  it('a row count different from the data is TEACHER_OUTPUTS with both counts', async ({ expect }) => {
    const rows = Array.from({ length: N - 3 }, () => '[0.5, -0.5]').join('\n') + '\n';
    const t = file('teacher-short.jsonl', rows);
    const err = expectFailure(expect, await runCli(distill(t)));
    expect(err).toContain('error [TEACHER_OUTPUTS]');
    expect(err).toContain(`${t} has ${N - 3} rows but the data file has ${N}`);
  });

  it('id-aligned outputs missing a document name the id and its data line', async ({ expect }) => {
    // Ids are 1-based data-row numbers; row k of the data is on line k + 1 (after the header).
    // Leave out a row the importer keeps (not a repeat of an earlier text).
    const texts = generateCorpus(N, SEED, 'binary').map((d) => d.text);
    const gone = 1 + texts.findIndex((t, i) => i >= 6 && texts.indexOf(t) === i);
    const rows = Array.from({ length: N }, (_, i) => i + 1)
      .filter((id) => id !== gone)
      .map((id) => JSON.stringify({ id: String(id), probs: [0.3, 0.7] }))
      .join('\n');
    const t = file('teacher-missing-id.jsonl', rows + '\n');
    const err = expectFailure(expect, await runCli(distill(t)));
    expect(err).toContain('error [TEACHER_OUTPUTS]');
    expect(err).toContain(`no teacher output for document id "${gone}" (data line ${gone + 1})`);
  });

  it('outputs keyed by labels the data does not have are refused, naming both label lists (issue #12)', async ({
    expect,
  }) => {
    const rows = Array.from({ length: N }, (_, i) =>
      JSON.stringify({ id: String(i + 1), probs: { neg: 0.3, pos: 0.7 } }),
    ).join('\n');
    const t = file('teacher-other-labels.jsonl', rows + '\n');
    const err = expectFailure(expect, await runCli(distill(t)));
    expect(err).toContain('error [TEACHER_OUTPUTS]');
    expect(err).toContain(`${t}:1: the teacher's labels (neg, pos) are not the data's (0, 1)`);
  });
});

describe.concurrent('distillery CLI: options (commander, exit code 2)', () => {
  it("--valid-split outside [0, 0.99] (the option table's range) or not a number exits 2 naming the option", async ({
    expect,
  }) => {
    const bad = ['1.5', 'abc'];
    const runs = await Promise.all(
      bad.map((v) => runCli(['train', '--data', corpus, '--valid-split', v, '--out', path.join(dir, 'x')])),
    );
    runs.forEach((r, i) => {
      const err = expectFailure(expect, r, 2);
      expect(err).toContain(`option '--valid-split <f>' argument '${bad[i]}' is invalid`);
    });
    expect(runs[0].stderr).toContain('--valid-split must be in [0, 0.99], got 1.5');
    expect(runs[1].stderr).toContain('--valid-split must be a number, got "abc"');
  });

  it('a --batch-size below 1 or not an integer exits 2 (train and predict)', async ({ expect }) => {
    const txt = file('bs.txt', '菜很好吃\n');
    const [train, predict] = await Promise.all([
      runCli(['train', '--data', corpus, '--batch-size', '0', '--out', path.join(dir, 'x')]),
      runCli(['predict', '--model', model, '--data', txt, '--batch-size', 'abc']),
    ]);
    expect(expectFailure(expect, train, 2)).toContain('--batch-size must be in [1, 65536], got 0');
    expect(expectFailure(expect, predict, 2)).toContain('--batch-size must be an integer, got "abc"');
  });

  it('a --source-alpha outside [0, 1] exits 2 naming the source', async ({ expect }) => {
    const r = await runCli([
      'distill',
      '--data',
      corpus,
      '--teacher-outputs',
      'none.jsonl',
      '--source-col',
      'source',
      '--source-alpha',
      'human=0.5,teacher=2',
    ]);
    expect(expectFailure(expect, r, 2)).toContain(
      '--source-alpha: source α "teacher=2": expected source=α with α in [0, 1]',
    );
  });
});
