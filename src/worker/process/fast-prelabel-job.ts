/**
 * The live loop's job ('fast-prelabel', issue #12): a multinomial naive Bayes over character
 * 1–2-grams (NaiveBayesClassifier) trained on the request's labeled documents — the project's human
 * labels minus the gold set named in `options.goldIds`, which no model may train on — and the
 * project's other models named in `options.candidates` (the latest student, the teacher) are scored
 * on that gold set; the one shared/queue-model-choice.ts chooses (the cheapest unless a costlier one
 * wins by more than the noise: a paired bootstrap on the gold set and, on a small gold set, naive
 * Bayes cross-validated on its training labels) scores every document of `docs.toScore`, which
 * orders the queue. Naive Bayes fits in milliseconds, so the app runs this
 * every few labels. Nothing is written to the project folder: the scores go back to the UI's
 * database as a teacher's do, with the choice (`result.queueChoice`) and the chosen model's
 * decisions on the stop set (for the stopping chart). Naive Bayes reads the text with the project's text
 * options (`t2s`, `userDict`, `stopwords`, as the Train view sends them to every model).
 */
import type { JobRequest, JobResult } from '../../shared/api';
import { CancelledError } from '../../shared/errors';
import { hashUnit } from '../../shared/id-hash';
import { etaSeconds } from '../../shared/progress';
import {
  CHOICE_RULE,
  SMALL_GOLD,
  decideQueueModel,
  decisionsOf,
  goldScore,
  type QueueChoice,
  type QueueModelKind,
} from '../../shared/queue-model-choice';
import { modelVersionId } from '../../shared/worker-protocol';
import { STOP_SET_SIZE } from '../active/stopping';
import { NaiveBayesClassifier } from '../models/naive-bayes';
import { naiveBayesCvScore } from '../models/naive-bayes-out-of-fold';
import { DEFAULT_NGRAMS, ngramTextOptions } from '../text/ngram-features';
import { validateJobOptions } from '../../shared/job-options';
import { prepareJobData, projectTextFiles } from './job-data';
import type { JobContext } from './job-context';
import { scoreVersion } from './score-version';

/** Documents featurized and scored per step (progress and cancel between steps). */
const SCORE_BATCH = 2048;
type Doc = { id: string; text: string };

/** Unlabeled documents of the stop set: the first STOP_SET_SIZE in a fixed hash order of their ids. */
function stopSetOf(toScore: readonly Doc[]): Doc[] {
  return [...toScore]
    .sort((a, b) => hashUnit(a.id, 7) - hashUnit(b.id, 7) || (a.id < b.id ? -1 : 1))
    .slice(0, STOP_SET_SIZE);
}

function decision(p: ArrayLike<number>, multiLabel: boolean): string {
  if (multiLabel)
    return Array.from(p)
      .flatMap((x, k) => (x >= 0.5 ? [k] : []))
      .join(',');
  let best = 0;
  for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k;
  return String(best);
}

