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
  /**
   * Let ORT's pool threads busy-wait between ops (ORT's default). Off for batch prediction: on a
   * shared 2-core machine the spinning threads took 630 CPU-µs per TextCNN document against 290
   * without (bench/predict-speed.md), and were slower in wall time too.
   */
  spinning?: boolean;
  /**
   * ORT's CPU memory arena (its default). Off for length-bucketed prediction: batches of many
   * shapes grew the arena with the input (a 64-filter TextCNN's `predict`: max RSS 273 MB at 100k
   * lines, 388 MB at 1M; without the arena 320 and 328 MB, and no slower: 199 → 171 CPU-µs/doc at 1M).
   */
  arena?: boolean;
}

/** The ORT session options for `opts` (separate so that tests can check them). */
export function sessionOptions(opts: SessionOptions = {}): ort.InferenceSession.SessionOptions {
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: [opts.provider ?? 'cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: opts.threads ?? os.availableParallelism(),
    interOpNumThreads: 1,
  };
  if (opts.arena === false) options.enableCpuMemArena = false;
  if (opts.spinning === false)
    options.extra = { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } };
  return options;
}

export async function createOnnxSession(
  model: string | Uint8Array,
  opts: SessionOptions = {},
): Promise<ort.InferenceSession> {
  const options = sessionOptions(opts);
  return typeof model === 'string'
    ? ort.InferenceSession.create(model, options)
    : ort.InferenceSession.create(model, options);
}

/** input_ids as the int64 tensor our exported models take. */
export function idsTensor(ids: Int32Array, n: number, T: number): ort.Tensor {
  return new ort.Tensor('int64', toInt64(ids), [n, T]);
}

const LITTLE_ENDIAN = os.endianness() === 'LE';

/**
 * Int32 → int64 by writing the two 32-bit halves of each value (low word, then the sign): about 6×
 * faster than a BigInt per value, which cost ~55 ms per 1,000 documents of 70 ids on the shared
 * 2-core machine, as much as the whole budget of a 20,000 docs/s student predict.
 */
export function toInt64(ids: Int32Array): BigInt64Array {
  const out = new BigInt64Array(ids.length);
  if (!LITTLE_ENDIAN) {
    for (let i = 0; i < ids.length; i++) out[i] = BigInt(ids[i]);
    return out;
  }
  const words = new Int32Array(out.buffer);
  for (let i = 0; i < ids.length; i++) {
    words[2 * i] = ids[i];
    words[2 * i + 1] = ids[i] >> 31;
  }
  return out;
}

export { ort };
