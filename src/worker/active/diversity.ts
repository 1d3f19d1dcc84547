/**
 * Batches that are informative and not near-duplicates of one another.
 *
 * - diverseBatch: the β·k most uncertain candidates, clustered into k groups by k-means weighted by
 *   uncertainty; from each group the candidate nearest its centre (Zhdanov 2019, "Diverse
 *   mini-batch active learning"). Uncertainty decides where to look, clustering spreads the batch.
 * - coldStartBatch: no model yet — k-means over (a seeded sample of) the whole pool, the member
 *   nearest each centre: k representatives of k different regions of the corpus.
 * Short batches (fewer clusters than k, e.g. duplicates) are topped up by score, then at random.
 */
import { createRng } from '../../shared/random';
import { kMeans, nearestToCentres } from './kmeans';

/** Indices of the k highest scores, highest first (ties: lower index). */
export function topK(scores: ArrayLike<number>, k: number): number[] {
  const n = scores.length;
  k = Math.max(0, Math.min(k, n));
  if (k === 0) return [];
  let idx: number[] | undefined;
  if (k < n / 4) {
    // Only rows at or above the k-th largest score get sorted (a native numeric sort finds it):
    // a batch of 50 from 100,000 documents need not rank all of them.
    const kth = Float64Array.from(scores).sort()[n - k]!;
    if (!Number.isNaN(kth)) {
      idx = [];
      for (let i = 0; i < n; i++) if (scores[i]! >= kth) idx.push(i);
    }
  }
  idx ??= Array.from({ length: n }, (_, i) => i);
  idx.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return idx.slice(0, k);
}

function gather(x: Float32Array, d: number, rows: readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * d);
  rows.forEach((r, i) => out.set(x.subarray(r * d, (r + 1) * d), i * d));
  return out;
}

function topUp(batch: number[], k: number, order: readonly number[]): number[] {
  const have = new Set(batch);
  for (const i of order) {
    if (batch.length >= k) break;
    if (!have.has(i)) {
      have.add(i);
      batch.push(i);
    }
  }
  return batch;
}

export interface DiverseBatchOptions {
  /** Candidates examined per batch slot (β). */
  beta?: number;
  seed?: number;
}

export function diverseBatch(
  vectors: Float32Array,
  d: number,
  scores: ArrayLike<number>,
  k: number,
  o: DiverseBatchOptions = {},
): number[] {
  const n = scores.length;
  if (vectors.length !== n * d) throw new RangeError(`vectors are ${vectors.length / d} rows for ${n} scores`);
  k = Math.min(k, n);
  const cand = topK(scores, Math.max(k, Math.round((o.beta ?? 10) * k)));
  const w = cand.map((i) => scores[i]!);
  const km = kMeans(gather(vectors, d, cand), d, k, createRng(o.seed ?? 0), w);
  const picked = nearestToCentres(gather(vectors, d, cand), d, km).map((j) => cand[j]!);
  // Highest score first, so a caller taking fewer than k still gets the most informative.
  picked.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return topUp(picked, k, cand);
}

export interface ColdStartOptions {
  /** Cluster at most this many pool rows (a seeded sample), to bound the cost on huge pools. */
  maxRows?: number;
  seed?: number;
}

export function coldStartBatch(vectors: Float32Array, d: number, k: number, o: ColdStartOptions = {}): number[] {
  const n = vectors.length / d;
  k = Math.min(k, n);
  const rng = createRng(o.seed ?? 0);
  const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
  const sample = order.slice(0, Math.min(n, o.maxRows ?? Math.max(2000, 40 * k)));
  const x = gather(vectors, d, sample);
  const km = kMeans(x, d, k, rng);
  return topUp(
    nearestToCentres(x, d, km).map((j) => sample[j]!),
    k,
    order,
  );
}
