/**
 * One replica of a data-parallel run: a Student, its own Adam, and its view of the shared memory.
 * The main thread and every worker thread hold one each and run the same commands in the same
 * order (replica-shared.ts), so their weights stay bit-identical without ever being broadcast:
 *
 *   step:  computeShard()  — gradient of this replica's rows (losses normalised by the WHOLE
 *                            batch's counts, so shard gradients add up to the batch gradient)
 *                            written to its slot;
 *          (barrier)
 *          applySum()      — the slots summed in rank order (the same bits on every replica), then
 *                            HostAdam (tf.train.adam's update, fused): the same optimiser trainStudent uses.
 *
 * With layout.sync 'broadcast', only replica 0 runs applySum; it then publishWeights() and the
 * others skipUpdate() and loadWeights() (slower: they idle during the update and copy weights in).
 */
import * as tf from '@tensorflow/tfjs';
import { HostAdam } from './host-adam';
import type { Student } from '../models/student';
import { batchLoss, batchTotals, takeRows, type LossOptions } from './batch';
import { COUNT, HASH_BASE, hashFloats, shardRange, type SharedLayout } from './replica-shared';
import type { EncodedSet } from './trainer';

/**
 * A float32 tensor's values, without a copy where the backend allows: on wasm a view of its heap,
 * valid only until the next tf op (copy it out at once); elsewhere dataSync's copy. Each dataSync
 * is a fresh ArrayBuffer, and ArrayBuffer churn is what drives V8's (concurrent) mark-compacts in
 * this training loop.
 */
function hostValues(t: tf.Tensor): Float32Array {
  const backend = tf.backend() as unknown as { typedArrayFromHeap?: (t: tf.TensorInfo) => Float32Array };
  if (tf.getBackend() === 'wasm' && backend.typedArrayFromHeap) return backend.typedArrayFromHeap(t);
  return t.dataSync() as Float32Array;
}

export class Replica {
  private readonly optimizer: tf.Optimizer;
  private readonly ctrl: Int32Array;
  private readonly rows: Int32Array;
  private readonly grads: Float32Array;
  private readonly losses: Float64Array;
  private readonly n: number;
  /** Step commands done: the parity picks the gradient slot. */
  private steps = 0;
  /** This replica's own shard gradients (layout order) between computeShard and applySum. */
  private own: (tf.Tensor | undefined)[] = [];
  /**
   * The step's batch size, read before the barrier: after it, the main thread may already be
   * writing the next step's COUNT while this replica is still summing.
   */
  private count = 0;

  constructor(
    private readonly student: Student,
    /** The trainable variables, in layout order. */
    private readonly vars: tf.Variable[],
    private readonly layout: SharedLayout,
    private readonly rank: number,
    private readonly train: EncodedSet,
    learningRate: number,
    private readonly lossOpts: LossOptions,
  ) {
    this.optimizer = new HostAdam(learningRate);
    this.ctrl = new Int32Array(layout.ctrl);
    this.rows = new Int32Array(layout.rows);
    this.grads = new Float32Array(layout.grads);
    this.losses = new Float64Array(layout.losses);
    this.n = layout.replicas;
  }

  private slotBase(parity: number, rank: number): number {
    return (parity * this.n + rank) * this.layout.P;
  }

  /** Gradient of this replica's shard of the current batch, into its slot for this step. */
  computeShard(): void {
    const count = (this.count = Atomics.load(this.ctrl, COUNT));
    const batchRows = this.rows.subarray(0, count);
    const [lo, hi] = shardRange(count, this.rank, this.n);
    const parity = this.steps & 1;
    const base = this.slotBase(parity, this.rank);
    this.losses[parity * this.n + this.rank] = 0;
    if (hi === lo) return; // more replicas than rows (a short last batch): this slot is skipped
    const C = this.student.config.numClasses;
    const multi = this.student.config.multiLabel;
    const totals = batchTotals(this.train, batchRows, C, multi);
    const shard = takeRows(this.train, batchRows.subarray(lo, hi), C, multi);
    const { value, grads } = tf.variableGrads(
      () => batchLoss(this.student, shard, this.train.T, this.lossOpts, totals),
      this.vars,
    );
    this.own = this.vars.map((v) => grads[v.name]);
    this.layout.vars.forEach((slot, i) => {
      const g = this.own[i];
      const dst = this.grads.subarray(base + slot.offset, base + slot.offset + slot.size);
      // A variable the loss does not reach has no gradient: its share is zero.
      if (g) dst.set(hostValues(g));
      else dst.fill(0);
    });
    this.losses[parity * this.n + this.rank] = value.dataSync()[0];
    value.dispose();
  }

  /** After every replica has computed its shard: sum the slots, apply Adam. Returns the batch loss. */
  applySum(): number {
    const count = this.count;
    const parity = this.steps & 1;
    const active = Array.from({ length: this.n }, (_, r) => r).filter((r) => {
      const [lo, hi] = shardRange(count, r, this.n);
      return hi > lo;
    });
    const named: tf.NamedTensorMap = {};
    tf.tidy(() => {
      this.layout.vars.forEach((slot, i) => {
        let sum: tf.Tensor | undefined;
        // Rank order on every replica; a replica's own slot holds exactly its own tensor's values,
        // so using the tensor saves a copy without changing a bit of the sum.
        for (const r of active) {
          const base = this.slotBase(parity, r) + slot.offset;
          const own = r === this.rank ? this.own[i] : undefined;
          const t = own ?? tf.tensor(this.grads.subarray(base, base + slot.size), slot.shape);
          sum = sum ? tf.add(sum, t) : t;
        }
        named[this.vars[i].name] = tf.keep(sum!);
      });
    });
    this.optimizer.applyGradients(named);
    tf.dispose(Object.values(named));
    tf.dispose(this.own.filter((t): t is tf.Tensor => t !== undefined));
    this.own = [];
    let loss = 0;
    for (let r = 0; r < this.n; r++) loss += this.losses[parity * this.n + r];
    this.steps++;
    return loss;
  }

  /** Broadcast mode, replicas > 0: drop this step's own gradients; the weights come from replica 0. */
  skipUpdate(): void {
    tf.dispose(this.own.filter((t): t is tf.Tensor => t !== undefined));
    this.own = [];
    this.steps++;
  }

  /** Broadcast mode, replica 0, after applySum: the updated weights into shared memory. */
  publishWeights(): void {
    const w = new Float32Array(this.layout.weights!);
    this.layout.vars.forEach((slot, i) => w.set(hostValues(this.vars[i]), slot.offset));
  }

  /** Broadcast mode, replicas > 0: the weights replica 0 published. */
  loadWeights(): void {
    const w = new Float32Array(this.layout.weights!);
    this.layout.vars.forEach((slot, i) => {
      const t = tf.tensor(w.subarray(slot.offset, slot.offset + slot.size), slot.shape);
      this.vars[i].assign(t);
      t.dispose();
    });
  }

  /** A hash of this replica's weights, published for the main thread to compare. */
  writeHash(): number {
    let h = 0x811c9dc5 | 0;
    for (const v of this.vars) h = hashFloats(h, hostValues(v));
    Atomics.store(this.ctrl, HASH_BASE + this.rank, h);
    return h;
  }

  dispose(): void {
    tf.dispose(this.own.filter((t): t is tf.Tensor => t !== undefined));
    this.optimizer.dispose();
  }
}
