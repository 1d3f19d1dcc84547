/**
 * `distillery train --model han` end to end: the model folder records the sentence grid (tokenizer.json
 * and tokenizer-spec.md), and `predict` splits sentences as training did: its
 * probabilities equal the exported ONNX model run on ids that this test encodes from tokenizer.json.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOnnxSession, idsTensor } from '../../src/worker/backend/onnx-runtime';
import { TextPipeline } from '../../src/worker/text/pipeline';
import { cliOk } from '../fixtures/run-cli';
import { sentenceCorpus } from '../fixtures/sentence-corpus';
import { corpusCsv, csvField } from '../fixtures/synthetic-corpus';

const HAN = [
  '--model',
  'han',
  '--embed-dim',
  '16',
  '--hidden',
  '12',
  '--att-dim',
  '8',
  '--max-vocab',
  '500',
  '--lr',
  '0.01',
  '--epochs',
  '3',
  '--seed',
  '5',
  '--no-charts',
];

let dir: string;
let model: string;
let trainOut: Record<string, any>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'distillery-han-'));
  writeFileSync(path.join(dir, 'train.csv'), corpusCsv(sentenceCorpus(400, 21, 'binary')));
  model = path.join(dir, 'han');
  trainOut = JSON.parse((await cliOk(['train', '--data', path.join(dir, 'train.csv'), '--out', model, ...HAN])).stdout);
}, 300_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('distillery train --model han', () => {
  it('trains above chance and records the grid in the model folder', () => {
    expect(trainOut.accuracy).toBeGreaterThan(0.75);
    const tok = JSON.parse(readFileSync(path.join(model, 'tokenizer.json'), 'utf8'));
    expect(tok.spec_version).toBe(2);
    expect(tok.grid.sentences).toBeGreaterThan(1);
    expect(tok.maxLen).toBe(tok.grid.sentences * tok.grid.words);
    const cfg = JSON.parse(readFileSync(path.join(model, 'config.json'), 'utf8'));
    expect(cfg.student.sentenceLen).toBe(tok.grid.words);
    expect(readFileSync(path.join(model, 'tokenizer-spec.md'), 'utf8')).toContain(
      `## 0. Sentence grid (\`grid\` in tokenizer.json: ${tok.grid.sentences} sentences × ${tok.grid.words} tokens)`,
    );
  });

  it('predict splits sentences as training did', async () => {
    const texts = [
      '菜很好吃。送得很快！',
      '太咸了\n不会再点了。服务一般？',
      '还行',
      '好吃。'.repeat(30),
      'great food! slow delivery.',
    ];
    writeFileSync(path.join(dir, 'texts.csv'), ['text', ...texts.map(csvField)].join('\n') + '\n');
    const pipeline = TextPipeline.fromJSON(JSON.parse(readFileSync(path.join(model, 'tokenizer.json'), 'utf8')));
    const session = await createOnnxSession(readFileSync(path.join(model, 'model.onnx')));
    const want = (
      await session.run({ input_ids: idsTensor(pipeline.encodeBatch(texts), texts.length, pipeline.maxLen) })
    ).probs.data as Float32Array;
    await session.release();
    const out = await cliOk(['predict', '--model', model, '--data', path.join(dir, 'texts.csv')]);
    const rows = out.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { probs: Record<string, number> });
    expect(rows).toHaveLength(texts.length);
    rows.forEach((r, i) => {
      expect(r.probs['0']).toBeCloseTo(want[i * 2], 4);
      expect(r.probs['1']).toBeCloseTo(want[i * 2 + 1], 4);
    });
  }, 120_000);
});
