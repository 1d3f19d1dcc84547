/**
 * A whole LSTM layer direction as one differentiable op with hand-written BPTT.
 *
 * Why: on the wasm backend every tfjs op costs ~20–40 µs of dispatch, and a per-step LSTM built
 * from tf ops needs ~15 of them forward and more backward, per step, per direction, per layer.
 * Here each step is one XNNPACK matMul (h·U, or dGates·Uᵀ backward) plus one tight JS loop for the
 * gate non-linearities on host memory; the input projection x·W and the weight gradients are single
 * large matMuls outside the loop. Only for backends whose tensors live in host memory (wasm, cpu);
 * native backends use the composite version in composite-rnn.ts. Where the native kernels are
 * built (native-kernels.ts), the whole loop, forward and BPTT, runs in C over OpenBLAS instead
 * (lstmForward/lstmBackward in distillery_native.c: same semantics, the per-step matMuls as sgemm
 * without a tfjs op or a copy per step). nativeLstmLayer also takes the input projection x·W + b
 * and its gradients (dx, dW, db as three sgemm) into the op: on wasm, autograd of x·W + b cost a
 * Sum over [T·B, 4H] for db and the matMul dispatches (with their transposes) per direction.
 *
 * Semantics (docs/model-spec.md): xProj = x·W + b, time-major [T, B, 4H], gates i, f, g, o.
 * `mask[t*B + b]` is 1 for real tokens; at a padded position the state is carried unchanged, so
 * with post-padding the forward direction ends on the last real token and the reverse direction
 * starts from a zero state at the last real token. Returns the state after each position, [T, B, H].
 */
