import { appendFile, mkdir, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BertWeights } from '../model/bert-config';
import { makeTinyBertFolder } from '../../../../test/fixtures/tiny-bert';
import { loadHfFolder, saveHfFolder } from './hf-folder';
import {
  bfloat16ToFloat,
  decodeSafetensors,
  encodeSafetensors,
  floatToBfloat16,
  floatToHalf,
  halfToFloat,
  parseSafetensors,
} from './safetensors';

let root: string;
let n = 0;
const fresh = async () => {
  const d = path.join(root, `m${n++}`);
  await mkdir(d);
  return d;
};
const tiny = { layers: 2, hidden: 8, heads: 2, intermediate: 16, seed: 7 };

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'distillery-hf-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function errorOf(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code: string; message: string };
  }
  throw new Error('expected an error');
}

function expectSameWeights(a: BertWeights, b: BertWeights): void {
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  for (const k of Object.keys(a)) {
    expect(a[k].shape, k).toEqual(b[k].shape);
    expect(a[k].data, k).toEqual(b[k].data);
  }
}

describe('safetensors', () => {
  it('decodes float16 and bfloat16 bit patterns', () => {
    expect([0x3c00, 0xc000, 0x7bff, 0x0001, 0x0400, 0x8000, 0x7c00].map(halfToFloat)).toEqual([
      1,
      -2,
      65504,
      2 ** -24,
      2 ** -14,
      -0,
      Infinity,
    ]);
    expect(halfToFloat(0x7e00)).toBeNaN();
    expect([0x3f80, 0x4049, 0xbc00, 0x0000].map(bfloat16ToFloat)).toEqual([1, 3.140625, -0.0078125, 0]);
    // Round to nearest even on the way back.
    expect(floatToHalf(1 + 2 ** -11)).toBe(0x3c00);
    expect(floatToHalf(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(floatToHalf(70000)).toBe(0x7c00);
    expect(floatToHalf(2 ** -24)).toBe(0x0001);
    expect(floatToBfloat16(1 + 2 ** -8)).toBe(0x3f80);
    expect(floatToBfloat16(-3.140625)).toBe(0xc049);
  });

  it('round-trips F32 exactly and F16/BF16 to their precision, with an 8-byte aligned header', () => {
    const t = {
      w: { shape: [2, 3], data: Float32Array.from([0.1, -2.5, 3, 1e-3, 65000, -0]) },
      b: { shape: [1], data: Float32Array.from([7]) },
    };
    const f32 = encodeSafetensors(t, 'F32');
    expect(Number(new DataView(f32.buffer).getBigUint64(0, true)) % 8).toBe(0);
    expect(decodeSafetensors(f32).w.data).toEqual(t.w.data);
    const f16 = decodeSafetensors(encodeSafetensors(t, 'F16')).w.data;
    const bf16 = decodeSafetensors(encodeSafetensors(t, 'BF16')).w.data;
    for (let i = 0; i < 6; i++) {
      expect(f16[i]).toBeCloseTo(t.w.data[i], Math.abs(t.w.data[i]) > 100 ? -2 : 3);
      expect(Math.abs(bf16[i] - t.w.data[i])).toBeLessThanOrEqual(Math.abs(t.w.data[i]) / 128);
    }
    expect(parseSafetensors(encodeSafetensors(t, 'F16', { format: 'pt' })).metadata).toEqual({ format: 'pt' });
  });

  it('rejects a truncated file', () => {
    const f = encodeSafetensors({ w: { shape: [4], data: new Float32Array(4) } });
    expect(() => parseSafetensors(f.subarray(0, f.length - 4), 'x.safetensors')).toThrow(
      /x\.safetensors.*data_offsets/,
    );
  });
});

describe('loadHfFolder / saveHfFolder', () => {
  it('loads a generated tiny checkpoint exactly, and save → load gives the same folder', async () => {
    const dir = await fresh();
    const made = await makeTinyBertFolder(dir, { ...tiny, numLabels: 3 });
    const m = await loadHfFolder(dir);
    expect(m.weightsFiles).toEqual(['model.safetensors']);
    expect(m.config).toMatchObject(made.config);
    expect(m.tokenizer.vocab).toEqual(made.vocab);
    expect(m.warnings).toEqual([]);
    expectSameWeights(m.weights, made.weights);
    expect(m.weights['classifier.weight'].shape).toEqual([3, 8]);

    const again = await fresh();
    await saveHfFolder(again, m.config, m.weights, m.tokenizer);
    const m2 = await loadHfFolder(again);
    expectSameWeights(m2.weights, m.weights);
    expect(m2.config).toEqual(m.config);
    expect(m2.tokenizer.vocab).toEqual(m.tokenizer.vocab);
    // On disk: HF's names ("bert." prefix on the encoder, none on the classifier).
    const header = parseSafetensors(new Uint8Array(await readFile(path.join(again, 'model.safetensors')))).tensors;
    expect(header.has('bert.embeddings.word_embeddings.weight')).toBe(true);
    expect(header.has('classifier.weight')).toBe(true);
  });

  for (const dtype of ['F16', 'BF16'] as const) {
    it(`loads ${dtype} weights as float32`, async () => {
      const dir = await fresh();
      const made = await makeTinyBertFolder(dir, { ...tiny, dtype, pooler: false });
      const m = await loadHfFolder(dir);
      expectSameWeights(m.weights, made.weights);
      expect(m.weights['pooler.dense.weight']).toBeUndefined();
      const header = parseSafetensors(new Uint8Array(await readFile(path.join(dir, 'model.safetensors')))).tensors;
      expect(header.get('bert.embeddings.LayerNorm.weight')!.dtype).toBe(dtype);
    });
  }

  it('reads tokenizer.json when there is no vocab.txt, with its case setting', async () => {
    const dir = await fresh();
    await makeTinyBertFolder(dir, { ...tiny, tokenizerJson: true, doLowerCase: true });
    const withTxt = (await loadHfFolder(dir, { configOnly: true })).tokenizer;
    await unlink(path.join(dir, 'vocab.txt'));
    await unlink(path.join(dir, 'tokenizer_config.json'));
    const m = await loadHfFolder(dir);
    expect(m.tokenizer.vocab).toEqual(withTxt.vocab);
    expect(m.tokenizer.tokenize('Hello 好的World')).toEqual(['hello', '好', '的', 'world']);
  });

  it('tokenizes through tokenizers.js where tokenizer.json exists, agreeing with the built-in WordPiece', async () => {
    const dir = await fresh();
    await makeTinyBertFolder(dir, { ...tiny, tokenizerJson: true, doLowerCase: true });
    const viaLib = (await loadHfFolder(dir, { configOnly: true })).tokenizer;
    expect(viaLib.engine).toMatch(/^tokenizers\.js/);
    await unlink(path.join(dir, 'tokenizer.json'));
    const builtIn = (await loadHfFolder(dir, { configOnly: true })).tokenizer;
    expect(builtIn.engine).toBe('built-in WordPiece');
    const texts = [
      '外卖很好吃！The FOOD was good',
      'Unaffable playing café',
      '  送餐 太慢了…\tbad  ',
      '[CLS] hello [MASK] world',
      'ÉCOLE naïve 𠀀好',
      'a\u0000b\ufffdc',
      '',
    ];
    for (const t of texts) {
      expect(viaLib.tokenize(t), t).toEqual(builtIn.tokenize(t));
      expect(Array.from(viaLib.encode(t, 12).inputIds), t).toEqual(Array.from(builtIn.encode(t, 12).inputIds));
    }
  });

  it("lets tokenizer_config.json's do_lower_case win over tokenizer.json in tokenizers.js too", async () => {
    const dir = await fresh();
    await makeTinyBertFolder(dir, { ...tiny, tokenizerJson: true, doLowerCase: true });
    const cfg = path.join(dir, 'tokenizer_config.json');
    await writeFile(cfg, JSON.stringify({ ...JSON.parse(await readFile(cfg, 'utf8')), do_lower_case: false }));
    const tok = (await loadHfFolder(dir, { configOnly: true })).tokenizer;
    expect(tok.engine).toMatch(/^tokenizers\.js/);
    expect(tok.tokenize('Hello good')).toEqual(['[UNK]', 'good']);
  });

  it('takes do_lower_case from tokenizer_config.json', async () => {
    const dir = await fresh();
    await makeTinyBertFolder(dir, { ...tiny, doLowerCase: false });
    expect((await loadHfFolder(dir, { configOnly: true })).tokenizer.tokenize('Hello')).toEqual(['[UNK]']);
  });

  it('accepts old TF-converted names (gamma/beta), "bert."-less names, and ignores pre-training heads', async () => {
    const dir = await fresh();
    const made = await makeTinyBertFolder(dir, tiny);
    const renamed: BertWeights = {};
    for (const [k, w] of Object.entries(made.weights))
      renamed[k.replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta')] = w;
    renamed['cls.predictions.bias'] = { shape: [made.vocab.length], data: new Float32Array(made.vocab.length) };
    await writeFile(path.join(dir, 'model.safetensors'), encodeSafetensors(renamed));
    const m = await loadHfFolder(dir);
    expectSameWeights(m.weights, made.weights);
  });

  describe('clear errors', () => {
    it('names the folder when it does not exist or has no config.json', async () => {
      const missing = path.join(root, 'nope');
      expect(await errorOf(loadHfFolder(missing))).toMatchObject({
        code: 'MODEL_FOLDER',
        message: expect.stringContaining(missing),
      });
      const dir = await fresh();
      await writeFile(path.join(dir, 'vocab.txt'), '[PAD]\n');
      const e = await errorOf(loadHfFolder(dir));
      expect(e.code).toBe('MODEL_FOLDER');
      expect(e.message).toContain(dir);
      expect(e.message).toContain('has no config.json');
    });

    it('names both numbers when the vocabulary and the embeddings disagree', async () => {
      const dir = await fresh();
      const made = await makeTinyBertFolder(dir, tiny);
      await appendFile(path.join(dir, 'vocab.txt'), 'extra1\nextra2\n');
      const e = await errorOf(loadHfFolder(dir));
      expect(e.code).toBe('MODEL_FOLDER');
      expect(e.message).toContain(`${made.vocab.length + 2} tokens`);
      expect(e.message).toContain(`${made.vocab.length} rows`);

      const dir2 = await fresh();
      await makeTinyBertFolder(dir2, tiny);
      const cfg = JSON.parse(await readFile(path.join(dir2, 'config.json'), 'utf8'));
      await writeFile(path.join(dir2, 'config.json'), JSON.stringify({ ...cfg, vocab_size: 21128 }));
      const e2 = await errorOf(loadHfFolder(dir2));
      expect(e2.message).toMatch(new RegExp(`vocab_size 21128 but the word embeddings have ${made.vocab.length} rows`));
    });

    it('warns (does not fail) when the embeddings have spare rows', async () => {
      const dir = await fresh();
      const made = await makeTinyBertFolder(dir, tiny);
      await writeFile(path.join(dir, 'vocab.txt'), made.vocab.slice(0, -3).join('\n') + '\n');
      const m = await loadHfFolder(dir);
      expect(m.warnings.join(' ')).toMatch(/extra rows are never used/);
    });

    it('refuses an unsupported architecture, naming what is supported', async () => {
      for (const [patch, word] of [
        [{ model_type: 'gpt2' }, 'gpt2'],
        [{ model_type: 'distilbert' }, 'distilbert'],
        [{ hidden_act: 'relu' }, 'relu'],
        [{ position_embedding_type: 'relative_key' }, 'relative_key'],
      ] as const) {
        const dir = await fresh();
        await makeTinyBertFolder(dir, tiny);
        const cfg = JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8'));
        await writeFile(path.join(dir, 'config.json'), JSON.stringify({ ...cfg, ...patch }));
        const e = await errorOf(loadHfFolder(dir));
        expect(e.code).toBe('CONFIG');
        expect(e.message).toContain(word);
        expect(e.message).toMatch(/supported: /);
      }
    });

    it('refuses RoBERTa-layout weights but takes a "roberta" config with BERT weights', async () => {
      const dir = await fresh();
      const made = await makeTinyBertFolder(dir, tiny);
      const cfg = JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8'));
      await writeFile(path.join(dir, 'config.json'), JSON.stringify({ ...cfg, model_type: 'roberta' }));
      expect((await loadHfFolder(dir)).config.model_type).toBe('roberta');
      const roberta = Object.fromEntries(Object.entries(made.weights).map(([k, w]) => [`roberta.${k}`, w]));
      await writeFile(path.join(dir, 'model.safetensors'), encodeSafetensors(roberta));
      const e = await errorOf(loadHfFolder(dir));
      expect(e).toMatchObject({ code: 'CONFIG', message: expect.stringMatching(/RoBERTa's own layout/) });
    });

    it('says which weights file is missing, and how to convert TF weights', async () => {
      const dir = await fresh();
      await makeTinyBertFolder(dir, tiny);
      await unlink(path.join(dir, 'model.safetensors'));
      const e = await errorOf(loadHfFolder(dir));
      expect(e.code).toBe('MODEL_FOLDER');
      expect(e.message).toMatch(/has no model\.safetensors \(or pytorch_model\.bin\); files present: config\.json/);
      await writeFile(path.join(dir, 'tf_model.h5'), 'x');
      expect((await errorOf(loadHfFolder(dir))).message).toMatch(/tf_model\.h5.*from_tf=True.*safe_serialization=True/);
    });

    it('names a missing or misshapen weight', async () => {
      const dir = await fresh();
      const made = await makeTinyBertFolder(dir, tiny);
      const w = { ...made.weights };
      delete w['encoder.layer.1.output.dense.bias'];
      await writeFile(path.join(dir, 'model.safetensors'), encodeSafetensors(w));
      expect((await errorOf(loadHfFolder(dir))).message).toMatch(
        /encoder\.layer\.1\.output\.dense\.bias \[8\] is missing/,
      );
      w['encoder.layer.1.output.dense.bias'] = { shape: [9], data: new Float32Array(9) };
      await writeFile(path.join(dir, 'model.safetensors'), encodeSafetensors(w));
      expect((await errorOf(loadHfFolder(dir))).message).toMatch(/has shape \[9\], the config implies \[8\]/);
    });
  });
});
