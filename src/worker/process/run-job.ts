/**
 * The worker's jobs: train-student and distill (runTrainJob on the request's documents, the new
 * model's inference latency on its test texts, then the optional scoring of `docs.toScore` with
 * it), train-bert-teacher (bert-teacher-job.ts: the same for a BERT teacher), score (a model
 * version's ONNX file over `docs.toScore`; a student or a BERT teacher), and alpha-sweep (one
 * distillation per α of `options.alphas`, the student's test metrics against α; no model is kept),
 * fast-prelabel (fast-prelabel-job.ts: naive Bayes on the labels, then `docs.toScore` scored), simulate
 * (simulate-project-job.ts: the labeling-budget simulator on the project's human labels). Model
 * versions are folders `<project>/models/<version>`, sweeps `<project>/sweeps/<name>`, written
 * under a temporary name and renamed when complete, so a crash or a cancel never leaves half of one.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { JobRequest, JobResult, LatencyResult } from '../../shared/api';
import { CancelledError, DistilleryError, InputError, ModelFolderError } from '../../shared/errors';
import type { CancelToken, Progress, ProgressSink } from '../../shared/progress';
import { MODEL_VERSION_RE, PROJECT_LAYOUT, whyBadSweep } from '../../shared/worker-protocol';
import type { CorpusDoc } from '../data/read-corpus';
import { runAlphaSweep } from '../jobs/alpha-sweep';
import { runTrainJob } from '../jobs/train-job';
import { DEFAULT_TEMPERATURE } from '../train/losses';
import { measureModelLatency } from '../predict/latency';
import { runBertTeacherJob } from './bert-teacher-job';
import { runAuditJob } from './audit-job';
import { runFastPrelabelJob } from './fast-prelabel-job';
import { runSimulateProjectJob } from './simulate-project-job';
import { prepareJobData, selfTrainOf, trainOptionsFrom } from './job-data';
import { selfTrainOn } from '../jobs/self-train';
import type { JobContext } from './job-context';
import { filesUnder, freeVersion, sweepStale } from './model-dirs';
import { scoreVersion, scoreWith } from './score-version';

// JobContext lives in job-context.ts (the jobs this file dispatches to need it too); kept importable from here.
export type { JobContext };

export async function runJob(r: JobRequest, ctx: JobContext): Promise<JobResult> {
  switch (r.kind) {
    case 'train-student':
    case 'distill':
      return trainJob(r, ctx);
    case 'score':
      return scoreJob(r, ctx);
    case 'alpha-sweep':
      return alphaSweepJob(r, ctx);
    case 'train-bert-teacher':
      return runBertTeacherJob(r, ctx);
    case 'fast-prelabel':
      return runFastPrelabelJob(r, ctx);
    case 'simulate':
      return runSimulateProjectJob(r, ctx);
    case 'audit':
      return runAuditJob(r, ctx);
    default:
      throw new DistilleryError('CONFIG', `unknown job kind ${JSON.stringify((r as JobRequest).kind)}`, {
        field: 'kind',
      });
  }
}

async function trainJob(r: JobRequest, ctx: JobContext): Promise<JobResult> {
  const distill = r.kind === 'distill';
  const opts = trainOptionsFrom(r.options ?? {}, distill, ctx.projectFolder);
  const selfTrain = distill ? selfTrainOf(r.options ?? {}) : undefined;
  if (distill && r.teacher?.name && !opts.teacherName) opts.teacherName = r.teacher.name;
  const modelsDir = path.join(ctx.projectFolder, PROJECT_LAYOUT.models);
  const datasetsDir = path.join(ctx.projectFolder, PROJECT_LAYOUT.datasets);
  await mkdir(modelsDir, { recursive: true });
  await mkdir(datasetsDir, { recursive: true });
  await sweepStale(modelsDir, datasetsDir);
  // The app trains a student architecture (train-student) only as its teacher: named as one.
  const version = await freeVersion(modelsDir, datasetsDir, distill ? 'distilled' : 'teacher', opts.model);
  const data = prepareJobData(r, { ...opts, selfTrain: !!selfTrain }, version);
  const finalDir = path.join(modelsDir, version);
  const partialDir = path.join(modelsDir, `.partial-${process.pid}-${version}`);
  const snapshotFile = path.join(datasetsDir, `${version}.jsonl`);
  let complete = false;
  try {
    // The partial folder exists from the start: it marks the snapshot as in progress (see sweepStale).
    await mkdir(partialDir, { recursive: true });
    await writeFile(snapshotFile, data.snapshot);
    const o = { ...opts, data: snapshotFile, out: partialDir };
    const st = selfTrain
      ? await selfTrainOn(
          o,
          selfTrain,
          data.prepared,
          (round) => roundSink(round, selfTrain.rounds, ctx.onProgress),
          ctx.cancel,
        )
      : undefined;
    const res = st ? st.final : await runTrainJob(o, ctx.onProgress, ctx.cancel, data.prepared);
    if (res.cancelled || ctx.cancel.cancelled) throw new CancelledError('training cancelled');
    await rename(partialDir, finalDir);
    complete = true;
    const files = await filesUnder(finalDir);
    const result: JobResult = {
      modelVersion: version,
      metrics: res.metrics,
      paramCount: res.paramCount,
      sizeMB: res.sizeMB,
      history: res.history.map((h) => ({ epoch: h.epoch, loss: h.loss, valMetric: h.valMetric })),
      files,
      ...(st ? { selfTraining: st.result } : {}),
    };
    const latency = await latencyOf(finalDir, data.prepared, ctx);
    if (latency) result.latency = latency;
    const toScore = r.docs.toScore ?? [];
    if (toScore.length) result.scores = await scoreWith(finalDir, r.labels, toScore, ctx);
    return result;
  } finally {
    if (!complete) {
      await rm(partialDir, { recursive: true, force: true });
      await rm(snapshotFile, { force: true });
    }
  }
}

/**
 * One self-training round's progress as the job's: "round r/R · epoch …", counted over every round
 * (rounds train on different row counts, so the total is an estimate from the round running).
 */
