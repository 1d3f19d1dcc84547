/**
 * The optional native kernels (native/distillery_native.c over Debian's OpenBLAS), built at install
 * time by scripts/build-native.mjs. Absent or unloadable, callers use their JS/wasm paths; the reason
 * is kept for `bench` and `--verbose`. DISTILLERY_NATIVE=0 turns them off (benchmarks, bisecting).
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';

export interface NativeKernels {
  setThreads(n: number): void;
  /** Row-major C = op(A)·op(B) (+ C when accumulate). */
  sgemm(
    transA: 0 | 1,
    transB: 0 | 1,
    M: number,
    N: number,
    K: number,
    A: Float32Array,
    B: Float32Array,
    C: Float32Array,
    accumulate: boolean,
  ): void;
  poolForward(
    Y: Float32Array,
    B: number,
    T: number,
    F: number,
    widths: Int32Array,
    bias: Float32Array,
    out: Float32Array,
    arg: Int32Array,
  ): void;
  packWeights(W: Float32Array, widths: Int32Array, E: number, F: number, wall: Float32Array, wt: Float32Array): void;
  unpackGrad(dWT: Float32Array, widths: Int32Array, E: number, F: number, dW: Float32Array): void;
  poolBackward(
    G: Float32Array,
    arg: Int32Array,
    X: Float32Array,
    WT: Float32Array,
    B: number,
    T: number,
    E: number,
    F: number,
    widths: Int32Array,
    dX: Float32Array,
    dWT: Float32Array,
    db: Float32Array,
  ): void;
  /** One LSTM direction over T steps (fused-lstm.ts): states hs, cs [T, B, H] and gates acts [T, B, 4H]. */
  lstmForward(
    xProj: Float32Array,
    U: Float32Array,
    mask: Float32Array,
    T: number,
    B: number,
    H: number,
    reverse: boolean,
    hs: Float32Array,
    cs: Float32Array,
    acts: Float32Array,
  ): void;
  /** Its BPTT: dG [T, B, 4H] (= dxProj) and dU [H, 4H] from the upstream gradient dHs [T, B, H]. */
  lstmBackward(
    dHs: Float32Array,
    U: Float32Array,
    mask: Float32Array,
    hs: Float32Array,
    cs: Float32Array,
    acts: Float32Array,
    T: number,
    B: number,
    H: number,
    reverse: boolean,
    dG: Float32Array,
    dU: Float32Array,
  ): void;
  /**
   * tf.train.adam's update of one variable in one pass, bit for bit (host-adam.ts): m and v in place,
   * the new value into out. k = [beta1, 1 − beta1, beta2, 1 − beta2, 1 − accBeta1, 1 − accBeta2, ε, −lr].
   * Absent from addons built before it.
   */
  adamStep?(
    value: Float32Array,
    grad: Float32Array,
    m: Float32Array,
    v: Float32Array,
    out: Float32Array,
    k: Float32Array,
  ): void;
  /** UnsortedSegmentSum over rows of `inner` floats (out zeroed first; ids out of range dropped). */
  segmentSum?(x: Float32Array, ids: Int32Array, inner: number, out: Float32Array): void;
  /** The kernel family OpenBLAS chose for this CPU. */
  coreName?(): string;
}

const ADDON = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../build/native/distillery_native.node',
);
let loaded: { kernels?: NativeKernels; reason: string } | undefined;

function load(): { kernels?: NativeKernels; reason: string } {
  try {
    const kernels = createRequire(import.meta.url)(ADDON) as NativeKernels;
    // OpenBLAS's thread count is per process: replicas of data-parallel training (worker threads,
    // one per core) each multiply on one thread; a lone trainer uses every core.
    kernels.setThreads(isMainThread ? os.availableParallelism() : 1);
    const chosen = kernels.coreName?.();
    // OPENBLAS_CORETYPE may pin an older kernel family where newer ones compute wrong results.
    const coreNote = chosen ? `, ${chosen} kernels` : '';
    return { kernels, reason: `OpenBLAS (${path.basename(ADDON)}${coreNote})` };
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return { reason: `not loaded (${msg.slice(0, 160)}); build with: node scripts/build-native.mjs` };
  }
}

/** The native kernels, or undefined where they were not built or are turned off. */
export function nativeKernels(): NativeKernels | undefined {
  if (process.env.DISTILLERY_NATIVE === '0') return undefined;
  loaded ??= load();
  return loaded.kernels;
}

/** One line for reports: what was loaded, or why not. */
export function nativeKernelsStatus(): string {
  if (process.env.DISTILLERY_NATIVE === '0') return 'turned off (DISTILLERY_NATIVE=0)';
  loaded ??= load();
  return loaded.reason;
}
