/**
 * Training throughput: single-thread trainStudent against trainStudentParallel, in one process,
 * interleaved (single, parallel, single, parallel, …) so that load from other processes on the
 * machine hits both alike. Synthetic random ids (every position a real token, so every row costs
 * the full maxLen), 2 classes, no validation set, dropout as configured.
 *
 *   npx tsx bench/data-parallel.bench.ts [--reps 3] [--configs l1,l2,default] [--workers 2] [--sync replicated,broadcast]
 *
 * Reports per run: steady samples/s (epochs after the first, which pays for thread start-up and
 * the JIT), the end-to-end samples/s that TrainResult reports (start-up included), and over the
 * steady epochs the process's CPU seconds per wall second (≈ cores it actually got) and samples
 * per CPU-second (the cost of parallelism itself), and the 1-minute load average.
 *
 * Read the wall-clock numbers with the load: Linux autogroup scheduling gives each session an
 * equal share of a busy machine however many threads it runs, so a second thread only adds speed
 * where a core is otherwise idle.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/worker/backend/tfjs-backend';
import { makeStudentConfig } from '../src/worker/models/registry';
import { Student } from '../src/worker/models/student';
import type { StudentConfig } from '../src/worker/models/student-config';
import { trainStudentParallel } from '../src/worker/train/data-parallel';
import type { ProgressSink } from '../src/shared/progress';
import { trainStudent, type EncodedSet, type TrainOptions, type TrainResult } from '../src/worker/train/trainer';

const { values: args } = parseArgs({
  options: {
    reps: { type: 'string', default: '3' },
    configs: { type: 'string', default: 'l1,l2,default' },
    workers: { type: 'string', default: '2' },
    sync: { type: 'string', default: 'replicated' },
    epochs: { type: 'string', default: '3' },
  },
});

const data = { vocabSize: 5000, maxLen: 48, numClasses: 2, multiLabel: false };
const CONFIGS: Record<string, { config: StudentConfig; rows: number }> = {
  // The bench config at 1 and 2 layers, and the BiLSTM default (digest A: hidden 256, 2 layers).
  // Rows per epoch are sized for a few seconds per epoch single-threaded.
  l1: { config: makeStudentConfig('bilstm', data, { embedDim: 128, hidden: 128, layers: 1 }), rows: 640 },
  l2: { config: makeStudentConfig('bilstm', data, { embedDim: 128, hidden: 128, layers: 2 }), rows: 320 },
  default: { config: makeStudentConfig('bilstm', data, {}), rows: 192 },
};

function randomSet(n: number, T: number, seed: number): EncodedSet {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s);
  const ids = new Int32Array(n * T).map(() => 2 + (next() % (data.vocabSize - 2)));
  const hard = new Int32Array(n).map(() => next() % 2);
  return { ids, n, T, hard };
}

interface Measured {
  steady: number;
  endToEnd: number;
  cpuPerWall: number;
  perCpuSecond: number;
  load: number;
}

/** `run` gets a progress sink; CPU and wall time are taken from the end of epoch 1 to the end. */
async function measure(run: (onProgress: ProgressSink) => Promise<TrainResult>, rows: number): Promise<Measured> {
  let mark: { cpu: NodeJS.CpuUsage; wall: number } | undefined;
  const onProgress: ProgressSink = (p) => {
    if (!mark && p.phase.endsWith('done')) mark = { cpu: process.cpuUsage(), wall: performance.now() };
  };
  const r = await run(onProgress);
  const wall = (performance.now() - mark!.wall) / 1000;
  const cpu = process.cpuUsage(mark!.cpu);
  const later = r.history.slice(1);
  const steady = (later.length * rows) / later.reduce((a, h) => a + h.seconds, 0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { steady, endToEnd: r.trainSamplesPerSecond, cpuPerWall: cpuSeconds / wall, perCpuSecond: (later.length * rows) / cpuSeconds, load: os.loadavg()[0] };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x: number) => x.toFixed(1).padStart(7);

await initBackend('wasm');
const reps = Number(args.reps);
const workers = Number(args.workers);
const epochs = Number(args.epochs);
const syncs = args.sync.split(',') as ('replicated' | 'broadcast')[];
console.log(`node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model}), availableParallelism ${os.availableParallelism()}`);
console.log(`load average at start: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; ${reps} reps, ${epochs} epochs, workers ${workers}`);

for (const name of args.configs.split(',')) {
  const { config, rows } = CONFIGS[name];
  const train = randomSet(rows, config.maxLen, 1);
  const opts: TrainOptions = { epochs, batchSize: 32, learningRate: 1e-3, seed: 7, patience: 0 };
  const init = Student.create(config, 1).toParams();
  const results: Record<string, Measured[]> = { single: [], ...Object.fromEntries(syncs.map((s) => [s, []])) };
  console.log(`\n${name}: bilstm vocab ${config.vocabSize} embed ${config.embedDim} hidden ${config.hidden} layers ${config.layers} maxLen ${config.maxLen} batch 32; ${rows} rows/epoch`);
  for (let rep = 0; rep < reps; rep++) {
    for (const mode of Object.keys(results)) {
      const student = Student.fromParams(config, init, 1);
      const m = await measure(
        (onProgress) =>
          mode === 'single'
            ? trainStudent(student, train, undefined, { ...opts, onProgress })
            : trainStudentParallel(student, train, undefined, { ...opts, onProgress, workers, sync: mode as 'replicated' | 'broadcast' }),
        rows,
      );
      student.dispose();
      results[mode].push(m);
      console.log(
        `  rep ${rep + 1} ${mode.padEnd(10)} steady ${fmt(m.steady)} samples/s  end-to-end ${fmt(m.endToEnd)}  ` +
          `cpu/wall ${m.cpuPerWall.toFixed(2)}  per cpu-s ${fmt(m.perCpuSecond)}  load1 ${m.load.toFixed(2)}`,
      );
    }
  }
  const base = median(results.single.map((m) => m.steady));
  for (const [mode, ms] of Object.entries(results)) {
    const s = median(ms.map((m) => m.steady));
    const perCpu = median(ms.map((m) => m.perCpuSecond));
    console.log(
      `  median ${mode.padEnd(10)} steady ${fmt(s)} samples/s (×${(s / base).toFixed(2)})  end-to-end ${fmt(median(ms.map((m) => m.endToEnd)))}  ` +
        `per cpu-s ${fmt(perCpu)} (×${(perCpu / median(results.single.map((m) => m.perCpuSecond))).toFixed(2)})`,
    );
  }
}
console.log(`\nload average at end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
