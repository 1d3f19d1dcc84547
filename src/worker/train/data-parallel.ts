/**
 * Data-parallel training over worker threads. tfjs-wasm in Node runs single-threaded, so one
 * training run uses one core; here each of `workers` replicas (this thread plus workers − 1
 * worker threads, each with its own wasm backend) computes the gradient of its share of every
 * batch, the shares are summed through shared memory, and every replica applies the same Adam
 * update to its own copy of the weights (replica.ts explains why they stay identical).
 *
 * The loop around the steps is trainer.ts's `runTraining`: the same seeded shuffle, progress with
 * ETA, cancellation after every batch, early stopping restoring the best epoch, and the same
 * one-run-at-a-time guard. Only the stepper differs.
 */
import * as tf from '@tensorflow/tfjs';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { DistilleryError } from '../../shared/errors';
import { hasHostMemory } from '../backend/tfjs-backend';
import type { Student } from '../models/student';
import type { LossOptions } from './batch';
import { Replica } from './replica';
import {
  arrive,
  ARRIVE,
  CMD,
  CMD_HASH,
  CMD_STEP,
  CMD_STOP,
  COUNT,
  createLayout,
  FAILED,
  GO,
  HASH_BASE,
  type SharedLayout,
} from './replica-shared';
import type { ReplicaInit, ReplicaMessage } from './replica-worker';
import {
  runTraining,
  trainStudent,
  type BatchStepper,
  type EncodedSet,
  type TrainOptions,
  type TrainResult,
} from './trainer';

export interface ParallelTrainOptions extends TrainOptions {
  /** Replicas, counting this thread (default: os.availableParallelism()). ≤ 1 runs trainStudent. */
  workers?: number;
  /** How replicas get the updated weights (replica-shared.ts); default 'replicated'. */
  sync?: 'replicated' | 'broadcast';
}

export async function trainStudentParallel(
  student: Student,
  train: EncodedSet,
  valid: EncodedSet | undefined,
  opts: ParallelTrainOptions,
): Promise<TrainResult> {
  // No more replicas than rows in a batch; native backends (tfjs-node) already use every core.
  const replicas = Math.min(opts.workers ?? os.availableParallelism(), opts.batchSize);
  if (replicas <= 1 || !hasHostMemory()) return trainStudent(student, train, valid, opts);
  return runTraining(student, train, valid, opts, () => startStepper(student, train, opts, replicas));
}

async function startStepper(
  student: Student,
  train: EncodedSet,
  opts: ParallelTrainOptions,
  replicas: number,
): Promise<BatchStepper> {
  const names = Object.keys(student.vars).filter((k) => student.vars[k].trainable);
  const vars = names.map((k) => student.vars[k]);
  const layout = createLayout(
    replicas,
    names.map((name, i) => ({ name, shape: vars[i].shape.slice() })),
    opts.batchSize,
    train,
    opts.sync,
  );
  const loss: LossOptions = {
    classWeights: opts.classWeights,
    focalGamma: opts.focalGamma,
    alpha: opts.alpha,
    temperature: opts.temperature,
  };
  const params = student.toParams();
  // cnn-nb trains as a TextCNN until its NB head is fitted; Student.fromParams would insist on the head.
  const config =
    student.config.arch === 'cnn-nb' && !params.nb_means
      ? { ...student.config, arch: 'textcnn' as const }
      : student.config;
  const pool = new WorkerPool(layout);
  try {
    for (let rank = 1; rank < replicas; rank++) {
      // Each replica its own dropout stream: identical masks on different rows would correlate.
      const seed = (opts.seed ^ Math.imul(rank, 0x9e3779b9)) >>> 0;
      pool.spawn({
        layout,
        rank,
        backend: tf.getBackend(),
        config,
        params,
        seed,
        learningRate: opts.learningRate,
        loss,
      });
    }
    await pool.ready();
  } catch (e) {
    await pool.stop();
    throw e;
  }
  const replica = new Replica(student, vars, layout, 0, train, opts.learningRate, loss);
  const ctrl = new Int32Array(layout.ctrl);
  const rowsView = new Int32Array(layout.rows);
  let barriers = 0;
  const command = async (cmd: number, mine: () => void) => {
    Atomics.store(ctrl, CMD, cmd);
    Atomics.add(ctrl, GO, 1);
    Atomics.notify(ctrl, GO);
    mine();
    arrive(ctrl, ++barriers, replicas);
    await pool.waitArrivals(barriers * replicas);
  };
  return {
    async step(rows) {
      rowsView.set(rows);
      Atomics.store(ctrl, COUNT, rows.length);
      await command(CMD_STEP, () => replica.computeShard());
      const loss = replica.applySum();
      if (layout.sync === 'broadcast') {
        replica.publishWeights();
        arrive(ctrl, ++barriers, replicas); // the others load the weights; no need to wait for them
      }
      return loss;
    },
    async endEpoch() {
      // Cheap insurance (a few ms per epoch): identical updates must leave identical weights.
      let mine = 0;
      await command(CMD_HASH, () => (mine = replica.writeHash()));
      for (let r = 1; r < replicas; r++) {
        if (Atomics.load(ctrl, HASH_BASE + r) !== mine)
          throw new DistilleryError('INTERNAL', `data-parallel replica ${r} diverged from replica 0`);
      }
    },
    async dispose() {
      replica.dispose();
      await pool.stop();
    },
  };
}

