/**
 * TextCNN's convolutions, ReLU and max over time as one op with a hand-written gradient
 * (host-memory backends: wasm, cpu).
 *
 * Forward: one GEMM for every width and tap, Y = X·[W_k[j] for each k, j] ([B·T, E] × [E, Σk·F]),
 * then conv_k[t] = Σ_j Y[t + j, (k, j)] + b_k, ReLU and the max over t in one pass that keeps the argmax.
 * Backward: max over time passes the gradient to one position per (row, filter), so the weight and
 * input gradients are two axpys of length k·E per (row, width, filter) — about 1/45 of the dense
 * backward GEMMs that autograd runs through the shifted-matMul form (arch/textcnn.ts's 'shifted').
 * The GEMM and both loops run in the native kernels where they are built (native-kernels.ts),
 * else the GEMM is tf.matMul (XNNPACK on wasm) and the loops are JS.
 */
import * as tf from '@tensorflow/tfjs';
import { hostView, writeTensors } from '../../backend/host-read';
import { nativeKernels, type NativeKernels } from '../../backend/native-kernels';

/**
 * Host arrays reused across steps (Y is [B·T, Σk·F], 11 MB at the bench config): fresh arrays every
 * step were ~7 MB of garbage a step. Never handed to a tensor, and nothing in them outlives a call
 * except what the backward pass recomputes.
 */
const scratchArrays = new Map<string, Float32Array>();
/** The call whose weights are in the wall/wt scratch now (so its backward pass need not pack again). */
let packedBy: object | undefined;
function scratch(name: string, n: number): Float32Array {
  let a = scratchArrays.get(name);
  if (!a || a.length < n) scratchArrays.set(name, (a = new Float32Array(n)));
  return a.subarray(0, n);
}

/**
 * W: every W_k ([k, E, F]) one after another. wall: [E, S] with column block (k, j) = W_k[j];
 * wt: per width, W_k as [F, k·E] (filter-major).
 */
function packWeightsJs(
  W: Float32Array,
  widths: Int32Array,
  E: number,
  F: number,
  wall: Float32Array,
  wt: Float32Array,
): void {
  const S = wall.length / E;
  let col = 0;
  let woff = 0;
  for (const k of widths) {
    const L = k * E;
    for (let i = 0; i < L; i++) {
      const src = woff + i * F;
      const dst = (i % E) * S + col + Math.floor(i / E) * F;
      for (let f = 0; f < F; f++) {
        wall[dst + f] = W[src + f];
        wt[woff + f * L + i] = W[src + f];
      }
    }
    col += k * F;
    woff += F * L;
  }
}

/** Per width, [F, k·E] back to [k, E, F], widths one after another. */
function unpackGradJs(dWT: Float32Array, widths: Int32Array, E: number, F: number, dW: Float32Array): void {
  let woff = 0;
  for (const k of widths) {
    const L = k * E;
    for (let i = 0; i < L; i++) for (let f = 0; f < F; f++) dW[woff + i * F + f] = dWT[woff + f * L + i];
    woff += F * L;
  }
}

function poolForwardJs(
  Y: Float32Array,
  B: number,
  T: number,
  F: number,
  widths: Int32Array,
  bias: Float32Array,
  out: Float32Array,
  arg: Int32Array,
): void {
  const S = widths.reduce((s, k) => s + k * F, 0);
  const D = widths.length * F;
  const acc = new Float32Array(F);
  for (let b = 0; b < B; b++) {
    let off = 0;
    for (let w = 0; w < widths.length; w++) {
      const k = widths[w];
      const o = b * D + w * F;
      for (let f = 0; f < F; f++) {
        out[o + f] = 0;
        arg[o + f] = -1;
      }
      for (let t = 0; t + k <= T; t++) {
        const y = (b * T + t) * S + off;
        for (let f = 0; f < F; f++) acc[f] = bias[w * F + f] + Y[y + f];
        for (let j = 1; j < k; j++) {
          const yj = y + j * S + j * F;
          for (let f = 0; f < F; f++) acc[f] += Y[yj + f];
        }
        for (let f = 0; f < F; f++) {
          if (acc[f] > out[o + f]) {
            out[o + f] = acc[f];
            arg[o + f] = t;
          }
        }
      }
      off += k * F;
    }
  }
}

