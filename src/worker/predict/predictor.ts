/**
 * Probabilities for encoded rows, from a model folder: through onnxruntime-node (model.onnx, the
 * default, fastest on CPU) or through the tfjs student (what training used; also the parity
 * reference for the ONNX file).
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import type * as ort from 'onnxruntime-node';
import { ModelFolderError } from '../../shared/errors';
import { createOnnxSession, idsTensor } from '../backend/onnx-runtime';
import type { LoadedModel } from '../export/model-folder';
import { padMarginOf } from '../export/onnx/pad-margin';
import { decodeModel } from '../export/onnx/proto';
import { Student } from '../models/student';
import { bucketedBatches } from './length-buckets';
import { PooledOnnxPredictor } from './pooled-predictor';

export interface Predictor {
  readonly engine: 'onnxruntime' | 'tfjs';
  /**
   * Rows may be cut to min(T, longest row + padMargin) ids with the same result (pad-margin.ts);
   * null: every row must be the model's full T.
   */
  readonly padMargin: number | null;
  /** n rows of T ids → n × C probabilities. */
  predict(ids: Int32Array, n: number, T: number): Promise<Float32Array>;
  dispose(): Promise<void>;
}

/** The model's declared margin where its input really has a dynamic sequence dimension, else null. */
function sessionPadMargin(session: ort.InferenceSession, model: Uint8Array): number | null {
  const input = session.inputMetadata.find((m) => m.name === 'input_ids');
  if (!input?.isTensor || typeof input.shape[1] !== 'string') return null;
  return padMarginOf(decodeModel(model));
}

export class OnnxPredictor implements Predictor {
  readonly engine = 'onnxruntime';
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly padMargin: number | null,
  ) {}

  /**
   * Prediction runs batch after batch: ORT's threads sleep between runs rather than spin, and no
   * memory arena keeps the buffers of every batch shape the length buckets make (see SessionOptions).
   */
  static async open(model: string | Uint8Array, threads?: number): Promise<OnnxPredictor> {
    try {
      const bytes = typeof model === 'string' ? await readFile(model) : model;
      const session = await createOnnxSession(bytes, { threads, spinning: false, arena: false });
      return new OnnxPredictor(session, sessionPadMargin(session, bytes));
    } catch (e) {
      const file = typeof model === 'string' ? model : undefined;
      throw new ModelFolderError(`cannot load ONNX model${file ? ' ' + file : ''}: ${(e as Error).message}`, { file });
    }
  }

  async predict(ids: Int32Array, n: number, T: number): Promise<Float32Array> {
    const out = await this.session.run({ input_ids: idsTensor(ids, n, T) });
    return out.probs.data as Float32Array;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

export class TfjsPredictor implements Predictor {
  readonly engine = 'tfjs';
  readonly padMargin = null;
  constructor(private readonly student: Student) {}

  static fromModel(m: LoadedModel): TfjsPredictor {
    return new TfjsPredictor(Student.fromParams(m.config.student, m.params));
  }

  async predict(ids: Int32Array, n: number): Promise<Float32Array> {
    return this.student.predictProbs(ids, n);
  }

  async dispose(): Promise<void> {
    this.student.dispose();
  }
}

/**
 * An ONNX predictor for a batch run on `cores` cores (default: every core): with more than one,
 * that many one-thread sessions on worker threads (pooled-predictor.ts), else one session.
 */
export async function openBatchOnnxPredictor(model: string | Uint8Array, cores?: number): Promise<Predictor> {
  const n = cores ?? os.availableParallelism();
  return n > 1 ? PooledOnnxPredictor.open(model, n) : OnnxPredictor.open(model, 1);
}

/** ONNX when the folder has model.onnx (unless tfjs is asked for), else tfjs. */
export async function openPredictor(
  m: LoadedModel,
  engine: 'onnx' | 'tfjs' | 'auto' = 'auto',
  /** onnxruntime's threads (default: every core). */
  threads?: number,
  /** A batch run (`predict`): the cores as one-thread sessions on worker threads (openBatchOnnxPredictor). */
  batchRun = false,
): Promise<Predictor> {
  if (engine !== 'tfjs' && m.onnxPath)
    return batchRun ? openBatchOnnxPredictor(m.onnxPath, threads) : OnnxPredictor.open(m.onnxPath, threads);
  if (engine === 'onnx')
    throw new ModelFolderError(`${m.dir} has no model.onnx; run \`distillery export --format onnx\``, { file: m.dir });
  return TfjsPredictor.fromModel(m);
}

/**
 * Runs a predictor over n rows of T ids in batches; probabilities come back in input order. Where
 * the predictor allows it (padMargin), batches are formed from rows sorted by length and cut to
 * their longest row plus the margin (length-buckets.ts).
 */
export async function predictAll(
  p: Predictor,
  ids: Int32Array,
  n: number,
  T: number,
  C: number,
  batch = 256,
): Promise<Float32Array> {
  const out = new Float32Array(n * C);
  // All of them at once: a pooled predictor runs one per worker side by side, others one by one.
  await Promise.all(
    Array.from(bucketedBatches(ids, n, T, batch, p.padMargin), async (b) => {
      const probs = await p.predict(b.ids, b.rows.length, b.T);
      b.rows.forEach((r, j) => out.set(probs.subarray(j * C, (j + 1) * C), r * C));
    }),
  );
  return out;
}
