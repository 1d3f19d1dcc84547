/**
 * Reads a tensor's values into a caller-owned buffer. On the wasm backend this copies straight from
 * the wasm heap (one memcpy, no allocation); dataSync() would allocate a fresh array per read, and
 * the fused recurrent layers read once per time step, which kept the garbage collector busy
 * (~23 % of single-thread training CPU, measured). Other backends fall back to dataSync().
 */
import * as tf from '@tensorflow/tfjs';

interface HeapBackend {
  typedArrayFromHeap(t: { dataId: tf.DataId; shape: number[]; dtype: tf.DataType }): Float32Array;
}

let heapReads = true;

/** For benchmarks comparing both paths in one run. */
export function useHeapReads(enabled: boolean): void {
  heapReads = enabled;
}

export function readInto(t: tf.Tensor, out: Float32Array): Float32Array {
  if (heapReads && tf.getBackend() === 'wasm') {
    // The view is used at once: a later allocation may grow (and detach) the wasm memory.
    out.set((tf.backend() as unknown as HeapBackend).typedArrayFromHeap(t));
    return out;
  }
  out.set(t.dataSync() as Float32Array);
  return out;
}
