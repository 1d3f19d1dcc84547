/**
 * The small-data regime (issue #12, must-show): with 50, 100, 200 and 500 human labels, is the
 * model the live loop chooses at least as accurate as a plain char 1–2-gram multinomial naive Bayes
 * trained on the same labels?
 *
 * Per size and seed, as the app does it: the labels are drawn at random from the pool; the project's
 * gold set is drawn from them by the app's own rule (renderer/db/gold.ts: stratified, 10 %); the
 * candidates — naive Bayes over char 1–2-grams and a quick TextCNN student — train on the rest and
 * are scored on that gold set, and shared/queue-model-choice.ts picks one (the code the worker's
 * live-loop job runs). Both the chosen model and the baseline NB (trained on all the labels, gold
 * included) are then graded on a separate held-out set of EVAL documents that no model saw, with
 * Wilson 95 % intervals. Prints a Markdown table.
 *
 * Usage: npx tsx bench/small-data.bench.ts [corpus.csv (default ../shared/data/waimai_10k.csv)] [--sizes 50,100,200,500] [--seeds 3] [--epochs 8]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { wilsonInterval } from '../src/shared/metrics';
import { chooseQueueModel, goldScore, type QueueCandidate } from '../src/shared/queue-model-choice';
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
  goldF1: Record<string, number>;
  chosenAcc: number;
  studentAcc: number;
  nbAcc: number;
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
    const candidates: QueueCandidate[] = Object.entries(fitted).map(([kind, m]) => ({ kind: kind as QueueCandidate['kind'], version: kind, gold: goldScore(m.predict(gold), truth, labels, false) }));
    const chosen = candidates[chooseQueueModel(candidates)]!;
    const baseline = await nb.fit(labeled, seed);
    const row: Row = {
      n,
      seed,
      gold: gold.length,
      chosen: chosen.kind,
      goldF1: Object.fromEntries(candidates.map((c) => [c.kind, c.gold!.macroF1])),
      chosenAcc: accuracyOf(fitted[chosen.kind]!, evalRows),
      studentAcc: accuracyOf(fitted.student!, evalRows),
      nbAcc: accuracyOf(baseline, evalRows),
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
console.log(`\nHeld-out evaluation set: ${evalRows.length} documents of ${path.basename(file)}; 95 % Wilson intervals; ${seeds} seeds per size; gold set = ${GOLD_DEFAULTS.fraction * 100} % of the labels (the app's rule), the candidates train on the rest.\n`);
console.log('| human labels | seed | gold n | gold macro-F1 NB / TextCNN | chosen | chosen: held-out accuracy % [CI] | NB on all labels: held-out accuracy % [CI] | chosen − NB (points) | TextCNN: held-out accuracy % |');
console.log('|---:|---:|---:|---|---|---|---|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.n} | ${r.seed} | ${r.gold} | ${r.goldF1.nb!.toFixed(2)} / ${r.goldF1.student!.toFixed(2)} | ${r.chosen === 'nb' ? 'naive Bayes' : 'TextCNN'} | ${ci(r.chosenAcc)} | ${ci(r.nbAcc)} | ${pct((r.chosenAcc - r.nbAcc) / evalRows.length)} | ${pct(r.studentAcc / evalRows.length)} |`);
}
console.log(`\n| human labels | chosen (${seeds} seeds) | chosen: mean held-out accuracy % | NB on all labels: mean held-out accuracy % | TextCNN: mean held-out accuracy % |`);
console.log('|---:|---|---:|---:|---:|');
for (const n of sizes) {
  const rs = rows.filter((r) => r.n === n);
  const mean = (f: (r: Row) => number) => pct(rs.reduce((s, r) => s + f(r), 0) / rs.length / evalRows.length);
  const picks = ['nb', 'student'].map((k) => [k === 'nb' ? 'naive Bayes' : 'TextCNN', rs.filter((r) => r.chosen === k).length] as const).filter(([, c]) => c > 0).map(([k, c]) => `${k} ×${c}`).join(', ');
  console.log(`| ${n} | ${picks} | ${mean((r) => r.chosenAcc)} | ${mean((r) => r.nbAcc)} | ${mean((r) => r.studentAcc)} |`);
}
