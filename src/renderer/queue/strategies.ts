/**
 * Active-learning ordering of the annotation queue. Pure functions: a strategy turns a document's
 * predicted probabilities into a priority (higher = ask the annotator sooner).
 *
 * - random:           a seeded hash of the document id (stable across reloads, no model needed);
 * - least-confidence: 1 − max p (single-label), or the least sure per-label decision (multi-label);
 * - margin:           1 − (p₁ − p₂), the two most probable classes (multi-label: 1 − |2p − 1| per label);
 * - entropy:          −Σ p log p / log K (multi-label: mean binary entropy per label).
 *
 * Every uncertainty score lies in [0, 1]. Documents without probabilities get a random score in
 * [−1, 0) so they come after every scored document but stay in a stable, unbiased order.
 */
import type { TaskType } from '../../shared/task';
import { hashUnit } from '../../shared/id-hash';
import { QUEUE_STRATEGIES, type QueueStrategy } from '../../shared/strategies';
import { entropy, leastConfidence, margin } from '../../shared/uncertainty';

// The scores themselves are shared with the worker's active-learning strategies.
export { entropy, leastConfidence, margin };

export type Strategy = QueueStrategy;
export const STRATEGIES: readonly Strategy[] = QUEUE_STRATEGIES;

// Shared with the worker (the live loop draws its stop set in the same fixed hash order).
export { hashUnit };

/** Priority of one document under a strategy: higher comes first. */
export function queueScore(
  strategy: Strategy,
  id: string,
  probs: readonly number[] | undefined,
  task: TaskType,
  seed = 0,
): number {
  const r = hashUnit(id, seed);
  if (strategy === 'random') return r;
  if (!probs || probs.length === 0) return r - 1;
  const u =
    strategy === 'least-confidence'
      ? leastConfidence(probs, task)
      : strategy === 'margin'
        ? margin(probs, task)
        : entropy(probs, task);
  // Ties (e.g. many identical probabilities) are broken by the stable hash, without reordering distinct scores.
  return u + r * 1e-9;
}

/** Orders documents by a strategy (highest priority first); pure, returns a new array. */
export function orderQueue<T extends { id: string; probs?: readonly number[] }>(
  docs: readonly T[],
  strategy: Strategy,
  task: TaskType,
  seed = 0,
): T[] {
  return docs
    .map((d) => ({ d, s: queueScore(strategy, d.id, d.probs, task, seed) }))
    .sort((x, y) => y.s - x.s || (x.d.id < y.d.id ? -1 : x.d.id > y.d.id ? 1 : 0))
    .map((x) => x.d);
}
