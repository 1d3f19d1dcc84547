/**
 * Active-learning strategies: which k unlabeled documents to ask about next. Pure functions of
 * what the caller already has (model probabilities over the pool, committee members, the teacher's
 * probabilities, document vectors), shared by the CLI's simulator and, later, the app's queue.
 */
import { DistilleryError } from '../../shared/errors';
import { createRng } from '../../shared/random';
import type { TaskType } from '../../shared/task';
import { coldStartBatch, diverseBatch, topK } from './diversity';
import { bald, cardinalityScores, teacherStudentKl, uncertaintyScores, voteEntropy } from './scores';

import { STRATEGY_NAMES, type StrategyName } from '../../shared/strategies';

export { STRATEGY_NAMES, type StrategyName };

export const STRATEGY_HELP: Record<StrategyName, string> = {
  random: 'uniformly at random (the baseline)',
  'least-confidence': '1 − max p',
  margin: 'smallest gap between the two most probable classes (breaking ties)',
  entropy: 'entropy of the predicted distribution (multi-label: mean binary entropy)',
  'vote-entropy': 'disagreement of a committee (e.g. a bootstrap ensemble): entropy of its votes',
  bald: 'mutual information H[mean p] − mean H[p] over --committee MC-dropout passes (neural students; 0 everywhere with dropout 0) or bootstrap members (nb); multi-label: summed per label',
  diversity: 'uncertain and spread out: k-means over the 10·k most uncertain, one per cluster',
  cardinality: 'multi-label: mean binary entropy × label-cardinality inconsistency (Li & Guo 2013)',
  'teacher-kl': 'where the student departs most from the teacher: KL(teacher ‖ student)',
  'cold-start': 'no model: k-means over document vectors, one representative per cluster',
};

/** What a strategy may look at; every array has one row per pool document (n rows). */
export interface SelectionInput {
  n: number;
  K: number;
  task: TaskType;
  /** The current model's probabilities, n × K. */
  probs?: Float32Array;
  /** Committee members' probabilities, each n × K (bald: also MC-dropout passes of one model). */
  members?: readonly Float32Array[];
  /** The teacher's probabilities, n × K (the student's are `probs`). */
  teacher?: Float32Array;
  /** Document vectors, n × dim (the model's hidden layer, or TF-IDF sketches). */
  vectors?: Float32Array;
  dim?: number;
  /** Mean number of labels per labeled document (multi-label `cardinality`; default 1). */
  meanCardinality?: number;
  seed: number;
}

/** Which inputs a strategy needs, so a caller can compute only those. */
export function strategyNeeds(s: StrategyName): {
  probs: boolean;
  members: boolean;
  teacher: boolean;
  vectors: boolean;
} {
  return {
    probs: !['random', 'cold-start', 'vote-entropy', 'bald'].includes(s),
    members: s === 'vote-entropy' || s === 'bald',
    teacher: s === 'teacher-kl',
    vectors: s === 'diversity' || s === 'cold-start',
  };
}

export function parseStrategies(list: string): StrategyName[] {
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) throw new DistilleryError('CONFIG', 'no strategy given', { field: 'strategies' });
  for (const s of names) {
    if (!(STRATEGY_NAMES as readonly string[]).includes(s)) {
      throw new DistilleryError('CONFIG', `unknown strategy "${s}"; known: ${STRATEGY_NAMES.join(', ')}`, {
        field: 'strategies',
      });
    }
  }
  if (new Set(names).size !== names.length)
    throw new DistilleryError('CONFIG', `a strategy is listed twice in "${list}"`, { field: 'strategies' });
  return names as StrategyName[];
}

function need<T>(v: T | undefined, what: string, s: StrategyName): T {
  if (v === undefined) throw new DistilleryError('CONFIG', `strategy "${s}" needs ${what}`, { field: 'strategies' });
  return v;
}

/** k distinct row indices in [0, n), the most wanted first. */
export function selectBatch(s: StrategyName, inp: SelectionInput, k: number): number[] {
  k = Math.min(k, inp.n);
  if (k <= 0) return [];
  switch (s) {
    case 'random':
      return createRng(inp.seed)
        .shuffle(Array.from({ length: inp.n }, (_, i) => i))
        .slice(0, k);
    case 'least-confidence':
    case 'margin':
    case 'entropy':
      return topK(uncertaintyScores(s, need(inp.probs, 'model probabilities', s), inp.K, inp.task), k);
    case 'vote-entropy':
      return topK(voteEntropy(need(inp.members, 'committee members (an ensemble)', s), inp.K, inp.task), k);
    case 'bald':
      return topK(
        bald(need(inp.members, 'stochastic predictions (MC-dropout passes or an ensemble)', s), inp.K, inp.task),
        k,
      );
    case 'teacher-kl':
      return topK(
        teacherStudentKl(
          need(inp.teacher, 'teacher probabilities', s),
          need(inp.probs, 'student probabilities', s),
          inp.K,
          inp.task,
        ),
        k,
      );
    case 'cardinality': {
      const probs = need(inp.probs, 'model probabilities', s);
      const scores =
        inp.task === 'multilabel'
          ? cardinalityScores(probs, inp.K, inp.meanCardinality ?? 1)
          : uncertaintyScores('entropy', probs, inp.K, inp.task);
      return topK(scores, k);
    }
    case 'diversity': {
      const scores = uncertaintyScores('entropy', need(inp.probs, 'model probabilities', s), inp.K, inp.task);
      return diverseBatch(need(inp.vectors, 'document vectors', s), need(inp.dim, 'the vector size', s), scores, k, {
        seed: inp.seed,
      });
    }
    case 'cold-start':
      return coldStartBatch(need(inp.vectors, 'document vectors', s), need(inp.dim, 'the vector size', s), k, {
        seed: inp.seed,
      });
  }
}
