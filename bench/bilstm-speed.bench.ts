/**
 * BiLSTM (and TextCNN) training speed, variant against variant (issue 11, item 1), in one process,
 * interleaved (every variant once per rep, then again) so that load from other processes hits every
 * variant alike. `bench`'s BENCH_CONFIG and trainRate (the trainer's step: same loss, optimizer and
 * ops); PyTorch through bench/pytorch_reference.py at the same thread count.
 *
 *   npx tsx bench/bilstm-speed.bench.ts [--threads 1] [--reps 3] [--seconds 6] [--variants prev,after,pytorch]
 *
 * before:     DISTILLERY_NATIVE=0, the JS loop over XNNPACK (the default before the native kernels).
 * prev:       the native LSTM direction with x·W + b outside it as tf ops, and wasm's stock
 *             GatherV2 and Slice (the default before nativeLstmLayer and the heap-row kernels).
 * proj:       nativeLstmLayer (projection, its gradients and the LSTM in one op), stock GatherV2/Slice.
 * after:      the default now: nativeLstmLayer and the heap-row GatherV2/Slice (wasm-kernels.ts).
 * *-tfadam:   with tf.train.adam's elementwise kernels instead of HostAdam's fused native update.
 * *-mm:       and DISTILLERY_NATIVE_MATMUL=1 (the remaining big tf matMuls in OpenBLAS).
 * textcnn, textcnn-mm, textcnn-prev: TextCNN's default path, with DISTILLERY_NATIVE_MATMUL=1, and
 *             with wasm's stock GatherV2/Slice.
 * pytorch, pytorch-textcnn: PyTorch's BiLSTM and TextCNN.
 * Prints per run samples/s (wall) and CPU-ms per sample (this process, or PyTorch's own
 * time.process_time; a loaded machine stretches the wall time, much less the CPU time; ours includes
 * trainRate's two warm-up steps), then medians and the ratios vs PyTorch in both terms.
 */
import { execFile } from 'node:child_process';
import os from 'node:os';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/worker/backend/tfjs-backend';
import { nativeKernels, nativeKernelsStatus } from '../src/worker/backend/native-kernels';
import { BENCH_CONFIG, findTorchPython, trainRate } from '../src/worker/bench/bench';
import { useHeapRowKernels } from '../src/worker/backend/wasm-kernels';
import { useNativeProjection } from '../src/worker/models/rnn/fused-lstm';

const { values: args } = parseArgs({
  options: {
    threads: { type: 'string', default: '1' },
    reps: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '6' },
    variants: { type: 'string', default: 'prev,after,after-mm,pytorch' },
  },
});
const c = { ...BENCH_CONFIG, threads: Number(args.threads), seconds: Number(args.seconds) };

interface Variant {
  arch: 'bilstm' | 'textcnn';
  env?: Record<string, string>;
  /** Projection inside the native LSTM op (default true). */
  projection?: boolean;
  /** The heap-row GatherV2/Slice wrappers (default true). */
  heapRows?: boolean;
  /** PyTorch's part in pytorch_reference.py instead of ours. */
  torch?: string;
  /** 'tfjs': tf.train.adam's elementwise kernels instead of HostAdam's fused update. */
  optimizer?: 'host' | 'tfjs';
}
const MM = { DISTILLERY_NATIVE_MATMUL: '1' };
const VARIANTS: Record<string, Variant> = {
  before: { arch: 'bilstm', env: { DISTILLERY_NATIVE: '0' } },
  prev: { arch: 'bilstm', projection: false, heapRows: false },
  'prev-mm': { arch: 'bilstm', projection: false, heapRows: false, env: MM },
  proj: { arch: 'bilstm', heapRows: false },
  after: { arch: 'bilstm' },
  'after-mm': { arch: 'bilstm', env: MM },
  'after-tfadam': { arch: 'bilstm', optimizer: 'tfjs' },
  textcnn: { arch: 'textcnn' },
  'textcnn-tfadam': { arch: 'textcnn', optimizer: 'tfjs' },
  'textcnn-mm': { arch: 'textcnn', env: MM },
  'textcnn-prev': { arch: 'textcnn', heapRows: false },
  pytorch: { arch: 'bilstm', torch: 'bilstm_train' },
  'pytorch-textcnn': { arch: 'textcnn', torch: 'textcnn_train' },
};

