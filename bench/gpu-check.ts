/**
 * GPU readiness check (issue #11 item 5), one command: `npm run gpu-check`. Reports what this machine
 * has for the two GPU rungs of the ladder — tfjs-node-gpu (training) and onnxruntime's CUDA provider
 * (pre-labeling and `predict`) — and, for each that starts, times a small job beside the CPU path.
 * Prints one JSON object; exits 0 whatever it finds (a missing GPU is an answer, not a failure).
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import * as ort from 'onnxruntime-node';
import { createOnnxSession, idsTensor } from '../src/worker/backend/onnx-runtime';
import { initBackend } from '../src/worker/backend/tfjs-backend';
import { BENCH_CONFIG, trainRate } from '../src/worker/bench/bench';
import { exportStudentToOnnx } from '../src/worker/export/onnx/export-student';
import { makeStudentConfig } from '../src/worker/models/registry';
import { Student } from '../src/worker/models/student';

const why = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 300);
const report: Record<string, unknown> = {
  at: new Date().toISOString(),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}`,
};

// 1. The driver's view.
try {
  report.nvidia_smi = execFileSync(
    'nvidia-smi',
    ['--query-gpu=name,memory.total,driver_version,compute_cap', '--format=csv,noheader'],
    { encoding: 'utf8', timeout: 20_000 },
  )
    .trim()
    .split('\n');
} catch (e) {
  report.nvidia_smi = `not found or failed: ${why(e)}`;
}

// 2. Training: tfjs-node-gpu (CUDA libtensorflow). A TextCNN training rate at the bench config.
const seconds = 3;
try {
  const info = await initBackend('tensorflow-gpu');
  const c = { ...BENCH_CONFIG, seconds };
  report.tfjs_gpu = {
    backend: info.tfName,
    textcnn_train_samples_per_s: Math.round(await trainRate('textcnn', c)),
    bilstm_train_samples_per_s: Math.round(await trainRate('bilstm', c)),
  };
} catch (e) {
  report.tfjs_gpu = `not available: ${why(e)}`;
}

// 3. Inference: onnxruntime's CUDA provider against its CPU provider, the same exported TextCNN.
report.onnxruntime_backends = ort.listSupportedBackends().map((b) => `${b.name}${b.bundled ? '' : ' (add-on)'}`);
const config = makeStudentConfig(
  'textcnn',
  { vocabSize: BENCH_CONFIG.vocab, maxLen: 70, numClasses: 2, multiLabel: false },
  { embedDim: 128, filterSizes: [2, 3, 4, 5], numFilters: 64, dropout: 0 },
);
const student = Student.create(config, 1);
const bytes = exportStudentToOnnx(config, student.toParams());
student.dispose();
const batch = 256;
const ids = Int32Array.from({ length: batch * 70 }, (_, i) => 2 + ((i * 7919) % (BENCH_CONFIG.vocab - 2)));
async function docsPerSecond(provider: 'cpu' | 'cuda'): Promise<number> {
  const session = await createOnnxSession(bytes, { provider });
  try {
    const feeds = { input_ids: idsTensor(ids, batch, 70) };
    await session.run(feeds);
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < seconds * 1000) {
      await session.run(feeds);
      n += batch;
    }
    return Math.round(n / ((performance.now() - t0) / 1000));
  } finally {
    await session.release();
  }
}
report.onnx_cpu_docs_per_s = await docsPerSecond('cpu');
try {
  report.onnx_cuda_docs_per_s = await docsPerSecond('cuda');
} catch (e) {
  report.onnx_cuda_docs_per_s = `not available: ${why(e)} (a CUDA workstation: npm install --onnxruntime-node-install=cuda12)`;
}

console.log(JSON.stringify(report, null, 2));
