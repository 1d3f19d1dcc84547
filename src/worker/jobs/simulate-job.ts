/**
 * Labeling-budget simulator: replays active learning on fully labeled data. Per run (seed + r): a
 * seeded, stratified test split is held out; the rest is the pool. Every strategy starts from the
 * same random seed set of the pool; each round the model is trained on the labels "bought" so far
 * and scored on the test split, then the strategy buys the next batch from the rest of the pool,
 * until the budget is spent. A model trained on the whole pool gives the full-data score.
 *
 * Each run also draws a fixed stop set from its pool (the stabilizing-predictions stopping signal,
 * active/stopping.ts): every round's model predicts it, and κ against the previous round's
 * predictions is recorded with the round's score.
 *
 * N-gram counts and TF-IDF vectors are computed once for the whole corpus: they use no labels,
 * so sharing them across splits leaks nothing about the test labels.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CancelledError, DistilleryError, InputError } from '../../shared/errors';
import { defaultsOf, SIMULATE_OPTIONS } from '../../shared/job-options';
import { argmax, multiLabelMetrics, singleLabelMetrics } from '../../shared/metrics';
import { etaSeconds, type CancelToken, type ProgressSink } from '../../shared/progress';
import { createRng } from '../../shared/random';
import { inferTask, type LabelSchema } from '../../shared/task';
import { matchRules, readRules, resolvePreLabels, ruleName, ruleSeedSet, type PreLabel } from '../active/rules';
import { drawStopSet, STOP_SET_SIZE, stopSetDecisions, successiveKappas } from '../active/stopping';
import { selectBatch, strategyNeeds, type SelectionInput, type StrategyName } from '../active/strategies';
import { readCorpus } from '../data/read-corpus';
import { splitDocs } from '../data/split';
import { hashedDense, NgramVocabulary, ngramTextOptions, tfidf, type SparseRows } from '../text/ngram-features';
import type { TextOptions } from '../text/text-option-files';
import type { TokenMode } from '../text/tokenize';
import {
  naiveBayesKind,
  studentKind,
  type FittedModel,
  type SimModelKind,
  type StudentKindOptions,
  type Targets,
} from './simulate-models';
import {
  renderSimulationMarkdown,
  simulationChart,
  stopKappaChart,
  summarizeStrategy,
  type RunPoint,
  type SimulationSummary,
} from './simulate-report';
import { readTeacherOutputs } from './teacher-outputs';

/** Text options (t2s, userDict, stopwords) apply to nb's n-grams and to the students' input alike. */
export interface SimulateOptions extends Omit<TextOptions, 'truncate'> {
  data: string;
  textCol?: string;
  labelCol?: string;
  idCol?: string;
  encoding?: string;
  strategies: StrategyName[];
  /** 'nb' or a student architecture (textcnn, bilstm, …). */
  model: string;
  seedSize: number;
  batch: number;
  /** Total labels bought, seed set included. */
  budget: number;
  runs: number;
  seed: number;
  testSplit: number;
  /** Use at most this many pool documents (a seeded sample), e.g. to keep neural runs short. */
  maxPool?: number;
  /** Tokens of the n-gram features (nb) and of the student's input. */
  tokens: TokenMode;
  /** Naive Bayes smoothing α. */
  nbAlpha: number;
  /** Committee size for vote-entropy (bootstrap ensemble). */
  committee: number;
  /** Teacher outputs (JSONL, as for distill) for teacher-kl. */
  teacherOutputs?: string;
  /** Rules file (JSON, as for `distillery rules`): the seed set takes rule-covered pool documents spread over the rules' labels. */
  rules?: string;
  /** Pool documents in the stop set of the stopping signal (drawn once per run). */
  stopSetSize?: number;
  student?: Omit<StudentKindOptions, 'arch' | 'tokens'>;
  out?: string;
  charts?: boolean;
}

