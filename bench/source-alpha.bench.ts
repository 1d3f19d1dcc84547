/**
 * Accepted pre-labels in distillation (issue 12 item 2): gold, half weight, or soft targets only?
 *
 * Simulates the loop on a labeled corpus: per seed, N human labels drawn at random from the pool; a
 * real teacher — multinomial naive Bayes over char 1–2-grams trained on those labels, its logits
 * temperature-calibrated on its out-of-fold logits (as the audit does) — pre-labels the rest of the
 * pool, and an annotator accepts M of its pre-labels as they are (source 'teacher'): M at random
 * (--accept random, the default: about the teacher's error rate) or its M most confident (--accept confident).
 * A TextCNN student is distilled (runTrainJob, the CLI's and the app's path; the teacher's calibrated
 * logits as soft labels, ρ 3, global α 0.5) on the human + accepted rows, three ways:
 *   (a) gold:       accepted pre-labels as human labels (weight 1, global α);
 *   (b) weight 0.5: today's defaults before per-source α (teacher weight 0.5, global α);
 *   (c) α = 1:      the per-source α default (teacher rows: soft target only);
 * plus (h) the human labels alone, for reference. Graded on EVAL held-out documents nobody labeled.
 *
 * Usage: npx tsx bench/source-alpha.bench.ts [corpus.csv (default ../shared/data/waimai_10k.csv)] [--human 300] [--accepted 2000] [--seeds 3] [--epochs 4] [--lr 0.003] [--eval 2000] [--accept random|confident]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { wilsonInterval } from '../src/shared/metrics';
import { createRng } from '../src/shared/random';
import { fitTemperature } from '../src/worker/audit/label-audit';
import { readCorpus, type CorpusDoc } from '../src/worker/data/read-corpus';
import { runTrainJob, TRAIN_DEFAULTS, type PreparedData, type TrainJobOptions } from '../src/worker/jobs/train-job';
import { naiveBayesOutOfFold } from '../src/worker/models/naive-bayes-out-of-fold';
import { naiveBayesLogits, trainNaiveBayes } from '../src/worker/models/naive-bayes';
import { DEFAULT_NGRAMS, NgramVocabulary } from '../src/worker/text/ngram-features';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { human: { type: 'string', default: '300' }, accepted: { type: 'string', default: '2000' }, seeds: { type: 'string', default: '3' }, epochs: { type: 'string', default: '4' }, lr: { type: 'string', default: '0.003' }, eval: { type: 'string', default: '2000' }, accept: { type: 'string', default: 'random' } },
});
const file = positionals[0] ?? path.resolve('../shared/data/waimai_10k.csv');
const N = Number(values.human);
const M = Number(values.accepted);
const EVAL = Number(values.eval);
const EPOCHS = Number(values.epochs);

const corpus = await readCorpus(file, { requireLabels: true });
const docs = corpus.docs.filter((d) => d.labels.length === 1);
const labels = corpus.labels;
const K = labels.length;
const y = (d: CorpusDoc) => labels.indexOf(d.labels[0]!);
const X = new NgramVocabulary(DEFAULT_NGRAMS).featurize(docs.map((d) => d.text));
const index = new Map(docs.map((d, i) => [d, i]));

// A fixed held-out evaluation set nobody labels (the file is sorted by label: shuffle first).
const order = createRng(20261206).shuffle(docs.map((_, i) => i));
const evalDocs = order.slice(0, EVAL).map((i) => docs[i]!);
const pool = order.slice(EVAL);

type Variant = 'gold' | 'weight 0.5' | 'α = 1' | 'human only';
const VARIANTS: Variant[] = ['gold', 'weight 0.5', 'α = 1', 'human only'];
const results: Record<Variant, number[]> = { gold: [], 'weight 0.5': [], 'α = 1': [], 'human only': [] };
const lines: string[] = [];
const t0 = performance.now();

for (let seed = 0; seed < Number(values.seeds); seed++) {
  const rng = createRng(1000 + seed);
  const shuffled = rng.shuffle([...pool]);
  const human = shuffled.slice(0, N).map((i) => docs[i]!);
  const rest = shuffled.slice(N);

  // The teacher: NB on the human labels, one temperature fitted on its out-of-fold logits.
  const humanTargets = human.map((d) => [y(d)]);
  const oof = naiveBayesOutOfFold(human, humanTargets, K, { folds: 5, seed, alpha: 1, multiLabel: false, job: 'bench' });
  const T = fitTemperature(oof, K, false, human.map(y));
  const nb = trainNaiveBayes(X, human.map((d) => index.get(d)!), human.map(y), K, { alpha: 1, multiLabel: false });
  const logitsOf = (ds: readonly CorpusDoc[]) => naiveBayesLogits(nb, X, ds.map((d) => index.get(d)!));
  const calibrated = (z: Float64Array, r: number) => Float32Array.from(z.subarray(r * K, (r + 1) * K), (v) => v / T);

  // The annotator accepts M pre-labels: 'confident' the M most confident (a bulk accept over a high
  // threshold), 'random' M of them at random (a lower threshold: about the teacher's own error rate).
  const restDocs = rest.map((i) => docs[i]!);
  const zRest = logitsOf(restDocs);
  const margin = restDocs.map((_, r) => {
    const row = [...zRest.subarray(r * K, (r + 1) * K)].sort((a, b) => b - a);
    return row[0]! - row[1]!;
  });
  const picked = values.accept === 'confident' ? restDocs.map((_, r) => r).sort((a, b) => margin[b]! - margin[a]!).slice(0, M) : restDocs.map((_, r) => r).slice(0, M);
  const argmax = (r: number) => {
    let best = 0;
    for (let c = 1; c < K; c++) if (zRest[r * K + c]! > zRest[r * K + best]!) best = c;
    return best;
  };
  const accepted = picked.map((r) => ({ ...restDocs[r]!, labels: [labels[argmax(r)]!] }));
  const wrong = picked.filter((r, j) => accepted[j]!.labels[0] !== restDocs[r]!.labels[0]).length;
  const teacherAcc = (() => {
    const z = logitsOf(evalDocs);
    let right = 0;
    evalDocs.forEach((d, r) => (right += Number((z[r * K + 1]! > z[r * K]! ? 1 : 0) === y(d))));
    return right / evalDocs.length;
  })();

  // Valid: 10 % of the human labels (the app's split draws it from human labels too).
  const validN = Math.round(0.1 * N);
  const valid = human.slice(0, validN);
  const humanTrain = human.slice(validN);
  const teacher = new Map<CorpusDoc, Float32Array>();
  const zHuman = logitsOf(human);
  human.forEach((d, r) => teacher.set(d, calibrated(zHuman, r)));
  picked.forEach((r, j) => teacher.set(accepted[j]!, calibrated(zRest, r)));
  evalDocs.forEach((d) => teacher.set(d, new Float32Array(K)));

  for (const v of VARIANTS) {
    const src = (ds: CorpusDoc[], s: string) => ds.map((d) => ({ ...d, source: s }));
    const hRows = src(humanTrain, 'human');
    const aRows = v === 'human only' ? [] : src(accepted, v === 'gold' ? 'human' : 'teacher');
    const t = new Map(teacher);
    aRows.forEach((d, j) => t.set(d, teacher.get(accepted[j]!)!));
    hRows.forEach((d, j) => t.set(d, teacher.get(humanTrain[j]!)!));
    const prepared: PreparedData = {
      corpus: { ...corpus, docs: [...hRows, ...aRows] },
      schema: { task: 'binary', labels },
      train: [...hRows, ...aRows],
      valid,
      test: evalDocs,
      unlabeled: [],
      teacher: t,
      dataHash: 'sha256:bench',
    };
    const o: TrainJobOptions = {
      ...TRAIN_DEFAULTS,
      data: file,
      model: 'textcnn',
      architecture: { numFilters: 32, filterSizes: [2, 3, 4] },
      epochs: EPOCHS,
      batchSize: 32,
      learningRate: Number(values.lr),
      patience: 2,
      seed,
      charts: false,
      alpha: 0.5,
      temperature: 3,
      sourceCol: 'source',
      sourceWeights: v === 'gold' ? { human: 1 } : { human: 1, teacher: 0.5 },
      // (b) is the code before per-source α: teacher rows at the global α.
      sourceAlpha: v === 'weight 0.5' ? { teacher: 0.5 } : { teacher: 1 },
    };
    const r = await runTrainJob(o, undefined, undefined, prepared);
    const acc = r.metrics.accuracy!;
    results[v].push(acc);
    const [lo, hi] = wilsonInterval(Math.round(acc * evalDocs.length), evalDocs.length);
    lines.push(`| ${seed} | ${v} | ${hRows.length} + ${aRows.length} | ${(100 * acc).toFixed(1)} [${(100 * lo).toFixed(1)}, ${(100 * hi).toFixed(1)}] |`);
    console.error(`seed ${seed} ${v}: ${(100 * acc).toFixed(2)} % (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  lines.push(`| ${seed} | (teacher: NB, T = ${T.toFixed(2)}) | ${N} | ${(100 * teacherAcc).toFixed(1)}; accepted pre-labels wrong: ${wrong} / ${M} = ${((100 * wrong) / M).toFixed(1)} % |`);
}

const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
const std = (a: number[]) => Math.sqrt(a.reduce((s, x) => s + (x - mean(a)) ** 2, 0) / Math.max(1, a.length - 1));
console.log(`${path.basename(file)}: ${N} human labels (${Math.round(0.1 * N)} of them validation), ${M} accepted teacher pre-labels (${values.accept}), TextCNN (32 filters × widths 2–4) ${EPOCHS} epochs, lr ${values.lr}, batch 32, α 0.5, ρ 3; held-out ${EVAL} documents; Wilson 95 % intervals; ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
console.log('| seed | variant | training rows (human + accepted) | held-out accuracy % [95 % CI] |\n|---:|---|---|---|');
console.log(lines.join('\n'));
console.log('\n| variant | mean accuracy % | std (seeds) | mean difference to (c) α = 1, points |\n|---|---:|---:|---:|');
for (const v of VARIANTS) {
  const d = results[v].map((x, i) => x - results['α = 1'][i]!);
  console.log(`| ${v} | ${(100 * mean(results[v])).toFixed(2)} | ${(100 * std(results[v])).toFixed(2)} | ${(100 * mean(d)).toFixed(2)} ± ${(100 * std(d)).toFixed(2)} |`);
}
