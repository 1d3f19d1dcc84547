/**
 * `distillery pipeline`: teacher → pre-label → plain and distilled student → evaluate → report, in
 * one job, on ONE train/valid/test split (the split seed is passed to every stage, and the sizes are
 * checked), so that the teacher, the plain student and the distilled student are compared on the same
 * test rows. The teacher is one of
 *   - a local Hugging Face BERT folder, fine-tuned here (runTeacherTrain);
 *   - a small BERT pre-trained here by masked LM on the data's texts (test texts held out), then
 *     fine-tuned (runTeacherPretrain + runTeacherTrain);
 *   - an ensemble of K students (seeds 1..K), probabilities averaged;
 *   - an already-trained teacher folder (copied in).
 * Every model is then loaded back from its exported model.onnx and evaluated and timed through
 * onnxruntime-node in this process. Writes OUT/{pretrained,teacher,plain,distilled}/,
 * teacher-outputs.jsonl, prelabels.jsonl (rows without a label), report.json and report.md.
 */
import { defaultsOf, PIPELINE_OPTIONS } from '../../shared/job-options';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CancelledError, DistilleryError } from '../../shared/errors';
import type { CancelToken, ProgressSink } from '../../shared/progress';
import { initBackend } from '../backend/tfjs-backend';
import { loadHfFolder } from '../teacher/checkpoint/hf-folder';
import { buildPipelineReport } from './pipeline/build-report';
import { checkOptions } from './pipeline/check-options';
import { runEvaluateStage } from './pipeline/evaluate-stage';
import { runPrelabelStage } from './pipeline/prelabel-stage';
import type { PipelineRun } from './pipeline/run';
import { runStudentStages } from './pipeline/student-stages';
import { checkTeacherLabels, runTeacherStage, STAGE_TEACHER } from './pipeline/teacher-stage';
import type { PipelineHooks, PipelineOptions, PipelineResult } from './pipeline/types';
import { teacherFolderKind, type TeacherFolderKind } from './pipeline-models';
import { renderPipelineReport } from './pipeline-report';
import { TEACHER_DEFAULTS } from './teacher-job';
import { PRETRAIN_DEFAULTS } from './teacher-pretrain-job';
import { prepareData, type TrainJobOptions } from './train-job';

// The types live in pipeline/types.ts (every stage reads them); kept importable from here.
export type {
  LatencySettings,
  PipelineHooks,
  PipelineOptions,
  PipelineReport,
  PipelineResult,
  PipelineRole,
  PipelineRow,
  PretrainSettings,
  TeacherSource,
  TeacherTrainSettings,
} from './pipeline/types';

const PLD = defaultsOf(PIPELINE_OPTIONS);
/** The option table's defaults (src/shared/job-options.ts). */
export const PIPELINE_DEFAULTS = {
  alpha: PLD.alpha,
  temperature: PLD.temperature,
  runs: PLD.runs,
  teacherArch: PLD.teacherArch as string,
  latencyDocs: PLD.latencyDocs,
  latencyBatchSizes: PLD.latencyBatch,
  teacherTrain: {
    epochs: TEACHER_DEFAULTS.epochs,
    batchSize: TEACHER_DEFAULTS.batchSize,
    learningRate: TEACHER_DEFAULTS.learningRate,
    patience: TEACHER_DEFAULTS.patience,
  },
  pretrain: {
    layers: PRETRAIN_DEFAULTS.layers,
    hidden: PRETRAIN_DEFAULTS.hidden,
    heads: PRETRAIN_DEFAULTS.heads,
    vocabSize: PRETRAIN_DEFAULTS.vocabSize,
    minFreq: PRETRAIN_DEFAULTS.minFreq,
    epochs: PRETRAIN_DEFAULTS.epochs,
    batchSize: PRETRAIN_DEFAULTS.batchSize,
    learningRate: PRETRAIN_DEFAULTS.learningRate,
  },
};