/** The option table's defaults (src/shared/job-options.ts). */
const SD = defaultsOf(SIMULATE_OPTIONS);
export const SIMULATE_DEFAULTS = {
  strategies: SD.strategies,
  model: SD.model as string,
  seedSize: SD.seedSize,
  batch: SD.batch,
  budget: SD.budget,
  runs: SD.runs,
  seed: SD.seed,
  testSplit: SD.testSplit,
  nbAlpha: SD.nbAlpha,
  committee: SD.committee,
  epochs: SD.epochs,
  stopSetSize: SD.stopSet,
};

export interface SimulateResult extends SimulationSummary {
  files?: { json: string; markdown: string; svg?: string; png?: string; kappa_svg?: string; kappa_png?: string };
  warnings: string[];
  /** With --rules, per run: how many seed documents the rules covered, by pre-label. */
  rule_seed?: { covered: number; by_label: Record<string, number> }[];
  /** The text options the run read its texts with (the files by path). */
  text_options: SimulationTextOptions;
}

export interface SimulationTextOptions {
  t2s: boolean;
  user_dict?: string;
  stopwords?: string;
}

function textOptionsRecord(o: SimulateOptions): SimulationTextOptions {
  return {
    t2s: o.t2s ?? false,
    ...(o.userDict ? { user_dict: path.resolve(o.userDict) } : {}),
    ...(o.stopwords ? { stopwords: path.resolve(o.stopwords) } : {}),
  };
}

const VECTOR_DIM = 256;

