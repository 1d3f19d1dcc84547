/**
 * Repeated runs with different seeds on one fixed split: mean ± std of the held-out metrics, as
 * digest A reports (mean of 5 runs). The first run writes the model folder when one is asked for.
 */
import { meanStd } from '../../shared/metrics';
import type { CancelToken, ProgressSink } from '../../shared/progress';
import { prepareData, runTrainJob, type PreparedData, type TrainJobOptions, type TrainJobResult } from './train-job';

export const SUMMARY_KEYS = [
  'accuracy',
  'precision',
  'recall',
  'f1',
  'macro_f1',
  'micro_f1',
  'weighted_f1',
  'subset_accuracy',
] as const;

export interface RepeatedRuns {
  runs: { seed: number; metrics: Record<string, number>; seconds: number }[];
  summary: Record<string, { mean: number; std: number; n: number }>;
  first: TrainJobResult;
}

export async function runRepeated(
  o: TrainJobOptions,
  runs: number,
  onProgress?: (run: number) => ProgressSink,
  cancel?: CancelToken,
  prepared?: PreparedData,
): Promise<RepeatedRuns> {
  const splitSeed = o.splitSeed ?? o.seed;
  const data = prepared ?? (await prepareData({ ...o, splitSeed }));
  const results: TrainJobResult[] = [];
  for (let r = 0; r < runs && !cancel?.cancelled; r++) {
    const seed = o.seed + r;
    results.push(
      await runTrainJob({ ...o, seed, splitSeed, out: r === 0 ? o.out : undefined }, onProgress?.(r), cancel, data),
    );
  }
  const runsOut = results.map((res, i) => ({
    seed: o.seed + i,
    metrics: pickNumbers(res.metrics),
    seconds: res.seconds,
  }));
  const summary: RepeatedRuns['summary'] = {};
  for (const k of SUMMARY_KEYS) {
    const xs = runsOut.map((r) => r.metrics[k]).filter((x) => typeof x === 'number');
    if (xs.length) summary[k] = meanStd(xs);
  }
  return { runs: runsOut, summary, first: results[0] };
}

export function pickNumbers(m: object): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of SUMMARY_KEYS) {
    const v = (m as Record<string, unknown>)[k];
    if (typeof v === 'number') out[k] = v;
  }
  return out;
}
