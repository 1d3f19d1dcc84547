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

parentPort.on('message', async ({ id, ids, n, T }) => {
  try {
    // ids: the rows as int64 already (toInt64 in the main thread, a few ms per million documents).
    const out = await session.run({ input_ids: new ort.Tensor('int64', ids, [n, T]) });
    // A copy the worker owns, handed over without another copy.
    const probs = Float32Array.from(out.probs.data);
    parentPort.postMessage({ id, probs }, [probs.buffer]);
  } catch (e) {
    parentPort.postMessage({ id, error: e instanceof Error ? e.message : String(e) });
  }
});
