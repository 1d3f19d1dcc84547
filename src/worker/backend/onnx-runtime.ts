/**
 * The one place that creates onnxruntime-node sessions. CPU execution provider with every core by
 * default; a CUDA build of onnxruntime-node (installed with --onnxruntime-node-install=cuda12) can
 * be asked for with provider 'cuda'.
 */
import os from 'node:os';
import * as ort from 'onnxruntime-node';

export interface SessionOptions {
  threads?: number;
  provider?: 'cpu' | 'cuda';
}

export async function createOnnxSession(model: string | Uint8Array, opts: SessionOptions = {}): Promise<ort.InferenceSession> {
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: [opts.provider ?? 'cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: opts.threads ?? os.availableParallelism(),
    interOpNumThreads: 1,
  };
  return typeof model === 'string' ? ort.InferenceSession.create(model, options) : ort.InferenceSession.create(model, options);
}

/** input_ids as the int64 tensor our exported models take. */
export function idsTensor(ids: Int32Array, n: number, T: number): ort.Tensor {
  return new ort.Tensor('int64', BigInt64Array.from(ids, (v) => BigInt(v)), [n, T]);
}

export { ort };
