/**
 * `distillery bench`: training and inference throughput of the students on one fixed config,
 * measured in one run beside a PyTorch reference (bench/pytorch_reference.py) on the same config.
 * Numbers, not assertions: nothing here fails on a slow machine.
 */
import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend/tfjs-backend';
import { createOnnxSession, idsTensor } from '../backend/onnx-runtime';
import { nativeKernels, nativeKernelsStatus } from '../backend/native-kernels';
import { textcnnConv } from '../models/arch/textcnn';
import { exportStudentToOnnx } from '../export/onnx/export-student';
import { makeStudentConfig } from '../models/registry';
import { Student } from '../models/student';
import { HostAdam } from '../train/host-adam';
import { singleLabelLoss } from '../train/losses';

const run = promisify(execFile);

export const BENCH_CONFIG = {
  vocab: 5000,
  embed: 128,
  hidden: 128,
  layers: 1,
  seq_len: 48,
  batch: 32,
  classes: 2,
  filters: [2, 3, 4, 5],
  num_filters: 128,
  infer_batch: 256,
  threads: os.availableParallelism(),
  seconds: 8,
};
export type BenchConfig = typeof BENCH_CONFIG;

function studentFor(arch: 'bilstm' | 'textcnn', c: BenchConfig): Student {
  const config = makeStudentConfig(
    arch,
    { vocabSize: c.vocab, maxLen: c.seq_len, numClasses: c.classes, multiLabel: false },
    {
      embedDim: c.embed,
      hidden: c.hidden,
      layers: c.layers,
      filterSizes: c.filters,
      numFilters: c.num_filters,
      dropout: 0,
    },
  );
  return Student.create(config, 1);
}

function randomIds(n: number, c: BenchConfig, seed = 3): Int32Array {
  let s = seed;
  // Full-length rows (no padding), like the PyTorch reference.
  return Int32Array.from({ length: n * c.seq_len }, () => 2 + ((s = (s * 1103515245 + 12345) >>> 0) % (c.vocab - 2)));
}

/** Runs f with environment variables set (the TextCNN implementation, native kernels on/off). */
async function withEnv<T>(vars: Record<string, string>, f: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await f();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

async function timed(step: () => Promise<void> | void, perStep: number, seconds: number): Promise<number> {
  for (let i = 0; i < 2; i++) await step();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    await step();
    n += perStep;
  }
  return n / ((performance.now() - t0) / 1000);
}

/** The trainer's inner step (same loss, optimizer and fused ops), on one fixed batch. */
export async function trainRate(
  arch: 'bilstm' | 'textcnn',
  c: BenchConfig,
  /** 'tfjs': tf.train.adam's elementwise kernels (the optimiser before HostAdam), for before/after. */
  optimizer: 'host' | 'tfjs' = 'host',
): Promise<number> {
  const s = studentFor(arch, c);
  const opt = optimizer === 'host' ? new HostAdam(1e-3) : tf.train.adam(1e-3);
  const ids = randomIds(c.batch, c);
  const hard = Int32Array.from({ length: c.batch }, (_, i) => i % c.classes);
  try {
    return await timed(
      () => {
        const loss = opt.minimize(
          () => singleLabelLoss({ logits: s.logits(tf.tensor2d(ids, [c.batch, c.seq_len], 'int32'), ids, true), hard }),
          true,
          s.trainableVars(),
        );
        loss!.dataSync();
        loss!.dispose();
      },
      c.batch,
      c.seconds,
    );
  } finally {
    opt.dispose();
    s.dispose();
  }
}

export async function onnxInferRate(c: BenchConfig): Promise<number> {
  const s = studentFor('bilstm', c);
  const bytes = exportStudentToOnnx(s.config, s.toParams());
  s.dispose();
  const session = await createOnnxSession(bytes, { threads: c.threads });
  const feeds = { input_ids: idsTensor(randomIds(c.infer_batch, c), c.infer_batch, c.seq_len) };
  try {
    return await timed(
      async () => {
        await session.run(feeds);
      },
      c.infer_batch,
      c.seconds,
    );
  } finally {
    await session.release();
  }
}

