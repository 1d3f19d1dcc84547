// Worker-thread entry of a PooledOnnxPredictor (pooled-predictor.ts): one onnxruntime session on one
// thread, fed batches by the main thread. Plain JavaScript on purpose: it needs nothing but
// onnxruntime-node, so it starts without registering a TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';

const { model, options } = workerData;
let session;
try {
  session = await ort.InferenceSession.create(model, options);
  const input = session.inputMetadata.find((m) => m.name === 'input_ids');
  parentPort.postMessage({ type: 'ready', dynamicT: Boolean(input?.isTensor && typeof input.shape[1] === 'string') });
} catch (e) {
  parentPort.postMessage({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** As toInt64 in backend/onnx-runtime.ts: each int32 written as the low word, its sign as the high word. */
function toInt64(ids) {
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

parentPort.on('message', async ({ id, ids, n, T }) => {
  try {
    const big = toInt64(ids);
    const out = await session.run({ input_ids: new ort.Tensor('int64', big, [n, T]) });
    // A copy the worker owns, handed over without another copy.
    const probs = Float32Array.from(out.probs.data);
    parentPort.postMessage({ id, probs }, [probs.buffer]);
  } catch (e) {
    parentPort.postMessage({ id, error: e instanceof Error ? e.message : String(e) });
  }
});
