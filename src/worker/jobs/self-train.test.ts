/**
 * Self-training (issue 13 item 4): the selection keeps only confident rows, in the human labels' class
 * shares; a run on a small synthetic corpus with hidden labels records each round's pseudo-labels per
 * class and grades them; a bad confidence is a CONFIG error before any training.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusCsv, generateCorpus, uniqueDocs } from '../../../test/fixtures/synthetic-corpus';
import { runSelfTraining, selectPseudoLabels, type SelfTrainResult } from './self-train';
import { TRAIN_DEFAULTS, type TrainJobOptions } from './train-job';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-self-train-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('selectPseudoLabels', () => {
  // 6 rows × 2 classes: probabilities of class 1.
  const p1 = [0.99, 0.95, 0.6, 0.02, 0.05, 0.3];
  const probs = Float32Array.from(p1.flatMap((p) => [1 - p, p]));

  it('keeps only rows at or above the confidence, each with its most probable label', () => {
    const pick = selectPseudoLabels(probs, 6, [0.5, 0.5], 0.9);
    expect(pick.confident).toEqual([2, 2]);
    const kept = pick.rows.map((r, k) => [r, pick.labels[k]]).sort((a, b) => a[0] - b[0]);
    expect(kept).toEqual([
      [0, 1],
      [1, 1],
      [3, 0],
      [4, 0],
    ]);
  });

  it("follows the human labels' class shares: a label with few confident rows limits the others", () => {
    // Human labels 25 % class 0, 75 % class 1; 2 confident class-0 and 2 class-1 rows → N = min(2/0.25, 2/0.75) = 2.67.
    const pick = selectPseudoLabels(probs, 6, [0.25, 0.75], 0.9);
    expect(pick.labels.filter((c) => c === 0)).toHaveLength(0); // floor(0.25 · 2.67) = 0
    expect(pick.labels.filter((c) => c === 1)).toEqual([1, 1]); // floor(0.75 · 2.67) = 2, the two most confident
    expect(pick.rows).toEqual([0, 1]);
  });

  it('keeps nothing when no row reaches the confidence', () => {
    expect(selectPseudoLabels(probs, 6, [0.5, 0.5], 0.999).rows).toEqual([]);
  });
});

describe('runSelfTraining on a synthetic corpus with hidden labels', () => {
  const file = path.join(tmp, 'reviews.csv');
  writeFileSync(file, corpusCsv(uniqueDocs(generateCorpus(360, 13, 'binary'))));
  const opts = (over: Partial<TrainJobOptions> = {}): TrainJobOptions => ({
    ...TRAIN_DEFAULTS,
    data: file,
    model: 'textcnn',
    architecture: { embedDim: 16, numFilters: 16, filterSizes: [2, 3] },
    epochs: 6,
    learningRate: 0.01,
    batchSize: 32,
    patience: 0,
    minCount: 1,
    backend: 'wasm',
    charts: false,
    ...over,
  });

  let result: SelfTrainResult;
  it("records per round the pseudo-labels per class, their precision above a floor, and the student's score", async () => {
    const out = path.join(tmp, 'model');
    result = await runSelfTraining(opts({ out }), { rounds: 2, confidence: 0.8, unlabeledFrac: 0.6 });
    expect(result.rounds.map((r) => r.round)).toEqual([0, 1, 2]);
    expect(result.hiddenLabels).toBeGreaterThan(100);
    expect(result.rounds[0].pseudo).toBeUndefined();
    expect(result.rounds[0].trainRows).toBe(result.humanLabels);
    for (const r of result.rounds.slice(1)) {
      const p = r.pseudo!;
      expect(p.from).toBe('student');
      expect(p.keptTotal).toBeGreaterThan(20);
      expect(p.kept['0'] + p.kept['1']).toBe(p.keptTotal);
      for (const l of ['0', '1']) expect(p.kept[l]).toBeLessThanOrEqual(p.confident[l]);
      // Every kept row here has a hidden label; the synthetic reviews carry 5 % label noise.
      expect(p.graded).toBe(p.keptTotal);
      expect(p.precision!).toBeGreaterThan(0.8);
      expect(r.trainRows).toBe(result.humanLabels + p.keptTotal);
    }
    for (const r of result.rounds) expect(r.metrics.accuracy).toBeGreaterThan(0.6);
    const saved = JSON.parse(readFileSync(path.join(out, 'self-training.json'), 'utf8')) as SelfTrainResult;
    expect(saved.rounds[2].pseudo!.kept).toEqual(result.rounds[2].pseudo!.kept);
    expect(readFileSync(path.join(out, 'self-training.md'), 'utf8')).toMatch(
      /\| 2 \| student \| \d+ \/ \d+ \| \d+\.\d\d % \|/,
    );
    readFileSync(path.join(out, 'config.json'), 'utf8'); // the last round's student is the model folder
  }, 120_000);

  it('a confidence outside (0, 1] is a CONFIG error naming the option, before any training', async () => {
    for (const confidence of [0, 1.5, Number.NaN]) {
      await expect(
        runSelfTraining(opts({ data: path.join(tmp, 'missing.csv') }), { rounds: 1, confidence }),
      ).rejects.toMatchObject({ code: 'CONFIG', message: expect.stringContaining('confidence') });
    }
  });
});
