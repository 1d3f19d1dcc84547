/**
 * 'DistilleryAdamStep' (wasm): one variable's Adam update in a single pass over the heap. tf.train.adam
 * runs ~13 elementwise kernels per variable, each allocating its output; over a student's ~0.9M
 * parameters (0.64M of them the embedding) that was ~11 of a TextCNN step's ~34 CPU-ms (one thread,
 * bench shapes, measured). Here: read value and gradient in place, m and v held by the optimiser
 * (host-adam.ts), the new value written into a fresh output, in the native kernels (adamStep), which
 * round every operation to float32 as tfjs's kernels do, so the numbers are tf.train.adam's bit for
 * bit. (A JS loop with Math.fround after every operation was no faster than tfjs's kernels, measured:
 * 11–16 against 10–11 CPU-ms per step, so without the addon HostAdam runs tfjs's update.)
 */
import type * as tf from '@tensorflow/tfjs';
import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { nativeKernels } from './native-kernels';

export const ADAM_STEP_KERNEL = 'DistilleryAdamStep';

/** The optimiser's state for one variable, passed as the kernel's attributes. */
export interface AdamStepAttrs {
  m: Float32Array;
  v: Float32Array;
  /** [beta1, 1 − beta1, beta2, 1 − beta2, 1 − accBeta1, 1 − accBeta2, ε, −lr], float32 as tfjs rounds them. */
  k: Float32Array;
}

interface HeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

function adamStepKernelFunc(args: {
  inputs: Record<string, TensorInfo>;
  backend: unknown;
  attrs?: NamedAttrMap;
}): TensorInfo {
  const backend = args.backend as HeapBackend;
  const { value, grad } = args.inputs;
  const { m, v, k } = args.attrs as unknown as AdamStepAttrs;
  const adamStep = nativeKernels()?.adamStep;
  if (!adamStep) throw new Error(`${ADAM_STEP_KERNEL}: the native kernels (with adamStep) are not loaded`);
  const n = value.shape.reduce((a, b) => a * b, 1);
  if (value.dtype !== 'float32' || grad.dtype !== 'float32' || grad.shape.reduce((a, b) => a * b, 1) !== n)
    throw new Error(`${ADAM_STEP_KERNEL}: value and gradient must be float32 of one size`);
  if (m.length !== n || v.length !== n) throw new Error(`${ADAM_STEP_KERNEL}: moments hold ${m.length}, value ${n}`);
  const out = backend.makeOutput(value.shape, 'float32');
  // Views after makeOutput: allocating may grow the wasm memory and detach older views.
  const x = backend.typedArrayFromHeap(value);
  const g = backend.typedArrayFromHeap(grad);
  const o = backend.typedArrayFromHeap(out);
  adamStep(x, g, m, v, o, k);
  return out;
}

export const adamStepKernel: KernelConfig = {
  kernelName: ADAM_STEP_KERNEL,
  backendName: 'wasm',
  kernelFunc: adamStepKernelFunc as KernelConfig['kernelFunc'],
};
