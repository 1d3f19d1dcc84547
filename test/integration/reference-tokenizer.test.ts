/**
 * An exported student can be used from its files alone: the app's ONNX export (the file named after
 * the model version) carries tokenizer.json with a spec_version, tokenizer-spec.md and a card that
 * name the actual ONNX file and the fixed T; the shipped reference tokenizers give exactly the ids
 * of Distillery's own tokenizer on 1,000 hostile texts (mixed Chinese, full-width, Latin, emoji,
 * URLs, numbers, odd whitespace, texts longer than T), and those ids fed to onnxruntime-node give
 * exactly `predict`'s output.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import nodejieba from 'nodejieba';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/shared/random';
import { createOnnxSession } from '../../src/worker/backend/onnx-runtime';
import { PAD_MARGIN_KEY } from '../../src/worker/export/onnx/pad-margin';
import { decodeModel } from '../../src/worker/export/onnx/proto';
import { initBackend } from '../../src/worker/backend/tfjs-backend';
import {
  loadModelFolder,
  MODEL_FORMAT,
  saveModelFolder,
  type ModelFolderConfig,
} from '../../src/worker/export/model-folder';
import { makeStudentConfig } from '../../src/worker/models/registry';
import { Student } from '../../src/worker/models/student';
import { openPredictor } from '../../src/worker/predict/predictor';
import { predictStream } from '../../src/worker/predict/predict-stream';
import { methods } from '../../src/worker/process/worker-methods';
import { TextPipeline } from '../../src/worker/text/pipeline';
import { cliOk } from '../fixtures/run-cli';
import { generateTexts } from '../fixtures/synthetic-corpus';

const T = 24;
const VERSION = 'distilled-20260101-120000-textcnn';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-reftok-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** 1,000 texts: reviews, and pieces that stress every normalisation and tokenization rule. */
function hostileTexts(): string[] {
  const rng = createRng(7);
  const reviews = generateTexts(400, 11);
  const pick = <X>(xs: readonly X[]) => xs[rng.int(xs.length)]!;
  const pieces = [
    'ＡＢＣ１２３，好吃！',
    '全角　空格',
    'Great FOOD, fast delivery!!',
    'ΟΔΟΣ Σίσυφος',
    'İstanbul',
    'Straße',
    '😀👍🏽',
    '👨‍👩‍👧 family',
    '🇨🇳',
    '❤️',
    'see https://example.com/a?b=1). ok',
    'www.Meituan.com/x,',
    'mail me: a.b+c@x-y.com.cn',
    '@小明_99 说',
    'x@y',
    '价格 1,299.50 元',
    '打九折 90%',
    'iphone13 mp3',
    '3.5分',
    '第2次',
    'ｈｔｔｐｓ：／／ｅｘａｍｐｌｅ．ｃｏｍ',
    '\u200b零宽\u200d字符\ufeff',
    'tab\there',
    'line\nbreak',
    'nbsp\u00a0here',
    '  lead and trail  ',
    'ｶﾀｶﾅ ひらがな カタカナ',
    '한국어 텍스트',
    'Привет МИР',
    'café résumé',
    'e\u0301 combining',
    '々〇〻',
    '這個的外賣',
    '<num> literal',
    '<pad>',
    '<unk>',
    '。。。',
    '¥¥¥',
    '',
  ];
  const out = [...reviews];
  while (out.length < 900) {
    const k = 1 + rng.int(4);
    const parts = Array.from({ length: k }, () => (rng.next() < 0.5 ? pick(reviews) : pick(pieces)));
    out.push(parts.join(pick(['', ' ', '，', '\u3000', '  '])));
  }
  // Longer than T: head + tail truncation.
  while (out.length < 1000)
    out.push(Array.from({ length: 3 + rng.int(6) }, () => pick(rng.next() < 0.7 ? reviews : pieces)).join(''));
  return out;
}

let texts: string[];
let modelDir: string;
let exportDir: string;
let onnxFile: string;

beforeAll(async () => {
  await initBackend('wasm');
  texts = hostileTexts();
  // The vocabulary sees most of the pieces (and not others: unknown tokens must map to 1).
  const pipeline = TextPipeline.fit([...generateTexts(300, 3), ...texts.slice(400, 500)], {
    mode: 'char',
    maxLen: T,
    maxVocab: 400,
    minCount: 2,
  });
  const student = makeStudentConfig(
    'textcnn',
    { vocabSize: pipeline.vocab.size, maxLen: pipeline.maxLen, numClasses: 2, multiLabel: false },
    { embedDim: 8, numFilters: 4, filterSizes: [2, 3] },
  );
  const s = Student.create(student, 5);
  const config: ModelFolderConfig = {
    format: MODEL_FORMAT,
    version: 1,
    task: 'binary',
    labels: ['neg', 'pos'],
    threshold: 0.5,
    student,
    training: {
      seed: 5,
      backend: 'wasm',
      options: {},
      startedAt: '2026-01-01T12:00:00Z',
      seconds: 0,
      distillery: 'test',
    },
  };
  modelDir = path.join(tmp, 'models', VERSION);
  await saveModelFolder(modelDir, {
    config,
    params: s.toParams(),
    pipeline,
    modelCard: '# card\n\n## Use\n\n- old text about model.onnx\n\n## Limits\n\n- none\n',
  });
  s.dispose();
  exportDir = path.join(tmp, 'exports', `${VERSION}-onnx`);
  const r = await methods['export-model']({ modelDir, outDir: exportDir, format: 'onnx', baseName: VERSION });
  onnxFile = r.file;
});

