/**
 * Scoring documents with one of the project's model versions (a student or a BERT teacher folder
 * under models/): the 'score' job, a training run's scores, and the live loop's candidates.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CancelledError, DistilleryError, InputError, ModelFolderError } from '../../shared/errors';
import type { Progress } from '../../shared/progress';
import { MODEL_VERSION_RE, PROJECT_LAYOUT } from '../../shared/worker-protocol';
import { loadModelFolder } from '../export/model-folder';
import { openPredictor } from '../predict/predictor';
import { isBertTeacherFolder, scoreWithBert } from './bert-teacher-job';
import type { JobContext } from './job-context';

/** Probabilities per document id (in `labels` order) from the project's model `version`; bad versions and no documents are clear errors. */
export async function scoreVersion(
  projectFolder: string,
  version: unknown,
  labels: string[],
  toScore: { id: string; text: string }[],
  ctx: JobContext,
): Promise<Record<string, number[]>> {
  if (typeof version !== 'string' || !MODEL_VERSION_RE.test(version)) {
    throw new DistilleryError(
      'CONFIG',
      `a score job needs a model version (e.g. "teacher-20250101-120000-bilstm"), got ${JSON.stringify(version)}`,
      { field: 'modelVersion' },
    );
  }
  const dir = path.join(projectFolder, PROJECT_LAYOUT.models, version);
  if (!existsSync(dir))
    throw new ModelFolderError(`model version "${version}" does not exist in this project`, { field: 'modelVersion' });
  if (toScore.length === 0)
    throw new InputError('INPUT_EMPTY', 'nothing to score: the job has no documents in docs.toScore', {
      field: 'docs.toScore',
    });
  if (await isBertTeacherFolder(dir)) return (await scoreWithBert(dir, labels, toScore, ctx)).scores;
  return scoreWith(dir, labels, toScore, ctx);
}

/** Probabilities per document id, in the order of `labels` (the model's order when `labels` is empty). */
export async function scoreWith(
  modelDir: string,
  labels: string[],
  docs: { id: string; text: string }[],
  ctx: JobContext,
  batch = 256,
): Promise<Record<string, number[]>> {
  const m = await loadModelFolder(modelDir);
  const modelLabels = m.config.labels;
  const want = labels?.length ? labels : modelLabels;
  const sameSet = want.length === modelLabels.length && want.every((l) => modelLabels.includes(l));
  if (!sameSet) {
    throw new ModelFolderError(
      `the model's labels (${modelLabels.join(', ')}) differ from the project's (${want.join(', ')}); train a new model`,
      { field: 'labels' },
    );
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
      const probs = await predictor.predict(
        m.pipeline.encodeBatch(part.map((d) => String(d.text ?? ''))),
        part.length,
        T,
      );
      part.forEach((d, i) => (out[d.id] = order.map((c) => Number(probs[i * C + c].toFixed(6)))));
      const done = s + part.length;
      const elapsed = (performance.now() - start) / 1000;
      ctx.onProgress({
        phase: 'scoring',
        done,
        total: docs.length,
        etaSeconds: done < docs.length ? (elapsed * (docs.length - done)) / done : 0,
      } satisfies Progress);
      await new Promise((r) => setImmediate(r));
    }
  } finally {
    await predictor.dispose();
  }
  return out;
}
