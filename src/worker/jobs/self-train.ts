/**
 * Iterative self-training (data distillation, digest C): round 0 trains the student on the human
 * labels A (distilled from the teacher's soft labels when there are any). Each round r ≥ 1, the current
 * model — the teacher in round 1 when its outputs are given, else the previous round's student —
 * pseudo-labels the unlabeled pool U; the confident part B (selectPseudoLabels) joins A as HARD labels
 * and a fresh student trains on A + B. Hard labels, so that a round's student learns the kept decision
 * only, not the teacher's doubt about it (the confidence filter already chose the rows it trusts).
 *
 * With finalFinetune (digest C: "optionally fine-tune it on A again"), the last round's student then
 * trains a little more on A alone, from its own weights: FINETUNE_DEFAULTS' few epochs at a tenth of the
 * learning rate, so that the human labels correct what the pseudo-labels taught without erasing it.
 *
 * With unlabeledFrac, a seeded fraction of the training rows lose their labels and join U; their hidden
 * labels grade each round's pseudo-labels (precision), which is how "does it help" is measured.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DISTILL_OPTIONS, whyBadOption } from '../../shared/job-options';
import { DistilleryError } from '../../shared/errors';
import { createRng } from '../../shared/random';
import type { FinalFinetune, PseudoLabelStats, SelfTrainResult, SelfTrainRound } from '../../shared/self-training';
import type { CancelToken, ProgressSink } from '../../shared/progress';
import type { CorpusDoc } from '../data/read-corpus';
import { pickNumbers } from './repeated-runs';
import {
  prepareData,
  runTrainJob,
  type FineTunePhase,
  type PreparedData,
  type TrainJobOptions,
  type TrainJobResult,
} from './train-job';

export interface SelfTrainOptions {
  rounds: number;
  /** Smallest predicted probability of a kept pseudo-label. */
  confidence: number;
  /** Fraction of the training rows whose labels are hidden (graded later); 0 = none. */
  unlabeledFrac?: number;
  /** After the last round, fine-tune on the human labels only (epochs and learning rate: FINETUNE_DEFAULTS). */
  finalFinetune?: boolean;
  finetuneEpochs?: number;
  /** Default: the run's learning rate × FINETUNE_DEFAULTS.lrFactor. */
  finetuneLr?: number;
}

/**
 * The final fine-tune's defaults: 2 epochs (the option table's) at a tenth of the run's learning rate. A few hundred
 * human labels are fitted in a couple of epochs; more, or the full rate, retrains the student on A alone
 * and throws away what B taught it (the forgetting digest C warns of).
 */
export const FINETUNE_DEFAULTS = { epochs: DISTILL_OPTIONS.finetuneEpochs.default, lrFactor: 0.1 } as const;

// The result's shape is shared with the app (JobResult.selfTraining): src/shared/self-training.ts.
export type { PseudoLabelStats, SelfTrainResult, SelfTrainRound } from '../../shared/self-training';

export const SELECTION_RULE =
  'a pool row is a candidate for label c when c is its most probable label and p(c) ≥ confidence; ' +
  'the kept set B follows the label shares s_c of the human labels: N = min over c of (candidates_c / s_c), ' +
  'and each label keeps its floor(s_c · N) most confident candidates (labels with no human label keep none)';

/**
 * The confident, class-balanced part of the pool (SELECTION_RULE). `probs`: n × C probabilities;
 * `shares`: each label's share of the human labels. Returns the kept rows and their labels.
 */
