/**
 * A whole GRU layer direction as one differentiable op with hand-written BPTT; see fused-lstm.ts
 * for why. Cell ("reset after", = ONNX linear_before_reset=1), gates z, r, h:
 *   a = x·W + bW (given as xProj), u = h·U + bU,
 *   z = σ(a_z + u_z), r = σ(a_r + u_r), n = tanh(a_h + r⊙u_h), h' = (1−z)⊙n + z⊙h.
 * Masking and return value as in fused-lstm.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { recurrentMatMul } from './fused-lstm';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export function fusedGruSequence(
  xProj: tf.Tensor3D,
  U: tf.Tensor2D,
  bU: tf.Tensor1D,
  mask: Float32Array,
  reverse: boolean,
): tf.Tensor3D {
  const op = tf.customGrad(((xp: tf.Tensor3D, u: tf.Tensor2D, bu: tf.Tensor1D) => {
    const [T, B, G] = xp.shape;
    const H = G / 3;
    const x = xp.dataSync() as Float32Array;
    const bias = bu.dataSync() as Float32Array;
    const hs = new Float32Array(T * B * H);
    const hPrev = new Float32Array(T * B * H);
    const acts = new Float32Array(T * B * G); // z, r, n
    const uh = new Float32Array(T * B * H); // h·U_h + bU_h, needed for dr
    const h = new Float32Array(B * H);
    const recBuf = new Float32Array(B * G);
    for (let s = 0; s < T; s++) {
      const t = reverse ? T - 1 - s : s;
      const off = t * B * H;
      hPrev.set(h, off);
      const rec = s === 0 ? null : recurrentMatMul(h, B, H, u, recBuf);
      for (let b = 0; b < B; b++) {
        if (mask[t * B + b] === 0) continue;
        const gBase = (t * B + b) * G;
        const rBase = b * G;
        const hBase = b * H;
        for (let j = 0; j < H; j++) {
          const uz = (rec ? rec[rBase + j] : 0) + bias[j];
          const ur = (rec ? rec[rBase + H + j] : 0) + bias[H + j];
          const un = (rec ? rec[rBase + 2 * H + j] : 0) + bias[2 * H + j];
          const z = sigmoid(x[gBase + j] + uz);
          const r = sigmoid(x[gBase + H + j] + ur);
          const n = Math.tanh(x[gBase + 2 * H + j] + r * un);
          acts[gBase + j] = z;
          acts[gBase + H + j] = r;
          acts[gBase + 2 * H + j] = n;
          uh[off + hBase + j] = un;
          h[hBase + j] = (1 - z) * n + z * h[hBase + j];
        }
      }
      hs.set(h, off);
    }
    const value = tf.tensor3d(hs, [T, B, H]);
    const gradFunc = (dy: tf.Tensor) => {
      const dHs = dy.dataSync() as Float32Array;
      // Transposed once here rather than inside every step's matMul.
      const uT = tf.transpose(u) as tf.Tensor2D;
      const backBuf = new Float32Array(B * H);
      const dA = new Float32Array(T * B * G); // gradient w.r.t. xProj
      const dR = new Float32Array(T * B * G); // gradient w.r.t. u = h·U + bU
      const dh = new Float32Array(B * H);
      for (let s = T - 1; s >= 0; s--) {
        const t = reverse ? T - 1 - s : s;
        const off = t * B * H;
        for (let b = 0; b < B; b++) {
          const hBase = b * H;
          if (mask[t * B + b] === 0) {
            for (let j = 0; j < H; j++) dh[hBase + j] += dHs[off + hBase + j];
            continue;
          }
          const gBase = (t * B + b) * G;
          for (let j = 0; j < H; j++) {
            const dht = dHs[off + hBase + j] + dh[hBase + j];
            const z = acts[gBase + j];
            const r = acts[gBase + H + j];
            const n = acts[gBase + 2 * H + j];
            const hp = hPrev[off + hBase + j];
            const dnPre = dht * (1 - z) * (1 - n * n);
            const dzPre = dht * (hp - n) * z * (1 - z);
            const drPre = dnPre * uh[off + hBase + j] * r * (1 - r);
            dA[gBase + j] = dzPre;
            dA[gBase + H + j] = drPre;
            dA[gBase + 2 * H + j] = dnPre;
            dR[gBase + j] = dzPre;
            dR[gBase + H + j] = drPre;
            dR[gBase + 2 * H + j] = dnPre * r;
            dh[hBase + j] = dht * z; // direct path; dR·Uᵀ is added below
          }
        }
        if (s > 0) {
          const back = recurrentMatMul(dR.subarray(t * B * G, (t + 1) * B * G), B, G, uT, backBuf);
          for (let k = 0; k < B * H; k++) dh[k] += back[k];
        }
      }
      uT.dispose();
      const dX = tf.tensor3d(dA, [T, B, G]);
      const [dU, dBU] = tf.tidy(() => {
        const dRt = tf.tensor2d(dR, [T * B, G]);
        return [tf.matMul(tf.tensor2d(hPrev, [T * B, H]), dRt, true, false), tf.sum(dRt, 0)];
      });
      return [dX, dU, dBU];
    };
    return { value, gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(xProj, U, bU) as tf.Tensor3D;
}
