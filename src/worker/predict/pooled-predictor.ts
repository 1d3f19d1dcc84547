/**
 * Prediction on every core from one process: N onnxruntime sessions of one thread each, on worker
 * threads (predict-pool-worker.mjs), the main thread tokenizing and writing. One session with N
 * intra-op threads spent 1.7–1.8× the CPU per document on the short length-bucketed batches
 * (bench/predict-speed.md); N single-thread sessions run N batches side by side instead, as N
 * `predict --threads 1` processes would, without splitting the input.
 */
import { readFile } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { ModelFolderError } from '../../shared/errors';
import { sessionOptions, toInt64 } from '../backend/onnx-runtime';
import { padMarginOf } from '../export/onnx/pad-margin';
import { decodeModel } from '../export/onnx/proto';

type Reply = { id: number; probs?: Float32Array; error?: string };

interface PoolWorker {
  worker: Worker;
  busy: number;
}

/** Structurally a Predictor (predictor.ts), which imports this file. */
export class PooledOnnxPredictor {
  readonly engine = 'onnxruntime';
  private next = 0;
  private readonly waiting = new Map<number, { resolve: (p: Float32Array) => void; reject: (e: Error) => void }>();
  private readonly inFlight = new Set<Promise<Float32Array>>();

  private constructor(
    private readonly workers: PoolWorker[],
    readonly padMargin: number | null,
  ) {
    for (const w of workers) {
      w.worker.on('message', (m: Reply) => {
        const p = this.waiting.get(m.id);
        if (!p) return;
        this.waiting.delete(m.id);
        w.busy--;
        if (m.probs) p.resolve(m.probs);
        else p.reject(new Error(`onnxruntime (worker): ${m.error}`));
      });
      w.worker.on('error', (e) => this.failAll(e));
    }
  }

  /** `sessions` workers, each one session on one thread (sleeping, no memory arena: as OnnxPredictor's). */
  static async open(model: string | Uint8Array, sessions: number): Promise<PooledOnnxPredictor> {
    const file = typeof model === 'string' ? model : undefined;
    const bytes = typeof model === 'string' ? await readFile(model) : model;
    const options = sessionOptions({ threads: 1, spinning: false, arena: false });
    const workers: PoolWorker[] = [];
    try {
      const started = Array.from({ length: Math.max(1, sessions) }, () => {
        const worker = new Worker(new URL('./predict-pool-worker.mjs', import.meta.url), {
          workerData: { model: bytes, options },
        });
        workers.push({ worker, busy: 0 });
        return new Promise<boolean>((resolve, reject) => {
          worker.once('message', (m: { type: string; dynamicT?: boolean; message?: string }) =>
            m.type === 'ready' ? resolve(Boolean(m.dynamicT)) : reject(new Error(m.message)),
          );
          worker.once('error', reject);
        });
      });
      // Every worker settles before any is terminated: terminating one inside onnxruntime's model
      // loading aborted the whole process (a FATAL napi error, seen once in CI with a broken model).
      const settled = await Promise.allSettled(started);
      const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      const dynamicT = (settled[0] as PromiseFulfilledResult<boolean>).value;
      // The declared margin counts only where the graph's sequence dimension really is dynamic.
      const margin = dynamicT ? padMarginOf(decodeModel(bytes)) : null;
      return new PooledOnnxPredictor(workers, margin);
    } catch (e) {
      await Promise.all(workers.map((w) => w.worker.terminate()));
      throw new ModelFolderError(`cannot load ONNX model${file ? ' ' + file : ''}: ${(e as Error).message}`, { file });
    }
  }

  /** Runs on the least busy worker; batches may be in flight on every worker at once. */
  predict(ids: Int32Array, n: number, T: number): Promise<Float32Array> {
    const w = this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.next++;
    // Just these rows as int64 (a view would clone its whole buffer), handed over without a copy.
    const rows = toInt64(ids.subarray(0, n * T));
    const done = new Promise<Float32Array>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      w.busy++;
      w.worker.postMessage({ id, ids: rows, n, T }, [rows.buffer as ArrayBuffer]);
    });
    this.inFlight.add(done);
    const forget = () => this.inFlight.delete(done);
    done.then(forget, forget);
    return done;
  }

  private failAll(e: Error): void {
    for (const p of this.waiting.values()) p.reject(e);
    this.waiting.clear();
  }

  async dispose(): Promise<void> {
    // Nothing is terminated inside a native run (see open): in-flight batches finish first.
    await Promise.allSettled([...this.inFlight]);
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