export function selectPseudoLabels(
  probs: Float32Array,
  n: number,
  shares: readonly number[],
  confidence: number,
): { rows: number[]; labels: number[]; confident: number[] } {
  const C = shares.length;
  const byClass: { row: number; p: number }[][] = shares.map(() => []);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < C; c++) if (probs[i * C + c] > probs[i * C + best]) best = c;
    if (probs[i * C + best] >= confidence) byClass[best].push({ row: i, p: probs[i * C + best] });
  }
  const present = shares.map((s, c) => c).filter((c) => shares[c] > 0);
  const N = Math.min(...present.map((c) => byClass[c].length / shares[c]));
  const rows: number[] = [];
  const labels: number[] = [];
  for (const c of present) {
    // Ties broken by row so a run reproduces.
    const take = byClass[c].sort((a, b) => b.p - a.p || a.row - b.row).slice(0, Math.floor(shares[c] * N + 1e-9));
    for (const t of take) {
      rows.push(t.row);
      labels.push(c);
    }
  }
  return { rows, labels, confident: byClass.map((b) => b.length) };
}

/** A row of the unlabeled pool: the document as the student sees it, and its hidden label where known. */
interface PoolRow {
  doc: CorpusDoc;
  /** The document as the corpus holds it (the teacher's outputs are keyed by it). */
  original: CorpusDoc;
  hidden?: string;
}

export function checkSelfTrainOptions(o: TrainJobOptions, s: SelfTrainOptions): void {
  for (const [key, v] of [
    ['selfTrain', s.rounds],
    ['confidence', s.confidence],
    ['unlabeledFrac', s.unlabeledFrac ?? 0],
    ['finalFinetune', s.finalFinetune ?? false],
    ...(s.finetuneEpochs !== undefined ? [['finetuneEpochs', s.finetuneEpochs] as const] : []),
    ...(s.finetuneLr !== undefined ? [['finetuneLr', s.finetuneLr] as const] : []),
  ] as const) {
    const why = whyBadOption(key, DISTILL_OPTIONS[key], v);
    if (why) throw new DistilleryError('CONFIG', why, { field: key });
  }
  if (s.finalFinetune && s.rounds === 0)
    throw new DistilleryError(
      'CONFIG',
      '--final-finetune fine-tunes the last self-training round on the human labels: give --self-train 1 or more',
      { field: 'finalFinetune' },
    );
  if (s.finalFinetune && o.model === 'cnn-nb')
    throw new DistilleryError(
      'CONFIG',
      "--final-finetune: cnn-nb's naive Bayes head is fitted, not trained; fine-tune another student",
      { field: 'finalFinetune' },
    );
  if (o.useUnlabeled)
    throw new DistilleryError(
      'CONFIG',
      'self-training chooses which unlabeled rows to use: leave out --use-unlabeled',
      { field: 'useUnlabeled' },
    );
}

export async function runSelfTraining(
  o: TrainJobOptions,
  s: SelfTrainOptions,
  onProgress?: (round: number) => ProgressSink | undefined,
  cancel?: CancelToken,
): Promise<SelfTrainResult> {
  checkSelfTrainOptions(o, s);
  const splitSeed = o.splitSeed ?? o.seed;
  return (await selfTrainOn({ ...o, splitSeed }, s, await prepareData({ ...o, splitSeed }), onProgress, cancel)).result;
}

/**
 * Self-training on data already split (the app's distill job: the project's labels, its unlabeled
 * documents in `d.unlabeled`, the teacher's soft labels in `d.teacher`). Also returns the last round's
 * training run, whose model is the one written to `o.out`.
 */
