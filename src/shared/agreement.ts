/**
 * Agreement between raters (people or models) who each gave one category, or one set of labels, per
 * item: Cohen's κ (two raters), Fleiss' κ (any number, the same number per item) and Krippendorff's
 * α (any number per item, missing ratings allowed, any distance: nominal, or MASI / Jaccard for label
 * sets). Pure: used by the stopping signal (successive models on a stop set) and by inter-annotator
 * agreement (agreement-report.ts).
 */

/** p_o and p_e of Cohen's κ for paired ratings. */
function cohenParts(a: ArrayLike<number>, b: ArrayLike<number>): { po: number; pe: number } {
  if (a.length !== b.length) throw new RangeError(`cohenKappa: ${a.length} vs ${b.length} ratings`);
  const n = a.length;
  if (n === 0) throw new RangeError('cohenKappa: no items');
  const countA = new Map<number, number>();
  const countB = new Map<number, number>();
  let agree = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) agree++;
    countA.set(x, (countA.get(x) ?? 0) + 1);
    countB.set(y, (countB.get(y) ?? 0) + 1);
  }
  let pe = 0;
  for (const [c, na] of countA) pe += (na / n) * ((countB.get(c) ?? 0) / n);
  return { po: agree / n, pe };
}

/**
 * Cohen's κ = (p_o − p_e) / (1 − p_e), where p_o is the share of items on which `a` and `b` agree
 * and p_e the agreement expected by chance from each rater's own category frequencies.
 * Categories are small non-negative integers (class indices). When both raters put every item in
 * the same single category, p_e = 1 and κ is undefined; we return 1 there, since the two agree
 * completely (the convention the stopping rule needs: identical predictions are stable).
 * Inter-annotator reports use `cohenKappaOrNull`, which says "undefined" instead.
 */
export function cohenKappa(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const { po, pe } = cohenParts(a, b);
  if (pe >= 1) return 1;
  return (po - pe) / (1 - pe);
}

/** Cohen's κ, or null where it is undefined (p_e = 1: both raters used one and the same category throughout). */
export function cohenKappaOrNull(a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  const { po, pe } = cohenParts(a, b);
  return pe >= 1 ? null : (po - pe) / (1 - pe);
}

/**
 * Fleiss' κ (1971) from an items × categories table of counts: counts[i][j] raters put item i in
 * category j. Every item must have the same number m ≥ 2 of ratings (who the raters are may differ
 * from item to item). κ = (P̄ − P̄_e) / (1 − P̄_e), P̄ the mean share of agreeing rater pairs per
 * item, P̄_e = Σ_j p_j² from the overall category shares. null where undefined (no items, or every
 * rating in one category: P̄_e = 1).
 */
export function fleissKappa(counts: readonly (readonly number[])[]): number | null {
  const N = counts.length;
  if (N === 0) return null;
  const m = counts[0]!.reduce((s, x) => s + x, 0);
  if (m < 2) throw new RangeError(`fleissKappa: item 1 has ${m} rating(s); every item needs at least 2`);
  const K = counts[0]!.length;
  const colSums = new Float64Array(K);
  let sumP = 0;
  counts.forEach((row, i) => {
    if (row.length !== K)
      throw new RangeError(`fleissKappa: item ${i + 1} has ${row.length} categories, item 1 has ${K}`);
    let total = 0;
    let sq = 0;
    row.forEach((x, j) => {
      total += x;
      sq += x * x;
      colSums[j]! += x;
    });
    if (total !== m)
      throw new RangeError(
        `fleissKappa: item ${i + 1} has ${total} ratings, item 1 has ${m}; Fleiss' κ needs the same number per item`,
      );
    sumP += (sq - m) / (m * (m - 1));
  });
  const pBar = sumP / N;
  let pe = 0;
  for (const c of colSums) pe += (c / (N * m)) ** 2;
  if (pe >= 1 - 1e-12) return null;
  return (pBar - pe) / (1 - pe);
}

/** A distance between two values, 0 for equal ones (Krippendorff's δ). */
export type Distance<T> = (a: T, b: T) => number;