function poolBackwardJs(
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
): void {
  const D = widths.length * F;
  let woff = 0;
  for (let w = 0; w < widths.length; w++) {
    const L = widths[w] * E;
    for (let b = 0; b < B; b++) {
      for (let f = 0; f < F; f++) {
        const t = arg[b * D + w * F + f];
        if (t < 0) continue;
        const g = G[b * D + w * F + f];
        db[w * F + f] += g;
        const x = (b * T + t) * E;
        const dw = woff + f * L;
        for (let i = 0; i < L; i++) dWT[dw + i] += g * X[x + i];
        for (let i = 0; i < L; i++) dX[x + i] += g * WT[dw + i];
      }
    }
    woff += F * L;
  }
}

/** Y = X·wall: the native sgemm reads X straight from the tensor's memory; else tf.matMul (XNNPACK). */
function gemmY(
  native: NativeKernels | undefined,
  x: tf.Tensor,
  wall: Float32Array,
  rows: number,
  E: number,
  S: number,
): Float32Array {
  if (!native) {
    // The tensor, not its data, leaves tidy: tidy walks a returned container element by element.
    const y = tf.tidy(() => tf.matMul(tf.reshape(x, [rows, E]), tf.tensor2d(wall, [E, S])));
    const data = y.dataSync() as Float32Array;
    y.dispose();
    return data;
  }
  const Y = scratch('Y', rows * S);
  native.sgemm(0, 0, rows, S, E, hostView(x), wall, Y, false);
  return Y;
}

/**
 * x: embedded tokens [B, T, E]; W[w]: [k_w, E, F]; b[w]: [F]. Returns the pooled features [B, widths·F],
 * widths in order (the same layout as concatenating each width's max-pooled ReLU(conv1d)).
 */
export function textcnnConvPool(
  x: tf.Tensor3D,
  W: tf.Tensor[],
  b: tf.Tensor[],
  widths: number[],
  /** The native kernels, or null for the JS loops (tests compare both). */
  kernels: NativeKernels | null | undefined = nativeKernels(),
): tf.Tensor2D {
  const [B, T, E] = x.shape;
  const F = W[0].shape[2] as number;
  for (const k of widths) if (T < k) throw new Error(`textcnn: sequence length ${T} is shorter than filter width ${k}`);
  const nw = widths.length;
  const kw = Int32Array.from(widths);
  const S = widths.reduce((s, k) => s + k * F, 0);
  const D = nw * F;
  // The values are read from the tensors themselves, on wasm straight from the heap; only the argmax
  // is this call's own.
  const call = {};
  const packed = (wall: Float32Array, wt: Float32Array) => {
    // The backward pass of the call that packed last finds wall/wt as it left them.
    if (packedBy === call) return;
    packedBy = call;
    const ws = scratch('ws', E * S);
    let at = 0;
    for (const t of W) {
      ws.set(hostView(t), at);
      at += t.size;
    }
    (native ? native.packWeights : packWeightsJs)(ws, kw, E, F, wall, wt);
  };
  const native = kernels ?? undefined;
  const op = tf.customGrad(((...args: unknown[]) => {
    // customGrad passes a save function last: x is kept for the backward pass (on wasm a shared
    // reference, not a copy); W and b are the model's variables.
    (args[args.length - 1] as (t: tf.Tensor[]) => void)([x]);
    const bias = scratch('bias', D);
    b.forEach((t, w) => bias.set(hostView(t), w * F));
    const wall = scratch('wall', E * S);
    packed(wall, scratch('wt', E * S));
    const Y = gemmY(native, x, wall, B * T, E, S);
    const arg = new Int32Array(B * D);
    const [value] = writeTensors([[B, D]], ([out]) =>
      (native ? native.poolForward : poolForwardJs)(Y, B, T, F, kw, bias, out, arg),
    );
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const wt = scratch('wt', E * S);
        packed(scratch('wall', E * S), wt);
        const dWT = scratch('dWT', E * S).fill(0);
        const db = scratch('db', D).fill(0);
        const dW = scratch('dW', E * S);
        const shapes = [[B, T, E], ...W.map((t) => t.shape), ...b.map((t) => t.shape)];
        return writeTensors(shapes, ([dX, ...grads]) => {
          dX.fill(0);
          const g = hostView(dy);
          const xs = hostView(saved[0]);
          (native ? native.poolBackward : poolBackwardJs)(g, arg, xs, wt, B, T, E, F, kw, dX, dWT, db);
          (native ? native.unpackGrad : unpackGradJs)(dWT, kw, E, F, dW);
          let woff = 0;
          widths.forEach((k, w) => {
            grads[w].set(dW.subarray(woff, woff + k * E * F));
            woff += k * E * F;
            grads[nw + w].set(db.subarray(w * F, (w + 1) * F));
          });
        });
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x, ...W, ...b) as tf.Tensor2D;
}
