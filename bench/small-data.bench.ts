/**
 * The small-data regime (issue #12, must-show): with 50, 100, 200 and 500 human labels, is the
 * model the live loop chooses at least as accurate as a plain char 1–2-gram multinomial naive Bayes
 * trained on the same labels?
 *
 * Per size and seed, as the app does it: the labels are drawn at random from the pool; the project's
 * gold set is drawn from them by the app's own rule (renderer/db/gold.ts: stratified, 10 %); the
 * candidates — naive Bayes over char 1–2-grams and a quick TextCNN student — train on the rest and
 * are scored on that gold set, and shared/queue-model-choice.ts picks one (the code the worker's
 * live-loop job runs, with the same evidence: decisions on the gold set for the paired bootstrap and,
 * under SMALL_GOLD gold documents, naive Bayes 5-fold cross-validated on the training labels). The
 * chosen model, the rule before this one (highest gold macro-F1), TextCNN and two naive Bayes
 * baselines are graded on a separate held-out set of EVAL documents that no model saw, with Wilson
 * 95 % intervals:
 *  - NB on the training labels: the same labels the candidates train on (the n human labels minus
 *    the gold set) — "trained on the same labels" as the loop's models, which is what the issue asks;
 *  - NB on all n labels, gold included: what a user without a gold set would train; the gap to it is
 *    the price of holding the gold set out, which no choice rule can win back without training on gold.
 * Prints Markdown tables.
 *
 * Usage: npx tsx bench/small-data.bench.ts [corpus.csv (default ../shared/data/waimai_10k.csv)] [--sizes 50,100,200,500] [--seeds 3] [--epochs 8]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { wilsonInterval } from '../src/shared/metrics';
import { SMALL_GOLD, decideQueueModel, decisionsOf, goldScore, type QueueCandidate } from '../src/shared/queue-model-choice';
import { naiveBayesCvScore } from '../src/worker/models/naive-bayes-out-of-fold';
import { createRng } from '../src/shared/random';
import { GOLD_DEFAULTS, goldAdditions } from '../src/renderer/db/gold';
import { readCorpus } from '../src/worker/data/read-corpus';
import { naiveBayesKind, studentKind, type FittedModel, type Targets } from '../src/worker/jobs/simulate-models';
import { DEFAULT_NGRAMS, NgramVocabulary } from '../src/worker/text/ngram-features';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { sizes: { type: 'string', default: '50,100,200,500' }, seeds: { type: 'string', default: '3' }, epochs: { type: 'string', default: '8' }, eval: { type: 'string', default: '2000' } } });
const file = positionals[0] ?? path.resolve('../shared/data/waimai_10k.csv');
const sizes = values.sizes.split(',').map(Number);
const seeds = Number(values.seeds);
const EVAL = Number(values.eval);

const corpus = await readCorpus(file, { requireLabels: true });
const docs = corpus.docs.filter((d) => d.labels.length === 1);
const labels = corpus.labels;
const K = labels.length;
const texts = docs.map((d) => d.text);
const y = Int32Array.from(docs, (d) => labels.indexOf(d.labels[0]!));
const targets: Targets = { multiLabel: false, y };

// A fixed held-out evaluation set (the file is sorted by label: shuffle first); the rest is the pool.
const order = createRng(20261205).shuffle(docs.map((_, i) => i));
const evalRows = order.slice(0, EVAL);
const pool = order.slice(EVAL);

const vocab = new NgramVocabulary(DEFAULT_NGRAMS);
const X = vocab.featurize(texts);
const nb = naiveBayesKind(X, targets, K, 1);
const textcnn = await studentKind(texts, pool, targets, K, { arch: 'textcnn', tokens: 'char', epochs: Number(values.epochs), batchSize: 16, learningRate: 1e-3 });

const accuracyOf = (m: FittedModel, rows: number[]) => {
  const p = m.predict(rows);
  let right = 0;
  rows.forEach((r, i) => {
    let best = 0;
    for (let k = 1; k < K; k++) if (p[i * K + k]! > p[i * K + best]!) best = k;
    if (best === y[r]) right++;
  });
  return right;
};

interface Row {
  n: number;
  seed: number;
  gold: number;
  chosen: string;
  /** The rule before this one: the highest gold macro-F1. */
  oldChosen: string;
  goldF1: Record<string, number>;
  nbCvF1?: number;
  f1DiffCi?: [number, number];
  chosenAcc: number;
  oldChosenAcc: number;
  studentAcc: number;
  /** NB on the candidates' training labels (the gold set left out). */
  nbTrainAcc: number;
  /** NB on all n labels, gold included. */
  nbAllAcc: number;
}
const rows: Row[] = [];
console.error(`${file}: ${docs.length} documents (${labels.join(', ')}); held-out evaluation set ${evalRows.length}; pool ${pool.length}`);
for (const n of sizes) {
  for (let seed = 0; seed < seeds; seed++) {
    const labeled = createRng(1000 * n + seed).shuffle([...pool]).slice(0, n);
    const goldIds = new Set(goldAdditions(labeled.map((r) => ({ id: String(r), labels: [labels[y[r]!]!], source: 'human' as const })), GOLD_DEFAULTS, `bench-${seed}`));
    const gold = labeled.filter((r) => goldIds.has(String(r)));
    const train = labeled.filter((r) => !goldIds.has(String(r)));
    const truth = gold.map((r) => [y[r]!]);
    const fitted: Record<string, FittedModel> = { nb: await nb.fit(train, seed), student: await textcnn.fit(train, seed) };
    const kinds = Object.keys(fitted) as QueueCandidate['kind'][];
    const goldProbs = kinds.map((k) => fitted[k]!.predict(gold));
    const candidates: QueueCandidate[] = kinds.map((kind, i) => ({ kind, version: kind, gold: goldScore(goldProbs[i]!, truth, labels, false) }));
    const nbCv = gold.length < SMALL_GOLD ? naiveBayesCvScore(train.map((r) => ({ text: texts[r]!, labels: [labels[y[r]!]!] })), labels, false, { job: 'bench' }) : undefined;
    const decided = decideQueueModel(candidates, { truth, decisions: goldProbs.map((p) => decisionsOf(p, K, false)), ...(nbCv ? { nbCv } : {}) });
    const chosen = candidates[decided.chosen]!;
    // The rule before: the highest gold macro-F1 (ties: accuracy, then the cheaper, which comes first).
    const old = candidates.reduce((a, b) => (b.gold!.macroF1 > a.gold!.macroF1 + 1e-9 || (Math.abs(b.gold!.macroF1 - a.gold!.macroF1) <= 1e-9 && b.gold!.accuracy > a.gold!.accuracy + 1e-9) ? b : a));
    const baseline = await nb.fit(labeled, seed);
    const row: Row = {
      n,
      seed,
      gold: gold.length,
      chosen: chosen.kind,
      oldChosen: old.kind,
      goldF1: Object.fromEntries(candidates.map((c) => [c.kind, c.gold!.macroF1])),
      ...(nbCv ? { nbCvF1: nbCv.macroF1 } : {}),
      ...(decided.verdicts[1] ? { f1DiffCi: decided.verdicts[1].f1DiffCi } : {}),
      chosenAcc: accuracyOf(fitted[chosen.kind]!, evalRows),
      oldChosenAcc: accuracyOf(fitted[old.kind]!, evalRows),
      studentAcc: accuracyOf(fitted.student!, evalRows),
      nbTrainAcc: accuracyOf(fitted.nb!, evalRows),
      nbAllAcc: accuracyOf(baseline, evalRows),
    };
    rows.push(row);
    console.error(JSON.stringify(row));
    for (const m of [...Object.values(fitted), baseline]) m.dispose();
  }
}