export async function tfjsInferRate(c: BenchConfig): Promise<number> {
  const s = studentFor('bilstm', c);
  const ids = randomIds(c.infer_batch, c);
  try {
    return await timed(() => void s.predictProbs(ids, c.infer_batch, c.infer_batch), c.infer_batch, c.seconds);
  } finally {
    s.dispose();
  }
}

/** A Python with torch: $DISTILLERY_PYTHON, then python3 on PATH, then Debian's /usr/bin/python3. */
export async function findTorchPython(): Promise<{ python?: string; tried: string[] }> {
  const candidates = [process.env.DISTILLERY_PYTHON, 'python3', '/usr/bin/python3'].filter((x): x is string =>
    Boolean(x),
  );
  for (const py of candidates) {
    try {
      await run(py, ['-c', 'import torch'], { timeout: 60_000 });
      return { python: py, tried: candidates };
    } catch {
      /* try the next */
    }
  }
  return { tried: candidates };
}

export async function pytorchReference(c: BenchConfig): Promise<Record<string, number | string>> {
  const { python, tried } = await findTorchPython();
  if (!python)
    return {
      pytorch_note: `PyTorch reference skipped: no torch in ${tried.join(', ')} (Debian: apt-get install python3-torch libopenblas0-pthread)`,
    };
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../bench/pytorch_reference.py');
  const { stdout } = await run(python, [script, JSON.stringify(c)], { timeout: 600_000 });
  const r = JSON.parse(stdout.trim().split('\n').pop()!);
  return {
    pytorch_version: r.torch_version,
    pytorch_threads: r.threads,
    pytorch_bilstm_train_samples_per_s: r.bilstm_train_samples_per_s,
    pytorch_textcnn_train_samples_per_s: r.textcnn_train_samples_per_s,
    pytorch_bilstm_infer_samples_per_s: r.bilstm_infer_samples_per_s,
  };
}

export interface BenchOptions {
  seconds?: number;
  pytorch?: boolean;
  onStep?: (name: string) => void;
  /** Extra measurements registered by other modules (parallel training, the teacher). */
  extras?: { name: string; measure: (c: BenchConfig) => Promise<Record<string, number | string>> }[];
}

