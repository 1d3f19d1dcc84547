/** What train and distill print: a JSON object on stdout, a readable summary on stderr. */
import type { RepeatedRuns } from '../../worker/jobs/repeated-runs';
import { evidenceOf } from '../../shared/metrics';
import { evidenceLines } from '../../worker/eval/report';
import { pickNumbers } from '../../worker/jobs/repeated-runs';
import type { TrainJobOptions } from '../../worker/jobs/train-job';
import { info } from '../progress';

export function printTrainSummary(rep: RepeatedRuns, o: TrainJobOptions, extra: Record<string, unknown> = {}): void {
  const r = rep.first;
  const out = {
    model_dir: r.outDir,
    model: r.config.arch,
    backend: r.backend,
    task: r.schema.task,
    labels: r.schema.labels,
    ...pickNumbers(r.metrics),
    ...evidenceOf(r.metrics),
    params: r.paramCount,
    size_mb: Number(r.sizeMB.toFixed(3)),
    seconds: Number(r.seconds.toFixed(1)),
    train_samples_per_s: Number(r.trainSamplesPerSecond.toFixed(1)),
    best_epoch: r.bestEpoch,
    cancelled: r.cancelled,
    sizes: r.sizes,
    seed: o.seed,
    data_hash: r.dataHash,
    ...(rep.runs.length > 1 ? { runs: rep.runs, mean_std: rep.summary } : {}),
    ...extra,
  };
  process.stdout.write(JSON.stringify(out) + '\n');
  const acc = (x: number | undefined) => (x === undefined ? '–' : (100 * x).toFixed(2) + '%');
  const m = pickNumbers(r.metrics);
  info(
    `${r.cancelled ? 'cancelled; saved best epoch so far. ' : ''}test accuracy ${acc(m.accuracy)}, macro-F1 ${acc(m.macro_f1)} ` +
      `(${r.sizes.test} docs) in ${r.seconds.toFixed(1)} s on ${r.backend}, ${r.trainSamplesPerSecond.toFixed(1)} samples/s` +
      (r.outDir ? `; model folder ${r.outDir}` : ''),
  );
  for (const l of evidenceLines(r.metrics, r.schema.labels.length)) info(l);
  if (rep.runs.length > 1) {
    const s = rep.summary.accuracy;
    info(`over ${rep.runs.length} seeds: accuracy ${(100 * s.mean).toFixed(2)} ± ${(100 * s.std).toFixed(2)}`);
  }
}