function roundSink(round: number, rounds: number, onProgress: ProgressSink): ProgressSink {
  return (p) =>
    onProgress({
      ...p,
      phase: `round ${round}/${rounds} · ${p.phase}`,
      done: round * p.total + p.done,
      total: (rounds + 1) * p.total,
    });
}

/**
 * The new model's inference latency on the run's test texts (the validation or training texts when
 * the test split is empty). A failure to measure is reported on stderr and leaves the run without a
 * latency: the model itself is fine.
 */
async function latencyOf(
  dir: string,
  d: { test: CorpusDoc[]; valid: CorpusDoc[]; train: CorpusDoc[] },
  ctx: JobContext,
): Promise<LatencyResult | undefined> {
  const docs = d.test.length ? d.test : d.valid.length ? d.valid : d.train;
  const texts = docs.map((x) => x.text).filter((t) => t.length > 0);
  if (!texts.length || ctx.cancel.cancelled) return undefined;
  ctx.onProgress({ phase: 'latency', done: 0, total: 1 });
  try {
    return await measureModelLatency(dir, texts, { cancel: ctx.cancel });
  } catch (e) {
    process.stderr.write(`distillery worker: latency of ${path.basename(dir)} not measured: ${(e as Error).message}\n`);
    return undefined;
  }
}

/**
 * α sweep: the distill job's documents and options, trained once per α (× `seeds`) on one fixed
 * split; the result carries mean ± std of the student's test accuracy (micro-F1 when multi-label)
 * and macro-F1 per α. The sweep folder holds alpha-sweep.json/.md/.svg/.png and the data snapshot.
 */
async function alphaSweepJob(r: JobRequest, ctx: JobContext): Promise<JobResult> {
  const { alphas, seeds, ...rest } = (r.options ?? {}) as Record<string, unknown>;
  const why = whyBadSweep(alphas, seeds);
  if (why) throw new DistilleryError('CONFIG', why, { field: 'alphas' });
  const alphaList = alphas as number[];
  const nSeeds = (seeds as number | undefined) ?? 1;
  const opts = trainOptionsFrom(rest, true, ctx.projectFolder);
  if (r.teacher?.name && !opts.teacherName) opts.teacherName = r.teacher.name;
  const sweepsDir = path.join(ctx.projectFolder, PROJECT_LAYOUT.sweeps);
  await mkdir(sweepsDir, { recursive: true });
  await sweepStale(sweepsDir);
  const name = await freeVersion(sweepsDir, sweepsDir, 'sweep', opts.model);
  const data = prepareJobData(r, opts, name);
  const finalDir = path.join(sweepsDir, name);
  const partialDir = path.join(sweepsDir, `.partial-${process.pid}-${name}`);
  const started = performance.now();
  const runs = alphaList.length * nSeeds;
  const sinkFor =
    (_label: string, at: { alpha: number; index: number; run: number }) =>
    (p: Progress): void => {
      // One run's batches → the sweep's: every run has the same number of batches (same data and epochs).
      const unit = at.index * nSeeds + at.run;
      const done = unit * p.total + p.done;
      const total = runs * p.total;
      const elapsed = (performance.now() - started) / 1000;
      const seed = nSeeds > 1 ? `, seed ${at.run + 1}/${nSeeds}` : '';
      ctx.onProgress({
        phase: `α = ${at.alpha} (${at.index + 1}/${alphaList.length}${seed}) · ${p.phase}`,
        done,
        total,
        etaSeconds: done > 0 && done < total ? (elapsed * (total - done)) / done : undefined,
        ...(p.metrics ? { metrics: p.metrics } : {}),
      });
    };
  let complete = false;
  try {
    await mkdir(partialDir, { recursive: true });
    const snapshot = path.join(partialDir, 'dataset.jsonl');
    await writeFile(snapshot, data.snapshot);
    const res = await runAlphaSweep(
      { ...opts, data: snapshot, charts: false },
      alphaList,
      nSeeds,
      partialDir,
      sinkFor,
      ctx.cancel,
      data.prepared,
    );
    if (ctx.cancel.cancelled) throw new CancelledError('α sweep cancelled');
    await rename(partialDir, finalDir);
    complete = true;
    const rows = [...res.rows].sort((a, b) => a.alpha - b.alpha);
    return {
      modelVersion: '',
      sweep: {
        temperature: opts.temperature ?? DEFAULT_TEMPERATURE,
        metric: res.metric,
        seeds: nSeeds,
        points: rows.map((x) => ({
          alpha: x.alpha,
          mean: x.mean,
          std: x.std,
          n: x.n ?? nSeeds,
          ...(x.macroF1 ? { macroF1: x.macroF1 } : {}),
        })),
        best: res.best.alpha,
        folder: finalDir,
      },
      files: res.files.map((f) => path.join(finalDir, path.relative(partialDir, f))),
    };
  } finally {
    if (!complete) await rm(partialDir, { recursive: true, force: true });
  }
}

async function scoreJob(r: JobRequest, ctx: JobContext): Promise<JobResult> {
  return {
    modelVersion: r.modelVersion as string,
    scores: await scoreVersion(ctx.projectFolder, r.modelVersion, r.labels, r.docs.toScore ?? [], ctx),
  };
}
