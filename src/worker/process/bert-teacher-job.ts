/**
 * The app's BERT teacher job ('train-bert-teacher'): optionally pre-train a small BERT by masked LM on
 * the project's own texts (runTeacherPretrain), fine-tune it — or a local Hugging Face folder — on the
 * labeled documents (runTeacherTrain), keep it as a model version of the project
 * (`<project>/models/teacher-<stamp>-bert[-here]`: Hugging Face folder + model.onnx + teacher.json,
 * plus `pretrained/` with pretrain.json when it was pre-trained here; the labeled data it saw in
 * `<project>/datasets/<version>.jsonl`), time it (ms per document through onnxruntime), and score
 * every document through its model.onnx (openBertScorer), so that pre-labels, confidences and the
 * queue update as after a student teacher. With `binaryRelevance` (multi-label projects) it is one
 * binary BERT per label, each with the class weight of the grid that wins on validation F1
 * (`<version>` ends in -br; the result's teacher.binaryRelevance has the weight and F1 per label).
 * The folder is written under a temporary name and renamed when complete: a cancel or a failure
 * leaves nothing behind.
 */
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { JobRequest, JobResult, LatencyResult, TeacherSummary } from '../../shared/api';
import { CancelledError, DistilleryError, ModelFolderError } from '../../shared/errors';
import type { Progress, ProgressSink } from '../../shared/progress';
import { etaSeconds } from '../../shared/progress';
import { PROJECT_LAYOUT } from '../../shared/worker-protocol';
import { dedupeKey } from '../data/read-corpus';
import { openBertScorer, teacherFolderKind, type TextScorer } from '../jobs/pipeline-models';
import { runTeacherTrain, TEACHER_DEFAULTS } from '../jobs/teacher-job';
import { runTeacherPretrain } from '../jobs/teacher-pretrain-job';
import { measureTextLatency } from '../predict/latency';
import { loadHfFolder } from '../teacher/checkpoint/hf-folder';
import { toSimplified } from '../text/normalize';
import type { BrLabelRecord } from '../teacher/train/binary-relevance';
import { bertTeacherOptionsFrom, prepareJobData, teacherDataSnapshot } from './job-data';
import { filesUnder, freeVersion, sweepStale } from './model-dirs';
import type { JobContext } from './job-context';

/** Documents per onnxruntime call when scoring the corpus. */
const SCORE_BATCH = 64;

/** Whether a model version folder holds a BERT teacher (Hugging Face config.json + model.onnx) rather than a student. */
export async function isBertTeacherFolder(dir: string): Promise<boolean> {
  try {
    return (await teacherFolderKind(dir)) === 'bert';
  } catch {
    return false;
  }
}