export async function selfTrainOn(
  o: TrainJobOptions,
  s: SelfTrainOptions,
  d: PreparedData,
  onProgress?: (round: number) => ProgressSink | undefined,
  cancel?: CancelToken,
): Promise<{ result: SelfTrainResult; final: TrainJobResult }> {
  checkSelfTrainOptions(o, s);
  const splitSeed = o.splitSeed ?? o.seed;
  if (d.schema.task === 'multilabel')
    throw new DistilleryError(
      'CONFIG',
      `${o.data}: self-training is for single-label tasks (this file is multi-label)`,
      { field: 'selfTrain' },
    );
  const { human, pool } = hideLabels(d, s.unlabeledFrac ?? 0, splitSeed);
  const labels = d.schema.labels;
  const C = labels.length;
  const shares = labels.map((l) => human.filter((x) => x.labels[0] === l).length / human.length);
  const poolDocs = pool.map((p) => p.doc);
  const base: PreparedData = { ...d, train: human, unlabeled: [], scoreDocs: poolDocs };

  const rounds: SelfTrainRound[] = [];
  const last = s.rounds;
  let res = await runTrainJob(
    { ...o, splitSeed, useUnlabeled: false, out: last === 0 ? o.out : undefined },
    onProgress?.(0),
    cancel,
    base,
  );
  rounds.push({ round: 0, trainRows: human.length, metrics: pickNumbers(res.metrics) });
  for (let r = 1; r <= last && !cancel?.cancelled; r++) {
    const fromTeacher = r === 1 && d.teacher !== undefined;
    const probs = fromTeacher ? teacherProbs(d, pool, C) : res.scoredProbs!;
    const pick = selectPseudoLabels(probs, pool.length, shares, s.confidence);
    const pseudo = pick.rows.map((row, k) => ({ ...pool[row].doc, labels: [labels[pick.labels[k]]] }));
    const stats = pseudoStats(pick, pool, labels, fromTeacher ? 'teacher' : 'student');
    // Hard labels only from here on: the pseudo-labeled rows have no soft target of their own.
    const prepared: PreparedData = {
      ...base,
      train: [...human, ...pseudo],
      teacher: undefined,
      ...(r === last && s.finalFinetune ? { fineTune: finetunePhase(o, s, human) } : {}),
    };
    res = await runTrainJob(
      { ...o, splitSeed, teacherOutputs: undefined, useUnlabeled: false, out: r === last ? o.out : undefined },
      onProgress?.(r),
      cancel,
      prepared,
    );
    // With a final fine-tune the last round's own score is the one before it.
    const metrics = pickNumbers(res.fineTune?.before ?? res.metrics);
    rounds.push({ round: r, trainRows: prepared.train.length, pseudo: stats, metrics });
  }
  const ft = res.fineTune;
  const finalFinetune: FinalFinetune | undefined = ft && {
    rows: ft.rows,
    epochs: ft.epochs,
    learningRate: ft.learningRate,
    before: pickNumbers(ft.before),
    after: pickNumbers(res.metrics),
  };
  const result: SelfTrainResult = {
    labels,
    confidence: s.confidence,
    humanLabels: human.length,
    hiddenLabels: pool.filter((p) => p.hidden !== undefined).length,
    unlabeledRows: pool.length,
    seed: o.seed,
    rule: SELECTION_RULE,
    rounds,
    ...(finalFinetune ? { finalFinetune } : {}),
  };
  if (o.out && !cancel?.cancelled) {
    await writeFile(path.join(o.out, 'self-training.json'), JSON.stringify(result, null, 2) + '\n');
    await writeFile(path.join(o.out, 'self-training.md'), renderSelfTrainingMarkdown(result));
  }
  return { result, final: res };
}

function finetunePhase(o: TrainJobOptions, s: SelfTrainOptions, human: CorpusDoc[]): FineTunePhase {
  return {
    docs: human,
    epochs: s.finetuneEpochs ?? FINETUNE_DEFAULTS.epochs,
    learningRate: s.finetuneLr ?? o.learningRate * FINETUNE_DEFAULTS.lrFactor,
  };
}

