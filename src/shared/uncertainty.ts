/**
 * Uncertainty of one document's predicted probabilities, each in [0, 1] (higher = less sure).
 * Pure, so the renderer's queue and the worker's active-learning strategies score alike.
 *
 * - least confidence: 1 − max p, scaled so the uniform distribution scores 1 for any K
 *   (multi-label: the least sure per-label decision);
 * - margin ("breaking ties"): 1 − (p₁ − p₂) of the two most probable classes (multi-label: the
 *   smallest per-label margin |2p − 1| turned into 1 − margin);
 * - entropy: −Σ p log p / log K (multi-label: mean binary entropy per label).
 */
import type { TaskType } from './task';

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/** Entropy in bits of a Bernoulli(p), in [0, 1]. */
export function binaryEntropy(p: number): number {
  const q = clamp01(p);
  if (q === 0 || q === 1) return 0;
  return -(q * Math.log2(q) + (1 - q) * Math.log2(1 - q));
}

export function leastConfidence(probs: ArrayLike<number>, task: TaskType): number {
  const K = probs.length;
  if (K === 0) return 0;
  if (task === 'multilabel') {
    let worst = 0;
    for (let i = 0; i < K; i++) worst = Math.max(worst, 2 * (1 - Math.max(clamp01(probs[i]!), 1 - clamp01(probs[i]!))));
    return worst;
  }
  let max = -Infinity;
  for (let i = 0; i < K; i++) max = Math.max(max, probs[i]!);
  return K > 1 ? clamp01((1 - max) / (1 - 1 / K)) : 0;
}

export function margin(probs: ArrayLike<number>, task: TaskType): number {
  const K = probs.length;
  if (K === 0) return 0;
  if (task === 'multilabel') {
    let worst = 0;
    for (let i = 0; i < K; i++) worst = Math.max(worst, 1 - Math.abs(2 * clamp01(probs[i]!) - 1));
    return worst;
  }
  if (K === 1) return 1 - Math.abs(2 * clamp01(probs[0]!) - 1);
  let a = -Infinity;
  let b = -Infinity;
  for (let i = 0; i < K; i++) {
    const p = probs[i]!;
    if (p > a) {
      b = a;
      a = p;
    } else if (p > b) b = p;
  }
  return clamp01(1 - (a - b));
}

export function entropy(probs: ArrayLike<number>, task: TaskType): number {
  const K = probs.length;
  if (K === 0) return 0;
  if (task === 'multilabel') {
    let s = 0;
    for (let i = 0; i < K; i++) s += binaryEntropy(probs[i]!);
    return s / K;
  }
  if (K === 1) return binaryEntropy(probs[0]!);
  let total = 0;
  for (let i = 0; i < K; i++) total += Math.max(0, probs[i]!);
  total = total || 1;
  let h = 0;
  for (let i = 0; i < K; i++) {
    const p = Math.max(0, probs[i]!) / total;
    if (p > 0) h -= p * Math.log(p);
  }
  return clamp01(h / Math.log(K));
}