interface Measured {
  rate: number;
  cpuMsPerSample: number;
}

async function measure(v: Variant): Promise<Measured> {
  if (v.torch) {
    const { python: py, tried } = await findTorchPython();
    if (!py) throw new Error(`no torch in ${tried.join(', ')}: leave the pytorch variants out of --variants`);
    const conf = JSON.stringify({ ...c, parts: [v.torch] });
    const { stdout } = await promisify(execFile)(py, ['bench/pytorch_reference.py', conf], { timeout: 600_000 });
    const r = JSON.parse(stdout.trim().split('\n').pop()!);
    return { rate: r[`${v.torch}_samples_per_s`], cpuMsPerSample: r[`${v.torch}_cpu_ms_per_sample`] };
  }
  const saved = { ...process.env };
  Object.assign(process.env, v.env ?? {});
  useNativeProjection(v.projection ?? true);
  useHeapRowKernels(v.heapRows ?? true);
  const cpu0 = process.cpuUsage();
  try {
    const rate = await trainRate(v.arch, c, v.optimizer ?? 'host');
    const cpu = process.cpuUsage(cpu0);
    // trainRate runs ≈ rate·seconds samples after its warm-up.
    return { rate, cpuMsPerSample: (cpu.user + cpu.system) / 1000 / (rate * c.seconds) };
  } finally {
    useNativeProjection(true);
    useHeapRowKernels(true);
    for (const k of Object.keys(v.env ?? {})) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

await initBackend('wasm');
nativeKernels()?.setThreads(c.threads);
console.log(`native kernels: ${nativeKernelsStatus()}; threads ${c.threads}; ${os.cpus()[0]?.model}`);
const variants = args.variants.split(',');
for (const v of variants) if (!VARIANTS[v]) throw new Error(`unknown variant ${v}: one of ${Object.keys(VARIANTS)}`);
const runs: Record<string, Measured[]> = {};
const loads: number[] = [];
for (let r = 0; r < Number(args.reps); r++) {
  loads.push(os.loadavg()[0]);
  for (const v of variants) {
    const m = await measure(VARIANTS[v]);
    (runs[v] ??= []).push(m);
    console.log(
      `rep ${r + 1} ${v}: ${m.rate.toFixed(1)} samples/s, ${m.cpuMsPerSample.toFixed(2)} CPU-ms/sample (load ${os.loadavg()[0].toFixed(1)})`,
    );
  }
}
const summary: Record<string, number | string> = {
  threads: c.threads,
  load_1m_at_rep_starts: loads.map((l) => l.toFixed(1)).join(' '),
};
for (const v of variants) {
  summary[`${v}_samples_per_s_median`] = Number(median(runs[v].map((m) => m.rate)).toFixed(1));
  summary[`${v}_cpu_ms_per_sample_median`] = Number(median(runs[v].map((m) => m.cpuMsPerSample)).toFixed(2));
}
for (const v of variants.filter((x) => !VARIANTS[x].torch)) {
  const ref = variants.find((x) => VARIANTS[x].torch && VARIANTS[x].arch === VARIANTS[v].arch);
  if (!ref) continue;
  // Medians of per-rep ratios: each rep's pair ran back to back under about the same load.
  summary[`${v}_ratio_vs_pytorch_median`] = Number(
    median(runs[v].map((m, i) => m.rate / runs[ref][i].rate)).toFixed(2),
  );
  summary[`${v}_cpu_ratio_vs_pytorch_median`] = Number(
    median(runs[v].map((m, i) => runs[ref][i].cpuMsPerSample / m.cpuMsPerSample)).toFixed(2),
  );
}
console.log(JSON.stringify(summary, null, 1));
