/**
 * Before/after in one run: BiLSTM and TextCNN training throughput on the wasm backend with the
 * untransposing BatchMatMul wrapper (src/worker/backend/wasm-kernels.ts) and with wasm's stock kernel.
 * Usage: npx tsx bench/wasm-matmul.bench.ts [seconds=8]
 */
import os from 'node:os';
import { BENCH_CONFIG, trainRate } from '../src/worker/bench/bench';
import { initBackend } from '../src/worker/backend/tfjs-backend';
import { useUntransposedMatMul } from '../src/worker/backend/wasm-kernels';

const seconds = Number(process.argv[2] ?? 8);
const b = await initBackend('wasm');
const c = { ...BENCH_CONFIG, seconds };
const rows: Record<string, number | string> = { backend: b.name, load_average_1m: os.loadavg()[0] };
for (const arch of ['bilstm', 'textcnn'] as const) {
  useUntransposedMatMul(false);
  rows[`${arch}_stock_matmul_samples_per_s`] = await trainRate(arch, c);
  useUntransposedMatMul(true);
  rows[`${arch}_untransposed_matmul_samples_per_s`] = await trainRate(arch, c);
  rows[`${arch}_speedup`] = (rows[`${arch}_untransposed_matmul_samples_per_s`] as number) / (rows[`${arch}_stock_matmul_samples_per_s`] as number);
}
rows.load_average_1m_after = os.loadavg()[0];
console.log(JSON.stringify(rows, null, 2));
