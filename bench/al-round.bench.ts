/**
 * One active-learning round at corpus scale: naive Bayes retrained on the labels so far, scoring
 * 100,000 unlabeled documents, then a diverse batch of 50 (entropy + uncertainty-weighted k-means
 * over the 500 most uncertain, on TF-IDF char n-gram sketches). The per-corpus work (n-gram counts,
 * TF-IDF sketches) is timed apart: the app does it once per import, not per round.
 *
 * Texts: with a file argument, that corpus's texts, cycled with a row number to reach N (so the
 * vocabulary grows like a real corpus's would); otherwise the synthetic review generator.
 * Also: NaiveBayesClassifier.fit from 5,000 raw texts (the pre-labeler retrained after a batch).
 * Usage: npx tsx bench/al-round.bench.ts [N=100000] [labeled=1000] [file.csv]
 */
import os from 'node:os';
import { selectBatch } from '../src/worker/active/strategies';
import { readCorpus } from '../src/worker/data/read-corpus';
import { NaiveBayesClassifier, predictNaiveBayes, trainNaiveBayes } from '../src/worker/models/naive-bayes';
import { hashedDense, NgramVocabulary, tfidf } from '../src/worker/text/ngram-features';
import { generateCorpus } from '../test/fixtures/synthetic-corpus';

const N = Number(process.argv[2] ?? 100_000);
const labeled = Number(process.argv[3] ?? 1000);
const file = process.argv[4];

let texts: string[];
let labels: string[];
if (file) {
  const docs = (await readCorpus(file, { requireLabels: true })).docs.filter((d) => d.labels.length === 1);
  texts = Array.from({ length: N }, (_, i) => (i < docs.length ? docs[i]!.text : `${docs[i % docs.length]!.text}${i}`));
  labels = Array.from({ length: N }, (_, i) => docs[i % docs.length]!.labels[0]!);
} else {
  const docs = generateCorpus(N, 1);
  texts = docs.map((d) => d.text);
  labels = docs.map((d) => d.label);
}
const names = [...new Set(labels)].sort();
const y = Int32Array.from(labels, (l) => names.indexOf(l));
const time = <T>(f: () => T): [T, number] => {
  const t = performance.now();
  const r = f();
  return [r, (performance.now() - t) / 1000];
};

const load0 = os.loadavg()[0];
const vocab = new NgramVocabulary();
const [X, featurizeS] = time(() => vocab.featurize(texts));
const [vectors, sketchS] = time(() => hashedDense(tfidf(X), 256));
const train = Array.from({ length: labeled }, (_, i) => i);
const pool = Array.from({ length: N - labeled }, (_, i) => i + labeled);
const [model, trainS] = time(() => trainNaiveBayes(X, train, y.subarray(0, labeled), names.length, { alpha: 1, multiLabel: false }));
const [probs, scoreS] = time(() => predictNaiveBayes(model, X, pool));
const [batch, selectS] = time(() => {
  const v = new Float32Array(pool.length * 256);
  pool.forEach((r, i) => v.set(vectors.subarray(r * 256, (r + 1) * 256), i * 256));
  return selectBatch('diversity', { n: pool.length, K: names.length, task: names.length === 2 ? 'binary' : 'multiclass', probs, vectors: v, dim: 256, seed: 1 }, 50);
});
// The pre-labeler as the app would retrain it: texts in (n-gram counting included), 5,000 labels.
const [, prelabelerFitS] = time(() => NaiveBayesClassifier.fit(texts.slice(0, 5000), labels.slice(0, 5000).map((l) => [l]), names));
const r3 = (x: number) => Number(x.toFixed(3));
console.log(
  JSON.stringify(
    {
      documents: N,
      source: file ?? 'synthetic reviews (test/fixtures/synthetic-corpus.ts)',
      labeled,
      ngram_features: vocab.size,
      nnz: X.indices.length,
      once_per_corpus_s: { ngram_counts: r3(featurizeS), tfidf_sketches: r3(sketchS) },
      per_round_s: { nb_train: r3(trainS), nb_score: r3(scoreS), diverse_batch_50: r3(selectS), total: r3(trainS + scoreS + selectS) },
      prelabeler_fit_5000_texts_s: r3(prelabelerFitS),
      batch_size: batch.length,
      cpus: os.cpus().length,
      load_average_1m: load0,
      load_average_1m_after: os.loadavg()[0],
    },
    null,
    2,
  ),
);
