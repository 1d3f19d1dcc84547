import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Progress } from '../../../shared/progress';
import { initBackend } from '../../backend/tfjs-backend';
import { BertClassifier } from '../model/bert-model';
import {
  binaryTargets,
  BR_WEIGHT_GRID,
  chooseClassWeight,
  positiveF1,
  putPositiveLogits,
  trainBinaryRelevance,
  validateWeightGrid,
} from './binary-relevance';
import { fineTuneTeacher } from './fine-tune';
import { makeTinyBertFolder } from '../../../../test/fixtures/tiny-bert';
import { loadHfFolder, type HfFolder } from '../checkpoint/hf-folder';

describe('chooseClassWeight', () => {
  const pick = (c: { weight: number; validF1: number }[]) => c[chooseClassWeight(c)].weight;

  it('takes the weight with the best validation F1', () => {
    expect(
      pick(BR_WEIGHT_GRID.map((weight, i) => ({ weight, validF1: [0.2, 0.4, 0.6, 0.7, 0.8, 0.75, 0.5][i] }))),
    ).toBe(2);
    expect(
      pick([
        { weight: 5, validF1: 0.9 },
        { weight: 0.05, validF1: 0.1 },
      ]),
    ).toBe(5);
  });

  it('breaks ties towards the weight closest to 1 (log scale), then the smaller one', () => {
    // A rare label with no validation positives: every F1 is 0, so the data says nothing → 1.
    expect(pick(BR_WEIGHT_GRID.map((weight) => ({ weight, validF1: 0 })))).toBe(1);
    expect(
      pick([
        { weight: 0.5, validF1: 0.8 },
        { weight: 3, validF1: 0.8 },
        { weight: 0.05, validF1: 0.2 },
      ]),
    ).toBe(0.5);
    expect(
      pick([
        { weight: 2, validF1: 0.8 },
        { weight: 0.5, validF1: 0.8 },
      ]),
    ).toBe(0.5);
    // Equal within rounding noise counts as a tie.
    expect(
      pick([
        { weight: 5, validF1: 0.8 + 1e-12 },
        { weight: 1, validF1: 0.8 },
      ]),
    ).toBe(1);
  });

  it('never prefers NaN (no validation data) over a number, and refuses an empty list', () => {
    expect(
      pick([
        { weight: 1, validF1: NaN },
        { weight: 3, validF1: 0.1 },
      ]),
    ).toBe(3);
    expect(
      pick([
        { weight: 3, validF1: NaN },
        { weight: 1, validF1: NaN },
      ]),
    ).toBe(1);
    expect(() => chooseClassWeight([])).toThrow(/no class-weight candidates/);
  });
});

describe('binary-relevance helpers', () => {
  it('validates and sorts a weight grid', () => {
    expect(validateWeightGrid([3, 0.5, 1])).toEqual([0.5, 1, 3]);
    expect(validateWeightGrid(BR_WEIGHT_GRID)).toEqual([0.05, 0.1, 0.5, 1, 2, 3, 5]);
    expect(() => validateWeightGrid([])).toThrow(/empty/);
    expect(() => validateWeightGrid([1, 0])).toThrow(/positive/);
    expect(() => validateWeightGrid([1, -2])).toThrow(/positive/);
    expect(() => validateWeightGrid([1, NaN])).toThrow(/positive/);
    expect(() => validateWeightGrid([2, 1, 2])).toThrow(/repeats/);
  });

  it('takes one label column of multi-hot targets as 0/1 classes (−1 unlabeled)', () => {
    const y = Float32Array.of(1, 0, 1, 0, 1, 1, NaN, NaN, NaN);
    expect(Array.from(binaryTargets(y, 3, 0))).toEqual([1, 0, -1]);
    expect(Array.from(binaryTargets(y, 3, 2))).toEqual([1, 1, -1]);
  });

  it('scores the positive class F1 from 2-class logits', () => {
    // preds: 1, 1, 0, 0 → tp 1, fp 1, fn 1 → 2/(2+1+1)
    expect(positiveF1([1, 0, 1, 0], [0, 1, 0, 2, 1, 0, 3, -1])).toBeCloseTo(0.5, 12);
    expect(positiveF1([0, 0], [1, 0, 1, 0])).toBe(0); // 0/0 → 0 (sklearn's zero_division=0)
    expect(positiveF1([1, 1], [0, 1, 0, 1])).toBe(1);
  });

  it('turns 2-class logits into a per-label logit z1 − z0 whose sigmoid is the softmax probability', () => {
    const z = Float32Array.of(0.3, 1.7, 2, -1);
    const out = new Float32Array(2 * 3).fill(9);
    putPositiveLogits(z, out, 3, 1);
    expect(Array.from(out)).toEqual([9, Math.fround(1.7) - Math.fround(0.3), 9, 9, -3, 9].map(Math.fround));
    const sigmoid = 1 / (1 + Math.exp(-out[1]));
    const softmax1 = Math.exp(z[1]) / (Math.exp(z[0]) + Math.exp(z[1]));
    expect(sigmoid).toBeCloseTo(softmax1, 6);
  });
});

