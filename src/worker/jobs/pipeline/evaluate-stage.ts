/**
 * The last stage of `distillery pipeline`: every exported model (teacher, plain and distilled
 * student) loaded back from its ONNX file, evaluated on the same rows through onnxruntime, and timed.
 */
import path from 'node:path';
import { ModelFolderError } from '../../../shared/errors';
import { evidenceOf } from '../../../shared/metrics';
import type { LabelSchema } from '../../../shared/task';
import type { CorpusDoc } from '../../data/read-corpus';
import { scoreProbs } from '../../train/score';
import type { EncodedSet } from '../../train/train-inputs';
import { labelIndexer } from '../encode-docs';
import { measureLatency, openStudentScorer, openTeacherScorer, scoreAll, type TextScorer } from '../pipeline-models';
import type { RepeatedRuns } from '../repeated-runs';
import { headline } from './headline';
import type { PipelineRun } from './run';
import type { PipelineRole, PipelineRow } from './types';

export async function runEvaluateStage(
  run: PipelineRun,
  teacherKind: string,
  plain: RepeatedRuns,
  distilled: RepeatedRuns,
): Promise<PipelineRow[]> {
  const { o, data, evalDocs, teacherMaxLen, dirs, stage } = run;
  const { runs, latency, alpha, temperature } = o;
  const { schema } = data;
  return stage(async (progress) => {
    const models: {
      role: PipelineRole;
      name: string;
      kind: string;
      dir: string;
      open: () => Promise<TextScorer>;
      rep?: RepeatedRuns;
    }[] = [
      {
        role: 'teacher',
        name: 'teacher',
        kind: teacherKind,
        dir: dirs.teacher,
        open: () => openTeacherScorer(dirs.teacher, latency.threads, teacherMaxLen),
      },
      {
        role: 'plain',
        name: 'plain student',
        kind: plain.first.config.arch,
        dir: dirs.plain,
        open: () => openStudentScorer(dirs.plain, latency.threads),
        rep: plain,
      },
      {
        role: 'distilled',
        name: 'distilled student',
        kind: `${distilled.first.config.arch}, α = ${alpha}, ρ = ${temperature}`,
        dir: dirs.distilled,
        open: () => openStudentScorer(dirs.distilled, latency.threads),
        rep: distilled,
      },
    ];
    const texts = evalDocs.map((d) => d.text);
    const timed = texts.slice(0, latency.docs);
    const targets = targetsOf(evalDocs, schema, o.testData ?? o.data);
    const out: PipelineRow[] = [];
    for (const [i, m] of models.entries()) {
      const scorer = await m.open();
      try {
        if (scorer.labels.join('\u0000') !== schema.labels.join('\u0000')) {
          throw new ModelFolderError(
            `${m.dir}: labels (${scorer.labels.join(', ')}) differ from the data's (${schema.labels.join(', ')})`,
            { file: m.dir },
          );
        }
        const metrics = scoreProbs(await scoreAll(scorer, texts, 64), targets, schema, scorer.threshold);
        const lat: Record<string, number> = {};
        const cpu: Record<string, number> = {};
        for (const b of latency.batchSizes) {
          const l = await measureLatency(scorer, timed, b);
          lat[String(b)] = Number(l.wallMs.toFixed(4));
          cpu[String(b)] = Number(l.cpuMs.toFixed(4));
        }
        out.push({
          role: m.role,
          name: m.name,
          kind: m.kind,
          dir: path.relative(o.out, m.dir) || '.',
          params: scorer.params,
          size_mb: Number(((scorer.params * 4) / (1024 * 1024)).toFixed(4)),
          onnx_mb: Number((scorer.onnxBytes / (1024 * 1024)).toFixed(4)),
          metrics: headline(metrics),
          evidence: evidenceOf(metrics),
          ...(m.rep && runs > 1 ? { runs: pickSummary(m.rep, Object.keys(headline(metrics))) } : {}),
          latency_ms_per_doc: lat,
          cpu_ms_per_doc: cpu,
        });
      } finally {
        await scorer.dispose();
      }
      progress?.({ phase: 'evaluate', done: i + 1, total: models.length });
    }
    return out;
  });
}

function pickSummary(rep: RepeatedRuns, keys: string[]): Record<string, { mean: number; std: number; n: number }> {
  return Object.fromEntries(keys.filter((k) => rep.summary[k]).map((k) => [k, rep.summary[k]]));
}

/** Targets only (no ids): what scoreProbs reads. */
function targetsOf(docs: CorpusDoc[], schema: LabelSchema, file: string): EncodedSet {
  const C = schema.labels.length;
  const idx = labelIndexer(schema, file);
  const multi = schema.task === 'multilabel';
  const hard = multi ? new Float32Array(docs.length * C) : new Int32Array(docs.length);
  docs.forEach((d, i) => {
    if (multi) for (const l of d.labels) hard[i * C + idx(l, d)] = 1;
    else hard[i] = idx(d.labels[0], d);
  });
  return { ids: new Int32Array(0), n: docs.length, T: 0, hard };
}
