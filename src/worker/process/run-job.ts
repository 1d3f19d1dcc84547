/**
 * The worker's jobs: train-student and distill (runTrainJob on the request's documents, then the
 * optional scoring of `docs.toScore` with the new model), and score (a model version's ONNX file
 * over `docs.toScore`). Model versions are folders `<project>/models/<version>`, written under a
 * temporary name and renamed when complete, so a crash or a cancel never leaves half a version.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { JobRequest, JobResult } from '../../shared/api';
import { CancelledError, DistilleryError, InputError, ModelFolderError } from '../../shared/errors';
import type { CancelToken, Progress, ProgressSink } from '../../shared/progress';
import { MODEL_VERSION_RE, modelVersionId, PROJECT_LAYOUT } from '../../shared/worker-protocol';
import { loadModelFolder } from '../export/model-folder';
import { runTrainJob } from '../jobs/train-job';
import { openPredictor } from '../predict/predictor';
import { prepareJobData, trainOptionsFrom } from './job-data';

export interface JobContext {
  projectFolder: string;
  onProgress: ProgressSink;
  cancel: CancelToken;
}

export async function runJob(r: JobRequest, ctx: JobContext): Promise<JobResult> {
  switch (r.kind) {
    case 'train-student':
    case 'distill':
      return trainJob(r, ctx);
    case 'score':
      return scoreJob(r, ctx);
    default:
      throw new DistilleryError('CONFIG', `unknown job kind ${JSON.stringify((r as JobRequest).kind)}`, { field: 'kind' });
  }
}

async function trainJob(r: JobRequest, ctx: JobContext): Promise<JobResult> {
  const distill = r.kind === 'distill';
  const opts = trainOptionsFrom(r.options ?? {}, distill);
  if (distill && r.teacher?.name && !opts.teacherName) opts.teacherName = r.teacher.name;
  const modelsDir = path.join(ctx.projectFolder, PROJECT_LAYOUT.models);
  const datasetsDir = path.join(ctx.projectFolder, PROJECT_LAYOUT.datasets);
  await mkdir(modelsDir, { recursive: true });
  await mkdir(datasetsDir, { recursive: true });
  await sweepStale(modelsDir, datasetsDir);
  const version = await freeVersion(modelsDir, datasetsDir, distill ? 'distilled' : 'student', opts.model);
  const data = prepareJobData(r, opts, version);
  const finalDir = path.join(modelsDir, version);
  const partialDir = path.join(modelsDir, `.partial-${process.pid}-${version}`);
  const snapshotFile = path.join(datasetsDir, `${version}.jsonl`);
  let complete = false;
  try {
    // The partial folder exists from the start: it marks the snapshot as in progress (see sweepStale).
    await mkdir(partialDir, { recursive: true });
    await writeFile(snapshotFile, data.snapshot);
    const res = await runTrainJob({ ...opts, data: snapshotFile, out: partialDir }, ctx.onProgress, ctx.cancel, data.prepared);
    if (res.cancelled || ctx.cancel.cancelled) throw new CancelledError('training cancelled');
    await rename(partialDir, finalDir);
    complete = true;
    const files = (await readdir(finalDir, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => path.join(e.parentPath, e.name))
      .sort();
    const result: JobResult = {
      modelVersion: version,
      metrics: res.metrics,
      paramCount: res.paramCount,
      sizeMB: res.sizeMB,
      history: res.history.map((h) => ({ epoch: h.epoch, loss: h.loss, valMetric: h.valMetric })),
      files,
    };
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

async function scoreJob(r: JobRequest, ctx: JobContext): Promise<JobResult> {
  const version = r.modelVersion;
  if (typeof version !== 'string' || !MODEL_VERSION_RE.test(version)) {
    throw new DistilleryError('CONFIG', `a score job needs a model version (e.g. "student-20250101-120000-bilstm"), got ${JSON.stringify(version)}`, { field: 'modelVersion' });
  }
  const dir = path.join(ctx.projectFolder, PROJECT_LAYOUT.models, version);
  if (!existsSync(dir)) throw new ModelFolderError(`model version "${version}" does not exist in this project`, { field: 'modelVersion' });
  const toScore = r.docs.toScore ?? [];
  if (toScore.length === 0) throw new InputError('INPUT_EMPTY', 'nothing to score: the job has no documents in docs.toScore', { field: 'docs.toScore' });
  return { modelVersion: version, scores: await scoreWith(dir, r.labels, toScore, ctx) };
}

/** Probabilities per document id, in the order of `labels` (the model's order when `labels` is empty). */
async function scoreWith(modelDir: string, labels: string[], docs: { id: string; text: string }[], ctx: JobContext, batch = 256): Promise<Record<string, number[]>> {
  const m = await loadModelFolder(modelDir);
  const modelLabels = m.config.labels;
  const want = labels?.length ? labels : modelLabels;
  const sameSet = want.length === modelLabels.length && want.every((l) => modelLabels.includes(l));
  if (!sameSet) {
    throw new ModelFolderError(`the model's labels (${modelLabels.join(', ')}) differ from the project's (${want.join(', ')}); train a new model`, { field: 'labels' });
  }
  const order = want.map((l) => modelLabels.indexOf(l));
  const C = modelLabels.length;
  const T = m.pipeline.maxLen;
  const predictor = await openPredictor(m);
  const out: Record<string, number[]> = {};
  const start = performance.now();
  try {
    for (let s = 0; s < docs.length; s += batch) {
      if (ctx.cancel.cancelled) throw new CancelledError('scoring cancelled');
      const part = docs.slice(s, s + batch);
      const probs = await predictor.predict(m.pipeline.encodeBatch(part.map((d) => String(d.text ?? ''))), part.length, T);
      part.forEach((d, i) => (out[d.id] = order.map((c) => Number(probs[i * C + c].toFixed(6)))));
      const done = s + part.length;
      const elapsed = (performance.now() - start) / 1000;
      ctx.onProgress({ phase: 'scoring', done, total: docs.length, etaSeconds: done < docs.length ? (elapsed * (docs.length - done)) / done : 0 } satisfies Progress);
      await new Promise((r) => setImmediate(r));
    }
  } finally {
    await predictor.dispose();
  }
  return out;
}

async function freeVersion(modelsDir: string, datasetsDir: string, prefix: string, arch: string): Promise<string> {
  const base = modelVersionId(prefix, arch);
  for (let k = 1; ; k++) {
    const v = k === 1 ? base : `${base}-${k}`;
    if (!existsSync(path.join(modelsDir, v)) && !existsSync(path.join(datasetsDir, `${v}.jsonl`))) return v;
  }
}

/**
 * Removes what a killed worker left: `.partial-<pid>-<version>` folders of processes that are gone
 * (or of this one: it runs one job at a time) and the data snapshots of those versions.
 */
async function sweepStale(modelsDir: string, datasetsDir: string): Promise<void> {
  for (const name of await readdir(modelsDir).catch(() => [] as string[])) {
    const m = /^\.partial-(\d+)-(.+)$/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid !== process.pid && alive(pid)) continue;
    await rm(path.join(modelsDir, name), { recursive: true, force: true });
    if (!existsSync(path.join(modelsDir, m[2]))) await rm(path.join(datasetsDir, `${m[2]}.jsonl`), { force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
