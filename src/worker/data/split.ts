/**
 * Seeded, deterministic dataset splits and k-fold assignments.
 *
 * Single-label: every class is split in proportion, each class's count in each subset within ±1
 * of its exact share, and subset sizes within ±1 of theirs (controlled rounding, see
 * `stratifiedCounts`). Multi-label: iterative stratification (Sechidis, Tsoumakas & Vlahavas 2011),
 * which spreads the rarest labels first. Unlabeled documents are a stratum of their own
 * (single-label) or fill whichever subset is furthest below its size (multi-label).
 */
import { DistilleryError } from '../../shared/errors';
import { createRng, type Rng } from '../../shared/random';

export interface SplitOptions {
  /** Fraction of documents for validation, in [0, 1). */
  valid: number;
  /** Fraction of documents for test, in [0, 1); valid + test < 1. */
  test: number;
  seed: number;
  multiLabel: boolean;
}

export interface Splits<T> {
  train: T[];
  valid: T[];
  test: T[];
}

interface Labeled {
  labels: readonly string[];
}

/** Splits docs into train/valid/test; each subset keeps the input order. */
export function splitDocs<T extends Labeled>(docs: readonly T[], opts: SplitOptions): Splits<T> {
  const { valid, test } = opts;
  for (const [name, v] of [
    ['valid', valid],
    ['test', test],
  ] as const) {
    if (!(v >= 0 && v < 1))
      throw new DistilleryError('CONFIG', `${name} fraction must be in [0, 1), got ${v}`, { field: name });
  }
  if (!(valid + test < 1))
    throw new DistilleryError('CONFIG', `valid + test must be below 1, got ${valid + test}`, { field: 'valid' });
  const subset = assign(docs, [1 - valid - test, valid, test], opts.seed, opts.multiLabel);
  const out: Splits<T> = { train: [], valid: [], test: [] };
  const names = ['train', 'valid', 'test'] as const;
  docs.forEach((d, i) => out[names[subset[i]!]!].push(d));
  return out;
}

/** k folds of document indices (each ascending), stratified like `splitDocs`. */
export function kFoldIndices(docs: readonly Labeled[], k: number, seed: number, multiLabel: boolean): number[][] {
  if (!Number.isInteger(k) || k < 2)
    throw new DistilleryError('CONFIG', `k must be an integer ≥ 2, got ${k}`, { field: 'k' });
  if (k > docs.length)
    throw new DistilleryError('CONFIG', `k = ${k} folds need at least ${k} documents, got ${docs.length}`, {
      field: 'k',
    });
  const fold = assign(
    docs,
    Array.from({ length: k }, () => 1 / k),
    seed,
    multiLabel,
  );
  const folds: number[][] = Array.from({ length: k }, () => []);
  fold.forEach((f, i) => folds[f]!.push(i));
  return folds;
}

/** Subset index per document. */
function assign(docs: readonly Labeled[], ratios: number[], seed: number, multiLabel: boolean): number[] {
  const rng = createRng(seed);
  return multiLabel ? iterativeStratification(docs, ratios, rng) : stratifiedAssign(docs, ratios, rng);
}

// --- single-label --------------------------------------------------------------------------------

function stratifiedAssign(docs: readonly Labeled[], ratios: number[], rng: Rng): number[] {
  const byClass = new Map<string, number[]>();
  docs.forEach((d, i) => {
    // A doc with several labels in single-label mode is stratified by its label set.
    const key = [...d.labels].sort().join('\u0001');
    let list = byClass.get(key);
    if (!list) byClass.set(key, (list = []));
    list.push(i);
  });
  // Map iteration follows first appearance, so this is deterministic for a given input.
  const classes = [...byClass.values()];
  const counts = stratifiedCounts(
    classes.map((c) => c.length),
    ratios,
    rng,
  );
  const subset = new Array<number>(docs.length);
  classes.forEach((members, g) => {
    const shuffled = rng.shuffle([...members]);
    let p = 0;
    counts[g]!.forEach((n, j) => {
      for (let e = p + n; p < e; p++) subset[shuffled[p]!] = j;
    });
  });
  return subset;
}

/** Largest-remainder apportionment of `total` by `ratios` (sums to total exactly). */
export function apportion(total: number, ratios: number[]): number[] {
  const sum = ratios.reduce((a, b) => a + b, 0);
  const quotas = ratios.map((r) => (total * r) / sum);
  const out = quotas.map((q) => Math.floor(q + 1e-9));
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = quotas.map((q, j) => j).sort((a, b) => quotas[b]! - out[b]! - (quotas[a]! - out[a]!) || a - b);
  for (let i = 0; left > 0; i = (i + 1) % order.length, left--) out[order[i]!]!++;
  return out;
}

/**
 * Controlled rounding of the class × subset table n_g·r_j: every cell is the floor or ceiling
 * of its quota, every row sums to its class size, and every column to its apportioned subset
 * size (else within ±1 of it). The floors are fixed; the leftover units per class are placed by
 * augmenting paths (bipartite b-matching between classes and subsets with spare room).
 */
