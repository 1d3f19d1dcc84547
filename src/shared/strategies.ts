/**
 * The active-learning strategies by name: the one list the worker's implementations
 * (src/worker/active/strategies.ts), the CLI's `simulate`, the app's simulator form and the
 * renderer's live queue take their names from.
 */
export const STRATEGY_NAMES = [
  'random',
  'least-confidence',
  'margin',
  'entropy',
  'vote-entropy',
  'bald',
  'diversity',
  'cardinality',
  'teacher-kl',
  'cold-start',
] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

/** Needs the teacher's outputs, which a simulation on the project's own labels does not have. */
const NEEDS_TEACHER: readonly StrategyName[] = ['teacher-kl'];
/** Multi-label only (label-cardinality inconsistency). */
export const MULTILABEL_ONLY_STRATEGIES: readonly StrategyName[] = ['cardinality'];

/** What a simulation offers for any task: the CLI's default list and the app form's choices. */
export const SIMULATOR_STRATEGIES: readonly StrategyName[] = STRATEGY_NAMES.filter(
  (s) => !NEEDS_TEACHER.includes(s) && !MULTILABEL_ONLY_STRATEGIES.includes(s),
);

/** The app's default strategies: those that need neither a teacher's outputs nor a committee nor rules. */
export const APP_SIMULATE_STRATEGIES: readonly StrategyName[] = [
  'random',
  'least-confidence',
  'margin',
  'entropy',
  'diversity',
];

/**
 * The uncertainty strategies the renderer's live queue orders by (from the latest model's probabilities).
 * Not vote-entropy or bald: the queue orders from the one probability row per document that the live
 * loop's job stores; those need T predictions per document (a committee or MC-dropout passes), which
 * the chosen model cannot always give (the teacher is scored through ONNX, without dropout) and
 * the database does not keep.
 */
export const QUEUE_STRATEGIES = [
  'random',
  'least-confidence',
  'margin',
  'entropy',
] as const satisfies readonly StrategyName[];
export type QueueStrategy = (typeof QUEUE_STRATEGIES)[number];
