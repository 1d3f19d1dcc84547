import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canonicalBertName } from '../model/bert-config';
import { loadHfFolder } from './hf-folder';
import { readTorchCheckpoint } from './torch-checkpoint';
import { TORCH_FIXTURES } from '../../../../test/fixtures/torch-fixtures.test-data';

const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));
const noInts = (name: string) => name !== 'position_ids';

describe('readTorchCheckpoint', () => {
  for (const [format, data] of [
    ['zip (torch ≥ 1.6)', TORCH_FIXTURES.smallZip],
    ['legacy stream', TORCH_FIXTURES.smallLegacy],
  ] as const) {
    it(`reads float32/float16/bfloat16 tensors, views and parameters from the ${format} format`, () => {
      const sd = readTorchCheckpoint(bytes(data), 'x.bin', noInts);
      expect(Object.keys(sd)).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect(sd.a.shape).toEqual([2, 3]);
      expect(Array.from(sd.a.data)).toEqual([-1, -0.5, 0, 0.5, 1, 1.5]);
      expect(Array.from(sd.b.data)).toEqual([0.5, -2, 65504]);
      expect(sd.c.shape).toEqual([3, 2]); // a's storage seen transposed
      expect(Array.from(sd.c.data)).toEqual([-1, 0.5, -0.5, 1, 0, 1.5]);
      expect(Array.from(sd.d.data)).toEqual([3.140625, 7]); // bfloat16, offset 1, stride 2
      expect(Array.from(sd.e.data)).toEqual([-0.5, 0, 1, 1.5]); // a Parameter: offset 1, rows of 3
    });
  }

  it('refuses integer tensors it is asked to decode, naming them', () => {
    expect(() => readTorchCheckpoint(bytes(TORCH_FIXTURES.smallZip), 'x.bin')).toThrow(/position_ids.*I64/);
  });

  it('never calls a global outside its list, and says how to convert', () => {
    let err: unknown;
    try {
      readTorchCheckpoint(bytes(TORCH_FIXTURES.evilZip), '/m/pytorch_model.bin');
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'MODEL_FOLDER' });
    expect(String((err as Error).message)).toMatch(/"(posix|os|nt)\.system"/);
    expect(String((err as Error).message)).toMatch(/safetensors/);
  });

  it('explains what to do with a file that is not a checkpoint', () => {
    expect(() => readTorchCheckpoint(new TextEncoder().encode('not a checkpoint'), 'p.bin')).toThrow(
      /p\.bin could not be read.*safetensors/,
    );
  });
});

describe('loadHfFolder with pytorch_model.bin', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('loads a BERT state dict (gamma/beta names, a transposed view, float16) under canonical names', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'distillery-bin-'));
    dirs.push(dir);
    const config = {
      model_type: 'bert',
      vocab_size: 12,
      hidden_size: 4,
      num_hidden_layers: 1,
      num_attention_heads: 2,
      intermediate_size: 8,
      max_position_embeddings: 8,
    };
    await writeFile(path.join(dir, 'config.json'), JSON.stringify(config));
    await writeFile(
      path.join(dir, 'vocab.txt'),
      ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', '我', '爱', '北', '京', '好', '坏', '的'].join('\n') + '\n',
    );
    await writeFile(path.join(dir, 'pytorch_model.bin'), bytes(TORCH_FIXTURES.tinyBertZip));
    const m = await loadHfFolder(dir);
    expect(m.weightsFiles).toEqual(['pytorch_model.bin']);
    expect(m.config.layer_norm_eps).toBe(1e-12); // HF default filled in
    expect(m.config.hidden_act).toBe('gelu');
    expect(Object.keys(m.weights)).toContain('embeddings.LayerNorm.weight');
    expect(Object.keys(m.weights)).not.toContain('cls.predictions.bias');
    // The generator's values: element i of the j-th state-dict entry is ((7i + 13j) mod 17 − 8) / 8.
    const names = [
      'bert.embeddings.position_ids',
      'bert.embeddings.word_embeddings.weight',
      'bert.embeddings.position_embeddings.weight',
      'bert.embeddings.token_type_embeddings.weight',
      'bert.embeddings.LayerNorm.gamma',
      'bert.embeddings.LayerNorm.beta',
      'bert.encoder.layer.0.attention.self.query.weight',
      'bert.encoder.layer.0.attention.self.query.bias',
      'bert.encoder.layer.0.attention.self.key.weight',
    ];
    names.forEach((file, j) => {
      const c = canonicalBertName(file);
      if (!c) return;
      const w = m.weights[c];
      const expected = Array.from(w.data, (_, i) => (((i * 7 + j * 13) % 17) - 8) / 8);
      expect(Array.from(w.data), file).toEqual(expected);
    });
    expect(m.weights['encoder.layer.0.attention.self.query.weight'].shape).toEqual([4, 4]);
  });
});
