/**
 * Chinese text options end to end (issue #13 item 5): `train --t2s --tokens word --user-dict --stopwords`
 * writes a model folder that records them (tokenizer.json, copies of both files) and `predict` applies
 * them as training did: a traditional text scores as its simplified form, the dictionary's word stays
 * whole, stop words never reach the ids; a folder whose user dictionary is missing is refused naming it.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOnnxSession, idsTensor } from '../../src/worker/backend/onnx-runtime';
import { TextPipeline } from '../../src/worker/text/pipeline';
import { wordTokens } from '../../src/worker/text/tokenize';
import { cliOk, runCli } from '../fixtures/run-cli';
import { csvField } from '../fixtures/synthetic-corpus';

// jieba cuts 蓝瘦香菇 into 蓝瘦 + 香菇 by default; the user dictionary keeps it whole.
const WORD = '蓝瘦香菇';
const STOP = ['的', '了'];
const POS = ['这家的外卖很好吃', '送餐很快了，好吃', '味道不错的店', '很好吃，还会再点'];
const NEG = ['今天真是蓝瘦香菇了', '太难吃了，蓝瘦香菇', '送餐太慢的，蓝瘦香菇', '蓝瘦香菇，不会再点了'];
const TRAD = '這家的外賣很好吃，今天真是藍瘦香菇了';
const SIMP = '这家的外卖很好吃，今天真是蓝瘦香菇了';

let dir: string;
let model: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'distillery-textopts-'));
  const rows = Array.from({ length: 6 }, (_, k) => [
    ...POS.map((t) => [`${t}${k}`, 'pos']),
    ...NEG.map((t) => [`${t}${k}`, 'neg']),
  ]).flat();
  writeFileSync(
    path.join(dir, 'train.csv'),
    ['text,label', ...rows.map(([t, l]) => `${csvField(t)},${l}`)].join('\n') + '\n',
  );
  writeFileSync(path.join(dir, 'dict.txt'), `# product names\n${WORD} 5 n\n`);
  writeFileSync(path.join(dir, 'stop.txt'), STOP.join('\n') + '\n');
  model = path.join(dir, 'model');
  await cliOk([
    'train',
    '--data',
    path.join(dir, 'train.csv'),
    '--out',
    model,
    '--model',
    'textcnn',
    '--num-filters',
    '4',
    '--filter-sizes',
    '1,2',
    '--embed-dim',
    '8',
    '--epochs',
    '1',
    '--min-count',
    '1',
    '--test-split',
    '0',
    '--valid-split',
    '0.2',
    '--no-charts',
    '--tokens',
    'word',
    '--t2s',
    '--user-dict',
    path.join(dir, 'dict.txt'),
    '--stopwords',
    path.join(dir, 'stop.txt'),
  ]);
}, 300_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const predict = async (m: string, texts: string[]) => {
  writeFileSync(path.join(dir, 'texts.csv'), ['text', ...texts.map(csvField)].join('\n') + '\n');
  const out = await cliOk(['predict', '--model', m, '--data', path.join(dir, 'texts.csv')]);
  return out.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { probs: Record<string, number> });
};

describe('text options recorded in the model folder', () => {
  it('tokenizer.json records t2s, the user dictionary (copied, hashed) and the stop words (copied)', () => {
    const tok = JSON.parse(readFileSync(path.join(model, 'tokenizer.json'), 'utf8'));
    expect(tok.config.normalize.traditionalToSimplified).toBe(true);
    expect(tok.config.truncation).toBe('head+tail');
    expect(tok.config.userDict).toEqual({
      file: 'user-dict.txt',
      sha256: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
    expect(readFileSync(path.join(model, 'user-dict.txt'), 'utf8')).toBe(
      readFileSync(path.join(dir, 'dict.txt'), 'utf8'),
    );
    expect(tok.config.stopWords).toEqual(STOP);
    expect(readFileSync(path.join(model, 'stopwords.txt'), 'utf8')).toBe(
      readFileSync(path.join(dir, 'stop.txt'), 'utf8'),
    );
    const cfg = JSON.parse(readFileSync(path.join(model, 'config.json'), 'utf8'));
    expect(cfg.training.options).toMatchObject({ t2s: true, truncate: 'head+tail' });
  });

  it('training kept the dictionary word whole and dropped the stop words', () => {
    expect(wordTokens('今天真是蓝瘦香菇')).not.toContain(WORD); // jieba alone splits it (this process has no user words yet)
    const vocab: string[] = JSON.parse(readFileSync(path.join(model, 'tokenizer.json'), 'utf8')).vocab.tokens;
    expect(vocab).toContain(WORD);
    expect(vocab).not.toContain('蓝瘦');
    for (const w of STOP) expect(vocab).not.toContain(w);
  });
});

describe('predict applies the text options as training did', () => {
  it('a traditional text and its simplified form get the same probabilities', async () => {
    const [a, b] = await predict(model, [TRAD, SIMP]);
    expect(a.probs).toEqual(b.probs);
  }, 120_000);

  it('the dictionary word stays whole and stop words are gone: predict equals the ONNX model on those ids', async () => {
    const p = TextPipeline.fromJSON(JSON.parse(readFileSync(path.join(model, 'tokenizer.json'), 'utf8')), model);
    const tokens = p.tokens(TRAD);
    expect(tokens).toContain(WORD);
    for (const w of STOP) expect(tokens).not.toContain(w);
    const ids = p.encodeBatch([TRAD]);
    expect([...ids]).toContain(p.vocab.id(WORD));
    const session = await createOnnxSession(readFileSync(path.join(model, 'model.onnx')));
    const want = (await session.run({ input_ids: idsTensor(ids, 1, p.maxLen) })).probs.data as Float32Array;
    await session.release();
    const labels: string[] = JSON.parse(readFileSync(path.join(model, 'labels.json'), 'utf8'));
    const [row] = await predict(model, [TRAD]);
    labels.forEach((l, c) => expect(row.probs[l]).toBeCloseTo(want[c], 5));
  }, 120_000);

  it("`export --format onnx` carries both files: predict on the exported .onnx gives the model folder's probabilities", async () => {
    const onnx = path.join(dir, 'export', 'model.onnx');
    await cliOk(['export', '--model', model, '--format', 'onnx', '--out', onnx]);
    for (const f of ['user-dict.txt', 'stopwords.txt'])
      expect(readFileSync(path.join(dir, 'export', f), 'utf8')).toBe(readFileSync(path.join(model, f), 'utf8'));
    const [a, b] = [await predict(model, [TRAD, SIMP]), await predict(onnx, [TRAD, SIMP])];
    expect(b.map((r) => r.probs)).toEqual(a.map((r) => r.probs));
  }, 120_000);

  it('a model folder whose user dictionary is missing is refused, naming the file', async () => {
    const broken = path.join(dir, 'broken');
    cpSync(model, broken, { recursive: true });
    rmSync(path.join(broken, 'user-dict.txt'));
    writeFileSync(path.join(dir, 'one.txt'), SIMP + '\n');
    const r = await runCli(['predict', '--model', broken, '--data', path.join(dir, 'one.txt')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(path.join(broken, 'user-dict.txt'));
    expect(r.stderr).toMatch(/user dictionary .* missing/);
    expect(existsSync(path.join(model, 'user-dict.txt'))).toBe(true);
  }, 120_000);
});