/**
 * Krippendorff's α = 1 − D_o / D_e over the coincidence matrix ("Computing Krippendorff's
 * Alpha-Reliability", 2011): `units[u]` lists the values unit u received (missing ratings are simply
 * absent; units with fewer than 2 values are not pairable and are left out). `key` names a value
 * (values with the same key are the same category); `distance` defaults to nominal (0 if the keys
 * are equal, else 1). For label sets pass `masiDistance` or `jaccardDistance`.
 * α = 1 − (n − 1) · Σ_ck o_ck δ_ck / Σ_ck n_c n_k δ_ck, with n the number of pairable values.
 * null where undefined: fewer than 2 pairable values, or no variation at all (D_e = 0).
 */
export function krippendorffAlpha<T>(
  units: readonly (readonly T[])[],
  key: (v: T) => string = String,
  distance?: Distance<T>,
): number | null {
  const index = new Map<string, number>();
  const values: T[] = [];
  /** Coincidences o_ck, sparse: c * V + k is not known yet, so key by pair of indices. */
  const o = new Map<string, number>();
  const nc: number[] = [];
  let n = 0;
  for (const unit of units) {
    const m = unit.length;
    if (m < 2) continue;
    const idx = unit.map((v) => {
      const k = key(v);
      let i = index.get(k);
      if (i === undefined) {
        index.set(k, (i = values.length));
        values.push(v);
        nc.push(0);
      }
      return i;
    });
    // Every ordered pair of different ratings of the unit adds 1/(m − 1) to o_ck.
    for (let p = 0; p < m; p++) {
      nc[idx[p]!]! += 1;
      for (let q = 0; q < m; q++) {
        if (p === q) continue;
        const pair = `${idx[p]},${idx[q]}`;
        o.set(pair, (o.get(pair) ?? 0) + 1 / (m - 1));
      }
    }
    n += m;
  }
  if (n < 2) return null;
  const d: Distance<number> = distance
    ? (c, k) => (c === k ? 0 : distance(values[c]!, values[k]!))
    : (c, k) => (c === k ? 0 : 1);
  let observed = 0;
  for (const [pair, w] of o) {
    const [c, k] = pair.split(',').map(Number) as [number, number];
    observed += w * d(c, k);
  }
  let expected = 0;
  const V = values.length;
  for (let c = 0; c < V; c++) for (let k = 0; k < V; k++) if (c !== k) expected += nc[c]! * nc[k]! * d(c, k);
  if (expected <= 0) return null;
  return 1 - ((n - 1) * observed) / expected;
}

/** |A ∩ B| and |A ∪ B| of two label sets (duplicates ignored). */
function overlap(a: readonly string[], b: readonly string[]): { inter: number; union: number; sa: number; sb: number } {
  const A = new Set(a);
  const B = new Set(b);
  let inter = 0;
  for (const x of A) if (B.has(x)) inter++;
  return { inter, union: A.size + B.size - inter, sa: A.size, sb: B.size };
}

/** Jaccard distance 1 − |A ∩ B| / |A ∪ B| between label sets; two empty sets are equal (0). */
export function jaccardDistance(a: readonly string[], b: readonly string[]): number {
  const { inter, union } = overlap(a, b);
  return union === 0 ? 0 : 1 - inter / union;
}

/**
 * MASI distance (Passonneau 2006, "Measuring Agreement on Set-valued Items"): 1 − J · M, with J the
 * Jaccard similarity and M the monotonicity: 1 for identical sets, 2/3 when one contains the other,
 * 1/3 when they overlap otherwise, 0 when disjoint. (NLTK's masi_distance rounds these to 0.67 and
 * 0.33; we keep the exact thirds.) Two empty sets are equal (0).
 */
export function masiDistance(a: readonly string[], b: readonly string[]): number {
  const { inter, union, sa, sb } = overlap(a, b);
  if (union === 0) return 0;
  const m = inter === sa && inter === sb ? 1 : inter === sa || inter === sb ? 2 / 3 : inter > 0 ? 1 / 3 : 0;
  return 1 - (inter / union) * m;
}
