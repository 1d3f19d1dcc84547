/**
 * Exporting a binary-relevance teacher (issue 13): a real BR teacher (tiny BERT, three keyword labels,
 * trained with t2s) exported through the worker's export-model call and `distillery export` is one
 * ONNX graph whose probs [batch, labels], run in onnxruntime-node with the export's own tokenizer
 * files and teacher.json text options, equal the app's scorer (openBertScorer over label-<i>/model.onnx)
 * to 1e-5 on 10 documents, traditional ones included; a folder missing a label's model.onnx is
 * refused naming the file, and leaves no export behind.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTinyBertFolder } from '../../../test/fixtures/tiny-bert';
import { cliOk } from '../../../test/fixtures/run-cli';
import { createRng } from '../../shared/random';
import { createOnnxSession } from '../backend/onnx-runtime';
import { openBertScorer } from '../jobs/pipeline-models';
import { readTeacherInfo, runTeacherTrain, teacherTokenizer } from '../jobs/teacher-job';
import { methods } from '../process/worker-methods';
import { loadHfFolder } from '../teacher/checkpoint/hf-folder';
import { bertFeeds } from '../teacher/onnx/bert-feeds';

const KEYS = { taste: '香', speed: '快', price: '贵' } as const;
const FILLER = Array.from('的了是我不很也就都吃菜送餐慢味道这外卖饭店点份钱');
/** Ten documents to score; the traditional ones (這外賣, 點, 錢) read as their simplified forms only with t2s. */
const DOCS = [
  '这外卖香',
  '這外賣香',
  '送餐快',
  '菜贵了',
  '點份菜很快很貴',
  '的了是我不很也就都吃菜送餐慢味道这外卖饭店点份钱香快贵',
  '錢',
  '饭店',
  '香快',
  'hello 123',
];
let tmp: string;
let teacher: string;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-br-export-'));
  const base = path.join(tmp, 'base');
  await makeTinyBertFolder(base, {
    layers: 1,
    hidden: 16,
    heads: 2,
    intermediate: 32,
    seed: 5,
    vocabWords: [...FILLER, ...Object.values(KEYS)],
  });
  const rng = createRng(2);
  const rows = Array.from({ length: 60 }, (_, i) => {
    let labels: string[];
    do labels = Object.keys(KEYS).filter(() => rng.next() < 0.4);
    while (!labels.length);
    const chars = Array.from({ length: 3 + rng.int(4) }, () => FILLER[rng.int(FILLER.length)]);
    for (const l of labels) chars.splice(rng.int(chars.length + 1), 0, KEYS[l as keyof typeof KEYS]);
    return JSON.stringify({ text: `${chars.join('')}${i}`, labels });
  });
  writeFileSync(path.join(tmp, 'd.jsonl'), rows.join('\n') + '\n');
  teacher = path.join(tmp, 'teacher-br');
  await runTeacherTrain({
    modelDir: base,
    data: path.join(tmp, 'd.jsonl'),
    out: teacher,
    epochs: 1,
    batchSize: 16,
    learningRate: 2e-3,
    maxLen: 12,
    seed: 1,
    validSplit: 0.2,
    testSplit: 0.2,
    binaryRelevance: true,
    brWeights: [1],
    t2s: true,
    truncate: 'head+tail',
  });
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** probs and logits of the exported graph, fed as a consumer would: the export's tokenizer files + teacher.json. */
async function runExport(dir: string, onnxFile: string, texts: string[]) {
  const info = JSON.parse(readFileSync(path.join(dir, 'teacher.json'), 'utf8'));
  const { tokenizer } = await loadHfFolder(dir, { configOnly: true });
  const session = await createOnnxSession(path.join(dir, onnxFile));
  try {
    const out = await session.run(bertFeeds(teacherTokenizer(tokenizer, info), texts, info.maxLen));
    return { probs: out.probs, logits: out.logits };
  } finally {
    await session.release();
  }
}