export async function runBertTeacherJob(r: JobRequest, ctx: JobContext): Promise<JobResult> {
  const o = bertTeacherOptionsFrom(r.options ?? {});
  if (o.binaryRelevance && r.task !== 'multilabel') {
    throw new DistilleryError(
      'CONFIG',
      `option "binaryRelevance": a binary-relevance teacher is for multi-label projects (one binary model per label); this project is ${r.task}`,
      { field: 'binaryRelevance' },
    );
  }
  // A bad folder fails here, before anything is written: missing, no config.json, another architecture.
  let maxLen = o.maxLen;
  if (o.source === 'model-dir') {
    const dir = o.modelDir!;
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new ModelFolderError(
        `the model folder ${dir} does not exist on the machine the worker runs on (or is not a folder)`,
        { file: dir, field: 'modelDir' },
      );
    }
    const { config } = await loadHfFolder(dir, { configOnly: true });
    maxLen ??= Math.min(TEACHER_DEFAULTS.maxLen, config.max_position_embeddings);
    if (maxLen > config.max_position_embeddings) {
      throw new DistilleryError(
        'CONFIG',
        `max length ${maxLen} exceeds the model's max_position_embeddings ${config.max_position_embeddings}`,
        { field: 'maxLen', file: dir },
      );
    }
  }
  maxLen ??= TEACHER_DEFAULTS.maxLen;

  const modelsDir = path.join(ctx.projectFolder, PROJECT_LAYOUT.models);
  const datasetsDir = path.join(ctx.projectFolder, PROJECT_LAYOUT.datasets);
  await mkdir(modelsDir, { recursive: true });
  await mkdir(datasetsDir, { recursive: true });
  await sweepStale(modelsDir, datasetsDir);
  const version = await freeVersion(
    modelsDir,
    datasetsDir,
    'teacher',
    `${o.source === 'pretrain' ? 'bert-here' : 'bert'}${o.binaryRelevance ? '-br' : ''}`,
  );
  // Checks the documents (labels known, enough of them) as every training job does.
  const data = prepareJobData(r, { seed: o.seed, validSplit: o.validSplit, testSplit: o.testSplit }, version);
  const multi = r.task === 'multilabel';
  const teacherData = teacherDataSnapshot(data.prepared, o);
  const finalDir = path.join(modelsDir, version);
  const partialDir = path.join(modelsDir, `.partial-${process.pid}-${version}`);
  const snapshotFile = path.join(datasetsDir, `${version}.jsonl`);

  const stages = [...(o.pretrain ? ['pre-train'] : []), 'fine-tune', 'score'];
  const stageSink =
    (name: string): ProgressSink =>
    (p: Progress) =>
      ctx.onProgress({ ...p, phase: `${stages.indexOf(name) + 1}/${stages.length} ${p.phase}` });
  let complete = false;
  try {
    // The partial folder exists from the start: it marks the snapshot as in progress (see sweepStale).
    await mkdir(partialDir, { recursive: true });
    await writeFile(snapshotFile, teacherData.snapshot);
    let modelDir = o.modelDir!;
    if (o.pretrain) {
      // Masked LM on every text of the project (labeled or not) but the teacher's test texts; labels are not read.
      // With t2s the vocabulary is built from the simplified texts fine-tuning will read.
      const held = new Set(teacherData.test.map((d) => dedupeKey(d.text)));
      const texts = new Set<string>();
      for (const d of [...r.docs.labeled, ...(r.docs.toScore ?? [])])
        if (typeof d.text === 'string' && d.text.trim() && !held.has(dedupeKey(d.text)))
          texts.add(o.t2s ? toSimplified(d.text) : d.text);
      const textsFile = path.join(partialDir, 'pretrain-texts.jsonl');
      await writeFile(textsFile, [...texts].map((text) => JSON.stringify({ text })).join('\n') + '\n');
      modelDir = path.join(partialDir, 'pretrained');
      const p = o.pretrain;
      await runTeacherPretrain(
        {
          data: textsFile,
          out: modelDir,
          layers: p.layers,
          hidden: p.hidden,
          heads: p.heads,
          maxLen,
          vocabSize: p.vocabSize,
          minFreq: p.minFreq,
          epochs: p.epochs,
          batchSize: p.batchSize,
          learningRate: p.learningRate,
          seed: o.seed,
          t2s: o.t2s,
          truncate: o.truncate,
        },
        stageSink('pre-train'),
        ctx.cancel,
      );
      if (ctx.cancel.cancelled) throw new CancelledError('teacher pre-training cancelled');
    }
    const res = await runTeacherTrain(
      {
        modelDir,
        data: snapshotFile,
        out: partialDir,
        textCol: 'text',
        labelCol: multi ? 'labels' : 'label',
        idCol: 'id',
        epochs: o.epochs,
        batchSize: o.batchSize,
        learningRate: o.learningRate,
        maxLen,
        seed: o.seed,
        validSplit: o.validSplit,
        testSplit: o.testSplit,
        patience: o.patience,
        t2s: o.t2s,
        truncate: o.truncate,
        ...(o.binaryRelevance ? { binaryRelevance: true, brWeights: o.binaryRelevance.weights } : {}),
      },
      stageSink('fine-tune'),
      ctx.cancel,
    );
    if (res.cancelled || ctx.cancel.cancelled) throw new CancelledError('teacher training cancelled');
    for (const w of res.warnings) process.stderr.write(`distillery worker: ${version}: ${w}\n`);
    await rename(partialDir, finalDir);
    complete = true;
    await repointPaths(finalDir, partialDir);
    const br = res.info.binaryRelevance;
    // A binary-relevance teacher keeps one folder per label, all of the same shape.
    const { config } = await loadHfFolder(br ? path.join(finalDir, br.perLabel[0].folder) : finalDir, {
      configOnly: true,
    });
    const teacher: TeacherSummary = {
      source: o.source,
      kind: res.info.kind,
      ...(o.source === 'model-dir' ? { base: o.modelDir } : {}),
      shape: `${config.num_hidden_layers} layers, hidden ${config.hidden_size}, ${config.num_attention_heads} heads`,
      tokenizer: res.tokenizer,
      backend: res.backend,
      evaluatedOn: res.evaluatedOn,
      ...(br ? { binaryRelevance: brSummary(br) } : {}),
    };
    const result: JobResult = {
      modelVersion: version,
      metrics: res.metrics,
      paramCount: res.paramCount,
      sizeMB: Number(((res.paramCount * 4) / 2 ** 20).toFixed(3)),
      history: res.history.map((h) => ({ epoch: h.epoch, loss: h.loss, valMetric: h.valMetric })),
      files: await filesUnder(finalDir),
      teacher,
    };
    const scorer = await openBertScorer(finalDir);
    try {
      const latency = await latencyOf(scorer, teacherData, ctx);
      if (latency) result.latency = latency;
      const toScore = r.docs.toScore ?? [];
      if (toScore.length) {
        const s = await scoreDocs(scorer, r.labels, toScore, ctx, stageSink('score'));
        result.scores = s.scores;
        if (s.unseen.length) teacher.unseenLabels = s.unseen;
      }
    } finally {
      await scorer.dispose();
    }
    return result;
  } finally {
    if (!complete) {
      await rm(partialDir, { recursive: true, force: true });
      await rm(snapshotFile, { force: true });
    }
  }
}

