/**
 * The one training loop (tfjs-layers' `fit`), shared by the student trainer, the teacher's
 * fine-tuning and MLM pre-training. It owns what they would otherwise each repeat: epochs × batches,
 * one run at a time per process, the non-finite-loss guard, progress (done/total batches, ETA, live
 * loss), a yield to the event loop and the cancel check after every batch, validation at the end of
 * each epoch, keeping the best epoch's weights with patience, and timing. A caller supplies its
 * batches, a step (forward + loss + update), an evaluation and, where it keeps the best epoch, how to
 * snapshot and restore weights. A cancelled run is an outcome (`cancelled: true`), not an error.
 */
import { DistilleryError } from '../../shared/errors';
import type { CancelToken, ProgressSink } from '../../shared/progress';
import { etaSeconds } from '../../shared/progress';

/** Where a step is: its epoch (from 1), its batch within the epoch (from 0), the update count of the run (from 1). */
export interface StepAt {
  epoch: number;
  batch: number;
  step: number;
}

/** A step's mean loss over its batch, and live metrics to show beside it (e.g. the learning rate). */
export interface StepResult {
  loss: number;
  metrics?: Record<string, number>;
}

/** An epoch's evaluation: the score the best epoch is kept by (higher is better; undefined: −loss) and metrics to show. */
export interface EpochEvaluation {
  score?: number;
  metrics: Record<string, number>;
}

/** How a caller keeps its best epoch's weights. */
export interface KeepBest<S> {
  /** Stop after this many epochs without a better score (0 = never). */
  patience: number;
  /** The weights now; undefined: nothing worth restoring (e.g. no validation data). */
  snapshot(): S | undefined;
  restore(snapshot: S): void;
  /** Frees a snapshot that is no longer the best (after the run: whatever is held). */
  dispose?(snapshot: S): void;
}

export interface FitSpec<V extends EpochEvaluation, S> {
  /** Progress phase: "<phase> 3/10" per batch, "<phase> 3/10 done" per epoch (progress-text.ts parses both). */
  phase: string;
  /** The name the loss goes by in progress metrics (default "loss"). */
  lossMetric?: string;
  epochs: number;
  batchesPerEpoch: number;
  /** The rows of each batch of an epoch; called at the start of every epoch (seeded orders advance here). */
  batches(epoch: number): readonly (readonly number[])[];
  /** Forward, loss, update. Undefined: the batch had nothing to learn (it counts as an update, nothing else). */
  step(rows: readonly number[], at: StepAt): StepResult | undefined | Promise<StepResult | undefined>;
  /** At the end of each epoch (after its batches, the partial one of a cancelled run included where kept). */
  evaluate(epoch: number): V | Promise<V>;
  /** Names the loss in the error raised when it stops being finite ("the teacher's loss"); absent: no guard. */
  guardLoss?: string;
  /** Whether an epoch cut short by a cancel is still evaluated, recorded and a candidate for the best. */
  keepPartialEpoch: boolean;
  keepBest?: KeepBest<S>;
  /** Inside the one-run guard, before the first batch (its time counts in `seconds`, not in the ETA). */
  begin?(): void | Promise<void>;
  /** Inside the guard after the run, also after an error. */
  end?(): void | Promise<void>;
  onProgress?: ProgressSink;
  cancel?: CancelToken;
}

export interface FitEpoch<V> {
  epoch: number;
  /** Mean loss of the epoch's (non-skipped) batches; NaN when none ran. */
  loss: number;
  evaluation: V;
  /** Updates of the run so far, at the end of this epoch. */
  steps: number;
  /** From the epoch's start through its evaluation. */
  seconds: number;
}

export interface FitResult<V> {
  epochs: FitEpoch<V>[];
  /** The kept epoch (0 without keepBest or before any epoch ended) and its score. */
  bestEpoch: number;
  bestScore: number;
  stoppedEarly: boolean;
  cancelled: boolean;
  steps: number;
  /** Rows through non-skipped steps. */
  samples: number;
  /** The whole run, begin and end included. */
  seconds: number;
  /** The steps alone (no evaluation, no begin/end). */
  stepSeconds: number;
}

