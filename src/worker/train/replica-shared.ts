/**
 * The shared memory of a data-parallel run and its synchronisation, used by the main thread and
 * the worker threads alike (data-parallel.ts, replica.ts, replica-worker.ts).
 *
 * Protocol, per command: the main thread writes the command (and for a step, the batch's rows),
 * bumps GO and notifies; every replica (the main thread included) does its part, then arrives at a
 * barrier (ARRIVE, a counter that only grows: the k-th barrier is passed when it reaches k·n).
 * Gradient slots are double-buffered by step parity, so a fast replica can write step k+1 while a
 * slow one still reads step k; it cannot get further ahead, because step k+2 needs the main
 * thread to pass barrier k+1, which needs every replica to have finished reading step k.
 */
import type { EncodedSet } from './trainer';

/** Int32 control words. */
export const GO = 0;
export const CMD = 1;
export const COUNT = 2;
export const ARRIVE = 3;
/** 1 + the rank of a worker that failed (it also posts the error), else 0. */
export const FAILED = 4;
/** Per replica: a hash of its weights (CMD_HASH). */
export const HASH_BASE = 8;

export const CMD_STEP = 1;
export const CMD_HASH = 2;
export const CMD_STOP = 3;

export interface VarSlot {
  name: string;
  shape: number[];
  offset: number;
  size: number;
}

/** Everything a replica needs to find its way around the shared buffers (structured-cloneable). */
export interface SharedLayout {
  replicas: number;
  /** Total trainable scalars: the length of one gradient slot. */
  P: number;
  vars: VarSlot[];
  ctrl: SharedArrayBuffer;
  /** Int32 [batchSize]: the current batch's rows. */
  rows: SharedArrayBuffer;
  /** Float32 [2 parities][replicas][P]. */
  grads: SharedArrayBuffer;
  /** Float64 [2 parities][replicas]: each shard's share of the batch loss. */
  losses: SharedArrayBuffer;
  /**
   * 'replicated': every replica sums the shards and applies Adam itself (the default: nothing
   * idles, nothing is copied back). 'broadcast': replica 0 applies Adam and publishes the weights
   * in `weights` (Float32 [P]), which the others load: slower (see bench/data-parallel.bench.ts),
   * but it does not rely on every thread's kernels producing bit-identical results.
   */
  sync: 'replicated' | 'broadcast';
  weights?: SharedArrayBuffer;
  /** The training set, copied once into shared memory. */
  train: {
    ids: SharedArrayBuffer;
    hard: SharedArrayBuffer;
    hardFloat: boolean;
    teacher?: SharedArrayBuffer;
    weights?: SharedArrayBuffer;
    alphas?: SharedArrayBuffer;
    n: number;
    T: number;
  };
}

export function createLayout(
  replicas: number,
  vars: { name: string; shape: number[] }[],
  batchSize: number,
  train: EncodedSet,
  sync: SharedLayout['sync'] = 'replicated',
): SharedLayout {
  let P = 0;
  const slots = vars.map((v) => {
    const size = v.shape.reduce((a, b) => a * b, 1);
    const s = { name: v.name, shape: v.shape, offset: P, size };
    P += size;
    return s;
  });
  return {
    replicas,
    P,
    vars: slots,
    ctrl: new SharedArrayBuffer(4 * (HASH_BASE + replicas)),
    rows: new SharedArrayBuffer(4 * batchSize),
    grads: new SharedArrayBuffer(4 * 2 * replicas * P),
    losses: new SharedArrayBuffer(8 * 2 * replicas),
    sync,
    weights: sync === 'broadcast' ? new SharedArrayBuffer(4 * P) : undefined,
    train: {
      ids: shareCopy(train.ids),
      hard: shareCopy(train.hard),
      hardFloat: train.hard instanceof Float32Array,
      teacher: train.teacher ? shareCopy(train.teacher) : undefined,
      weights: train.weights ? shareCopy(train.weights) : undefined,
      alphas: train.alphas ? shareCopy(train.alphas) : undefined,
      n: train.n,
      T: train.T,
    },
  };
}

function shareCopy(a: Int32Array | Float32Array): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(a.byteLength);
  new Uint8Array(sab).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return sab;
}

/** The training set as seen by a worker: views on the shared copy. */
export function sharedTrainSet(l: SharedLayout): EncodedSet {
  const t = l.train;
  return {
    ids: new Int32Array(t.ids),
    n: t.n,
    T: t.T,
    hard: t.hardFloat ? new Float32Array(t.hard) : new Int32Array(t.hard),
    teacher: t.teacher ? new Float32Array(t.teacher) : undefined,
    weights: t.weights ? new Float32Array(t.weights) : undefined,
    alphas: t.alphas ? new Float32Array(t.alphas) : undefined,
  };
}

/** Rows [lo, hi) of a count-row batch that replica `rank` of `n` takes. */
export function shardRange(count: number, rank: number, n: number): [number, number] {
  return [Math.floor((rank * count) / n), Math.floor(((rank + 1) * count) / n)];
}

/** Adds this replica's arrival at barrier number `k` (1-based) and wakes the others if it was last. */
export function arrive(ctrl: Int32Array, k: number, n: number): void {
  if (Atomics.add(ctrl, ARRIVE, 1) + 1 === k * n) Atomics.notify(ctrl, ARRIVE);
}

/**
 * Blocks until ARRIVE reaches `target` (workers). Returns false when a replica failed meanwhile.
 * The main thread uses data-parallel.ts's async variant instead, to keep noticing dead workers.
 */
export function waitArrivals(ctrl: Int32Array, target: number): boolean {
  for (;;) {
    const v = Atomics.load(ctrl, ARRIVE);
    if (v >= target) return true;
    if (Atomics.load(ctrl, FAILED) !== 0) return false;
    Atomics.wait(ctrl, ARRIVE, v);
  }
}

/** FNV-1a over the float bits: replicas that apply identical updates must agree exactly. */
export function hashFloats(h: number, data: Float32Array): number {
  const u = new Uint32Array(data.buffer, data.byteOffset, data.length);
  for (let i = 0; i < u.length; i++) h = Math.imul(h ^ u[i], 0x01000193);
  return h | 0;
}
