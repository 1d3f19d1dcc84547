/**
 * The app's fast pre-labeler ('fast-prelabel'): a multinomial naive Bayes over character 1–2-grams
 * (NaiveBayesClassifier) trained on the request's labeled documents — the project's human labels,
 * minus any gold-set documents named in `options.goldIds`, which no model may train on — then every
 * document of `docs.toScore` scored. Milliseconds to fit, seconds to score a large corpus, so the
 * app can run it every few labels (issue #12, the live loop). Nothing is written to the project
 * folder: the scores go back to the UI's database as a teacher's do.
 */
import type { JobRequest, JobResult } from '../../shared/api';
import { CancelledError } from '../../shared/errors';
import { etaSeconds } from '../../shared/progress';
import { modelVersionId } from '../../shared/worker-protocol';
import { NaiveBayesClassifier } from '../models/naive-bayes';
import { DEFAULT_NGRAMS } from '../text/ngram-features';
import { validateJobOptions } from '../../shared/job-options';
import { prepareJobData } from './job-data';
import type { JobContext } from './job-context';

/** Documents featurized and scored per step (progress and cancel between steps). */
const SCORE_BATCH = 2048;

export async function runFastPrelabelJob(r: JobRequest, ctx: JobContext): Promise<JobResult> {
  // `goldIds`: the gold set's documents, which no model may train on.
  const gold = new Set(validateJobOptions('fast-prelabel', r.options).goldIds);
  const version = modelVersionId('nb', `char-${DEFAULT_NGRAMS.minN}-${DEFAULT_NGRAMS.maxN}`);
  // The same checks as every training job (known labels, no id twice, enough labels of two kinds); no split: NB trains on all.
  const trainable = { ...r, docs: { ...r.docs, labeled: r.docs.labeled.filter((d) => !gold.has(d.id)) } };
  const { train } = prepareJobData(trainable, { seed: 0, validSplit: 0, testSplit: 0 }, version).prepared;
  ctx.onProgress({ phase: 'fitting', done: 0, total: 1 });
  const nb = NaiveBayesClassifier.fit(
    train.map((d) => d.text),
    train.map((d) => d.labels),
    r.labels,
    { multiLabel: r.task === 'multilabel' },
  );
  const toScore = r.docs.toScore ?? [];
  const scores: Record<string, number[]> = {};
  const K = r.labels.length;
  const started = performance.now();
  for (let s = 0; s < toScore.length; s += SCORE_BATCH) {
    if (ctx.cancel.cancelled) throw new CancelledError('fast pre-labeling cancelled');
    const part = toScore.slice(s, s + SCORE_BATCH);
    const probs = nb.predictProbs(part.map((d) => String(d.text ?? '')));
    part.forEach((d, i) => (scores[d.id] = Array.from(probs.subarray(i * K, (i + 1) * K), (p) => Number(p.toFixed(6)))));
    const done = s + part.length;
    ctx.onProgress({ phase: 'scoring', done, total: toScore.length, etaSeconds: etaSeconds(started, performance.now(), done, toScore.length) });
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { modelVersion: version, scores };
}