export async function runSimulation(
  o: SimulateOptions,
  onProgress?: ProgressSink,
  cancel?: CancelToken,
): Promise<SimulateResult> {
  for (const [name, v] of [
    ['--seed-size', o.seedSize],
    ['--batch', o.batch],
    ['--budget', o.budget],
    ['--runs', o.runs],
  ] as const) {
    if (!(Number.isInteger(v) && v >= 1))
      throw new DistilleryError('CONFIG', `${name} must be an integer ≥ 1, got ${v}`, { field: name });
  }
  if (o.budget < o.seedSize)
    throw new DistilleryError(
      'CONFIG',
      `--budget (${o.budget}) is below --seed-size (${o.seedSize}); the budget counts the seed set`,
      { field: '--budget' },
    );
  if (!(o.testSplit > 0 && o.testSplit < 1))
    throw new DistilleryError('CONFIG', `--test-split must be in (0, 1), got ${o.testSplit}`, {
      field: '--test-split',
    });

  const corpus = await readCorpus(o.data, {
    textCol: o.textCol,
    labelCol: o.labelCol,
    idCol: o.idCol,
    encoding: o.encoding,
    requireLabels: true,
  });
  const docs = corpus.docs.filter((d) => d.labels.length > 0);
  const unlabeledRows = corpus.docs.length - docs.length;
  if (corpus.labels.length < 2)
    throw new InputError(
      'INPUT_EMPTY',
      `${o.data}: only one label ("${corpus.labels[0]}"); a classifier needs at least two`,
      { file: o.data },
    );
  const schema: LabelSchema = { task: inferTask(corpus.labels, corpus.multiLabel), labels: corpus.labels };
  const multi = schema.task === 'multilabel';
  const K = schema.labels.length;
  const index = new Map(schema.labels.map((l, i) => [l, i]));
  const targets: Targets = multi
    ? { multiLabel: true, y: docs.map((d) => d.labels.map((l) => index.get(l)!)) }
    : { multiLabel: false, y: Int32Array.from(docs, (d) => index.get(d.labels[0]!)!) };
  if (!multi) {
    const bad = docs.find((d) => d.labels.length > 1);
    if (bad)
      throw new InputError(
        'LABEL_UNKNOWN',
        `${o.data}:${bad.line}: ${bad.labels.length} labels on a single-label task`,
        { file: o.data, line: bad.line, field: 'label' },
      );
  }
  const texts = docs.map((d) => d.text);
  const needs = o.strategies.map(strategyNeeds);
  const neural = o.model !== 'nb';
  if (neural && o.strategies.includes('vote-entropy')) {
    throw new DistilleryError(
      'CONFIG',
      `vote-entropy trains a committee of ${o.committee} models every round; with --model ${o.model} that is too slow here, use --model nb for it`,
      { field: 'strategies' },
    );
  }
  let teacherProbs: Float32Array | undefined;
  if (needs.some((n) => n.teacher)) {
    if (!o.teacherOutputs)
      throw new DistilleryError(
        'CONFIG',
        'strategy "teacher-kl" needs --teacher-outputs (a teacher\'s outputs for every row of --data)',
        { field: 'teacher-outputs' },
      );
    teacherProbs = await teacherProbabilities(o.teacherOutputs, corpus, docs, schema.labels, multi);
  }

  // Rule pre-labels for a cold start from rules; the labels the rules name must be the data's.
  let rulePre: (PreLabel | null)[] | undefined;
  if (o.rules) {
    const rules = await readRules(o.rules);
    rules.forEach((r, i) => {
      if (!index.has(r.label))
        throw new InputError(
          'LABEL_UNKNOWN',
          `${o.rules}: rule ${i + 1} (${ruleName(r, i)}): label "${r.label}" is not a label of ${o.data} (${schema.labels.join(', ')})`,
          { file: o.rules, field: `[${i + 1}].label` },
        );
    });
    rulePre = resolvePreLabels(matchRules(texts, rules), rules, multi);
  }

  // Label-free features, once for the whole corpus.
  const vocab = new NgramVocabulary({ tokens: o.tokens, minN: 1, maxN: 2, ...ngramTextOptions(o) });
  const X: SparseRows = vocab.featurize(texts);
  const tfidfVectors = needs.some((n) => n.vectors) ? hashedDense(tfidf(X), VECTOR_DIM, o.seed) : undefined;

  const totalSteps = o.runs * (1 + o.strategies.length * roundsFor(o));
  let done = 0;
  const t0 = performance.now();
  const step = async (phase: string) => {
    done++;
    onProgress?.({ phase, done, total: totalSteps, etaSeconds: etaSeconds(t0, performance.now(), done, totalSteps) });
    // Naive Bayes rounds never wait on I/O: yield so that a cancel request (SIGINT, a UI message) gets through.
    await new Promise((r) => setImmediate(r));
    if (cancel?.cancelled) throw new CancelledError(`simulation cancelled after ${done} of ${totalSteps} steps`);
  };

  const curves = new Map<StrategyName, RunPoint[][]>(o.strategies.map((s) => [s, []]));
  const full: RunPoint[] = [];
  const ruleSeed: NonNullable<SimulateResult['rule_seed']> = [];
  let poolSize = 0;
  let testSize = 0;
  for (let r = 0; r < o.runs; r++) {
    const runSeed = o.seed + r;
    const split = splitDocs(
      docs.map((d, i) => ({ labels: d.labels, i })),
      { valid: 0, test: o.testSplit, seed: runSeed, multiLabel: multi },
    );
    let pool = split.train.map((x) => x.i);
    const test = split.test.map((x) => x.i);
    if (o.maxPool !== undefined && pool.length > o.maxPool)
      pool = createRng(runSeed)
        .shuffle(pool)
        .slice(0, o.maxPool)
        .sort((a, b) => a - b);
    if (o.budget > pool.length)
      throw new DistilleryError('CONFIG', `--budget ${o.budget} exceeds the pool of ${pool.length} documents`, {
        field: '--budget',
      });
    poolSize = pool.length;
    testSize = test.length;
    const kind: SimModelKind = neural
      ? await studentKind(texts, pool, targets, K, {
          arch: o.model,
          tokens: o.tokens,
          text: { t2s: o.t2s, userDict: o.userDict, stopwords: o.stopwords },
          ...(o.student ?? DEFAULT_STUDENT),
        })
      : naiveBayesKind(X, targets, K, o.nbAlpha);
    const score = (m: FittedModel, labels: number): RunPoint => ({
      labels,
      ...testScores(m.predict(test), test, targets, schema),
    });

    const fullModel = await kind.fit(pool, runSeed, cancel);
    full.push(score(fullModel, pool.length));
    fullModel.dispose();
    await step(`run ${r + 1}/${o.runs} full data`);

    // Drawn once per run, shared by every strategy: documents may later be bought, as in the live loop.
    const stopSet = drawStopSet(pool, o.stopSetSize ?? SIMULATE_DEFAULTS.stopSetSize, runSeed * 104729 + 3);
    const seedRng = createRng(runSeed * 7919 + 1);
    const seedSet = rulePre
      ? ruleSeedSet(pool, rulePre, o.seedSize, (xs) => seedRng.shuffle(xs))
      : seedRng.shuffle([...pool]).slice(0, o.seedSize);
    if (rulePre) {
      const by_label: Record<string, number> = {};
      for (const d of seedSet)
        for (const l of rulePre[d]?.labels.slice(0, 1) ?? []) by_label[l] = (by_label[l] ?? 0) + 1;
      ruleSeed.push({ covered: Object.values(by_label).reduce((a, b) => a + b, 0), by_label });
    }
    for (const [si, s] of o.strategies.entries()) {
      const bought = [...seedSet];
      const inSet = new Set(bought);
      const curve: RunPoint[] = [];
      const decisions: ArrayLike<number>[] = [];
      for (let round = 0; ; round++) {
        const model = await kind.fit(bought, runSeed, cancel);
        try {
          decisions.push(stopSetDecisions(model.predict(stopSet), K, multi));
          curve.push({
            ...score(model, bought.length),
            stop_kappa: successiveKappas(decisions.slice(-2)).at(-1) ?? null,
          });
          await step(`run ${r + 1}/${o.runs} ${s} ${bought.length} labels`);
          if (bought.length >= o.budget) break;
          const rest = pool.filter((i) => !inSet.has(i));
          const k = Math.min(o.batch, o.budget - bought.length);
          const inp = await selectionInput(s, needs[si]!, model, kind, rest, bought, {
            K,
            task: schema.task,
            seed: runSeed * 1000 + round,
            committee: o.committee,
            targets,
            teacherProbs,
            tfidfVectors,
          });
          for (const j of selectBatch(s, inp, k)) {
            bought.push(rest[j]!);
            inSet.add(rest[j]!);
          }
        } finally {
          model.dispose();
        }
      }
      curves.get(s)!.push(curve);
    }
  }

  const fullAcc = mean(full.map((p) => p.accuracy));
  const summary: SimulationSummary = {
    pool_size: poolSize,
    test_size: testSize,
    full_data: {
      accuracy: fullAcc,
      macro_f1: mean(full.map((p) => p.macro_f1)),
      accuracy_std: std(full.map((p) => p.accuracy)),
      macro_f1_std: std(full.map((p) => p.macro_f1)),
    },
    strategies: Object.fromEntries(
      o.strategies.map((s) => [
        s,
        summarizeStrategy(curves.get(s)!, fullAcc, { fullPerRun: full.map((p) => p.accuracy), testSize }),
      ]),
    ),
  };
  const warnings: string[] = [];
  if (unlabeledRows > 0)
    warnings.push(
      `${unlabeledRows} rows without a label were left out (the simulator needs every pool document labeled)`,
    );
  const result: SimulateResult = {
    ...summary,
    warnings,
    ...(rulePre ? { rule_seed: ruleSeed } : {}),
    text_options: textOptionsRecord(o),
  };
  if (o.out) result.files = await writeOutputs(o, summary, warnings);
  return result;
}