/** teacher.json's binary-relevance record as the run's result carries it (JSON has no NaN: null). */
function brSummary(br: {
  weights: number[];
  perLabel: BrLabelRecord[];
}): NonNullable<TeacherSummary['binaryRelevance']> {
  const f1 = (x: number) => (Number.isFinite(x) ? x : null);
  return {
    weights: br.weights,
    perLabel: br.perLabel.map((x) => ({
      label: x.label,
      weight: x.weight,
      validF1: f1(x.validF1),
      trainPositives: x.trainPositives,
      validPositives: x.validPositives,
      candidates: x.candidates.map((c) => ({ weight: c.weight, validF1: f1(c.validF1) })),
    })),
  };
}

/** Probabilities per document id in the order of `labels` (the project's), from a BERT teacher folder. */
export async function scoreWithBert(
  dir: string,
  labels: string[],
  docs: { id: string; text: string }[],
  ctx: JobContext,
): Promise<{ scores: Record<string, number[]>; unseen: string[] }> {
  const scorer = await openBertScorer(dir);
  try {
    return await scoreDocs(scorer, labels, docs, ctx, ctx.onProgress);
  } finally {
    await scorer.dispose();
  }
}

/**
 * Scores `docs` in batches through the teacher. The teacher knows the labels it saw in training; a
 * project label without a labeled example (`unseen`) gets probability 0. A teacher label the project
 * does not have is an error.
 */
async function scoreDocs(
  scorer: TextScorer,
  labels: string[],
  docs: { id: string; text: string }[],
  ctx: JobContext,
  onProgress: ProgressSink,
): Promise<{ scores: Record<string, number[]>; unseen: string[] }> {
  const want = labels?.length ? labels : scorer.labels;
  const foreign = scorer.labels.filter((l) => !want.includes(l));
  if (foreign.length) {
    throw new ModelFolderError(
      `the teacher's labels (${scorer.labels.join(', ')}) are not the project's (${want.join(', ')}); train a new teacher`,
      { field: 'labels' },
    );
  }
  const order = want.map((l) => scorer.labels.indexOf(l));
  const C = scorer.labels.length;
  const out: Record<string, number[]> = {};
  const start = performance.now();
  for (let s = 0; s < docs.length; s += SCORE_BATCH) {
    if (ctx.cancel.cancelled) throw new CancelledError('scoring cancelled');
    const part = docs.slice(s, s + SCORE_BATCH);
    const probs = await scorer.predict(part.map((d) => String(d.text ?? '')));
    part.forEach((d, i) => (out[d.id] = order.map((c) => (c < 0 ? 0 : Number(probs[i * C + c].toFixed(6))))));
    const done = s + part.length;
    onProgress({
      phase: 'scoring',
      done,
      total: docs.length,
      etaSeconds: etaSeconds(start, performance.now(), done, docs.length),
    });
    await new Promise((r) => setImmediate(r));
  }
  return { scores: out, unseen: want.filter((_, i) => order[i] < 0) };
}

/** The teacher's latency on its test texts (validation or training texts when there are none); undefined when it cannot be measured. */
async function latencyOf(
  scorer: TextScorer,
  d: { test: { text: string }[]; valid: { text: string }[]; train: { text: string }[] },
  ctx: JobContext,
): Promise<LatencyResult | undefined> {
  const docs = d.test.length ? d.test : d.valid.length ? d.valid : d.train;
  const texts = docs.map((x) => x.text).filter((t) => t.length > 0);
  if (!texts.length || ctx.cancel.cancelled) return undefined;
  ctx.onProgress({ phase: 'latency', done: 0, total: 1 });
  try {
    return await measureTextLatency(scorer, texts, { cancel: ctx.cancel });
  } catch (e) {
    process.stderr.write(`distillery worker: latency of the teacher not measured: ${(e as Error).message}\n`);
    return undefined;
  }
}

/** teacher.json and pretrained/pretrain.json name the folder they were written in: the temporary one. */
async function repointPaths(finalDir: string, partialDir: string): Promise<void> {
  const [from, to] = [partialDir, finalDir].map((p) => JSON.stringify(p).slice(1, -1));
  for (const file of [path.join(finalDir, 'teacher.json'), path.join(finalDir, 'pretrained', 'pretrain.json')]) {
    if (!existsSync(file)) continue;
    const text = await readFile(file, 'utf8');
    if (text.includes(from)) await writeFile(file, text.split(from).join(to));
  }
}