export async function runPipeline(
  o: PipelineOptions,
  hooks: PipelineHooks = {},
  cancel?: CancelToken,
): Promise<PipelineResult> {
  const log = (m: string) => hooks.log?.(m);
  checkOptions(o);
  const backend = await initBackend(o.backend);
  const createdAt = new Date().toISOString();
  const splitSeed = o.splitSeed ?? o.seed;
  const out = path.resolve(o.out);
  const dirs = {
    pretrained: path.join(out, 'pretrained'),
    teacher: path.join(out, 'teacher'),
    plain: path.join(out, 'plain'),
    distilled: path.join(out, 'distilled'),
  };
  const files = {
    teacherOutputs: path.join(out, 'teacher-outputs.jsonl'),
    prelabels: path.join(out, 'prelabels.jsonl'),
    pretrainTexts: path.join(out, 'pretrain-texts.jsonl'),
    json: path.join(out, 'report.json'),
    md: path.join(out, 'report.md'),
  };
  const {
    out: _out,
    teacher: source,
    teacherTrain,
    pretrain,
    runs,
    latency,
    alpha,
    sourceAlpha,
    temperature,
    useUnlabeled,
    ...studentOpts
  } = o;
  // The stages read these from o; per-source α is the distilled student's only.
  void [_out, pretrain, runs, latency, alpha, sourceAlpha, temperature, useUnlabeled];
  const base: TrainJobOptions = { ...studentOpts, splitSeed };
  const teacherSeed = teacherTrain.seed ?? o.seed;

  // Bad input fails here, before any long stage.
  const data = await prepareData(base);
  const { schema } = data;
  const evalDocs = data.test.length ? data.test : data.valid;
  if (!evalDocs.length)
    throw new DistilleryError(
      'CONFIG',
      'no test or validation rows to compare the models on; use --test-split or --valid-split above 0',
      { field: 'test-split' },
    );
  let teacherMaxLen = teacherTrain.maxLen;
  let existingKind: TeacherFolderKind | undefined;
  if (source.kind === 'model-dir') {
    const folder = await loadHfFolder(source.dir, { configOnly: true });
    teacherMaxLen ??= Math.min(TEACHER_DEFAULTS.maxLen, folder.config.max_position_embeddings);
  } else if (source.kind === 'pretrain') {
    teacherMaxLen ??= TEACHER_DEFAULTS.maxLen;
  } else if (source.kind === 'existing') {
    existingKind = await teacherFolderKind(source.dir);
    await checkTeacherLabels(source.dir, existingKind, schema);
  }

  const stageNames = [
    ...(source.kind === 'pretrain' ? ['pre-train teacher (masked LM)'] : []),
    STAGE_TEACHER[source.kind],
    'pre-label with the teacher',
    'plain student',
    'distilled student',
    'evaluate the exported models (ONNX) and time them',
  ];
  const total = stageNames.length;
  const stages: { name: string; seconds: number }[] = [];
  let k = 0;
  const stage = async <T>(fn: (progress: ProgressSink | undefined, k: number) => Promise<T>): Promise<T> => {
    const name = stageNames[k];
    k++;
    hooks.onStage?.(k, total, name);
    const t0 = performance.now();
    const r = await fn(hooks.progress?.(k, total), k);
    stages.push({ name, seconds: Number(((performance.now() - t0) / 1000).toFixed(2)) });
    if (cancel?.cancelled)
      throw new CancelledError(`cancelled in stage ${k}/${total} (${name}); what finished so far is in ${out}`);
    return r;
  };

  await mkdir(out, { recursive: true });

  const run: PipelineRun = {
    o,
    base,
    data,
    evalDocs,
    splitSeed,
    teacherSeed,
    teacherMaxLen,
    dirs,
    files,
    hooks,
    cancel,
    log,
    stage,
    total,
  };
  const teacher = await runTeacherStage(run, existingKind);
  await runPrelabelStage(run);
  const { plain, distilled } = await runStudentStages(run, teacher.description);
  const rows = await runEvaluateStage(run, teacher.kind, plain, distilled);

  const report = buildPipelineReport(run, { createdAt, backend, teacher, plain, distilled, rows, stages });
  const reportMd = renderPipelineReport(report);
  await writeFile(files.json, JSON.stringify(report, null, 2) + '\n');
  await writeFile(files.md, reportMd);
  return { report, reportJson: files.json, reportMd: files.md };
}
