/**
 * Label sources in training (issue 12 item 2), through runTrainJob on a file with a source column, as
 * `distillery train --source-col source --source-weights …` runs it: the weights reach the loss (a
 * source of weight 0 trains nothing), an unknown source is an error naming file, line and column, and
 * the run's config records the weights.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runTrainJob, TRAIN_DEFAULTS, type TrainJobOptions } from './train-job';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-source-weights-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** 40 short reviews, every label from `source` (one row's source replaced by `odd` when given). */
function data(source: string, odd?: string): string {
  const rows = Array.from({ length: 40 }, (_, i) => [
    i % 2 ? `好吃 推荐 ${i}` : `难吃 太咸 ${i}`,
    i % 2 ? 'pos' : 'neg',
    i === 7 && odd ? odd : source,
  ]);
  const f = path.join(tmp, `${source}-${odd ?? ''}.csv`);
  writeFileSync(f, ['text,label,source', ...rows.map((r) => r.join(','))].join('\n') + '\n');
  return f;
}

const opts = (file: string, over: Partial<TrainJobOptions> = {}): TrainJobOptions => ({
  ...TRAIN_DEFAULTS,
  data: file,
  model: 'textcnn',
  architecture: { embedDim: 8, numFilters: 8, filterSizes: [2] },
  epochs: 2,
  batchSize: 8,
  patience: 0,
  minCount: 1,
  backend: 'wasm',
  charts: false,
  sourceCol: 'source',
  ...over,
});

describe('label source weights in a training run', () => {
  it('a source of weight 0 adds nothing to the loss; its default weight does', async () => {
    const zero = await runTrainJob(opts(data('rule'), { sourceWeights: { rule: 0 } }));
    expect(zero.history.every((h) => h.loss === 0)).toBe(true);
    const byDefault = await runTrainJob(opts(data('rule')));
    expect(byDefault.history[0].loss).toBeGreaterThan(0.1);
  }, 120_000);

  it('names the row of an unknown source; records the weights in the model folder', async () => {
    await expect(runTrainJob(opts(data('human', 'humn')))).rejects.toThrow(
      /human-humn\.csv:9: label source "humn" in column "source" has no weight/,
    );
    const out = path.join(tmp, 'model');
    await runTrainJob(opts(data('human', 'teacher'), { out, sourceWeights: { human: 1, teacher: 0.25 } }));
    const config = JSON.parse(readFileSync(path.join(out, 'config.json'), 'utf8'));
    expect(config.training.options).toMatchObject({ sourceCol: 'source', sourceWeights: { human: 1, teacher: 0.25 } });
  }, 120_000);
});
