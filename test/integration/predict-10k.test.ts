/**
 * `distillery predict` over 10,000 lines through onnxruntime-node: exactly one valid JSON line per
 * input line, in input order (every line checked against the same model run in-process, and a
 * sample against the tfjs student), across many streamed batches.
 */
import { runCli } from '../fixtures/run-cli';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/worker/backend/tfjs-backend';
import { loadModelFolder } from '../../src/worker/export/model-folder';
import { OnnxPredictor, predictAll, TfjsPredictor } from '../../src/worker/predict/predictor';
import { generateCorpus, writeCorpusCsv, writeTextLines } from '../fixtures/synthetic-corpus';

const N = 10_000;

let dir: string;
let model: string;
let texts: string[];
let textFile: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'distillery-predict-10k-'));
  const data = writeCorpusCsv(dir, 600, 51, 'binary');
  model = path.join(dir, 'model');
  const r = await runCli([
    'train',
    '--data',
    data,
    '--out',
    model,
    '--model',
    'bilstm',
    '--hidden',
    '16',
    '--layers',
    '1',
    '--embed-dim',
    '16',
    '--epochs',
    '3',
    '--lr',
    '0.005',
    '--no-charts',
  ]);
  if (r.code !== 0) throw new Error(`train exited ${r.code}:\n${r.stderr}`);
  ({ file: textFile, texts } = writeTextLines(dir, N, 52));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('predict over 10,000 lines', () => {
  it('writes exactly 10,000 valid JSON lines, in input order, equal to the model run in-process', async () => {
    expect(texts).toHaveLength(N);
    // Small batches so the stream goes through 40 of them.
    const r = await runCli(['predict', '--model', model, '--data', textFile, '--batch-size', '250']);
    if (r.code !== 0) throw new Error(`predict exited ${r.code}:\n${r.stderr}`);
    expect(r.stderr).toContain(`predicted ${N} documents`);
    expect(r.stderr).toContain('via onnxruntime');
    expect(r.stdout.endsWith('\n')).toBe(true);
    const lines = r.stdout.slice(0, -1).split('\n');
    expect(lines).toHaveLength(N);
    const preds = lines.map((l, i) => {
      let p: { label: string; probs: Record<string, number> };
      try {
        p = JSON.parse(l);
      } catch {
        throw new Error(`line ${i + 1} is not JSON: ${l.slice(0, 100)}`);
      }
      return p;
    });

    // The same model folder in-process: ONNX for every line, the tfjs student for a sample.
    const m = await loadModelFolder(model);
    const encoded = m.pipeline.encodeBatch(texts);
    const T = m.pipeline.maxLen;
    const onnx = await OnnxPredictor.open(m.onnxPath!);
    const ref = await predictAll(onnx, encoded, N, T, 2);
    await onnx.dispose();
    let maxDiff = 0;
    const counts = { '0': 0, '1': 0 } as Record<string, number>;
    preds.forEach((p, i) => {
      expect(Object.keys(p.probs)).toEqual(['0', '1']);
      expect(Math.abs(p.probs['0'] + p.probs['1'] - 1)).toBeLessThanOrEqual(1e-5);
      expect(p.label).toBe(p.probs['1'] > p.probs['0'] ? '1' : '0');
      counts[p.label]++;
      for (let c = 0; c < 2; c++) maxDiff = Math.max(maxDiff, Math.abs(p.probs[String(c)] - ref[2 * i + c]));
    });
    // Output is rounded to 6 decimals.
    expect(maxDiff).toBeLessThanOrEqual(1e-6);
    // Both labels occur (a constant model would make the order check above vacuous), and they are
    // right far more often than chance (the texts' generator labels, 5 % of them flipped).
    expect(Math.min(counts['0'], counts['1'])).toBeGreaterThan(N / 5);
    const truth = generateCorpus(N, 52, 'binary');
    expect(truth.map((d) => d.text)).toEqual(texts);
    const accuracy = preds.filter((p, i) => p.label === truth[i].label).length / N;
    expect(accuracy).toBeGreaterThanOrEqual(0.8);

    await initBackend('wasm');
    const tfjs = TfjsPredictor.fromModel(m);
    const sample = [0, 1, 2, 249, 250, 251, 4999, 5000, 7777, 9998, 9999];
    const sampleIds = new Int32Array(sample.length * T);
    sample.forEach((k, j) => sampleIds.set(encoded.subarray(k * T, (k + 1) * T), j * T));
    const viaTfjs = await tfjs.predict(sampleIds, sample.length);
    await tfjs.dispose();
    sample.forEach((k, j) => {
      expect(Math.abs(preds[k].probs['1'] - viaTfjs[2 * j + 1]), `line ${k + 1}`).toBeLessThan(1e-4);
    });
    console.log(
      `predict 10k: max |Δp| CLI vs in-process ONNX ${maxDiff.toExponential(2)}; labels 0/1: ${counts['0']}/${counts['1']}; accuracy ${accuracy}`,
    );
  });
});
