/**
 * Gradient kernels that @tensorflow/tfjs-backend-wasm 4.x lacks but our students need:
 * - UnsortedSegmentSum: the gradient of `gather` (trainable embeddings).
 * - Conv2DBackpropFilter: the filter gradient of conv1d/conv2d (TextCNN through tf.layers).
 * Both are plain JS loops over the wasm heap: correct first; TextCNN in this project uses
 * im2col + matMul instead, so conv filter gradients are not on its hot path.
 *
 * And one speed fix: wasm's BatchMatMul leaves XNNPACK whenever transposeA/transposeB is set
 * (measured here: 1–2 GFLOP/s against ~20 without), and autograd's matMul gradients use exactly
 * those flags. The wrapper transposes explicitly (a fast kernel) and multiplies untransposed.
 * Where the native kernels are built (native-kernels.ts), DISTILLERY_NATIVE_MATMUL=1 runs it in OpenBLAS.
 *
 * And two more (rowGather, heapSlice): wasm's GatherV2 and Slice cost far more than the bytes
 * they move on a training step's shapes; the wrappers copy whole rows on the heap instead.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, TensorInfo, NamedAttrMap, TypedArray } from '@tensorflow/tfjs';
import { adamStepKernel } from './adam-step-kernel';
import { nativeKernels } from './native-kernels';

interface WasmLikeBackend {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): TypedArray;
  disposeData(dataId: tf.DataId): boolean;
}

type KernelArgs = { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: NamedAttrMap };

/** Wraps wasm's BatchMatMul: transposed operands are materialised first, then XNNPACK multiplies. */
function untransposedBatchMatMul(original: KernelConfig['kernelFunc'], transpose: KernelConfig['kernelFunc']) {
  return (args: KernelArgs): TensorInfo => {
    const { transposeA, transposeB } = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
    if (!transposeA && !transposeB) return original(args as never) as TensorInfo;
    const backend = args.backend as WasmLikeBackend;
    const swapLast = (t: TensorInfo) => {
      const perm = t.shape.map((_, i) => i);
      const r = perm.length;
      [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
      return transpose({ inputs: { x: t }, backend: args.backend, attrs: { perm } } as never) as TensorInfo;
    };
    const a = transposeA ? swapLast(args.inputs.a) : args.inputs.a;
    const b = transposeB ? swapLast(args.inputs.b) : args.inputs.b;
    try {
      return original({
        ...args,
        inputs: { ...args.inputs, a, b },
        attrs: { ...args.attrs, transposeA: false, transposeB: false },
      } as never) as TensorInfo;
    } finally {
      if (a !== args.inputs.a) backend.disposeData(a.dataId);
      if (b !== args.inputs.b) backend.disposeData(b.dataId);
    }
  };
}

/** Multiply-adds from which a BatchMatMul goes to OpenBLAS. */
export const NATIVE_MATMUL_MIN_MACS = 1 << 24;

/**
 * Opt-in (DISTILLERY_NATIVE_MATMUL=1): BatchMatMul in the native kernels (OpenBLAS on the wasm heap,
 * no copies) where they are built. Off by default: the BiLSTM gained on one thread (72 against 55
 * samples/s) but lost with two OpenBLAS threads on a loaded machine (bench medians 50 against 61).
 * Re-measured once the BiLSTM's projection moved into its native op (bench/bilstm-cpu-speed.md):
 * the BiLSTM no longer has big tf matMuls (1.64 against 1.71 CPU-ms/sample), and TextCNN with two
 * threads cost more CPU with it (2.02 against 1.55), so it stays opt-in.
 * Then: float32,
 * float32 and batch dims equal or one side unbatched; anything else goes to `fallback`.
 */
function nativeBatchMatMul(fallback: KernelConfig['kernelFunc']) {
  return (args: KernelArgs): TensorInfo => {
    const native = process.env.DISTILLERY_NATIVE_MATMUL === '1' ? nativeKernels() : undefined;
    const { a, b } = args.inputs;
    if (!native || a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2)
      return fallback(args as never) as TensorInfo;
    const { transposeA, transposeB } = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
    const [ra, rb] = [a.shape.length, b.shape.length];
    const M = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
    const K = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
    const N = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
    const batchDimsA = a.shape.slice(0, -2);
    const batchDimsB = b.shape.slice(0, -2);
    const batchA = batchDimsA.reduce((x, y) => x * y, 1);
    const batchB = batchDimsB.reduce((x, y) => x * y, 1);
    const sameBatch = batchDimsA.length === batchDimsB.length && batchDimsA.every((d, i) => d === batchDimsB[i]);
    if (!sameBatch && batchA !== 1 && batchB !== 1) return fallback(args as never) as TensorInfo;
    const outBatch = batchDimsA.length >= batchDimsB.length && batchA >= batchB ? batchDimsA : batchDimsB;
    const batch = Math.max(batchA, batchB);
    // Small products (an LSTM step: 32×128×512) stay on XNNPACK: OpenBLAS's thread hand-off costs
    // more than it saves there, and far more on a loaded machine (measured: BiLSTM 11 against 28 samples/s).
    if (batch * M * N * K < NATIVE_MATMUL_MIN_MACS) return fallback(args as never) as TensorInfo;
    const backend = args.backend as WasmLikeBackend;
    const out = backend.makeOutput([...outBatch, M, N], 'float32');
    if (M * N === 0) return out;
    // Views after makeOutput: allocating may grow wasm memory and detach older views.
    const A = backend.typedArrayFromHeap(a) as Float32Array;
    const B = backend.typedArrayFromHeap(b) as Float32Array;
    const C = backend.typedArrayFromHeap(out) as Float32Array;
    if (K === 0) C.fill(0);
    else {
      for (let i = 0; i < batch; i++) {
        const ao = batchA === 1 ? 0 : i * M * K;
        const bo = batchB === 1 ? 0 : i * K * N;
        native.sgemm(
          transposeA ? 1 : 0,
          transposeB ? 1 : 0,
          M,
          N,
          K,
          A.subarray(ao, ao + M * K),
          B.subarray(bo, bo + K * N),
          C.subarray(i * M * N, (i + 1) * M * N),
          false,
        );
      }
    }
    return out;
  };
}

/**
 * GatherV2 along axis 0 without batch dims (the embedding lookup) as whole-row copies on the heap:
 * wasm's kernel took 8.7 CPU-ms for 1,536 rows of 128 floats (bench shapes, measured), the copies
 * a small fraction of that. Anything else, or an index out of range (its error), goes to `original`.
 */
function rowGather(original: KernelConfig['kernelFunc']) {
  return (args: KernelArgs): TensorInfo => {
    const { x, indices } = args.inputs;
    const { axis, batchDims } = (args.attrs ?? {}) as { axis?: number; batchDims?: number };
    const ax = (axis ?? 0) < 0 ? (axis as number) + x.shape.length : (axis ?? 0);
    if (ax !== 0 || batchDims || x.dtype === 'string' || indices.dtype !== 'int32' || x.shape.length < 1)
      return original(args as never) as TensorInfo;
    const backend = args.backend as WasmLikeBackend;
    const rows = x.shape[0];
    const inner = x.shape.slice(1).reduce((a, b) => a * b, 1);
    const ids = backend.typedArrayFromHeap(indices);
    for (let n = 0; n < ids.length; n++) if (ids[n] < 0 || ids[n] >= rows) return original(args as never) as TensorInfo;
    const out = backend.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
    // Views after makeOutput: allocating may grow wasm memory and detach older views.
    const xs = backend.typedArrayFromHeap(x);
    const at = backend.typedArrayFromHeap(indices);
    const o = backend.typedArrayFromHeap(out);
    for (let n = 0; n < at.length; n++) o.set(xs.subarray(at[n] * inner, (at[n] + 1) * inner), n * inner);
    return out;
  };
}

/**
 * Slice of a contiguous block (a time step of a time-major tensor) straight from the heap: wasm's
 * kernel first reads the whole input out (readSync, a fresh copy: 1.5 CPU-ms to take [1, 32, 128]
 * out of [48, 32, 128], measured). Other slices go to `original`.
 */
function heapSlice(original: KernelConfig['kernelFunc']) {
  return (args: KernelArgs): TensorInfo => {
    const { x } = args.inputs;
    if (x.dtype === 'string') return original(args as never) as TensorInfo;
    const { begin, size } = (args.attrs ?? {}) as unknown as { begin: number | number[]; size: number | number[] };
    const [begin_, size_] = tf.slice_util.parseSliceParams(x as tf.TensorInfo as tf.Tensor, begin, size);
    if (!tf.slice_util.isSliceContinous(x.shape, begin_, size_)) return original(args as never) as TensorInfo;
    const backend = args.backend as WasmLikeBackend;
    const out = backend.makeOutput(size_, x.dtype);
    const n = size_.reduce((a, b) => a * b, 1);
    if (n === 0) return out;
    const offset = tf.slice_util.computeFlatOffset(begin_, tf.util.computeStrides(x.shape));
    backend.typedArrayFromHeap(out).set(backend.typedArrayFromHeap(x).subarray(offset, offset + n));
    return out;
  };
}

/**
 * Identity (what tf.clone and the gradient tape's saved tensors run) sharing its input's heap memory,
 * as tfjs's cpu backend does: wasm's kernel copies, and the tape clones the 5,000 × 128 embedding's
 * gradient every step (~2.8 of a TextCNN step's CPU-ms, measured). Safe because no kernel here writes
 * into its inputs' memory. Strings go to `original`.
 */
function sharedIdentity(original: KernelConfig['kernelFunc']) {
  return (args: KernelArgs): TensorInfo => {
    const { x } = args.inputs;
    if (x.dtype === 'string') return original(args as never) as TensorInfo;
    (args.backend as { incRef(dataId: tf.DataId): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}

function unsortedSegmentSum(args: {
  inputs: Record<string, TensorInfo>;
  backend: unknown;
  attrs?: NamedAttrMap;
}): TensorInfo {
  const backend = args.backend as WasmLikeBackend;
  const { x, segmentIds } = args.inputs;
  const numSegments = Number(args.attrs?.numSegments);
  const idRank = segmentIds.shape.length;
  const inner = x.shape.slice(idRank).reduce((a, b) => a * b, 1);
  const out = backend.makeOutput([numSegments, ...x.shape.slice(idRank)], x.dtype);
  // Views are taken after makeOutput: allocating may grow wasm memory and detach older views.
  const xs = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap(segmentIds);
  const o = backend.typedArrayFromHeap(out);
  const native = nativeKernels();
  if (native?.segmentSum && xs instanceof Float32Array && ids instanceof Int32Array && inner > 0) {
    native.segmentSum(xs, ids, inner, o as Float32Array);
    return out;
  }
  o.fill(0);
  for (let n = 0; n < ids.length; n++) {
    const s = ids[n];
    if (s < 0 || s >= numSegments) continue; // TF semantics: out-of-range ids are dropped
    const src = n * inner;
    const dst = s * inner;
    for (let k = 0; k < inner; k++) o[dst + k] += xs[src + k];
  }
  return out;
}

function conv2DBackpropFilter(args: {
  inputs: Record<string, TensorInfo>;
  backend: unknown;
  attrs?: NamedAttrMap;
}): TensorInfo {
  const backend = args.backend as WasmLikeBackend;
  const { x, dy } = args.inputs;
  const attrs = args.attrs as unknown as {
    strides: [number, number] | number;
    pad: 'valid' | 'same' | number;
    dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    filterShape: [number, number, number, number];
  };
  if (attrs.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter (wasm): only NHWC is supported');
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const [fh, fw, cin, cout] = attrs.filterShape;
  const out = backend.makeOutput([fh, fw, cin, cout], 'float32');
  const xs = backend.typedArrayFromHeap(x);
  const dys = backend.typedArrayFromHeap(dy);
  const dw = backend.typedArrayFromHeap(out);
  dw.fill(0);
  const [, inH, inW] = x.shape;
  const { outHeight, outWidth, strideHeight, strideWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  for (let b = 0; b < info.batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        const dyOff = ((b * outHeight + oy) * outWidth + ox) * cout;
        for (let ky = 0; ky < fh; ky++) {
          const iy = oy * strideHeight - top + ky;
          if (iy < 0 || iy >= inH) continue;
          for (let kx = 0; kx < fw; kx++) {
            const ix = ox * strideWidth - left + kx;
            if (ix < 0 || ix >= inW) continue;
            const xOff = ((b * inH + iy) * inW + ix) * cin;
            const wOff = (ky * fw + kx) * cin * cout;
            for (let ci = 0; ci < cin; ci++) {
              const xv = xs[xOff + ci];
              if (xv === 0) continue;
              const row = wOff + ci * cout;
              for (let co = 0; co < cout; co++) dw[row + co] += xv * dys[dyOff + co];
            }
          }
        }
      }
    }
  }
  return out;
}

const kernels: KernelConfig[] = [
  {
    kernelName: 'UnsortedSegmentSum',
    backendName: 'wasm',
    kernelFunc: unsortedSegmentSum as KernelConfig['kernelFunc'],
  },
  {
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: conv2DBackpropFilter as KernelConfig['kernelFunc'],
  },
  adamStepKernel,
];

let matMulWrapped = false;
const HEAP_ROW_WRAPPERS = { GatherV2: rowGather, Slice: heapSlice, Identity: sharedIdentity };
const stockRowKernels = new Map<string, KernelConfig>();
let heapRowsOn = false;

/**
 * Switches GatherV2, Slice and Identity between the wrappers that spare a copy (the default once
 * registered) and wasm's stock kernels (benchmarks, tests). Returns whether the wrappers are now active.
 */
export function useHeapRowKernels(enabled: boolean): boolean {
  if (enabled === heapRowsOn) return heapRowsOn;
  for (const name of Object.keys(HEAP_ROW_WRAPPERS)) {
    const stock = stockRowKernels.get(name) ?? tf.getKernel(name, 'wasm');
    if (!stock) return heapRowsOn;
    stockRowKernels.set(name, stock);
  }
  for (const [name, wrap] of Object.entries(HEAP_ROW_WRAPPERS)) {
    const stock = stockRowKernels.get(name)!;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(enabled ? { ...stock, kernelFunc: wrap(stock.kernelFunc) as KernelConfig['kernelFunc'] } : stock);
  }
  heapRowsOn = enabled;
  return heapRowsOn;
}
let stockMatMul: KernelConfig | undefined;

/**
 * Switches between the untransposing BatchMatMul and wasm's stock kernel (for benchmarks that
 * compare both in one run). Returns whether the wrapper is now active.
 */
export function useUntransposedMatMul(enabled: boolean): boolean {
  const current = tf.getKernel('BatchMatMul', 'wasm');
  const tr = tf.getKernel('Transpose', 'wasm');
  if (!current || !tr || !stockMatMul || enabled === matMulWrapped) return matMulWrapped;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  const wrapped = untransposedBatchMatMul(stockMatMul.kernelFunc, tr.kernelFunc) as KernelConfig['kernelFunc'];
  tf.registerKernel(
    enabled ? { ...stockMatMul, kernelFunc: nativeBatchMatMul(wrapped) as KernelConfig['kernelFunc'] } : stockMatMul,
  );
  matMulWrapped = enabled;
  return matMulWrapped;
}

/** Registers the missing kernels once; a kernel the backend gains upstream is left alone. */
export function registerMissingWasmKernels(): string[] {
  const added: string[] = [];
  const mm = tf.getKernel('BatchMatMul', 'wasm');
  const tr = tf.getKernel('Transpose', 'wasm');
  if (!matMulWrapped && mm && tr) {
    stockMatMul = mm;
    tf.unregisterKernel('BatchMatMul', 'wasm');
    const wrapped = untransposedBatchMatMul(mm.kernelFunc, tr.kernelFunc) as KernelConfig['kernelFunc'];
    tf.registerKernel({ ...mm, kernelFunc: nativeBatchMatMul(wrapped) as KernelConfig['kernelFunc'] });
    matMulWrapped = true;
    added.push('BatchMatMul (untransposed)');
  }
  if (useHeapRowKernels(true)) added.push('GatherV2, Slice (heap rows), Identity (shared)');
  for (const k of kernels) {
    if (tf.getKernel(k.kernelName, 'wasm')) continue;
    tf.registerKernel(k);
    added.push(k.kernelName);
  }
  return added;
}