const DEFAULT_STUDENT = { epochs: SIMULATE_DEFAULTS.epochs, batchSize: SD.batchSize, learningRate: SD.learningRate };

export function roundsFor(o: Pick<SimulateOptions, 'seedSize' | 'batch' | 'budget'>): number {
  return 1 + Math.ceil((o.budget - o.seedSize) / o.batch);
}

interface SelectionContext {
  K: number;
  task: LabelSchema['task'];
  seed: number;
  committee: number;
  targets: Targets;
  teacherProbs?: Float32Array;
  tfidfVectors?: Float32Array;
}

async function selectionInput(
  s: StrategyName,
  need: ReturnType<typeof strategyNeeds>,
  model: FittedModel,
  kind: SimModelKind,
  rest: number[],
  bought: number[],
  c: SelectionContext,
): Promise<SelectionInput> {
  const inp: SelectionInput = { n: rest.length, K: c.K, task: c.task, seed: c.seed };
  if (need.probs) inp.probs = model.predict(rest);
  if (s === 'bald' && model.mcPredict) {
    // A neural student: T forward passes of this round's model with dropout on.
    inp.members = model.mcPredict(rest, c.committee);
  } else if (need.members) {
    if (!kind.committee)
      throw new DistilleryError('CONFIG', `strategy "${s}" needs a committee, which model ${kind.name} cannot build`, {
        field: 'strategies',
      });
    const members = await kind.committee(bought, c.committee, c.seed);
    inp.members = members.map((m) => m.predict(rest));
    members.forEach((m) => m.dispose());
  }
  if (need.teacher) inp.teacher = gatherRows(c.teacherProbs!, c.K, rest);
  if (need.vectors) {
    // The model's hidden representation where it has one (diversity); TF-IDF sketches otherwise and for cold start.
    const own = s === 'diversity' && model.vectors ? model.vectors(rest) : undefined;
    if (own) {
      inp.vectors = unitRows(own.x, own.dim);
      inp.dim = own.dim;
    } else {
      inp.vectors = gatherRows(c.tfidfVectors!, VECTOR_DIM, rest);
      inp.dim = VECTOR_DIM;
    }
  }
  if (c.targets.multiLabel) {
    const y = c.targets.y;
    inp.meanCardinality = bought.reduce((a, i) => a + y[i]!.length, 0) / Math.max(1, bought.length);
  }
  return inp;
}

