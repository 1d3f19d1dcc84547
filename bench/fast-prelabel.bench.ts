/**
 * The live loop's retrain (issue #12 item 5): the worker's 'fast-prelabel' job as the app sends it —
 * naive Bayes on the first N labels of a corpus, then every other document scored — timed end to
 * end in this process, with the accuracy of its suggestions on the scored documents.
 * Usage: npx tsx bench/fast-prelabel.bench.ts [corpus.csv (default ../shared/data/waimai_10k.csv)] [N…]
 */
import path from 'node:path';
import { jobContext } from '../test/fixtures/job-context';
import { readCorpus } from '../src/worker/data/read-corpus';
import { runJob } from '../src/worker/process/run-job';

const file = process.argv[2] ?? path.resolve('../shared/data/waimai_10k.csv');
const sizes = process.argv.slice(3).map(Number);
const corpus = await readCorpus(file);
// A fixed shuffle (the file is sorted by label).
const docs = corpus.docs.map((d, i) => ({ d, k: (Math.imul(i + 1, 2654435761) >>> 0) / 2 ** 32 })).sort((a, b) => a.k - b.k).map((x, i) => ({ id: `d${i}`, text: x.d.text, labels: x.d.labels }));
console.log(`${file}: ${docs.length} documents, labels ${corpus.labels.join(', ')}`);
for (const n of sizes.length ? sizes : [50, 200, 1000]) {
  const labeled = docs.slice(0, n);
  const rest = docs.slice(n);
  const t = performance.now();
  const r = await runJob({ kind: 'fast-prelabel', projectId: 'bench', task: corpus.multiLabel ? 'multilabel' : corpus.labels.length === 2 ? 'binary' : 'multiclass', labels: corpus.labels, docs: { labeled, toScore: rest.map((d) => ({ id: d.id, text: d.text })) }, options: {} }, jobContext('/nonexistent').ctx);
  const ms = performance.now() - t;
  let right = 0;
  for (const d of rest) {
    const p = r.scores![d.id]!;
    if (corpus.labels[p.indexOf(Math.max(...p))] === d.labels[0]) right++;
  }
  console.log(`N = ${n} labels: fit + score ${rest.length} documents in ${(ms / 1000).toFixed(2)} s; accuracy of the suggestions ${((100 * right) / rest.length).toFixed(1)} % (n = ${rest.length})`);
}