/** The training rows split into those that keep their label and the pool (file's unlabeled rows + hidden ones). */
function hideLabels(d: PreparedData, frac: number, seed: number): { human: CorpusDoc[]; pool: PoolRow[] } {
  const order = createRng(seed ^ 0x5e1f).shuffle([...d.train.keys()]);
  const hide = new Set(order.slice(0, Math.floor(frac * d.train.length)));
  const human = d.train.filter((_, i) => !hide.has(i));
  const pool: PoolRow[] = [
    ...d.unlabeled.map((x) => ({ doc: x, original: x })),
    ...d.train
      .filter((_, i) => hide.has(i))
      .map((x) => ({ doc: { ...x, labels: [] }, original: x, hidden: x.labels[0] })),
  ];
  if (human.length === 0)
    throw new DistilleryError('CONFIG', `--unlabeled-frac ${frac} hides every training label`, {
      field: 'unlabeledFrac',
    });
  return { human, pool };
}

/** The teacher's single-label outputs are logits (teacher-outputs.ts): softmax per pool row. */
function teacherProbs(d: PreparedData, pool: PoolRow[], C: number): Float32Array {
  const out = new Float32Array(pool.length * C);
  pool.forEach((p, i) => {
    const z = d.teacher!.get(p.original)!;
    const m = Math.max(...z);
    let sum = 0;
    for (let c = 0; c < C; c++) sum += out[i * C + c] = Math.exp(z[c] - m);
    for (let c = 0; c < C; c++) out[i * C + c] /= sum;
  });
  return out;
}

function pseudoStats(
  pick: ReturnType<typeof selectPseudoLabels>,
  pool: PoolRow[],
  labels: string[],
  from: PseudoLabelStats['from'],
): PseudoLabelStats {
  const kept = Object.fromEntries(labels.map((l) => [l, 0]));
  const graded = Object.fromEntries(labels.map((l) => [l, 0]));
  const correct = Object.fromEntries(labels.map((l) => [l, 0]));
  pick.rows.forEach((row, k) => {
    const l = labels[pick.labels[k]];
    kept[l]++;
    const hidden = pool[row].hidden;
    if (hidden === undefined) return;
    graded[l]++;
    if (hidden === l) correct[l]++;
  });
  const g = Object.values(graded).reduce((a, b) => a + b, 0);
  const c = Object.values(correct).reduce((a, b) => a + b, 0);
  return {
    from,
    pool: pool.length,
    confident: Object.fromEntries(labels.map((l, i) => [l, pick.confident[i]])),
    kept,
    keptTotal: pick.rows.length,
    graded: g,
    correct: c,
    precision: g ? c / g : null,
    precisionPerLabel: Object.fromEntries(labels.map((l) => [l, graded[l] ? correct[l] / graded[l] : null])),
  };
}

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${(100 * x).toFixed(2)} %`);

export function renderSelfTrainingMarkdown(r: SelfTrainResult): string {
  const lines = [
    '# Self-training',
    '',
    `${r.humanLabels} human labels, ${r.unlabeledRows} unlabeled rows (${r.hiddenLabels} with a hidden label that grades the pseudo-labels), confidence ≥ ${r.confidence}, seed ${r.seed}.`,
    '',
    `Selection: ${r.rule}. Pseudo-labels train as hard labels.`,
    '',
    `| round | labeled by | kept pseudo-labels (${r.labels.join(' / ')}) | precision | train rows | test accuracy | macro-F1 |`,
    '|---|---|---|---|---|---|---|',
    ...r.rounds.map(
      (x) =>
        `| ${x.round} | ${x.pseudo?.from ?? '—'} | ${x.pseudo ? r.labels.map((l) => x.pseudo!.kept[l]).join(' / ') : '—'} | ${pct(x.pseudo?.precision)} | ${x.trainRows} | ${pct(x.metrics.accuracy)} | ${pct(x.metrics.macro_f1)} |`,
    ),
    ...(r.finalFinetune
      ? [
          `| final fine-tune | human labels only (${r.finalFinetune.epochs} epochs, lr ${r.finalFinetune.learningRate}) | — | — | ${r.finalFinetune.rows} | ${pct(r.finalFinetune.after.accuracy)} | ${pct(r.finalFinetune.after.macro_f1)} |`,
        ]
      : []),
    '',
  ];
  return lines.join('\n');
}
