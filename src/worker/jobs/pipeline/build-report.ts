/** report.json of `distillery pipeline`: what was compared, how, and with which result (pipeline-report.ts renders it as report.md). */
import path from 'node:path';
import { WARMUP_CALLS } from '../pipeline-models';
import type { RepeatedRuns } from '../repeated-runs';
import type { PipelineRun } from './run';
import type { PipelineTeacher } from './teacher-stage';
import type { PipelineReport, PipelineRow } from './types';

export interface PipelineOutcome {
  createdAt: string;
  /** The tfjs backend the models trained on. */
  backend: { name: string };
  teacher: PipelineTeacher;
  plain: RepeatedRuns;
  distilled: RepeatedRuns;
  rows: PipelineRow[];
  stages: { name: string; seconds: number }[];
}

export function buildPipelineReport(run: PipelineRun, r: PipelineOutcome): PipelineReport {
  const { o, data, evalDocs, splitSeed, teacherSeed, teacherMaxLen, files } = run;
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
  void _out;
  const { schema } = data;
  const { createdAt, backend, plain, distilled, rows, stages } = r;
  const {
    kind: teacherKind,
    description: teacherDescription,
    base: teacherBase,
    seeds: teacherSeeds,
    shape: teacherShape,
    splitNote,
  } = r.teacher;
  return {
    title: `Teacher vs students on ${path.basename(o.data)}`,
    created_at: createdAt,
    distillery: 'distillery 0.1.0',
    data: path.resolve(o.data),
    data_hash: data.dataHash,
    ...(o.testData ? { test_data: path.resolve(o.testData) } : {}),
    task: schema.task,
    labels: schema.labels,
    teacher: {
      source: source.kind,
      kind: teacherKind,
      description: teacherDescription,
      dir: 'teacher',
      ...(teacherBase ? { base: teacherBase } : {}),
      ...(Array.isArray(teacherSeeds) ? { seeds: teacherSeeds } : {}),
      ...(teacherShape ? { shape: teacherShape } : {}),
      ...(splitNote ? { split_note: splitNote } : {}),
    },
    split: {
      seed: splitSeed,
      train: data.train.length,
      valid: data.valid.length,
      test: data.test.length,
      evaluated_on: data.test.length ? 'test' : 'valid',
      evaluated_rows: evalDocs.length,
      unlabeled: data.unlabeled.length,
      unlabeled_used: distilled.first.sizes.unlabeledUsed,
    },
    seeds: {
      students: Array.from({ length: plain.runs.length }, (_, i) => o.seed + i),
      split: splitSeed,
      teacher: teacherSeeds,
    },
    distillation: {
      alpha,
      ...(sourceAlpha ? { source_alpha: sourceAlpha } : {}),
      temperature,
      use_unlabeled: useUnlabeled,
    },
    config: {
      student: jsonCopy({ ...studentOpts, data: undefined }),
      student_architecture: plain.first.config,
      teacher: jsonCopy(
        source.kind === 'ensemble'
          ? { source: source.kind, arch: source.arch, size: source.size, epochs: source.epochs ?? o.epochs }
          : source.kind === 'existing'
            ? { source: source.kind, dir: path.resolve(source.dir) }
            : {
                source: source.kind,
                ...(source.kind === 'model-dir' ? { model_dir: path.resolve(source.dir) } : {}),
                ...teacherTrain,
                maxLen: teacherMaxLen,
                seed: teacherSeed,
              },
      ),
      ...(source.kind === 'pretrain'
        ? { pretrain: jsonCopy({ ...pretrain, maxLen: teacherMaxLen, seed: teacherSeed }) }
        : {}),
      runs,
    },
    backend: {
      training: backend.name,
      inference: 'onnxruntime-node (CPU execution provider)',
      threads: latency.threads ?? 'all cores',
    },
    latency: {
      docs: Math.min(latency.docs, evalDocs.length),
      batch_sizes: latency.batchSizes,
      measures: `median over calls of wall-clock ms per document (tokenization + onnxruntime run), after ${WARMUP_CALLS} warm-up calls, in this process, models one after another`,
    },
    rows,
    stages,
    files: {
      teacher: 'teacher',
      plain: 'plain',
      distilled: 'distilled',
      teacher_outputs: path.basename(files.teacherOutputs),
      ...(data.unlabeled.length ? { prelabels: path.basename(files.prelabels) } : {}),
      ...(source.kind === 'pretrain'
        ? { pretrained: 'pretrained', pretrain_texts: path.basename(files.pretrainTexts) }
        : {}),
      report: 'report.md',
    },
    cancelled: false,
  };
}

function jsonCopy(x: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(x)) as Record<string, unknown>;
}
