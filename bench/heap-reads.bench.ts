/**
 * Before/after in one run: BiLSTM training throughput when the fused recurrent layers read each
 * step's matMul result with dataSync() (a fresh array per step) or straight from the wasm heap into
 * a reused buffer (src/worker/backend/host-read.ts). Alternates the two to spread load changes.
 * Usage: npx tsx bench/heap-reads.bench.ts [seconds=6] [rounds=2]
 */
import os from 'node:os';
import { BENCH_CONFIG, trainRate } from '../src/worker/bench/bench';
import { useHeapReads } from '../src/worker/backend/host-read';
import { initBackend } from '../src/worker/backend/tfjs-backend';

const seconds = Number(process.argv[2] ?? 6);
const rounds = Number(process.argv[3] ?? 2);
await initBackend('wasm');
const c = { ...BENCH_CONFIG, seconds };
const rates = { dataSync: [] as number[], heap: [] as number[] };
const load0 = os.loadavg()[0];
for (let r = 0; r < rounds; r++) {
  useHeapReads(false);
  rates.dataSync.push(await trainRate('bilstm', c));
  useHeapReads(true);
  rates.heap.push(await trainRate('bilstm', c));
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(JSON.stringify({ load_average_1m: load0, bilstm_dataSync_samples_per_s: rates.dataSync, bilstm_heap_samples_per_s: rates.heap, speedup: mean(rates.heap) / mean(rates.dataSync), load_average_1m_after: os.loadavg()[0] }, null, 2));
