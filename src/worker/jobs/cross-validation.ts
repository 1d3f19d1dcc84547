/**
 * k-fold cross-validation: each fold is the test set once; the rest is split into train/valid.
 * Folds are stratified (iteratively for multi-label) and seeded. Reports per-fold metrics and
 * mean ± std.
 */
import { meanStd } from '../../shared/metrics';
import type { CancelToken, ProgressSink } from '../../shared/progress';
import { kFoldIndices } from '../data/split';
import { splitDocs } from '../data/split';
import { pickNumbers, SUMMARY_KEYS } from './repeated-runs';
import { prepareData, runTrainJob, type TrainJobOptions } from './train-job';

export interface CrossValidation {
  folds: { fold: number; n: number; metrics: Record<string, number> }[];
  summary: Record<string, { mean: number; std: number; n: number }>;
}

export async function runCrossValidation(
  o: TrainJobOptions,
  k: number,
  onProgress?: (fold: number) => ProgressSink,
  cancel?: CancelToken,
): Promise<CrossValidation> {
  const splitSeed = o.splitSeed ?? o.seed;
  // All labeled documents take part; the split fractions are ignored.
  const base = await prepareData({ ...o, splitSeed, validSplit: 0, testSplit: 0 });
  const labeled = base.train;
  const multiLabel = base.schema.task === 'multilabel';
  const folds = kFoldIndices(labeled, k, splitSeed, multiLabel);
  const out: CrossValidation['folds'] = [];
  for (let f = 0; f < k && !cancel?.cancelled; f++) {
    const inTest = new Set(folds[f]);
    const test = folds[f].map((i) => labeled[i]);
    const rest = labeled.filter((_, i) => !inTest.has(i));
    const { train, valid } = splitDocs(rest, { valid: o.validSplit, test: 0, seed: splitSeed + f, multiLabel });
    const r = await runTrainJob({ ...o, out: undefined }, onProgress?.(f), cancel, { ...base, train, valid, test });
    out.push({ fold: f + 1, n: test.length, metrics: pickNumbers(r.metrics) });
  }
  const summary: CrossValidation['summary'] = {};
  for (const key of SUMMARY_KEYS) {
    const xs = out.map((x) => x.metrics[key]).filter((v) => typeof v === 'number');
    if (xs.length) summary[key] = meanStd(xs);
  }
  return { folds: out, summary };
}