/** The worker threads of one run, and how the main thread notices that one of them failed. */
class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly readies: Promise<void>[] = [];
  private readonly ctrl: Int32Array;
  private failure: Error | undefined;
  private failed!: Promise<void>;
  private signalFailed!: () => void;
  private stopping = false;

  constructor(layout: SharedLayout) {
    this.ctrl = new Int32Array(layout.ctrl);
    this.failed = new Promise((r) => (this.signalFailed = r));
  }

  spawn(init: ReplicaInit): void {
    const w = new Worker(new URL('./replica-worker.mjs', import.meta.url), { workerData: init });
    this.workers.push(w);
    const ready = new Promise<void>((resolve, reject) => {
      w.on('message', (m: ReplicaMessage) => {
        if (m.type === 'ready') resolve();
        else
          this.fail(
            new DistilleryError('INTERNAL', `data-parallel worker ${init.rank}: ${m.message}`, { stack: m.stack }),
            reject,
          );
      });
      w.on('error', (e) =>
        this.fail(new DistilleryError('INTERNAL', `data-parallel worker ${init.rank}: ${e.message}`), reject),
      );
      w.on('exit', (code) => {
        if (!this.stopping)
          this.fail(new DistilleryError('INTERNAL', `data-parallel worker ${init.rank} exited (code ${code})`), reject);
      });
    });
    ready.catch(() => {}); // reported through ready() or waitArrivals(), whichever comes first
    this.readies.push(ready);
  }

  private fail(e: Error, reject: (e: Error) => void): void {
    this.failure ??= e;
    Atomics.store(this.ctrl, FAILED, Atomics.load(this.ctrl, FAILED) || -1);
    this.signalFailed();
    reject(this.failure);
  }

  async ready(): Promise<void> {
    await Promise.all(this.readies);
  }

  /**
   * Waits for the barrier without blocking this thread for long: short blocking waits keep the
   * wake-up latency low, and between them the event loop runs so that a worker's 'error' or
   * 'exit' is noticed instead of waiting forever.
   */
  async waitArrivals(target: number): Promise<void> {
    for (;;) {
      const v = Atomics.load(this.ctrl, ARRIVE);
      if (v >= target) return;
      if (Atomics.load(this.ctrl, FAILED) !== 0) {
        // The worker flags the failure in shared memory before its message can arrive.
        await Promise.race([this.failed, new Promise((r) => setTimeout(r, 2000))]);
        throw this.failure ?? new DistilleryError('INTERNAL', 'a data-parallel worker failed');
      }
      if (Atomics.wait(this.ctrl, ARRIVE, v, 20) === 'timed-out') await new Promise((r) => setImmediate(r));
    }
  }

  /** Tells the workers to stop, wakes any that wait at a barrier, and ends the threads. */
  async stop(): Promise<void> {
    this.stopping = true;
    Atomics.store(this.ctrl, CMD, CMD_STOP);
    if (Atomics.load(this.ctrl, FAILED) === 0) Atomics.store(this.ctrl, FAILED, -1);
    Atomics.add(this.ctrl, GO, 1);
    Atomics.notify(this.ctrl, GO);
    Atomics.notify(this.ctrl, ARRIVE);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