// Two runs in one process would fight over the same backend and the same weights.
let running = false;

export async function fit<V extends EpochEvaluation, S>(spec: FitSpec<V, S>): Promise<FitResult<V>> {
  if (running) throw new DistilleryError('CONFIG', 'a training run is already in progress in this process');
  running = true;
  const start = performance.now();
  const lossMetric = spec.lossMetric ?? 'loss';
  const total = spec.batchesPerEpoch * spec.epochs;
  const epochs: FitEpoch<V>[] = [];
  let best: { epoch: number; score: number; snapshot?: S } = { epoch: 0, score: -Infinity };
  let step = 0;
  let samples = 0;
  let stepMs = 0;
  let cancelled = false;
  let stoppedEarly = false;
  try {
    await spec.begin?.();
    // ETA from the first batch on: begin (e.g. starting worker threads) takes time batches do not.
    const loopStart = performance.now();
    const progress = (phase: string, metrics: Record<string, number>) =>
      spec.onProgress?.({
        phase,
        done: step,
        total,
        etaSeconds: etaSeconds(loopStart, performance.now(), step, total),
        metrics,
      });
    for (let epoch = 1; epoch <= spec.epochs && !cancelled; epoch++) {
      const t0 = performance.now();
      const phase = `${spec.phase} ${epoch}/${spec.epochs}`;
      const batches = spec.batches(epoch);
      let lossSum = 0;
      let counted = 0;
      let bi = 0;
      while (bi < spec.batchesPerEpoch) {
        const rows = batches[bi];
        step++;
        const s0 = performance.now();
        const r = await spec.step(rows, { epoch, batch: bi, step });
        stepMs += performance.now() - s0;
        bi++;
        if (!r) continue;
        if (spec.guardLoss && !Number.isFinite(r.loss)) {
          throw new DistilleryError(
            'INTERNAL',
            `${spec.guardLoss} became ${r.loss} at update ${step} (epoch ${epoch}, batch ${bi}/${spec.batchesPerEpoch}); try a lower learning rate`,
            { epoch, batch: bi, step },
          );
        }
        lossSum += r.loss;
        counted++;
        samples += rows.length;
        progress(phase, { [lossMetric]: lossSum / counted, ...r.metrics });
        // Let progress messages and a cancel request through between batches.
        await new Promise((resolve) => setImmediate(resolve));
        if (spec.cancel?.cancelled) {
          cancelled = true;
          break;
        }
      }
      if (cancelled && bi < spec.batchesPerEpoch && !spec.keepPartialEpoch) break;
      const evaluation = await spec.evaluate(epoch);
      const loss = lossSum / counted;
      epochs.push({ epoch, loss, evaluation, steps: step, seconds: (performance.now() - t0) / 1000 });
      progress(`${phase} done`, { [lossMetric]: loss, ...evaluation.metrics });
      const keep = spec.keepBest;
      if (!keep) continue;
      const score = evaluation.score ?? -loss;
      if (score > best.score) {
        if (best.snapshot !== undefined) keep.dispose?.(best.snapshot);
        best = { epoch, score, snapshot: keep.snapshot() };
      } else if (keep.patience > 0 && epoch - best.epoch >= keep.patience) {
        stoppedEarly = true;
        break;
      }
    }
    if (best.snapshot !== undefined) spec.keepBest!.restore(best.snapshot);
  } finally {
    try {
      if (best.snapshot !== undefined) spec.keepBest?.dispose?.(best.snapshot);
      await spec.end?.();
    } finally {
      running = false;
    }
  }
  return {
    epochs,
    bestEpoch: best.epoch,
    bestScore: best.score,
    stoppedEarly,
    cancelled,
    steps: step,
    samples,
    seconds: (performance.now() - start) / 1000,
    stepSeconds: stepMs / 1000,
  };
}
