/**
 * The one place that chooses the TensorFlow.js backend (DESIGN.md's ladder, best first):
 * tfjs-node-gpu (CUDA) → tfjs-node (native CPU) → wasm (SIMD, with our extra kernels) → cpu.
 * The native packages are optional dependencies: where libtensorflow could not be installed their
 * import throws and the next rung is tried. The reason each rung was skipped is kept for `--verbose`
 * and for the UI.
 */
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { DistilleryError } from '../../shared/errors';
import { nativeKernels, nativeKernelsStatus } from './native-kernels';
import { registerMissingWasmKernels } from './wasm-kernels';

export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_LADDER: BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

export interface BackendInfo {
  name: BackendName;
  /** What tf.getBackend() reports. */
  tfName: string;
  skipped: { name: BackendName; reason: string }[];
  addedKernels: string[];
}

const require = createRequire(import.meta.url);
let active: BackendInfo | undefined;

async function tryNative(pkg: string): Promise<void> {
  // Importing the package registers the 'tensorflow' backend (CPU or CUDA build of libtensorflow).
  await import(pkg);
  if (!(await tf.setBackend('tensorflow'))) throw new Error(`${pkg} loaded but its backend did not start`);
}

async function tryWasm(): Promise<string[]> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  wasm.setWasmPaths(dist + path.sep);
  const added = registerMissingWasmKernels();
  if (nativeKernels()) added.push(`native kernels: ${nativeKernelsStatus()}`);
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
  return added;
}

/**
 * Starts the best available backend, or exactly `only` when given (e.g. from `--backend wasm`).
 * Idempotent: later calls return the backend already chosen.
 */
export async function initBackend(only?: string): Promise<BackendInfo> {
  if (active && (!only || active.name === only)) return active;
  if (only && !BACKEND_LADDER.includes(only as BackendName)) {
    throw new DistilleryError('BACKEND', `unknown backend "${only}"; valid: ${BACKEND_LADDER.join(', ')}`);
  }
  const rungs = only ? [only as BackendName] : BACKEND_LADDER;
  const skipped: BackendInfo['skipped'] = [];
  for (const name of rungs) {
    try {
      let addedKernels: string[] = [];
      if (name === 'tensorflow-gpu') await tryNative('@tensorflow/tfjs-node-gpu');
      else if (name === 'tensorflow') await tryNative('@tensorflow/tfjs-node');
      else if (name === 'wasm') addedKernels = await tryWasm();
      else if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend did not start');
      await tf.ready();
      active = { name, tfName: tf.getBackend(), skipped, addedKernels };
      return active;
    } catch (e) {
      skipped.push({ name, reason: firstLine(e) });
    }
  }
  throw new DistilleryError(
    'BACKEND',
    `no TensorFlow.js backend could start: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`,
  );
}

export function activeBackend(): BackendInfo | undefined {
  return active;
}

/** True where tensors live in memory JS can read synchronously without a device copy. */
export function hasHostMemory(): boolean {
  const b = tf.getBackend();
  return b === 'wasm' || b === 'cpu';
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0].slice(0, 200);
}