export function stratifiedCounts(classSizes: number[], ratios: number[], rng: Rng): number[][] {
  const m = ratios.length;
  const total = classSizes.reduce((a, b) => a + b, 0);
  const sum = ratios.reduce((a, b) => a + b, 0);
  const r = ratios.map((x) => x / sum);
  const quota = classSizes.map((n) => r.map((rj) => n * rj));
  const counts = quota.map((row) => row.map((q) => Math.floor(q + 1e-9)));
  const canRoundUp = (g: number, j: number): boolean => quota[g]![j]! - counts[g]![j]! > 1e-9;
  const extra = classSizes.map(() => new Array<boolean>(m).fill(false));
  const colFloor = r.map((_, j) => counts.reduce((s, row) => s + row[j]!, 0));
  const targets = apportion(total, r);
  const room = targets.map((t, j) => t - colFloor[j]!);

  // Bigger remainders first within a class; classes in seeded order so ties vary with the seed.
  const prefs = quota.map((row, g) =>
    row
      .map((_, j) => j)
      .filter((j) => canRoundUp(g, j))
      .sort((a, b) => (quota[g]![b]! % 1) - (quota[g]![a]! % 1) || a - b),
  );
  const augment = (g: number, seen: boolean[]): boolean => {
    for (const j of prefs[g]!) {
      if (extra[g]![j] || seen[j]) continue;
      seen[j] = true;
      if (room[j]! > 0) {
        room[j]!--;
        extra[g]![j] = true;
        return true;
      }
      for (let h = 0; h < classSizes.length; h++) {
        if (h !== g && extra[h]![j] && augment(h, seen)) {
          extra[h]![j] = false;
          extra[g]![j] = true;
          return true;
        }
      }
    }
    return false;
  };
  const order = rng.shuffle(classSizes.map((_, g) => g));
  for (const g of order) {
    const left = classSizes[g]! - counts[g]!.reduce((a, b) => a + b, 0);
    for (let u = 0; u < left; u++) {
      if (augment(g, new Array<boolean>(m).fill(false))) continue;
      // Targets too tight for this table: let columns reach their ceiling instead.
      r.forEach((rj, j) => (room[j]! += Math.max(0, Math.ceil(total * rj - 1e-9) - targets[j]!)));
      targets.forEach((_, j) => (targets[j] = Math.max(targets[j]!, Math.ceil(total * r[j]! - 1e-9))));
      if (augment(g, new Array<boolean>(m).fill(false))) continue;
      // Cannot happen for a feasible table; keep the class within ±1 regardless of column sizes.
      const j = prefs[g]!.find((x) => !extra[g]![x])!;
      extra[g]![j] = true;
    }
  }
  return counts.map((row, g) => row.map((c, j) => c + (extra[g]![j] ? 1 : 0)));
}

// --- multi-label -----------------------------------------------------------------------------------

/**
 * Sechidis et al. (2011), Algorithm 1. Labels are taken rarest first (by examples still
 * unassigned); each example of that label goes to the subset that most wants the label, ties to
 * the subset that most wants examples, then at random.
 */
function iterativeStratification(docs: readonly Labeled[], ratios: number[], rng: Rng): number[] {
  const m = ratios.length;
  const sum = ratios.reduce((a, b) => a + b, 0);
  const r = ratios.map((x) => x / sum);
  const labelIds = new Map<string, number>();
  const docLabels = docs.map((d) => {
    const ids = new Set<number>();
    for (const l of d.labels) {
      let id = labelIds.get(l);
      if (id === undefined) labelIds.set(l, (id = labelIds.size));
      ids.add(id);
    }
    return [...ids];
  });
  const L = labelIds.size;
  const docsOf: number[][] = Array.from({ length: L }, () => []);
  // Visiting examples in a seeded random order is the algorithm's own randomness.
  const visit = rng.shuffle(docs.map((_, i) => i));
  for (const i of visit) for (const l of docLabels[i]!) docsOf[l]!.push(i);

  const remaining = docsOf.map((list) => list.length);
  const wantDocs = r.map((rj) => rj * docs.length);
  const wantLabel = remaining.map((n) => r.map((rj) => rj * n));
  const subset = new Array<number>(docs.length).fill(-1);
  const labelTieBreak = rng.shuffle(Array.from({ length: L }, (_, l) => l));

  const place = (i: number, j: number): void => {
    subset[i] = j;
    wantDocs[j]!--;
    for (const l of docLabels[i]!) {
      wantLabel[l]![j]!--;
      remaining[l]!--;
    }
  };
  const pick = (candidates: number[], score: (j: number) => number): number[] => {
    let best = -Infinity;
    let out: number[] = [];
    for (const j of candidates) {
      const s = score(j);
      if (s > best + 1e-9) {
        best = s;
        out = [j];
      } else if (Math.abs(s - best) <= 1e-9) out.push(j);
    }
    return out;
  };
  const all = Array.from({ length: m }, (_, j) => j);

  for (;;) {
    let rarest = -1;
    for (const l of labelTieBreak)
      if (remaining[l]! > 0 && (rarest < 0 || remaining[l]! < remaining[rarest]!)) rarest = l;
    if (rarest < 0) break;
    for (const i of docsOf[rarest]!) {
      if (subset[i] !== -1) continue;
      let c = pick(all, (j) => wantLabel[rarest]![j]!);
      if (c.length > 1) c = pick(c, (j) => wantDocs[j]!);
      place(i, c.length > 1 ? c[rng.int(c.length)]! : c[0]!);
    }
  }
  for (const i of visit) {
    if (subset[i] !== -1) continue; // unlabeled documents
    const c = pick(all, (j) => wantDocs[j]!);
    place(i, c.length > 1 ? c[rng.int(c.length)]! : c[0]!);
  }
  return subset;
}