const pct = (x: number) => (100 * x).toFixed(1);
const ci = (right: number) => {
  const [lo, hi] = wilsonInterval(right, evalRows.length);
  return `${pct(right / evalRows.length)} [${pct(lo)}, ${pct(hi)}]`;
};
const name = (k: string) => (k === 'nb' ? 'naive Bayes' : 'TextCNN');
console.log(`\nHeld-out evaluation set: ${evalRows.length} documents of ${path.basename(file)}; 95 % Wilson intervals; ${seeds} seeds per size; gold set = ${GOLD_DEFAULTS.fraction * 100} % of the labels (the app's rule), the candidates train on the rest. NB (train) = naive Bayes on the candidates' training labels (n − gold); NB (all n) = on all n labels, gold included.\n`);
console.log('| human labels | seed | gold n | gold macro-F1 NB / TextCNN | paired 95 % CI of TextCNN − NB | NB 5-fold CV macro-F1 | chosen | chosen: held-out acc. % [CI] | old rule (best gold F1): chosen, acc. % | NB (train) acc. % [CI] | NB (all n) acc. % [CI] | TextCNN acc. % |');
console.log('|---:|---:|---:|---|---|---:|---|---|---|---|---|---:|');
for (const r of rows) {
  const diff = r.f1DiffCi ? `[${r.f1DiffCi[0].toFixed(2)}, ${r.f1DiffCi[1].toFixed(2)}]` : '';
  console.log(`| ${r.n} | ${r.seed} | ${r.gold} | ${r.goldF1.nb!.toFixed(2)} / ${r.goldF1.student!.toFixed(2)} | ${diff} | ${r.nbCvF1 === undefined ? '' : r.nbCvF1.toFixed(2)} | ${name(r.chosen)} | ${ci(r.chosenAcc)} | ${name(r.oldChosen)}, ${pct(r.oldChosenAcc / evalRows.length)} | ${ci(r.nbTrainAcc)} | ${ci(r.nbAllAcc)} | ${pct(r.studentAcc / evalRows.length)} |`);
}
console.log(`\n| human labels | chosen (${seeds} seeds) | chosen: mean held-out acc. % | old rule: chosen, mean acc. % | NB (train): mean acc. % | NB (all n): mean acc. % | chosen − NB (train) | chosen − NB (all n) | TextCNN: mean acc. % |`);
console.log('|---:|---|---:|---|---:|---:|---:|---:|---:|');
const picks = (rs: Row[], f: (r: Row) => string) => ['nb', 'student'].map((k) => [name(k), rs.filter((r) => f(r) === k).length] as const).filter(([, c]) => c > 0).map(([k, c]) => `${k} ×${c}`).join(', ');
for (const n of sizes) {
  const rs = rows.filter((r) => r.n === n);
  const mean = (f: (r: Row) => number) => rs.reduce((s, r) => s + f(r), 0) / rs.length / evalRows.length;
  const signed = (x: number) => `${x >= 0 ? '+' : '−'}${pct(Math.abs(x))}`;
  console.log(`| ${n} | ${picks(rs, (r) => r.chosen)} | ${pct(mean((r) => r.chosenAcc))} | ${picks(rs, (r) => r.oldChosen)}: ${pct(mean((r) => r.oldChosenAcc))} | ${pct(mean((r) => r.nbTrainAcc))} | ${pct(mean((r) => r.nbAllAcc))} | ${signed(mean((r) => r.chosenAcc - r.nbTrainAcc))} | ${signed(mean((r) => r.chosenAcc - r.nbAllAcc))} | ${pct(mean((r) => r.studentAcc))} |`);
}
