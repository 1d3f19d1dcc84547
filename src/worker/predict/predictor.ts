/**
 * Probabilities for encoded rows, from a model folder: through onnxruntime-node (model.onnx, the
 * default, fastest on CPU) or through the tfjs student (what training used; also the parity
 * reference for the ONNX file).
 */
import type * as ort from 'onnxruntime-node';
import { ModelFolderError } from '../../shared/errors';
import { createOnnxSession, idsTensor } from '../backend/onnx-runtime';
import type { LoadedModel } from '../export/model-folder';
import { Student } from '../models/student';

export interface Predictor {
  readonly engine: 'onnxruntime' | 'tfjs';
  /** n rows of T ids → n × C probabilities. */
  predict(ids: Int32Array, n: number, T: number): Promise<Float32Array>;
  dispose(): Promise<void>;
}

export class OnnxPredictor implements Predictor {
  readonly engine = 'onnxruntime';
  private constructor(private readonly session: ort.InferenceSession) {}

  /** Prediction runs batch after batch: ORT's threads sleep between runs rather than spin (see SessionOptions). */
  static async open(model: string | Uint8Array, threads?: number): Promise<OnnxPredictor> {
    try {
      return new OnnxPredictor(await createOnnxSession(model, { threads, spinning: false }));
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

/** ONNX when the folder has model.onnx (unless tfjs is asked for), else tfjs. */
export async function openPredictor(m: LoadedModel, engine: 'onnx' | 'tfjs' | 'auto' = 'auto'): Promise<Predictor> {
  if (engine !== 'tfjs' && m.onnxPath) return OnnxPredictor.open(m.onnxPath);
  if (engine === 'onnx')
    throw new ModelFolderError(`${m.dir} has no model.onnx; run \`distillery export --format onnx\``, { file: m.dir });
  return TfjsPredictor.fromModel(m);
}

/** Runs a predictor over many rows in batches. */
export async function predictAll(
  p: Predictor,
  ids: Int32Array,
  n: number,
  T: number,
  C: number,
  batch = 256,
): Promise<Float32Array> {
  const out = new Float32Array(n * C);
  for (let s = 0; s < n; s += batch) {
    const m = Math.min(batch, n - s);
    out.set(await p.predict(ids.subarray(s * T, (s + m) * T), m, T), s * C);
  }
  return out;
}
