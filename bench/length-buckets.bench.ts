/**
 * Same-run A/B of teacher fine-tuning with and without length-bucketed batches, interleaved
 * (A B A B), on real review texts: samples/s of the AdamW updates. Numbers, not assertions.
 * Usage: npx tsx bench/length-buckets.bench.ts [DATA.csv] [ROWS=1024]
 */
import os from 'node:os';
import { createRng } from '../src/shared/random';
import { initBackend } from '../src/worker/backend/tfjs-backend';
import { readCorpus } from '../src/worker/data/read-corpus';
import { BertClassifier } from '../src/worker/teacher/model/bert-model';
import { buildWordPieceVocab } from '../src/worker/teacher/tokenize/build-vocab';
import { fineTuneTeacher } from '../src/worker/teacher/train/fine-tune';
import { randomBertWeights, tinyBertConfig } from '../src/worker/teacher/model/random-bert';
import { WordPieceTokenizer } from '../src/worker/teacher/tokenize/wordpiece';

const [data = '../shared/data/waimai_10k.csv', rowsArg = '1024'] = process.argv.slice(2);
await initBackend('wasm');
// A seeded sample: the file may be sorted by label.
const docs = createRng(7)
  .shuffle((await readCorpus(data)).docs)
  .slice(0, Number(rowsArg));
const texts = docs.map((d) => d.text);
const labelNames = [...new Set(docs.map((d) => d.labels[0]))];
const labels = Int32Array.from(docs, (d) => labelNames.indexOf(d.labels[0]));
const tokenizer = new WordPieceTokenizer(buildWordPieceVocab(texts));
// The shape the waimai teacher used: 3 layers, hidden 128, 4 heads, max length 64.
const config = tinyBertConfig(
  { layers: 3, hidden: 128, heads: 4, intermediate: 512, maxPositions: 64 },
  tokenizer.size,
);
const weights = randomBertWeights(config, 1, { pooler: false, perturb: 0 });
const rates: Record<string, number[]> = { bucketed: [], shuffled: [] };
for (const round of [1, 2]) {
  for (const bucketByLength of [true, false]) {
    const model = BertClassifier.fromWeights(config, weights, labelNames.length, 1);
    const r = await fineTuneTeacher(model, { texts, labels }, undefined, {
      tokenizer,
      maxLen: 64,
      epochs: 1,
      batchSize: 32,
      learningRate: 1e-4,
      seed: round,
      bucketByLength,
    });
    model.dispose();
    rates[bucketByLength ? 'bucketed' : 'shuffled'].push(r.trainSamplesPerSecond);
    console.log(
      `round ${round} ${bucketByLength ? 'bucketed' : 'shuffled'}: ${r.trainSamplesPerSecond.toFixed(1)} samples/s`,
    );
  }
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(
  JSON.stringify({
    rows: texts.length,
    bucketed: mean(rates.bucketed),
    shuffled: mean(rates.shuffled),
    speedup: mean(rates.bucketed) / mean(rates.shuffled),
    load_average_1m: os.loadavg()[0],
  }),
);
