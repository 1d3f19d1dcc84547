/**
 * The app's labeling-budget simulator ('simulate', issue #12 item 7): `distillery simulate` replayed
 * on the project's own human labels, which the UI sends as `docs.labeled`. The documents get the
 * same checks as every training job (prepareJobData), are written as the run's data snapshot
 * (`<project>/simulations/<name>/dataset.jsonl`) and handed to runSimulation, which reports progress
 * per round and stops on cancel. The folder is written under a temporary name and renamed when
 * complete, as model versions are, so a cancel never leaves half of one.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { JobRequest, JobResult, SimulateJobOptions, SimulationResult } from '../../shared/api';
import { CancelledError, DistilleryError } from '../../shared/errors';
import { PROJECT_LAYOUT } from '../../shared/worker-protocol';
import { parseStrategies, type StrategyName } from '../active/strategies';
import { runSimulation } from '../jobs/simulate-job';
import { APP_SIMULATE_STRATEGIES } from '../../shared/strategies';
import { defaultsOf, SIMULATE_APP_OPTIONS, SIMULATE_OPTIONS, validateJobOptions } from '../../shared/job-options';
import { prepareJobData, projectTextFiles } from './job-data';
import type { JobContext } from './job-context';
import { freeVersion, sweepStale } from './model-dirs';

/** The request's options, checked against the option table (a CONFIG error names the option), defaults filled in. */
export function simulateOptionsFrom(
  options: Record<string, unknown>,
): Required<Omit<SimulateJobOptions, 'strategies' | 'userDict' | 'stopwords'>> &
  Pick<SimulateJobOptions, 'userDict' | 'stopwords'> & { strategies: StrategyName[] } {
  const o = validateJobOptions('simulate', options);
  const d = defaultsOf(SIMULATE_APP_OPTIONS);
  return {
    strategies: parseStrategies((o.strategies ?? APP_SIMULATE_STRATEGIES).join(',')),
    model: o.model ?? d.model,
    seedSize: o.seedSize ?? d.seedSize,
    batch: o.batch ?? d.batch,
    budget: o.budget ?? d.budget,
    runs: o.runs ?? d.runs,
    seed: o.seed ?? d.seed,
    testSplit: o.testSplit ?? d.testSplit,
    epochs: o.epochs ?? d.epochs,
    t2s: o.t2s ?? false,
    ...(o.userDict ? { userDict: o.userDict } : {}),
    ...(o.stopwords ? { stopwords: o.stopwords } : {}),
  };
}

export async function runSimulateProjectJob(r: JobRequest, ctx: JobContext): Promise<JobResult> {
  const o = simulateOptionsFrom(r.options ?? {});
  const dir = path.join(ctx.projectFolder, PROJECT_LAYOUT.simulations);
  await mkdir(dir, { recursive: true });
  await sweepStale(dir);
  const name = await freeVersion(dir, dir, 'simulation', o.model);
  // Known labels, no id twice, enough labels of two kinds; no split here: the simulator draws its own per run.
  const { train } = prepareJobData(r, { seed: o.seed, validSplit: 0, testSplit: 0 }, name).prepared;
  const multi = r.task === 'multilabel';
  const snapshot =
    train
      .map((d) =>
        JSON.stringify({ id: d.id, text: d.text, ...(multi ? { labels: d.labels } : { label: d.labels[0] }) }),
      )
      .join('\n') + '\n';
  const finalDir = path.join(dir, name);
  const partialDir = path.join(dir, `.partial-${process.pid}-${name}`);
  let complete = false;
  try {
    await mkdir(partialDir, { recursive: true });
    const data = path.join(partialDir, 'dataset.jsonl');
    await writeFile(data, snapshot);
    const res = await runSimulation(
      {
        data,
        strategies: o.strategies,
        model: o.model,
        seedSize: o.seedSize,
        batch: o.batch,
        budget: o.budget,
        runs: o.runs,
        seed: o.seed,
        testSplit: o.testSplit,
        tokens: 'char',
        // The project's text options, files relative to the project folder (a missing one is a CONFIG error naming it).
        ...projectTextFiles(o, ctx.projectFolder),
        nbAlpha: SIMULATE_OPTIONS.nbAlpha.default,
        committee: SIMULATE_OPTIONS.committee.default,
        student: {
          epochs: o.epochs,
          batchSize: SIMULATE_OPTIONS.batchSize.default,
          learningRate: SIMULATE_OPTIONS.learningRate.default,
        },
        out: partialDir,
        // The UI draws its own chart from the curves.
        charts: false,
      },
      ctx.onProgress,
      ctx.cancel,
    );
    if (ctx.cancel.cancelled) throw new CancelledError('simulation cancelled');
    await rename(partialDir, finalDir);
    complete = true;
    const simulation: SimulationResult = {
      docs: train.length,
      pool_size: res.pool_size,
      test_size: res.test_size,
      model: o.model,
      runs: o.runs,
      full_data: { accuracy: res.full_data.accuracy, macro_f1: res.full_data.macro_f1 },
      strategies: Object.fromEntries(
        Object.entries(res.strategies).map(([s, v]) => [
          s,
          {
            curve: v.curve.map((p) => ({
              labels: p.labels,
              accuracy: p.accuracy,
              macro_f1: p.macro_f1,
              accuracy_std: p.accuracy_std,
            })),
            aulc: v.aulc,
            aulc_std: v.aulc_std,
            labels_to_95: v.labels_to_95,
          },
        ]),
      ),
      folder: finalDir,
    };
    return {
      modelVersion: '',
      simulation,
      files: ['dataset.jsonl', 'simulation.json', 'simulation.md'].map((f) => path.join(finalDir, f)),
    };
  } finally {
    if (!complete) await rm(partialDir, { recursive: true, force: true });
  }
}