function gatherRows(x: Float32Array, d: number, rows: readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * d);
  rows.forEach((r, i) => out.set(x.subarray(r * d, (r + 1) * d), i * d));
  return out;
}

function unitRows(x: Float32Array, d: number): Float32Array {
  const out = new Float32Array(x);
  for (let i = 0; i < x.length / d; i++) {
    let ss = 0;
    for (let j = 0; j < d; j++) ss += out[i * d + j]! ** 2;
    const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
    for (let j = 0; j < d; j++) out[i * d + j]! *= inv;
  }
  return out;
}

/** Accuracy (multi-label: subset accuracy) and macro-F1 on the test rows. */
function testScores(
  probs: Float32Array,
  test: number[],
  t: Targets,
  schema: LabelSchema,
): { accuracy: number; macro_f1: number } {
  const K = schema.labels.length;
  if (t.multiLabel) {
    const yTrue = test.map((i) => {
      const row = new Array<number>(K).fill(0);
      for (const c of t.y[i]!) row[c] = 1;
      return row;
    });
    const yPred = test.map((_, j) => Array.from(probs.subarray(j * K, (j + 1) * K), (p) => (p >= 0.5 ? 1 : 0)));
    const m = multiLabelMetrics(yTrue, yPred, schema.labels);
    return { accuracy: m.accuracy, macro_f1: m.macro_f1 };
  }
  const m = singleLabelMetrics(
    test.map((i) => t.y[i]!),
    test.map((_, j) => argmax(probs.subarray(j * K, (j + 1) * K))),
    schema.labels,
  );
  return { accuracy: m.accuracy, macro_f1: m.macro_f1 };
}