export async function runFastPrelabelJob(r: JobRequest, ctx: JobContext): Promise<JobResult> {
  // `goldIds`: the gold set's documents, which no model may train on; `candidates`: the project's
  // other models, scored on the gold set beside naive Bayes.
  const options = validateJobOptions('fast-prelabel', r.options);
  const goldIds = new Set(options.goldIds);
  const others = options.candidates ?? [];
  const scoredBy = options.scoredBy;
  const multiLabel = r.task === 'multilabel';
  const K = r.labels.length;
  const nbVersion = modelVersionId('nb', `char-${DEFAULT_NGRAMS.minN}-${DEFAULT_NGRAMS.maxN}`);
  // The same checks as every training job (known labels, no id twice, enough labels of two kinds); no split: NB trains on all.
  const trainable = { ...r, docs: { ...r.docs, labeled: r.docs.labeled.filter((d) => !goldIds.has(d.id)) } };
  const { train } = prepareJobData(trainable, { seed: 0, validSplit: 0, testSplit: 0 }, nbVersion).prepared;
  ctx.onProgress({ phase: 'fitting', done: 0, total: 1 });
  const ngrams = { ...DEFAULT_NGRAMS, ...ngramTextOptions(projectTextFiles(options, ctx.projectFolder)) };
  const nb = NaiveBayesClassifier.fit(
    train.map((d) => d.text),
    train.map((d) => d.labels),
    r.labels,
    { multiLabel, ngrams },
  );
  const nbProbs = (docs: readonly Doc[]) => nb.predictProbs(docs.map((d) => String(d.text ?? '')));

  // Every candidate on the gold set; a model that cannot be read is reported and left out, not fatal.
  const gold = r.docs.labeled.filter((d) => goldIds.has(d.id));
  const truth = gold.map((d) => d.labels.map((l) => r.labels.indexOf(l)));
  const silent: JobContext = { ...ctx, onProgress: () => {} };
  const byVersion = async (version: string, docs: Doc[]) => {
    const s = await scoreVersion(ctx.projectFolder, version, r.labels, docs, silent);
    return Float64Array.from(docs.flatMap((d) => s[d.id]!));
  };
  // Each candidate's decisions on the gold documents (for the paired comparison), in the candidates' order.
  const candidates: QueueChoice['candidates'] = [];
  const decisions: (number[][] | undefined)[] = [];
  const candidate = (c: { kind: QueueModelKind; version: string }, goldProbs?: ArrayLike<number>, error?: string) => {
    candidates.push({
      ...c,
      ...(goldProbs ? { gold: goldScore(goldProbs, truth, r.labels, multiLabel) } : {}),
      ...(error ? { error } : {}),
    });
    decisions.push(goldProbs && decisionsOf(goldProbs, K, multiLabel));
  };
  candidate({ kind: 'nb', version: nbVersion }, gold.length ? nbProbs(gold) : undefined);
  for (const c of others) {
    if (ctx.cancel.cancelled) throw new CancelledError('fast pre-labeling cancelled');
    ctx.onProgress({ phase: 'gold set', done: candidates.length, total: others.length + 1 });
    try {
      candidate(c, gold.length ? await byVersion(c.version, gold) : undefined);
    } catch (e) {
      candidate(c, undefined, e instanceof Error ? e.message : String(e));
    }
  }
  const nbCv =
    gold.length && gold.length < SMALL_GOLD && others.length
      ? naiveBayesCvScore(train, r.labels, multiLabel, {
          cancel: ctx.cancel,
          job: 'fast pre-labeling',
          ngrams,
          onFold: (done, folds) => ctx.onProgress({ phase: 'cross-validation', done, total: folds }),
        })
      : undefined;
  // A model that could not be scored is never chosen (naive Bayes always can be).
  const usable = candidates.flatMap((c, i) => (c.error ? [] : [i]));
  const decided = decideQueueModel(
    usable.map((i) => candidates[i]!),
    { truth, decisions: usable.map((i) => decisions[i]), ...(nbCv ? { nbCv } : {}) },
  );
  usable.forEach((i, u) => {
    const v = decided.verdicts[u];
    if (v) candidates[i]!.verdict = v;
  });
  const chosenIndex = usable[decided.chosen]!;
  const chosen = candidates[chosenIndex]!;

  const toScore = r.docs.toScore ?? [];
  const stopDocs = stopSetOf(toScore);
  const stop: Record<string, string> = {};
  const scores: Record<string, number[]> = {};
  if (chosen.kind === 'nb') {
    const started = performance.now();
    for (let s = 0; s < toScore.length; s += SCORE_BATCH) {
      if (ctx.cancel.cancelled) throw new CancelledError('fast pre-labeling cancelled');
      const part = toScore.slice(s, s + SCORE_BATCH);
      const probs = nbProbs(part);
      part.forEach(
        (d, i) => (scores[d.id] = Array.from(probs.subarray(i * K, (i + 1) * K), (p) => Number(p.toFixed(6)))),
      );
      const done = s + part.length;
      ctx.onProgress({
        phase: 'scoring',
        done,
        total: toScore.length,
        etaSeconds: etaSeconds(started, performance.now(), done, toScore.length),
      });
      await new Promise((resolve) => setImmediate(resolve));
    }
    for (const d of stopDocs) stop[d.id] = decision(scores[d.id]!, multiLabel);
  } else if (chosen.version === scoredBy) {
    // The documents already carry this model's scores: only the stop set is scored again.
    if (stopDocs.length) {
      const p = await byVersion(chosen.version, stopDocs);
      stopDocs.forEach((d, i) => (stop[d.id] = decision(p.subarray(i * K, (i + 1) * K), multiLabel)));
    }
  } else if (toScore.length) {
    Object.assign(scores, await scoreVersion(ctx.projectFolder, chosen.version, r.labels, toScore, ctx));
    for (const d of stopDocs) stop[d.id] = decision(scores[d.id]!, multiLabel);
  }
  const queueChoice: QueueChoice = {
    candidates,
    chosen: chosenIndex,
    rule: CHOICE_RULE,
    trainLabels: train.length,
    ...(nbCv ? { nbCv } : {}),
    stop,
  };
  return {
    modelVersion: chosen.version,
    ...(chosen.kind === 'nb' || chosen.version !== scoredBy ? { scores } : {}),
    queueChoice,
  };
}