describe('the exported ONNX student documents itself', () => {
  it('names its actual ONNX file and the fixed T, and carries a versioned tokenizer spec', () => {
    expect(path.basename(onnxFile)).toBe(`${VERSION}.onnx`);
    const card = readFileSync(path.join(exportDir, 'model-card.md'), 'utf8');
    expect(card).toContain(`\`${VERSION}.onnx\` (ONNX): input \`input_ids\`, int64, shape [batch, ${T}]`);
    expect(card).toContain(`every row is T = ${T} ids`);
    expect(card).not.toContain('model.onnx');
    expect(card).toContain('## Limits');
    const tokenizer = JSON.parse(readFileSync(path.join(exportDir, 'tokenizer.json'), 'utf8'));
    // A flat (non-HAN) model needs spec 1, so the spec_version 1 reference tokenizers read it.
    expect(tokenizer.spec_version).toBe(1);
    const spec = readFileSync(path.join(exportDir, 'tokenizer-spec.md'), 'utf8');
    expect(spec).toContain('# Tokenizer specification (spec_version 1)');
    expect(spec).toContain(`exactly **T = ${T}** integer ids`);
    expect(spec).toContain(`first H = ⌈T · headShare⌉ = 6 tokens and its last T − H = 18`);
    expect(spec).toContain(`\`${VERSION}.onnx\`: input \`input_ids\`, int64, shape [batch, ${T}]`);
    // The model folder's own card names its own file.
    expect(readFileSync(path.join(modelDir, 'model-card.md'), 'utf8')).toContain('`model.onnx` (ONNX)');
  });

  it('`distillery export --format onnx --out <name>.onnx` writes the same kit, its card naming <name>.onnx', async () => {
    const out = path.join(tmp, 'cli-export', 'my-student.onnx');
    const r = await cliOk(['export', '--model', modelDir, '--format', 'onnx', '--out', out]);
    const files = (JSON.parse(r.stdout) as { files: string[] }).files.map((f) => path.basename(f));
    expect(files.sort()).toEqual([
      'labels.json',
      'model-card.md',
      'reference-tokenizer.mjs',
      'reference_tokenizer.py',
      'tokenizer-spec.md',
      'tokenizer.json',
    ]);
    expect(readFileSync(path.join(path.dirname(out), 'model-card.md'), 'utf8')).toContain(
      `\`my-student.onnx\` (ONNX): input \`input_ids\`, int64, shape [batch, ${T}]`,
    );
    expect(readFileSync(path.join(path.dirname(out), 'tokenizer-spec.md'), 'utf8')).toContain(
      '`my-student.onnx`: input `input_ids`',
    );
  });

  it("the JavaScript reference tokenizer gives Distillery's ids on 1,000 texts, and onnxruntime then gives predict's output", async () => {
    const ref = await import(pathToFileURL(path.join(exportDir, 'reference-tokenizer.mjs')).href);
    const tok = ref.loadTokenizer(JSON.parse(readFileSync(path.join(exportDir, 'tokenizer.json'), 'utf8')));
    const m = await loadModelFolder(modelDir);
    const ours = m.pipeline.encodeBatch(texts);
    const theirs = texts.map((t) => tok.encode(t) as number[]);
    const mismatches = texts.filter(
      (_, i) => theirs[i].join() !== Array.from(ours.subarray(i * T, (i + 1) * T)).join(),
    );
    expect(mismatches).toEqual([]);
    // The set exercises truncation, unknown tokens and padding.
    const over = texts.filter((t) => m.pipeline.tokens(t).length > T).length;
    const oov = theirs.filter((ids) => ids.includes(1)).length;
    console.log(
      `reference tokenizer (JS, char): ${texts.length} texts, ${over} longer than T = ${T}, ${oov} with an out-of-vocabulary token; ${mismatches.length} rows differ`,
    );
    expect(over).toBeGreaterThan(100);
    expect(oov).toBeGreaterThan(50);

    // predict (the project's path: TextPipeline + the model folder's ONNX) …
    const out = new PassThrough();
    let jsonl = '';
    out.on('data', (b) => (jsonl += b));
    const predictor = await openPredictor(m, 'onnx');
    const docs = (async function* () {
      for (const text of texts) yield { text };
    })();
    await predictStream(
      docs,
      [{ pipeline: m.pipeline, labels: m.config.labels, multiLabel: false, threshold: 0.5 }],
      [predictor],
      out,
      { batchSize: 128 },
    );
    await predictor.dispose();
    const predicted = jsonl
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { label: string; probs: Record<string, number> });
    // … against the export alone: reference ids into the exported file through onnxruntime-node.
    const ort = await import('onnxruntime-node');
    const session = await createOnnxSession(onnxFile);
    const res = await session.run({
      input_ids: new ort.Tensor('int64', tok.encodeBatchInt64(texts), [texts.length, T]),
    });
    // As the spec says (step 5), the file declares its pad margin (the widest filter), and the rows
    // cut to min(T, the batch's last non-zero id + margin) give the same labels and probabilities.
    const margin = Number(
      decodeModel(readFileSync(onnxFile)).metadataProps.find((e) => e.key === PAD_MARGIN_KEY)?.value,
    );
    expect(margin).toBe(Math.max(...m.config.student.filterSizes));
    const refIds = tok.encodeBatchInt64(texts) as BigInt64Array;
    const cutShort = texts.map((_, i) => {
      const row = refIds.subarray(i * T, (i + 1) * T);
      let L = T;
      while (L > 0 && row[L - 1] === 0n) L--;
      return L;
    });
    const shortest = texts.map((_, i) => i).filter((i) => cutShort[i] + margin < T);
    expect(shortest.length).toBeGreaterThan(100);
    const Tcut = Math.max(...shortest.map((i) => cutShort[i])) + margin;
    const cutRows = new BigInt64Array(shortest.length * Tcut);
    shortest.forEach((i, j) => cutRows.set(refIds.subarray(i * T, i * T + Tcut), j * Tcut));
    const cutRes = await session.run({ input_ids: new ort.Tensor('int64', cutRows, [shortest.length, Tcut]) });
    await session.release();
    const probs = res.probs.data as Float32Array;
    const fromExport = texts.map((_, i) => {
      const p = [probs[2 * i], probs[2 * i + 1]].map((x) => Number(x.toFixed(6)));
      return { label: p[1] > p[0] ? 'pos' : 'neg', probs: { neg: p[0], pos: p[1] } };
    });
    const cutProbs = cutRes.probs.data as Float32Array;
    let cutDiff = 0;
    shortest.forEach((i, j) => {
      for (let c = 0; c < 2; c++) cutDiff = Math.max(cutDiff, Math.abs(cutProbs[2 * j + c] - probs[2 * i + c]));
    });
    expect(cutDiff).toBeLessThan(1e-6);
    console.log(
      `onnxruntime-node on the reference ids vs predict: ${fromExport.filter((x, i) => JSON.stringify(x) !== JSON.stringify(predicted[i])).length} of ${texts.length} predictions differ`,
    );
    expect(fromExport).toEqual(predicted);
    // Not one constant output: the probabilities follow the ids.
    expect(new Set(predicted.map((p) => p.probs.pos)).size).toBeGreaterThan(100);
  });

  it("word and both modes: the JavaScript reference with nodejieba gives Distillery's ids", async () => {
    const ref = await import(pathToFileURL(path.join(exportDir, 'reference-tokenizer.mjs')).href);
    for (const mode of ['word', 'both'] as const) {
      const p = TextPipeline.fit(texts.slice(0, 500), { mode, maxLen: T, maxVocab: 600, stopWords: ['的', 'the'] });
      const tok = ref.loadTokenizer(JSON.parse(JSON.stringify(p.toJSON())), {
        cutWords: (s: string) => nodejieba.cut(s, true),
      });
      const ids = p.encodeBatch(texts);
      const bad = texts.filter(
        (t, i) => (tok.encode(t) as number[]).join() !== Array.from(ids.subarray(i * T, (i + 1) * T)).join(),
      );
      console.log(`reference tokenizer (JS + nodejieba, ${mode}): ${bad.length} of ${texts.length} rows differ`);
      expect(bad, mode).toEqual([]);
    }
  });

  const python = spawnSync('python3', ['--version']).status === 0;
  if (!python) console.warn('python3 is not installed here: the Python reference tokenizer is not checked');
  it.skipIf(!python)(
    'the Python reference tokenizer (standard library, char mode) gives the same ids on the same texts (skipped where python3 is missing)',
    async () => {
      const m = await loadModelFolder(modelDir);
      const r = spawnSync(
        'python3',
        [path.join(exportDir, 'reference_tokenizer.py'), path.join(exportDir, 'tokenizer.json'), '--json'],
        {
          input: texts.map((t) => JSON.stringify(t)).join('\n') + '\n',
          encoding: 'utf8',
        },
      );
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const rows = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as number[]);
      const ours = m.pipeline.encodeBatch(texts);
      const bad = texts.filter((_, i) => rows[i].join() !== Array.from(ours.subarray(i * T, (i + 1) * T)).join());
      console.log(`reference tokenizer (Python, char): ${bad.length} of ${texts.length} rows differ`);
      expect(bad).toEqual([]);
    },
  );
});