import * as tf from '@tensorflow/tfjs';
import { readInto } from '../../backend/host-read';
import { nativeKernels, type NativeKernels } from '../../backend/native-kernels';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export function fusedLstmSequence(
  xProj: tf.Tensor3D,
  U: tf.Tensor2D,
  mask: Float32Array,
  reverse: boolean,
  /** The native kernels, or null for the JS loop (tests compare both). */
  kernels: NativeKernels | null | undefined = nativeKernels(),
): tf.Tensor3D {
  // An addon built before the LSTM kernels existed has no lstmForward: the JS loop then.
  if (kernels?.lstmForward) return nativeLstmSequence(kernels, xProj, U, mask, reverse);
  const op = tf.customGrad(((xp: tf.Tensor3D, u: tf.Tensor2D) => {
    const [T, B, G] = xp.shape;
    const H = G / 4;
    const x = xp.dataSync() as Float32Array;
    const hs = new Float32Array(T * B * H); // state after position t
    const cs = new Float32Array(T * B * H);
    const hPrev = new Float32Array(T * B * H); // state before position t (for dU)
    const cPrev = new Float32Array(T * B * H);
    const acts = new Float32Array(T * B * G); // activated i, f, g, o
    const h = new Float32Array(B * H);
    const c = new Float32Array(B * H);
    const recBuf = new Float32Array(B * G);
    for (let s = 0; s < T; s++) {
      const t = reverse ? T - 1 - s : s;
      const off = t * B * H;
      hPrev.set(h, off);
      cPrev.set(c, off);
      const rec = s === 0 ? null : recurrentMatMul(h, B, H, u, recBuf);
      for (let b = 0; b < B; b++) {
        if (mask[t * B + b] === 0) continue; // carry the state
        const gBase = (t * B + b) * G;
        const rBase = b * G;
        const hBase = b * H;
        for (let j = 0; j < H; j++) {
          const zi = x[gBase + j] + (rec ? rec[rBase + j] : 0);
          const zf = x[gBase + H + j] + (rec ? rec[rBase + H + j] : 0);
          const zg = x[gBase + 2 * H + j] + (rec ? rec[rBase + 2 * H + j] : 0);
          const zo = x[gBase + 3 * H + j] + (rec ? rec[rBase + 3 * H + j] : 0);
          const i = sigmoid(zi);
          const f = sigmoid(zf);
          const g = Math.tanh(zg);
          const o = sigmoid(zo);
          const cn = f * c[hBase + j] + i * g;
          acts[gBase + j] = i;
          acts[gBase + H + j] = f;
          acts[gBase + 2 * H + j] = g;
          acts[gBase + 3 * H + j] = o;
          c[hBase + j] = cn;
          h[hBase + j] = o * Math.tanh(cn);
        }
      }
      hs.set(h, off);
      cs.set(c, off);
    }
    const value = tf.tensor3d(hs, [T, B, H]);
    const gradFunc = (dy: tf.Tensor) => {
      const dHs = dy.dataSync() as Float32Array;
      // Transposed once here rather than inside every step's matMul.
      const uT = tf.transpose(u) as tf.Tensor2D;
      const backBuf = new Float32Array(B * H);
      const dG = new Float32Array(T * B * G);
      const dh = new Float32Array(B * H); // gradient reaching the state after position t from later steps
      const dc = new Float32Array(B * H);
      for (let s = T - 1; s >= 0; s--) {
        const t = reverse ? T - 1 - s : s;
        const off = t * B * H;
        for (let b = 0; b < B; b++) {
          const hBase = b * H;
          if (mask[t * B + b] === 0) {
            // Carried state: the gradient passes straight through to the previous state.
            for (let j = 0; j < H; j++) dh[hBase + j] += dHs[off + hBase + j];
            continue;
          }
          const gBase = (t * B + b) * G;
          for (let j = 0; j < H; j++) {
            const dht = dHs[off + hBase + j] + dh[hBase + j];
            const i = acts[gBase + j];
            const f = acts[gBase + H + j];
            const g = acts[gBase + 2 * H + j];
            const o = acts[gBase + 3 * H + j];
            const tc = Math.tanh(cs[off + hBase + j]);
            const dcn = dc[hBase + j] + dht * o * (1 - tc * tc);
            dG[gBase + j] = dcn * g * i * (1 - i);
            dG[gBase + H + j] = dcn * cPrev[off + hBase + j] * f * (1 - f);
            dG[gBase + 2 * H + j] = dcn * i * (1 - g * g);
            dG[gBase + 3 * H + j] = dht * tc * o * (1 - o);
            dc[hBase + j] = dcn * f;
            dh[hBase + j] = 0; // replaced by dGates·Uᵀ below
          }
        }
        if (s > 0) {
          // Masked rows have dGates = 0, so adding the product keeps their pass-through gradient.
          const back = recurrentMatMul(dG.subarray(t * B * G, (t + 1) * B * G), B, G, uT, backBuf);
          for (let k = 0; k < B * H; k++) dh[k] += back[k];
        }
      }
      uT.dispose();
      const dX = tf.tensor3d(dG, [T, B, G]);
      const dU = tf.tidy(() => tf.matMul(tf.tensor2d(hPrev, [T * B, H]), tf.tensor2d(dG, [T * B, G]), true, false));
      return [dX, dU];
    };
    return { value, gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(xProj, U) as tf.Tensor3D;
}

/**
 * Host buffers of the native path, reused across calls: a step's fresh 3 MB arrays (states, gates,
 * their gradients) kept the garbage collector busy. Only on wasm, whose tensors copy their values
 * in; the cpu backend keeps the array it is given, so there nothing goes back to the pool.
 */
const pool = new Map<number, Float32Array[]>();
const take = (n: number) => pool.get(n)?.pop() ?? new Float32Array(n);
function giveBack(...arrays: Float32Array[]): void {
  if (tf.getBackend() !== 'wasm') return;
  for (const a of arrays) {
    const free = pool.get(a.length) ?? [];
    // A few per size: two directions, a layer or two, forward before backward.
    if (free.length < 8) free.push(a);
    pool.set(a.length, free);
  }
}

function nativeLstmSequence(
  native: NativeKernels,
  xProj: tf.Tensor3D,
  U: tf.Tensor2D,
  mask: Float32Array,
  reverse: boolean,
): tf.Tensor3D {
  const op = tf.customGrad(((xp: tf.Tensor3D, u: tf.Tensor2D) => {
    const [T, B, G] = xp.shape;
    const H = G / 4;
    const x = readInto(xp, take(T * B * G));
    const uData = readInto(u, take(H * G));
    const hs = take(T * B * H);
    const cs = take(T * B * H);
    const acts = take(T * B * G);
    native.lstmForward(x, uData, mask, T, B, H, reverse, hs, cs, acts);
    giveBack(x);
    const value = tf.tensor3d(hs, [T, B, H]);
    // Without a backward pass (inference) the buffers are simply collected.
    const gradFunc = (dy: tf.Tensor) => {
      const dHs = readInto(dy, take(T * B * H));
      const dG = take(T * B * G);
      const dU = take(H * G);
      native.lstmBackward(dHs, uData, mask, hs, cs, acts, T, B, H, reverse, dG, dU);
      const grads = [tf.tensor3d(dG, [T, B, G]), tf.tensor2d(dU, [H, G])];
      giveBack(dHs, dG, dU, uData, hs, cs, acts);
      return grads;
    };
    return { value, gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(xProj, U) as tf.Tensor3D;
}

let projectionInside = true;

/** For benchmarks comparing both paths in one run: false projects x·W + b with tf ops again. */
export function useNativeProjection(enabled: boolean): void {
  projectionInside = enabled;
}

/** Whether nativeLstmLayer applies: native kernels with the LSTM ops, and not turned off above. */
export function nativeLstmLayerKernels(): NativeKernels | undefined {
  const k = nativeKernels();
  return projectionInside && k?.lstmForward ? k : undefined;
}

/** Cached ones for db = 1ᵀ·dG (one sgemm rather than a JS loop over T·B·4H). */
let onesCache = new Float32Array(0);
function ones(n: number): Float32Array {
  if (onesCache.length < n) onesCache = new Float32Array(n).fill(1);
  return onesCache.subarray(0, n);
}

/**
 * One LSTM direction with its input projection: x [T, B, I], W [I, 4H], b [4H], U [H, 4H] → states
 * [T, B, H], the same values and gradients as fusedLstmSequence(x·W + b, U, …) (fused-rnn.test.ts).
 */
export function nativeLstmLayer(
  native: NativeKernels,
  x: tf.Tensor3D,
  W: tf.Tensor2D,
  b: tf.Tensor1D,
  U: tf.Tensor2D,
  mask: Float32Array,
  reverse: boolean,
): tf.Tensor3D {
  const op = tf.customGrad(((xt: tf.Tensor3D, wt: tf.Tensor2D, bt: tf.Tensor1D, u: tf.Tensor2D) => {
    const [T, B, I] = xt.shape;
    const G = wt.shape[1];
    const H = G / 4;
    const TB = T * B;
    const xData = readInto(xt, take(TB * I));
    const wData = readInto(wt, take(I * G));
    const uData = readInto(u, take(H * G));
    // xProj = 1·bᵀ + x·W: the bias rows first, then the product accumulated onto them.
    const xProj = take(TB * G);
    readInto(bt, xProj.subarray(0, G));
    for (let filled = G; filled < TB * G; filled *= 2) xProj.copyWithin(filled, 0, Math.min(filled, TB * G - filled));
    native.sgemm(0, 0, TB, G, I, xData, wData, xProj, true);
    const hs = take(TB * H);
    const cs = take(TB * H);
    const acts = take(TB * G);
    native.lstmForward(xProj, uData, mask, T, B, H, reverse, hs, cs, acts);
    giveBack(xProj);
    const value = tf.tensor3d(hs, [T, B, H]);
    const gradFunc = (dy: tf.Tensor) => {
      const dHs = readInto(dy, take(TB * H));
      const dG = take(TB * G);
      const dU = take(H * G);
      native.lstmBackward(dHs, uData, mask, hs, cs, acts, T, B, H, reverse, dG, dU);
      const dx = take(TB * I);
      const dW = take(I * G);
      const db = take(G);
      native.sgemm(0, 1, TB, I, G, dG, wData, dx, false); // dG·Wᵀ
      native.sgemm(1, 0, I, G, TB, xData, dG, dW, false); // xᵀ·dG
      native.sgemm(0, 0, 1, G, TB, ones(TB), dG, db, false); // column sums of dG
      const grads = [tf.tensor3d(dx, [T, B, I]), tf.tensor2d(dW, [I, G]), tf.tensor1d(db), tf.tensor2d(dU, [H, G])];
      giveBack(dHs, dG, dU, dx, dW, db, xData, wData, uData, hs, cs, acts);
      return grads;
    };
    return { value, gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x, W, b, U) as tf.Tensor3D;
}

/** rows·M through the backend's matMul, read back into `out` (reused across steps). */
export function recurrentMatMul(
  rows: Float32Array,
  B: number,
  width: number,
  M: tf.Tensor2D,
  out: Float32Array,
): Float32Array {
  const a = tf.tensor2d(rows, [B, width]);
  const r = tf.matMul(a, M);
  readInto(r, out);
  a.dispose();
  r.dispose();
  return out;
}
