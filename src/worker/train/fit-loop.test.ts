/**
 * The fit loop alone, around a fake "model" (a number its steps nudge): cancellation within one batch,
 * patience with the best weights restored, the non-finite-loss guard, progress, and one run at a time.
 * The three real callers are tested beside them (trainer via data-parallel.test.ts, fine-tune, mlm-pretrain).
 */
import { describe, expect, it } from 'vitest';
import type { Progress } from '../../shared/progress';
import { fit, type EpochEvaluation, type FitSpec } from './fit-loop';

/** n rows in batches of `size`, in order. */
const batchesOf = (n: number, size: number) =>
  Array.from({ length: Math.ceil(n / size) }, (_, b) =>
    Array.from({ length: Math.min(size, n - b * size) }, (_, i) => b * size + i),
  );

/** A spec whose weight is the number of steps taken; evaluation scores come from `scores` (by epoch). */
function fakeSpec(over: Partial<FitSpec<EpochEvaluation, number>> & { scores?: number[] } = {}) {
  const state = { weight: 0, evaluated: [] as number[], disposed: [] as number[], ended: 0 };
  const { scores, ...rest } = over;
  const spec: FitSpec<EpochEvaluation, number> = {
    phase: 'epoch',
    epochs: 3,
    batchesPerEpoch: 4,
    batches: () => batchesOf(10, 3),
    step: () => {
      state.weight++;
      return { loss: 1 / state.weight };
    },
    evaluate: (epoch): EpochEvaluation => {
      state.evaluated.push(epoch);
      return scores ? { score: scores[epoch - 1], metrics: { val_metric: scores[epoch - 1] } } : { metrics: {} };
    },
    keepPartialEpoch: false,
    end: () => {
      state.ended++;
    },
    ...rest,
  };
  return { spec, state };
}

describe('fit', () => {
  it('stops within the batch in which a cancel arrives; a partial epoch is dropped or kept as asked', async () => {
    for (const keepPartialEpoch of [false, true]) {
      const cancel = { cancelled: false };
      const { spec, state } = fakeSpec({
        keepPartialEpoch,
        cancel,
        step: (_rows, at) => {
          state.weight++;
          if (at.epoch === 2 && at.batch === 1) cancel.cancelled = true; // mid-epoch 2
          return { loss: at.batch + 1 };
        },
      });
      const r = await fit(spec);
      expect(r.cancelled).toBe(true);
      expect(r.steps).toBe(6); // 4 of epoch 1, 2 of epoch 2, none after
      expect(state.weight).toBe(6);
      expect(r.epochs.map((e) => e.epoch)).toEqual(keepPartialEpoch ? [1, 2] : [1]);
      expect(state.evaluated).toEqual(keepPartialEpoch ? [1, 2] : [1]);
      // An epoch's loss is the mean over the batches it ran: (1 + 2 + 3 + 4) / 4, then (1 + 2) / 2.
      expect(r.epochs.map((e) => e.loss)).toEqual(keepPartialEpoch ? [2.5, 1.5] : [2.5]);
      expect(state.ended).toBe(1);
    }
  });

  it('stops after `patience` epochs without a better score and restores the best epoch’s weights', async () => {
    const { spec, state } = fakeSpec({
      epochs: 10,
      scores: [0.5, 0.8, 0.7, 0.8, 0.9, 0.95],
      keepBest: {
        patience: 2,
        snapshot: () => state.weight,
        restore: (w) => (state.weight = w),
        dispose: (w) => state.disposed.push(w),
      },
    });
    const r = await fit(spec);
    expect(r.stoppedEarly).toBe(true);
    expect(r.epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4]); // epoch 2 best; 3 and 4 no gain (a tie is no gain)
    expect(r.bestEpoch).toBe(2);
    expect(r.bestScore).toBe(0.8);
    expect(state.weight).toBe(8); // the weights after epoch 2 (4 steps an epoch), not after epoch 4 (16)
    expect(state.disposed).toEqual([4, 8]); // epoch 1's snapshot when epoch 2 beat it; epoch 2's after the restore
  });

  it('keeps the best by −loss without an evaluation score, and never stops early with patience 0', async () => {
    const { spec, state } = fakeSpec({
      epochs: 3,
      keepBest: { patience: 0, snapshot: () => state.weight, restore: (w) => (state.weight = w) },
    });
    const r = await fit(spec);
    expect(r.stoppedEarly).toBe(false);
    expect(r.bestEpoch).toBe(3); // the loss 1/weight falls every epoch
    expect(r.bestScore).toBeCloseTo(-r.epochs[2].loss, 12);
  });

  it('raises the guard’s error naming the epoch, batch and update when the loss is not finite, and ends the run', async () => {
    const { spec, state } = fakeSpec({
      guardLoss: "the teacher's loss",
      step: (_rows, at) => ({ loss: at.epoch === 2 && at.batch === 2 ? NaN : 1 }),
    });
    const err = await fit(spec).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INTERNAL', details: { epoch: 2, batch: 3, step: 7 } });
    expect((err as Error).message).toBe(
      "the teacher's loss became NaN at update 7 (epoch 2, batch 3/4); try a lower learning rate",
    );
    expect(state.ended).toBe(1);
    // The one-run guard is released: the next run goes ahead.
    await expect(fit(fakeSpec().spec)).resolves.toMatchObject({ steps: 12 });
  });

  it('reports done/total batches, monotone up to the total, with the loss, step metrics and evaluation metrics', async () => {
    const progress: Progress[] = [];
    const { spec } = fakeSpec({
      lossMetric: 'mlm_loss',
      scores: [0.1, 0.2, 0.3],
      // Batch 2 of each epoch has nothing to learn: it counts as an update but reports nothing.
      step: (_rows, at) => (at.batch === 2 ? undefined : { loss: 2, metrics: { lr: at.step / 100 } }),
      onProgress: (p) => progress.push(p),
    });
    const r = await fit(spec);
    expect(r.steps).toBe(12);
    expect(r.samples).toBe(3 * (10 - 3)); // rows of the steps that ran
    const dones = progress.map((p) => p.done);
    expect(dones.every((d, i) => i === 0 || d >= dones[i - 1])).toBe(true);
    expect(progress.every((p) => p.total === 12)).toBe(true);
    expect(progress.at(-1)).toMatchObject({
      phase: 'epoch 3/3 done',
      done: 12,
      etaSeconds: 0,
      metrics: { mlm_loss: 2, val_metric: 0.3 },
    });
    expect(progress[0]).toMatchObject({ phase: 'epoch 1/3', done: 1, metrics: { mlm_loss: 2, lr: 0.01 } });
    expect(progress.filter((p) => p.phase === 'epoch 1/3').map((p) => p.done)).toEqual([1, 2, 4]);
    expect(r.epochs.map((e) => e.steps)).toEqual([4, 8, 12]);
  });

  it('runs one fit at a time in a process', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { spec } = fakeSpec({ begin: () => gate });
    const first = fit(spec);
    await expect(fit(fakeSpec().spec)).rejects.toMatchObject({
      code: 'CONFIG',
      message: expect.stringMatching(/already in progress/),
    });
    release();
    await expect(first).resolves.toMatchObject({ steps: 12, cancelled: false });
  });
});