describe('binary-relevance teacher export', () => {
  it('is one ONNX graph whose probs equal the app scorer on 10 documents (1e-5), logits z₁ − z₀', async () => {
    const outDir = path.join(tmp, 'exports', 'br-onnx');
    const r = await methods['export-model']({ modelDir: teacher, outDir, format: 'onnx', baseName: 'v1' });
    expect(r.file).toBe(path.join(outDir, 'v1.onnx'));
    expect(readdirSync(outDir).sort()).toEqual(
      [
        'README.md',
        'config.json',
        'labels.json',
        'teacher.json',
        'tokenizer_config.json',
        'v1.onnx',
        'vocab.txt',
      ].sort(),
    );
    const info = await readTeacherInfo(teacher);
    expect(info.text).toEqual({ t2s: true, truncate: 'head+tail' });
    const labels = JSON.parse(readFileSync(path.join(outDir, 'labels.json'), 'utf8'));
    expect(labels).toEqual({ labels: info.labels, task: 'multilabel', multiLabel: true, threshold: info.threshold });
    expect(JSON.parse(readFileSync(path.join(outDir, 'config.json'), 'utf8')).num_labels).toBe(3);

    const { probs, logits } = await runExport(outDir, 'v1.onnx', DOCS);
    expect(probs.dims).toEqual([10, 3]);
    expect(logits.dims).toEqual([10, 3]);
    const scorer = await openBertScorer(teacher);
    const want = await scorer.predict(DOCS).finally(() => scorer.dispose());
    expect(scorer.labels).toEqual(info.labels);
    const p = probs.data as Float32Array;
    const z = logits.data as Float32Array;
    for (let i = 0; i < want.length; i++) {
      expect(Math.abs(p[i] - want[i])).toBeLessThan(1e-5);
      expect(Math.abs(1 / (1 + Math.exp(-z[i])) - p[i])).toBeLessThan(1e-5);
    }
    // t2s applies on both sides (the app's scorer too): a traditional text scores as its simplified form.
    for (let c = 0; c < 3; c++) {
      expect(p[3 + c]).toBe(p[c]);
      expect(want[3 + c]).toBe(want[c]);
    }
    // The labels differ: the merged graph is not one model repeated.
    expect(new Set(Array.from(p.subarray(0, 3), (x) => x.toFixed(6))).size).toBe(3);
    const readme = readFileSync(path.join(outDir, 'README.md'), 'utf8');
    expect(readme).toMatch(/float32 \[batch, 3\]/);
    // Its Python example cuts long texts as the teacher was trained (head+tail), and is valid Python.
    const py = /```python\n([\s\S]*?)```/.exec(readme)![1];
    expect(py).toContain('head = math.ceil(KEEP * 0.25)');
    const parsed = spawnSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: py });
    if (parsed.error) console.warn(`python3 not run (${parsed.error.message}): the example's syntax is not checked`);
    else expect(parsed.status, String(parsed.stderr)).toBe(0);
  }, 60_000);

  it('`distillery export --format onnx` writes the same graph and side files', async () => {
    const out = path.join(tmp, 'cli', 'teacher.onnx');
    const r = await cliOk(['export', '--model', teacher, '--format', 'onnx', '--out', out]);
    expect(JSON.parse(r.stdout).files).toContain(out);
    const viaWorker = readFileSync(path.join(tmp, 'exports', 'br-onnx', 'v1.onnx'));
    expect(readFileSync(out).equals(viaWorker)).toBe(true);
    for (const f of ['teacher.json', 'vocab.txt', 'labels.json', 'README.md'])
      expect(existsSync(path.join(tmp, 'cli', f))).toBe(true);
  }, 60_000);

  it("a folder missing a label's model.onnx is refused naming the file, and no export is left", async () => {
    const broken = path.join(tmp, 'broken');
    cpSync(teacher, broken, { recursive: true });
    const gone = path.join(broken, 'label-1', 'model.onnx');
    rmSync(gone);
    const outDir = path.join(tmp, 'exports', 'broken-onnx');
    await expect(
      methods['export-model']({ modelDir: broken, outDir, format: 'onnx', baseName: 'v2' }),
    ).rejects.toMatchObject({ code: 'MODEL_FOLDER', message: expect.stringContaining(gone) });
    expect(existsSync(outDir)).toBe(false);
    expect(readdirSync(path.join(tmp, 'exports')).filter((n) => n.includes('partial'))).toEqual([]);
  });
});
