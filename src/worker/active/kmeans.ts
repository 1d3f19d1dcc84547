/**
 * Seeded weighted k-means (k-means++ seeding, then Lloyd iterations) on dense row vectors, and
 * the member nearest to each centre — what the diversity strategies pick.
 */
import type { Rng } from '../../shared/random';

export interface KMeansResult {
  /** Cluster of each row. */
  assign: Int32Array;
  /** k × d centres. */
  centres: Float32Array;
  k: number;
}

function dist2(a: Float32Array, ai: number, b: Float32Array, bi: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const x = a[ai * d + j]! - b[bi * d + j]!;
    s += x * x;
  }
  return s;
}

/**
 * Clusters the n rows of `x` (n × d) into min(k, n) clusters. `weights` (default 1) pull the
 * centres toward heavier rows and make them likelier k-means++ seeds.
 */
export function kMeans(
  x: Float32Array,
  d: number,
  k: number,
  rng: Rng,
  weights?: ArrayLike<number>,
  maxIter = 25,
): KMeansResult {
  const n = x.length / d;
  k = Math.min(k, n);
  const w = (i: number) => (weights ? Math.max(weights[i]!, 1e-12) : 1);
  const centres = new Float32Array(k * d);
  if (k === 0) return { assign: new Int32Array(n), centres, k };
  // k-means++: each next seed drawn with probability ∝ weight × squared distance to the nearest seed.
  const near = new Float64Array(n).fill(Infinity);
  let first = 0;
  {
    let total = 0;
    for (let i = 0; i < n; i++) total += w(i);
    let r = rng.next() * total;
    for (first = 0; first < n - 1 && (r -= w(first)) > 0; first++);
  }
  centres.set(x.subarray(first * d, (first + 1) * d), 0);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let i = 0; i < n; i++) {
      near[i] = Math.min(near[i]!, dist2(x, i, centres, c - 1, d));
      total += w(i) * near[i]!;
    }
    let pick = -1;
    if (total > 0) {
      let r = rng.next() * total;
      for (let i = 0; i < n; i++) {
        if (near[i]! > 0 && (r -= w(i) * near[i]!) <= 0) {
          pick = i;
          break;
        }
      }
      if (pick < 0) for (let i = n - 1; i >= 0 && pick < 0; i--) if (near[i]! > 0) pick = i;
    }
    // All remaining rows coincide with a seed: duplicate one (its cluster will stay empty).
    if (pick < 0) pick = rng.int(n);
    centres.set(x.subarray(pick * d, (pick + 1) * d), c * d);
  }
  const assign = new Int32Array(n).fill(-1);
  const sum = new Float64Array(k * d);
  const mass = new Float64Array(k);
  for (let it = 0; it < maxIter; it++) {
    let changed = false;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < k; c++) {
        const dd = dist2(x, i, centres, c, d);
        if (dd < bestD) {
          bestD = dd;
          best = c;
        }
      }
      if (assign[i] !== best) {
        assign[i] = best;
        changed = true;
      }
    }
    if (!changed) break;
    sum.fill(0);
    mass.fill(0);
    for (let i = 0; i < n; i++) {
      const c = assign[i]!;
      mass[c]! += w(i);
      for (let j = 0; j < d; j++) sum[c * d + j]! += w(i) * x[i * d + j]!;
    }
    for (let c = 0; c < k; c++)
      if (mass[c]! > 0) for (let j = 0; j < d; j++) centres[c * d + j] = sum[c * d + j]! / mass[c]!;
  }
  return { assign, centres, k };
}

/** Per non-empty cluster, the row nearest its centre (ties: the lower row). */
export function nearestToCentres(x: Float32Array, d: number, km: KMeansResult): number[] {
  const best = new Int32Array(km.k).fill(-1);
  const bestD = new Float64Array(km.k).fill(Infinity);
  for (let i = 0; i < km.assign.length; i++) {
    const c = km.assign[i]!;
    const dd = dist2(x, i, km.centres, c, d);
    if (dd < bestD[c]!) {
      bestD[c] = dd;
      best[c] = i;
    }
  }
  return [...best].filter((i) => i >= 0);
}