async function teacherProbabilities(
  file: string,
  corpus: Awaited<ReturnType<typeof readCorpus>>,
  docs: typeof corpus.docs,
  labels: readonly string[],
  multi: boolean,
): Promise<Float32Array> {
  const K = labels.length;
  const totalRows = corpus.docs.length + corpus.duplicatesRemoved + corpus.skippedEmpty;
  const t = await readTeacherOutputs(file, corpus.docs, labels, multi, totalRows);
  const pos = new Map(corpus.docs.map((d, i) => [d, i]));
  const out = new Float32Array(docs.length * K);
  docs.forEach((d, i) => {
    const row = t.values.subarray(pos.get(d)! * K, (pos.get(d)! + 1) * K);
    if (multi) out.set(row, i * K);
    else {
      // Single-label teacher outputs are logits (teacher-outputs.ts converts probs to log-probs).
      const max = Math.max(...row);
      const e = Array.from(row, (z) => Math.exp(z - max));
      const s = e.reduce((a, b) => a + b, 0);
      e.forEach((v, c) => (out[i * K + c] = v / s));
    }
  });
  return out;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
function std(xs: number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

async function writeOutputs(
  o: SimulateOptions,
  s: SimulationSummary,
  warnings: string[],
): Promise<NonNullable<SimulateResult['files']>> {
  const dir = o.out!;
  await mkdir(dir, { recursive: true });
  const setup = {
    data: path.basename(o.data),
    model: o.model,
    strategies: o.strategies,
    'seed size': o.seedSize,
    batch: o.batch,
    budget: o.budget,
    runs: o.runs,
    'test split': o.testSplit,
    seed: o.seed,
    tokens: o.tokens,
    'text options': textOptionsRecord(o),
    ...(o.rules ? { 'seed set': `rule-covered documents spread over labels (${path.basename(o.rules)})` } : {}),
    ...(o.maxPool !== undefined ? { 'max pool': o.maxPool } : {}),
    ...(o.model === 'nb'
      ? { 'nb alpha': o.nbAlpha, 'n-grams': '1–2' }
      : { epochs: o.student?.epochs ?? DEFAULT_STUDENT.epochs }),
    'stop set': `${o.stopSetSize ?? SIMULATE_DEFAULTS.stopSetSize} pool documents per run`,
    ...(o.strategies.includes('vote-entropy') || (o.model === 'nb' && o.strategies.includes('bald'))
      ? { committee: `${o.committee} bootstrap members` }
      : {}),
    ...(o.model !== 'nb' && o.strategies.includes('bald') ? { 'bald passes': `${o.committee} MC-dropout passes` } : {}),
  };
  let chart: { svg: string; png: string } | undefined;
  let kappaChart: { svg: string; png: string } | undefined;
  if (o.charts !== false) {
    const c = await simulationChart(
      path.join(dir, 'learning-curves'),
      s,
      `Active learning on ${path.basename(o.data)} (${o.model}, ${o.runs} runs)`,
    );
    warnings.push(...c.warnings);
    chart = c;
    const k = await stopKappaChart(
      path.join(dir, 'stop-kappa'),
      s,
      `Stopping signal on ${path.basename(o.data)} (${o.model}, ${o.runs} runs)`,
    );
    warnings.push(...k.warnings);
    kappaChart = k;
  }
  const json = path.join(dir, 'simulation.json');
  const markdown = path.join(dir, 'simulation.md');
  await writeFile(json, JSON.stringify({ setup, ...s }, null, 2) + '\n');
  await writeFile(
    markdown,
    renderSimulationMarkdown(
      s,
      setup,
      chart ? 'learning-curves.png' : undefined,
      kappaChart ? 'stop-kappa.png' : undefined,
    ),
  );
  return {
    json,
    markdown,
    ...(chart ? { svg: chart.svg, png: chart.png } : {}),
    ...(kappaChart ? { kappa_svg: kappaChart.svg, kappa_png: kappaChart.png } : {}),
  };
}
