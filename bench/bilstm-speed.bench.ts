/**
 * BiLSTM training speed, before and after the native LSTM kernels (issue 11, item 1), in one
 * process, interleaved (before, after, after + native BatchMatMul, PyTorch, then again) so that
 * load from other processes hits every variant alike. `bench`'s BENCH_CONFIG and trainRate (the
 * trainer's step: same loss, optimizer and ops); PyTorch through bench/pytorch_reference.py.
 *
 *   npx tsx bench/bilstm-speed.bench.ts [--threads 1] [--reps 3] [--seconds 6] [--variants before,after,after-mm,pytorch]
 *
 * before:   DISTILLERY_NATIVE=0, the JS loop over XNNPACK (the default before these kernels).
 * after:    the default now: lstmForward/lstmBackward in distillery_native.c where built.
 * after-mm: and DISTILLERY_NATIVE_MATMUL=1 (the big matMuls x·W and its gradients in OpenBLAS).
 * Prints per run samples/s (wall) and this process's CPU-ms per sample (a loaded machine stretches
 * the wall time, much less the CPU time; it includes trainRate's two warm-up steps), then medians.
 */
import { execFile } from 'node:child_process';
import os from 'node:os';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/worker/backend/tfjs-backend';
import { nativeKernels, nativeKernelsStatus } from '../src/worker/backend/native-kernels';
import { BENCH_CONFIG, findTorchPython, trainRate } from '../src/worker/bench/bench';

const { values: args } = parseArgs({
  options: {
    threads: { type: 'string', default: '1' },
    reps: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '6' },
    variants: { type: 'string', default: 'before,after,after-mm,pytorch' },
  },
});
const c = { ...BENCH_CONFIG, threads: Number(args.threads), seconds: Number(args.seconds) };
const ENV: Record<string, Record<string, string>> = {
  before: { DISTILLERY_NATIVE: '0' },
  after: {},
  'after-mm': { DISTILLERY_NATIVE_MATMUL: '1' },
};

async function measure(variant: string): Promise<{ rate: number; cpuMsPerSample?: number }> {
  if (variant === 'pytorch') {
    const { python: py, tried } = await findTorchPython();
    if (!py) throw new Error(`no torch in ${tried.join(', ')}: leave pytorch out of --variants`);
    const conf = JSON.stringify({ ...c, parts: ['bilstm_train'] });
    const { stdout } = await promisify(execFile)(py, ['bench/pytorch_reference.py', conf], { timeout: 600_000 });
    return { rate: JSON.parse(stdout.trim().split('\n').pop()!).bilstm_train_samples_per_s };
  }
  const saved = { ...process.env };
  Object.assign(process.env, ENV[variant]);
  const cpu0 = process.cpuUsage();
  try {
    const rate = await trainRate('bilstm', c);
    const cpu = process.cpuUsage(cpu0);
    // trainRate runs ≈ rate·seconds samples after its warm-up.
    return { rate, cpuMsPerSample: (cpu.user + cpu.system) / 1000 / (rate * c.seconds) };
  } finally {
    for (const k of Object.keys(ENV[variant])) {
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
const runs: Record<string, { rate: number; cpuMsPerSample?: number }[]> = {};
const loads: number[] = [];
for (let r = 0; r < Number(args.reps); r++) {
  loads.push(os.loadavg()[0]);
  for (const v of variants) {
    const m = await measure(v);
    (runs[v] ??= []).push(m);
    const cpu = m.cpuMsPerSample === undefined ? '' : `, ${m.cpuMsPerSample.toFixed(2)} CPU-ms/sample`;
    console.log(`rep ${r + 1} ${v}: ${m.rate.toFixed(1)} samples/s${cpu} (load ${os.loadavg()[0].toFixed(1)})`);
  }
}
const summary: Record<string, number | string> = {
  threads: c.threads,
  load_1m_at_rep_starts: loads.map((l) => l.toFixed(1)).join(' '),
};
for (const v of variants) {
  summary[`${v}_samples_per_s_median`] = Number(median(runs[v].map((m) => m.rate)).toFixed(1));
  const cpus = runs[v].map((m) => m.cpuMsPerSample).filter((x): x is number => x !== undefined);
  if (cpus.length) summary[`${v}_cpu_ms_per_sample_median`] = Number(median(cpus).toFixed(2));
}
if (runs.pytorch)
  for (const v of variants.filter((x) => x !== 'pytorch'))
    summary[`${v}_ratio_vs_pytorch_median`] = Number(
      median(runs[v].map((m, i) => m.rate / runs.pytorch[i].rate)).toFixed(2),
    );
console.log(JSON.stringify(summary, null, 1));