export async function runBench(o: BenchOptions = {}): Promise<Record<string, unknown>> {
  const c: BenchConfig = { ...BENCH_CONFIG, seconds: o.seconds ?? BENCH_CONFIG.seconds };
  const backend = await initBackend();
  const step = async <T>(name: string, f: () => Promise<T>) => {
    o.onStep?.(name);
    return f();
  };
  const out: Record<string, unknown> = {
    backend: backend.name,
    config: c,
    cpus: os.cpus().length,
    cpu_model: os.cpus()[0]?.model,
    load_average_1m: os.loadavg()[0],
  };
  // Same thread count as PyTorch's set_num_threads (c.threads) for the native GEMMs.
  nativeKernels()?.setThreads(c.threads);
  out.native_kernels = nativeKernelsStatus();
  out.textcnn_conv = textcnnConv();
  out.bilstm_train_samples_per_s = await step('bilstm train (tfjs)', () => trainRate('bilstm', c));
  out.textcnn_train_samples_per_s = await step(`textcnn train (tfjs, ${out.textcnn_conv})`, () =>
    trainRate('textcnn', c),
  );
  // Beside the defaults, in the same run: the shifted matMuls through autograd on wasm's kernels
  // with tf.train.adam (the code before issue 11), the BiLSTM without the native kernels (its JS loop) and with the
  // opt-in native BatchMatMul, and the fused op with its JS loops and XNNPACK GEMM (what runs where
  // the native kernels are absent).
  out.textcnn_shifted_wasm_train_samples_per_s = await step('textcnn train (tfjs, shifted, no native kernels)', () =>
    withEnv({ DISTILLERY_TEXTCNN_CONV: 'shifted', DISTILLERY_NATIVE: '0' }, () => trainRate('textcnn', c, 'tfjs')),
  );
  // The defaults with tf.train.adam's elementwise kernels instead of HostAdam's fused update.
  out.bilstm_tfjs_adam_train_samples_per_s = await step('bilstm train (tfjs, tf.train.adam)', () =>
    trainRate('bilstm', c, 'tfjs'),
  );
  out.textcnn_tfjs_adam_train_samples_per_s = await step('textcnn train (tfjs, tf.train.adam)', () =>
    trainRate('textcnn', c, 'tfjs'),
  );
  if (nativeKernels()) {
    // The BiLSTM before the native LSTM kernels: the JS loop over XNNPACK (native kernels off).
    out.bilstm_js_train_samples_per_s = await step('bilstm train (tfjs, JS LSTM loop, no native kernels)', () =>
      withEnv({ DISTILLERY_NATIVE: '0' }, () => trainRate('bilstm', c)),
    );
    out.bilstm_native_matmul_train_samples_per_s = await step('bilstm train (tfjs, native BatchMatMul)', () =>
      withEnv({ DISTILLERY_NATIVE_MATMUL: '1' }, () => trainRate('bilstm', c)),
    );
  }
  if (out.textcnn_conv === 'fused' && nativeKernels()) {
    out.textcnn_fused_js_train_samples_per_s = await step('textcnn train (tfjs, fused, no native kernels)', () =>
      withEnv({ DISTILLERY_NATIVE: '0' }, () => trainRate('textcnn', c)),
    );
  }
  out.bilstm_infer_samples_per_s = await step('bilstm infer (onnxruntime-node)', () => onnxInferRate(c));
  out.bilstm_tfjs_infer_samples_per_s = await step('bilstm infer (tfjs)', () => tfjsInferRate(c));
  for (const x of o.extras ?? []) Object.assign(out, await step(x.name, () => x.measure(c)));
  if (o.pytorch !== false) Object.assign(out, await step('pytorch reference', () => pytorchReference(c)));
  const pt = out as Record<string, number>;
  if (pt.pytorch_bilstm_train_samples_per_s) {
    out.train_ratio_vs_pytorch = pt.bilstm_train_samples_per_s / pt.pytorch_bilstm_train_samples_per_s;
    out.textcnn_train_ratio_vs_pytorch = pt.textcnn_train_samples_per_s / pt.pytorch_textcnn_train_samples_per_s;
    out.textcnn_shifted_wasm_train_ratio_vs_pytorch =
      pt.textcnn_shifted_wasm_train_samples_per_s / pt.pytorch_textcnn_train_samples_per_s;
    out.bilstm_tfjs_adam_train_ratio_vs_pytorch =
      pt.bilstm_tfjs_adam_train_samples_per_s / pt.pytorch_bilstm_train_samples_per_s;
    out.textcnn_tfjs_adam_train_ratio_vs_pytorch =
      pt.textcnn_tfjs_adam_train_samples_per_s / pt.pytorch_textcnn_train_samples_per_s;
    if (pt.bilstm_js_train_samples_per_s) {
      out.bilstm_js_train_ratio_vs_pytorch = pt.bilstm_js_train_samples_per_s / pt.pytorch_bilstm_train_samples_per_s;
    }
    if (pt.bilstm_native_matmul_train_samples_per_s) {
      out.bilstm_native_matmul_train_ratio_vs_pytorch =
        pt.bilstm_native_matmul_train_samples_per_s / pt.pytorch_bilstm_train_samples_per_s;
    }
    if (pt.textcnn_fused_js_train_samples_per_s) {
      out.textcnn_fused_js_train_ratio_vs_pytorch =
        pt.textcnn_fused_js_train_samples_per_s / pt.pytorch_textcnn_train_samples_per_s;
    }
    out.infer_ratio_vs_pytorch = pt.bilstm_infer_samples_per_s / pt.pytorch_bilstm_infer_samples_per_s;
  }
  out.load_average_1m_after = os.loadavg()[0];
  return out;
}
