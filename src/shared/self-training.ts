/**
 * What a self-training run reports (src/worker/jobs/self-train.ts): the CLI prints it and writes
 * self-training.json; the app's distill job returns it (JobResult.selfTraining) and the Train view
 * shows its per-round table. Types only.
 */

export interface PseudoLabelStats {
  /** Who labeled the pool this round. */
  from: 'teacher' | 'student';
  pool: number;
  /** Pool rows at or above the confidence, per label (before balancing). */
  confident: Record<string, number>;
  /** Kept pseudo-labels per label. */
  kept: Record<string, number>;
  keptTotal: number;
  /** Kept rows whose hidden human label is known, and how many of them the pseudo-label got right. */
  graded: number;
  correct: number;
  /** correct / graded; null when no kept row has a hidden label. */
  precision: number | null;
  /** Per pseudo-label: precision among its graded rows (null where none). */
  precisionPerLabel: Record<string, number | null>;
}

export interface SelfTrainRound {
  round: number;
  /** Rows the student trained on: human labels + pseudo-labels. */
  trainRows: number;
  pseudo?: PseudoLabelStats;
  /** The student's held-out test metrics (accuracy, F1, …). */
  metrics: Record<string, number>;
}

/** The optional last phase (--final-finetune): the last round's student trained a little more on the human labels only. */
export interface FinalFinetune {
  /** Rows it trained on: the human labels (A), no pseudo-label. */
  rows: number;
  epochs: number;
  learningRate: number;
  /** The student's held-out test metrics before the fine-tune (the last round's) and after it (the model kept). */
  before: Record<string, number>;
  after: Record<string, number>;
}

export interface SelfTrainResult {
  labels: string[];
  confidence: number;
  humanLabels: number;
  hiddenLabels: number;
  unlabeledRows: number;
  seed: number;
  rule: string;
  rounds: SelfTrainRound[];
  finalFinetune?: FinalFinetune;
}
