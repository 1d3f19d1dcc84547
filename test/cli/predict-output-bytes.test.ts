/**
 * `predict` writes the same bytes as before its output was formatted by hand: the CLI's stdout over
 * a few hundred awkward lines (empty, whitespace-only, very long, emoji, placeholders, quotes) equals
 * JSON.stringify of the same model's in-process predictions, in order; and a line that cannot be
 * decoded stops the run with an error naming the file and line, the lines before it left as they were.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argmax } from '../../src/shared/metrics';
import { loadModelFolder } from '../../src/worker/export/model-folder';
import { OnnxPredictor, predictAll } from '../../src/worker/predict/predictor';
import { runCli } from '../fixtures/run-cli';
import { generateTexts, writeCorpusCsv } from '../fixtures/synthetic-corpus';

let dir: string;
let model: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'distillery-predict-bytes-'));
  const data = writeCorpusCsv(dir, 200, 61, 'binary');
  model = path.join(dir, 'model');
  const r = await runCli([
    'train',
    '--data',
    data,
    '--out',
    model,
    '--model',
    'textcnn',
    '--embed-dim',
    '8',
    '--num-filters',
    '4',
    '--epochs',
    '1',
    '--no-charts',
  ]);
  if (r.code !== 0) throw new Error(`train exited ${r.code}:\n${r.stderr}`);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The lines predict wrote before predictionLines: JSON.stringify of {label, probs} per row. */
async function referenceOutput(texts: string[]): Promise<string> {
  const m = await loadModelFolder(model);
  const labels = m.config.labels;
  const C = labels.length;
  const onnx = await OnnxPredictor.open(m.onnxPath!);
  const T = m.pipeline.maxLen;
  const probs = await predictAll(onnx, m.pipeline.encodeBatch(texts), texts.length, T, C, 64);
  await onnx.dispose();
  let out = '';
  for (let i = 0; i < texts.length; i++) {
    const p = Array.from(probs.subarray(i * C, (i + 1) * C), (x) => Number(x.toFixed(6)));
    out +=
      JSON.stringify({ label: labels[argmax(p)], probs: Object.fromEntries(labels.map((l, c) => [l, p[c]])) }) + '\n';
  }
  return out;
}

function awkwardLines(): string[] {
  const texts = generateTexts(300, 62);
  const long = texts.slice(0, 40).join('，');
  const special = [
    '',
    '   ',
    '\t',
    long,
    long.repeat(20),
    '😀😀 好吃 👍',
    'https://example.com 电话 13800138000 @某人',
    '"引号" \\反斜杠\\ </script>',
    'ＦＵＬＬ　ＷＩＤＴＨ １２３',
    'a',
    '。',
  ];
  return texts.flatMap((t, i) => (i % 25 === 0 ? [special[(i / 25) % special.length], t] : [t]));
}

describe('predict output bytes', () => {
  it('equal JSON.stringify of the in-process predictions over empty, long and odd lines, in order', async () => {
    const texts = awkwardLines();
    expect(texts.length).toBeGreaterThan(300);
    const file = path.join(dir, 'awkward.txt');
    writeFileSync(file, texts.join('\n') + '\n');
    const r = await runCli(['predict', '--model', model, '--data', file, '--batch-size', '32']);
    if (r.code !== 0) throw new Error(`predict exited ${r.code}:\n${r.stderr}`);
    expect(r.stdout).toBe(await referenceOutput(texts));
  });

  it('--threads 1 (one process per core or partition) writes the same lines; a bad count is refused by name', async () => {
    const texts = generateTexts(300, 17);
    const file = path.join(dir, 'threads.txt');
    writeFileSync(file, texts.join('\n') + '\n');
    const one = await runCli(['predict', '--model', model, '--data', file, '--threads', '1']);
    if (one.code !== 0) throw new Error(`predict exited ${one.code}:\n${one.stderr}`);
    expect(one.stdout).toBe(await referenceOutput(texts));
    const bad = await runCli(['predict', '--model', model, '--data', file, '--threads', '0']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--threads/);
  });

  it('stops at an undecodable line with its line number, the lines before it written as before', async () => {
    const texts = generateTexts(4000, 63); // more than the 64 KB the decoder reads before choosing UTF-8
    const file = path.join(dir, 'bad-line.txt');
    const bad = Buffer.from([0x66, 0xff, 0xfe, 0x80]);
    writeFileSync(file, Buffer.concat([Buffer.from(texts.join('\n') + '\n', 'utf8'), bad, Buffer.from('\nafter\n')]));
    const r = await runCli(['predict', '--model', model, '--data', file, '--batch-size', '500']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`${file}:4001:`);
    const want = await referenceOutput(texts);
    // Every line read before the error (how many depends on how far reading ran ahead) was
    // answered, each the reference's line for line.
    expect(r.stdout.length).toBeGreaterThan(0);
    expect(r.stdout.endsWith('\n')).toBe(true);
    expect(want.startsWith(r.stdout)).toBe(true);
    expect(r.stdout.split('\n').length - 1).toBeLessThanOrEqual(4000);
  });
});
