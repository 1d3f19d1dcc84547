/**
 * The label-noise audit against planted noise (issue #10's must-show): flips 5 %, 10 % and 20 % of a
 * labeled corpus's labels (seeded; each flipped document gets a different label drawn uniformly),
 * runs the audit exactly as `distillery audit` does (readCorpus → auditLabels), with each of the two
 * confident-learning filters, and prints the precision and recall of the flagged set against the flipped ids. Target at 10 %: precision ≥ 0.6,
 * recall ≥ 0.5.
 * Usage: npx tsx bench/audit-noise.bench.ts [corpus.csv (default ../shared/data/waimai_10k.csv)] [--folds K] [--seed N] [--rank-by self_confidence|normalized_margin]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createRng } from '../src/shared/random';
import { readCorpus } from '../src/worker/data/read-corpus';
import { auditLabels, type AuditDoc } from '../src/worker/audit/label-audit';
import type { IssueFilter, RankBy } from '../src/worker/audit/confident-learning';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { folds: { type: 'string', default: '5' }, seed: { type: 'string', default: '7' }, 'rank-by': { type: 'string', default: 'self_confidence' } } });
const file = positionals[0] ?? path.resolve('../shared/data/waimai_10k.csv');
const corpus = await readCorpus(file, { requireLabels: true });
const docs = corpus.docs.filter((d) => d.labels.length === 1);
console.log(`${file}: ${docs.length} single-label documents, labels ${corpus.labels.join(', ')}; folds ${values.folds}, noise seed ${values.seed}, rank by ${values['rank-by']}`);

/** A copy of docs with round(rate · n) labels flipped to another label, and the flipped ids. */
export function flipLabels(src: readonly AuditDoc[], labels: readonly string[], rate: number, seed: number): { docs: AuditDoc[]; flipped: Set<string> } {
  const rng = createRng(seed);
  const order = rng.shuffle(src.map((_, i) => i));
  const flip = new Set(order.slice(0, Math.round(rate * src.length)));
  const flipped = new Set<string>();
  const docs = src.map((d, i) => {
    if (!flip.has(i)) return d;
    const others = labels.filter((l) => l !== d.labels[0]);
    flipped.add(d.id);
    return { ...d, labels: [others[rng.int(others.length)]!] };
  });
  return { docs, flipped };
}

console.log('filter               rate   flipped  flagged  true flags  precision  recall  (out-of-fold accuracy, temperature, seconds)');
for (const filter of ['confident_learning', 'prune_by_noise_rate'] as IssueFilter[]) for (const rate of [0.05, 0.1, 0.2]) {
  const { docs: noisy, flipped } = flipLabels(docs, corpus.labels, rate, Number(values.seed));
  const t = performance.now();
  const r = auditLabels(noisy, { multiLabel: false, labels: corpus.labels, folds: Number(values.folds), rankBy: values['rank-by'] as RankBy, filter });
  const s = (performance.now() - t) / 1000;
  const hits = r.suspects.filter((x) => flipped.has(x.id)).length;
  const precision = r.suspects.length ? hits / r.suspects.length : 0;
  const recall = hits / flipped.size;
  console.log(
    `${filter.padEnd(19)}  ${(100 * rate).toFixed(0).padStart(2)} %  ${String(flipped.size).padStart(7)}  ${String(r.suspects.length).padStart(7)}  ${String(hits).padStart(10)}  ${precision.toFixed(3).padStart(9)}  ${recall.toFixed(3).padStart(6)}  (${r.oof_accuracy.toFixed(3)}, T = ${r.temperature.toFixed(2)}, ${s.toFixed(1)} s)`,
  );
}