describe('trainBinaryRelevance', () => {
  let dir: string;
  let folder: HfFolder;
  beforeAll(async () => {
    await initBackend('wasm');
    dir = await mkdtemp(path.join(tmpdir(), 'distillery-br-'));
    await makeTinyBertFolder(path.join(dir, 'base'), { layers: 1, hidden: 16, heads: 2, intermediate: 32, seed: 3 });
    folder = await loadHfFolder(path.join(dir, 'base'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const set = (n: number) => ({
    texts: Array.from({ length: n }, (_, i) => (i % 2 ? '好吃' : '太慢')),
    labels: Float32Array.from({ length: 2 * n }, (_, k) => (k % 2 === Math.floor(k / 2) % 2 ? 1 : 0)),
  });
  const base = () => ({
    config: folder.config,
    weights: folder.weights,
    tokenizer: folder.tokenizer,
    labels: ['a', 'b'],
    maxLen: 8,
    epochs: 2,
    batchSize: 8,
    learningRate: 1e-3,
    patience: 0,
    seed: 1,
  });

  it('fineTuneTeacher keeps the epoch with the best validScore (what each binary model early-stops on)', async () => {
    const scores = [0.2, 0.9, 0.5];
    const seen: number[] = [];
    const model = BertClassifier.fromWeights(folder.config, folder.weights, 2, 1);
    try {
      const s = set(16);
      const y = binaryTargets(s.labels, 2, 0);
      const r = await fineTuneTeacher(
        model,
        { texts: s.texts, labels: y },
        { texts: s.texts, labels: y },
        {
          tokenizer: folder.tokenizer,
          maxLen: 8,
          epochs: 3,
          batchSize: 8,
          patience: 0,
          seed: 1,
          validScore: (logits, labels) => {
            expect(logits).toHaveLength(2 * labels.length);
            seen.push(labels.length);
            return scores[seen.length - 1];
          },
        },
      );
      expect(seen).toEqual([16, 16, 16]);
      expect(r.history.map((e) => e.valMetric)).toEqual(scores);
      expect(r.bestEpoch).toBe(2);
    } finally {
      model.dispose();
    }
  });

  it('needs validation rows to choose between several weights', async () => {
    await expect(
      trainBinaryRelevance({
        ...base(),
        train: set(16),
        valid: set(0),
        out: path.join(dir, 'novalid'),
        grid: [0.5, 2],
      }),
    ).rejects.toThrow(/validation split, which is empty/);
  });

  it('stops on cancel with a CancelledError and saves no incomplete label', async () => {
    const token = { cancelled: false };
    const progress: Progress[] = [];
    const out = path.join(dir, 'cancelled');
    const run = trainBinaryRelevance({
      ...base(),
      train: set(32),
      valid: set(8),
      out,
      grid: [1, 2],
      cancel: token,
      onProgress: (p) => {
        progress.push(p);
        token.cancelled = true;
      },
    });
    await expect(run).rejects.toMatchObject({
      code: 'CANCELLED',
      message: expect.stringMatching(/label 1\/2 \(a\), weight 1\/2/),
    });
    expect(existsSync(path.join(out, 'label-0'))).toBe(false);
    // Progress counts every run of every label: 2 labels × 2 weights × 2 epochs × 4 batches.
    expect(progress[0]).toMatchObject({
      done: 1,
      total: 32,
      phase: expect.stringMatching(/^label 1\/2 a · weight 1\/2 \(1\) · teacher epoch 1\/2/),
    });
  });
});
