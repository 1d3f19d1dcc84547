import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../../shared/random';
import type { Progress } from '../../../shared/progress';
import { initBackend } from '../../backend/tfjs-backend';
import { BertClassifier } from '../model/bert-model';
import { encodeExamples, fineTuneTeacher, type TeacherExamples } from './fine-tune';
import { makeTinyBertFolder } from '../../../../test/fixtures/tiny-bert';
import { loadHfFolder, type HfFolder } from '../checkpoint/hf-folder';

let dir: string;
let folder: HfFolder;

beforeAll(async () => {
  await initBackend('wasm');
  dir = await mkdtemp(path.join(tmpdir(), 'distillery-ft-'));
  await makeTinyBertFolder(dir, { layers: 2, hidden: 32, heads: 2, intermediate: 64, seed: 3 });
  folder = await loadHfFolder(dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const FILLER = Array.from('的了是我不很也就都吃菜送餐快慢味道香辣咸甜难太一个这那外卖饭店点份钱贵便宜服务态度');

/**
 * Reviews of filler characters with one 好 (label 1) or 坏 (label 0) somewhere; chance accuracy is
 * 0.5. Multi-label: the multi-hot [has 好, has 坏]. (Two independent labels — texts with 好 and/or
 * 坏 — trap a 2-layer, 32-wide model in "one label learned" for some seeds: its attention heads lock
 * onto one character. That is the toy model's capacity, not the loss, so the test keeps one signal.)
 */
function synthetic(n: number, seed: number, multi = false): TeacherExamples {
  const rng = createRng(seed);
  const texts: string[] = [];
  const labels = multi ? new Float32Array(n * 2) : new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const chars = Array.from({ length: 6 + rng.int(10) }, () => FILLER[rng.int(FILLER.length)]);
    const y = rng.int(2);
    chars.splice(rng.int(chars.length + 1), 0, y ? '好' : '坏');
    if (multi) {
      labels[i * 2] = y;
      labels[i * 2 + 1] = 1 - y;
    } else labels[i] = y;
    texts.push(chars.join(''));
  }
  return { texts, labels };
}

const fast = { maxLen: 24, batchSize: 16, learningRate: 2e-3, warmupRatio: 0.1, patience: 3 };

describe('fineTuneTeacher', () => {
  it('learns a synthetic single-label task to ≥ 0.95 held-out accuracy, restoring the best epoch', async () => {
    const model = BertClassifier.fromWeights(folder.config, folder.weights, 2, 1);
    const progress: Progress[] = [];
    const valid = synthetic(60, 2);
    const r = await fineTuneTeacher(model, synthetic(240, 1), valid, {
      ...fast,
      tokenizer: folder.tokenizer,
      epochs: 5,
      seed: 5,
      onProgress: (p) => progress.push(p),
    });
    expect(r.cancelled).toBe(false);
    expect(r.backend).toBe('wasm');
    expect(r.steps).toBe(r.history.length * 15);
    expect(r.trainSamplesPerSecond).toBeGreaterThan(0);
    const test = synthetic(200, 3);
    const enc = encodeExamples(folder.tokenizer, test, 24, 2, false);
    const probs = model.predictProbs(enc.input);
    let correct = 0;
    for (let i = 0; i < test.texts.length; i++) if ((probs[i * 2 + 1] > 0.5 ? 1 : 0) === test.labels[i]) correct++;
    expect(correct / test.texts.length).toBeGreaterThanOrEqual(0.95);
    // The model holds the best epoch's weights: re-evaluating gives its validation accuracy.
    const venc = encodeExamples(folder.tokenizer, valid, 24, 2, false);
    const vp = model.predictProbs(venc.input);
    let vc = 0;
    for (let i = 0; i < valid.texts.length; i++) if ((vp[i * 2 + 1] > 0.5 ? 1 : 0) === valid.labels[i]) vc++;
    expect(vc / valid.texts.length).toBeCloseTo(r.bestValMetric, 6);
    expect(r.history[r.bestEpoch - 1].valMetric).toBe(r.bestValMetric);
    // Progress: per batch with ETA and live loss, then per epoch with the validation metric.
    expect(progress[0]).toMatchObject({ phase: 'teacher epoch 1/5', done: 1, total: 75 });
    expect(progress[0].metrics!.loss).toBeGreaterThan(0);
    expect(progress.find((p) => p.phase.endsWith('done'))!.metrics).toHaveProperty('val_metric');
    expect(progress.some((p) => p.etaSeconds !== undefined && p.etaSeconds > 0)).toBe(true);
    model.dispose();
  });

  it('trains a multi-label head with sigmoid + BCE', async () => {
    const model = BertClassifier.fromWeights(folder.config, folder.weights, 2, 2, { multiLabel: true });
    const train = synthetic(240, 4, true);
    // Unlabeled rows (NaN) are left out of training.
    const labels = new Float32Array(train.labels.length + 4).fill(NaN);
    labels.set(train.labels);
    const r = await fineTuneTeacher(model, { texts: [...train.texts, '好', '坏'], labels }, synthetic(60, 5, true), {
      ...fast,
      tokenizer: folder.tokenizer,
      learningRate: 4e-3,
      epochs: 5,
      seed: 6,
    });
    expect(r.steps).toBe(r.history.length * 15);
    expect(r.bestValMetric).toBeGreaterThanOrEqual(0.95); // micro-F1
    model.dispose();
  });

  it('stops after the batch in which it is cancelled, keeping the weights usable', async () => {
    const model = BertClassifier.fromWeights(folder.config, folder.weights, 2, 1);
    const token = { cancelled: false };
    const r = await fineTuneTeacher(model, synthetic(64, 1), synthetic(16, 2), {
      ...fast,
      tokenizer: folder.tokenizer,
      epochs: 3,
      seed: 1,
      cancel: token,
      onProgress: (p) => {
        if (p.done === 2) token.cancelled = true;
      },
    });
    expect(r.cancelled).toBe(true);
    expect(r.steps).toBe(2);
    expect(r.history).toEqual([]);
    expect(
      model.predictProbs(encodeExamples(folder.tokenizer, synthetic(4, 9), 24, 2, false).input).every(Number.isFinite),
    ).toBe(true);
    model.dispose();
  });

  it('refuses a max length beyond the position embeddings, and empty training data', async () => {
    const model = BertClassifier.fromWeights(folder.config, folder.weights, 2, 1);
    await expect(
      fineTuneTeacher(model, synthetic(8, 1), undefined, { tokenizer: folder.tokenizer, seed: 1 }),
    ).rejects.toThrow(/max length 128 exceeds .* 64/);
    await expect(
      fineTuneTeacher(model, { texts: ['好'], labels: Int32Array.from([-1]) }, undefined, {
        ...fast,
        tokenizer: folder.tokenizer,
        seed: 1,
      }),
    ).rejects.toMatchObject({ code: 'INPUT_EMPTY' });
    model.dispose();
  });
});
