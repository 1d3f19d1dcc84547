// ORT alone on one model: CPU-µs and wall-µs per document by threads, batch and spinning
// (bench/predict-speed.md). Usage: [NOSPIN=1] node bench/predict-ort-threads.mjs MODEL.onnx THREADS BATCH RUNS
import * as ort from 'onnxruntime-node';
const [, , model, threads, batch, reps] = process.argv;
const s = await ort.InferenceSession.create(model, {
  executionProviders: ['cpu'],
  graphOptimizationLevel: 'all',
  intraOpNumThreads: +threads,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  ...(process.env.NOSPIN
    ? { extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } } }
    : {}),
});
const B = +batch,
  T = 70;
const ids = new BigInt64Array(B * T);
for (let i = 0; i < B; i++) for (let t = 0; t < 25; t++) ids[i * T + t] = BigInt(2 + ((i * 7 + t * 13) % 1900));
const x = new ort.Tensor('int64', ids, [B, T]);
await s.run({ input_ids: x });
const c0 = process.cpuUsage(),
  t0 = performance.now();
const N = +reps;
for (let r = 0; r < N; r++) await s.run({ input_ids: x });
const c = process.cpuUsage(c0),
  w = performance.now() - t0;
console.log(
  `threads ${threads} batch ${B}: CPU-us/doc ${((c.user + c.system) / (N * B)).toFixed(1)}  wall-us/doc ${((w * 1000) / (N * B)).toFixed(1)}`,
);
