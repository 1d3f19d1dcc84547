import { beforeAll, describe, expect, it } from 'vitest';
import type { Progress } from '../../../shared/progress';
import { createRng } from '../../../shared/random';
import { initBackend } from '../../backend/tfjs-backend';
import { BertClassifier } from '../model/bert-model';
import { buildWordPieceVocab } from '../tokenize/build-vocab';
import { randomBertWeights, tinyBertConfig } from '../model/random-bert';
import { maskBatch, pretrainMlm } from './mlm-pretrain';
import { WordPieceTokenizer } from '../tokenize/wordpiece';

beforeAll(async () => {
  await initBackend('wasm');
});

/**
 * Texts that cycle through one of a few fixed character orders ("甲乙丙丁甲乙…" or "丁丙乙甲…"):
 * a masked character is determined by its neighbours, and a model without context can do no
 * better than the most frequent character (1/8 here).
 */
const ORDERS = ['甲乙丙丁戊己庚辛', '辛庚己戊丁丙乙甲', '甲丙戊庚乙丁己辛'];
function cyclic(n: number, seed: number): string[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const order = Array.from(ORDERS[rng.int(ORDERS.length)]);
    const start = rng.int(order.length);
    return Array.from({ length: 10 + rng.int(8) }, (_, i) => order[(start + i) % order.length]).join('');
  });
}

describe('maskBatch', () => {
  it('chooses about 15% of the real tokens (never [CLS], [SEP] or padding), 80% of them turned into [MASK]', () => {
    const texts = cyclic(400, 1);
    const tok = new WordPieceTokenizer(buildWordPieceVocab(texts));
    const enc = tok.encodeBatch(texts, 24);
    const b = maskBatch(
      enc,
      Array.from({ length: 400 }, (_, i) => i),
      tok,
      0.15,
      createRng(2),
    );
    const real = Array.from(enc.attentionMask).filter(Boolean).length - 2 * 400;
    expect(b.positions.length / real).toBeGreaterThan(0.12);
    expect(b.positions.length / real).toBeLessThan(0.2);
    // Positions index the batch cut to its longest row.
    let L = 0;
    for (let r = 0; r < 400; r++)
      for (let t = 0; t < 24; t++) if (enc.attentionMask[r * 24 + t]) L = Math.max(L, t + 1);
    const maskId = tok.idOf('[MASK]');
    let masked = 0;
    const T = b.input.T;
    b.positions.forEach((p, i) => {
      const r = Math.floor(p / L);
      const t = p % L;
      expect(t).toBeGreaterThan(0);
      expect(enc.attentionMask[r * T + t + 1]).toBe(1); // not [SEP]: a real token follows
      expect(b.targets[i]).toBe(enc.inputIds[r * T + t]);
      if (b.input.inputIds[r * T + t] === maskId) masked++;
    });
    expect(masked / b.positions.length).toBeGreaterThan(0.7);
    expect(masked / b.positions.length).toBeLessThan(0.9);
  });
});

describe('pretrainMlm', () => {
  it('learns to fill masked characters from their context, far above the no-context rate', async () => {
    const texts = cyclic(320, 3);
    const tok = new WordPieceTokenizer(buildWordPieceVocab(texts));
    const config = tinyBertConfig({ layers: 2, hidden: 64, heads: 2, intermediate: 128, maxPositions: 24 }, tok.size);
    const model = BertClassifier.fromWeights(
      config,
      randomBertWeights(config, 1, { pooler: false, perturb: 0 }),
      1,
      1,
      { initPooler: false },
    );
    const progress: Progress[] = [];
    try {
      const r = await pretrainMlm(
        model,
        tok.encodeBatch(texts.slice(0, 280), 24),
        tok.encodeBatch(texts.slice(280), 24),
        {
          tokenizer: tok,
          maxLen: 24,
          epochs: 12,
          batchSize: 8,
          learningRate: 2e-3,
          seed: 4,
          onProgress: (p) => progress.push(p),
        },
      );
      const last = r.history.at(-1)!;
      expect(r.history).toHaveLength(12);
      expect(last.validAccuracy).toBeGreaterThan(0.45); // without context: 1/8 (this run reaches ≈ 0.7)
      expect(last.loss).toBeLessThan(r.history[0].loss);
      expect(Object.keys(r.headWeights).sort()).toEqual([
        'cls.predictions.bias',
        'cls.predictions.transform.LayerNorm.bias',
        'cls.predictions.transform.LayerNorm.weight',
        'cls.predictions.transform.dense.bias',
        'cls.predictions.transform.dense.weight',
      ]);
      expect(r.headWeights['cls.predictions.bias'].shape).toEqual([tok.size]);
      expect(progress.at(-1)!.phase).toMatch(/pretrain epoch 12\/12 done/);
    } finally {
      model.dispose();
    }
  });

  it('stops at a cancel request after the current batch', async () => {
    const texts = cyclic(64, 5);
    const tok = new WordPieceTokenizer(buildWordPieceVocab(texts));
    const config = tinyBertConfig({ layers: 1, hidden: 16, heads: 2, intermediate: 32, maxPositions: 24 }, tok.size);
    const model = BertClassifier.fromWeights(
      config,
      randomBertWeights(config, 1, { pooler: false, perturb: 0 }),
      1,
      1,
      { initPooler: false },
    );
    const cancel = { cancelled: false };
    try {
      const r = await pretrainMlm(model, tok.encodeBatch(texts, 24), undefined, {
        tokenizer: tok,
        maxLen: 24,
        epochs: 3,
        batchSize: 8,
        learningRate: 1e-3,
        seed: 1,
        cancel,
        onProgress: (p) => {
          if (p.done === 2) cancel.cancelled = true;
        },
      });
      expect(r.cancelled).toBe(true);
      expect(r.steps).toBe(2);
    } finally {
      model.dispose();
    }
  });

  it('refuses an empty corpus', async () => {
    const tok = new WordPieceTokenizer(buildWordPieceVocab(['甲乙', '甲乙']));
    const config = tinyBertConfig({ layers: 1, hidden: 16, heads: 2, intermediate: 32, maxPositions: 8 }, tok.size);
    const model = BertClassifier.fromWeights(config, randomBertWeights(config, 1, { pooler: false }), 1, 1, {
      initPooler: false,
    });
    try {
      await expect(
        pretrainMlm(model, tok.encodeBatch([], 8), undefined, {
          tokenizer: tok,
          maxLen: 8,
          epochs: 1,
          batchSize: 4,
          learningRate: 1e-3,
          seed: 1,
        }),
      ).rejects.toThrow(/no texts/);
    } finally {
      model.dispose();
    }
  });
});
