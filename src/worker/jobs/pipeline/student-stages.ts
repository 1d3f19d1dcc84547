/**
 * The student stages of `distillery pipeline`: the plain and the distilled student, with the same
 * options, seeds and split; the distilled one also gets the teacher's soft labels.
 */
import { DistilleryError } from '../../../shared/errors';
import type { CorpusDoc } from '../../data/read-corpus';
import { runRepeated, type RepeatedRuns } from '../repeated-runs';
import { prepareData } from '../train-job';
import { headlineText } from './headline';
import type { PipelineRun } from './run';

/** `teacherDescription`: how the distilled student's model card names its teacher. */
export async function runStudentStages(
  run: PipelineRun,
  teacherDescription: string,
): Promise<{ plain: RepeatedRuns; distilled: RepeatedRuns }> {
  const { o, base, data, dirs, files, hooks, cancel, log, stage, total } = run;
  const { runs, alpha, sourceAlpha, temperature, useUnlabeled } = o;
  const distillData = await prepareData({ ...base, teacherOutputs: files.teacherOutputs });
  if (
    !sameDocs(distillData.train, data.train) ||
    !sameDocs(distillData.valid, data.valid) ||
    !sameDocs(distillData.test, data.test)
  ) {
    throw new DistilleryError('INTERNAL', "the distilled student's split differs from the plain student's");
  }
  const runProgress = (sk: number) => (r: number) =>
    hooks.progress?.(sk, total, runs > 1 ? `run ${r + 1}/${runs}` : undefined) ?? (() => {});
  const plain = await stage((_p, sk) => runRepeated({ ...base, out: dirs.plain }, runs, runProgress(sk), cancel, data));
  log(`plain student: ${headlineText(plain.first.metrics)}`);
  const distilled = await stage((_p, sk) =>
    runRepeated(
      {
        ...base,
        out: dirs.distilled,
        teacherOutputs: files.teacherOutputs,
        teacherName: teacherDescription,
        alpha,
        ...(sourceAlpha ? { sourceAlpha } : {}),
        temperature,
        useUnlabeled,
      },
      runs,
      runProgress(sk),
      cancel,
      distillData,
    ),
  );
  log(`distilled student: ${headlineText(distilled.first.metrics)}`);
  return { plain, distilled };
}

function sameDocs(a: CorpusDoc[], b: CorpusDoc[]): boolean {
  return a.length === b.length && a.every((d, i) => d.id === b[i].id);
}
