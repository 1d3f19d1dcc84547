/**
 * Stage 2 of `distillery pipeline`: the teacher's outputs for every row (teacher-outputs.jsonl, the
 * distilled student's soft labels), and a label suggestion for every row without a human label
 * (prelabels.jsonl).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { argmax } from '../../../shared/metrics';
import { openTeacherScorer, scoreAll, teacherFolderKind } from '../pipeline-models';
import { runTeacherPredict } from '../teacher-job';
import { readTeacherOutputs } from '../teacher-outputs';
import type { PreparedData } from '../train-job';
import type { PipelineRun } from './run';

export async function runPrelabelStage(run: PipelineRun): Promise<void> {
  const { o, data, teacherMaxLen, dirs, files, cancel, log, stage } = run;
  const { latency, useUnlabeled } = o;
  const { schema } = data;
  await stage(async (progress) => {
    const kind = await teacherFolderKind(dirs.teacher);
    if (kind === 'bert') {
      await runTeacherPredict(
        {
          model: dirs.teacher,
          data: o.data,
          out: files.teacherOutputs,
          textCol: o.textCol,
          idCol: o.idCol,
          encoding: o.encoding,
          batchSize: 64,
          maxLen: teacherMaxLen,
        },
        progress,
        cancel,
      );
    } else {
      const scorer = await openTeacherScorer(dirs.teacher, latency.threads);
      try {
        const docs = data.corpus.docs;
        const t0 = performance.now();
        const probs = await scoreAll(
          scorer,
          docs.map((d) => d.text),
          64,
          async (done) => {
            progress?.({
              phase: 'teacher predict',
              done,
              total: docs.length,
              etaSeconds: ((performance.now() - t0) / 1000) * ((docs.length - done) / done),
            });
            await new Promise((r) => setImmediate(r));
          },
        );
        const C = schema.labels.length;
        // Keyed by label name, so that distillation maps the columns by name (teacher-outputs.ts).
        const lines = docs.map((d, i) =>
          JSON.stringify({
            id: d.id,
            probs: Object.fromEntries(scorer.labels.map((l, c) => [l, Number(probs[i * C + c].toPrecision(7))])),
          }),
        );
        await writeFile(files.teacherOutputs, lines.join('\n') + '\n');
      } finally {
        await scorer.dispose();
      }
    }
    if (!cancel?.cancelled && data.unlabeled.length) {
      await writePrelabels(files.teacherOutputs, files.prelabels, data, o.threshold ?? 0.5);
      log(
        `pre-labeled ${data.unlabeled.length} rows without a label → ${path.basename(files.prelabels)}${useUnlabeled ? ' (the distilled student trains on their soft labels)' : ''}`,
      );
    }
  });
}

/** prelabels.jsonl: the teacher's suggestion for every row without a human label. */
async function writePrelabels(outputsFile: string, file: string, data: PreparedData, threshold: number): Promise<void> {
  const { labels, task } = data.schema;
  const multi = task === 'multilabel';
  const C = labels.length;
  const totalRows = data.corpus.docs.length + data.corpus.duplicatesRemoved + data.corpus.skippedEmpty;
  const t = await readTeacherOutputs(outputsFile, data.unlabeled, labels, multi, totalRows);
  const lines = data.unlabeled.map((d, i) => {
    const v = t.values.subarray(i * C, (i + 1) * C);
    let probs: number[];
    if (multi) probs = Array.from(v);
    else {
      const m = Math.max(...v);
      const e = Array.from(v, (z) => Math.exp(z - m));
      const s = e.reduce((a, b) => a + b, 0);
      probs = e.map((x) => x / s);
    }
    const label = multi ? labels.filter((_, c) => probs[c] >= threshold) : labels[argmax(probs)];
    const confidence = multi ? Math.min(...probs.map((p) => Math.max(p, 1 - p))) : Math.max(...probs);
    return JSON.stringify({
      id: d.id,
      text: d.text,
      label,
      confidence: Number(confidence.toFixed(6)),
      probs: Object.fromEntries(labels.map((l, c) => [l, Number(probs[c].toFixed(6))])),
      source: 'teacher',
    });
  });
  await writeFile(file, lines.join('\n') + '\n');
}
