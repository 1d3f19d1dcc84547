/**
 * Host-memory access to tensors without the copies dataSync() and tf.tensor() make.
 * readInto: reads a tensor's values into a caller-owned buffer. On the wasm backend this copies straight from
 * the wasm heap (one memcpy, no allocation); dataSync() would allocate a fresh array per read, and
 * the fused recurrent layers read once per time step, which kept the garbage collector busy
 * (~23 % of single-thread training CPU, measured). Other backends fall back to dataSync().
 */
import * as tf from '@tensorflow/tfjs';

interface HeapBackend {
  typedArrayFromHeap(t: { dataId: tf.DataId; shape: number[]; dtype: tf.DataType }): Float32Array;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
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

/**
 * A tensor's float32 values without a copy where the backend allows (wasm: a view of its heap), else
 * dataSync(). On wasm the view is valid only until the next tensor allocation: use it at once.
 */
export function hostView(t: tf.Tensor): Float32Array {
  if (heapReads && tf.getBackend() === 'wasm') return (tf.backend() as unknown as HeapBackend).typedArrayFromHeap(t);
  return t.dataSync() as Float32Array;
}

/**
 * Fresh float32 tensors whose values `fill` writes in place: on wasm straight into the heap (no JS
 * array, no copy), elsewhere into new arrays. The views are valid during `fill` only; take input views
 * (hostView) inside it, after the outputs exist, since allocating may move the heap. Contents start
 * undefined on wasm: `fill` writes every element (or zeroes first).
 */
export function writeTensors(shapes: number[][], fill: (views: Float32Array[]) => void): tf.Tensor[] {
  if (heapReads && tf.getBackend() === 'wasm') {
    const backend = tf.backend() as unknown as HeapBackend;
    const infos = shapes.map((shape) => backend.makeOutput(shape, 'float32'));
    fill(infos.map((i) => backend.typedArrayFromHeap(i)));
    return infos.map((i) => tf.engine().makeTensorFromTensorInfo(i));
  }
  const arrays = shapes.map((shape) => new Float32Array(shape.reduce((a, b) => a * b, 1)));
  fill(arrays);
  return arrays.map((a, i) => tf.tensor(a, shapes[i]));
}
