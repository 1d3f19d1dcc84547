/**
 * AdamW (Loshchilov & Hutter) as torch.optim.AdamW computes it — tfjs 4.22 has Adam but no AdamW:
 *   p ← p·(1 − lr·λ)                      (decoupled weight decay; skipped for biases and LayerNorm)
 *   m ← β1·m + (1 − β1)·g,  v ← β2·v + (1 − β2)·g²
 *   p ← p − lr/(1 − β1ᵗ) · m / (√v/√(1 − β2ᵗ) + ε)
 * plus the pieces a BERT fine-tuning loop needs: global-norm gradient clipping (clip_grad_norm_) and
 * the linear warm-up / linear decay schedule (get_linear_schedule_with_warmup).
 */
import * as tf from '@tensorflow/tfjs';

export interface AdamWOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  weightDecay?: number;
}

/** HF's convention: no weight decay on biases and LayerNorm weights. */
export function decaysWeight(canonicalName: string): boolean {
  return !(canonicalName.endsWith('.bias') || /LayerNorm\.weight$/.test(canonicalName));
}

export class AdamW {
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();
  private t = 0;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;

  /** `params`: canonical name → variable; weight decay applies where decaysWeight(name). */
  constructor(
    private readonly params: Record<string, tf.Variable>,
    opts: AdamWOptions = {},
  ) {
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.epsilon = opts.epsilon ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0.01;
    for (const [name, p] of Object.entries(params)) {
      this.m.set(
        name,
        tf.tidy(() => tf.variable(tf.zerosLike(p), false)),
      );
      this.v.set(
        name,
        tf.tidy(() => tf.variable(tf.zerosLike(p), false)),
      );
    }
  }

  get steps(): number {
    return this.t;
  }

  /**
   * One update. `grads`: canonical name → gradient (names without a gradient are left alone);
   * `gradScale` multiplies every gradient first (clipping).
   */
  step(grads: Record<string, tf.Tensor>, lr: number, gradScale = 1): void {
    this.t++;
    const { beta1: b1, beta2: b2, epsilon: eps } = this;
    const stepSize = lr / (1 - b1 ** this.t);
    const sqrtBc2 = Math.sqrt(1 - b2 ** this.t);
    tf.tidy(() => {
      for (const [name, p] of Object.entries(this.params)) {
        let g = grads[name];
        if (!g) continue;
        if (gradScale !== 1) g = tf.mul(g, gradScale);
        const m = this.m.get(name)!;
        const v = this.v.get(name)!;
        const m1 = tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1));
        const v1 = tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2));
        m.assign(m1);
        v.assign(v1);
        const decayed = this.weightDecay > 0 && decaysWeight(name) ? tf.mul(p, 1 - lr * this.weightDecay) : p;
        const denom = tf.add(tf.div(tf.sqrt(v1), sqrtBc2), eps);
        p.assign(tf.sub(decayed, tf.mul(tf.div(m1, denom), stepSize)));
      }
    });
  }

  dispose(): void {
    for (const x of [...this.m.values(), ...this.v.values()]) x.dispose();
    this.m.clear();
    this.v.clear();
  }
}

/** √Σ‖g‖² over all gradients (one host read). */
export function globalNorm(grads: Iterable<tf.Tensor>): number {
  const sq = tf.tidy(() => tf.addN([...grads].map((g) => tf.sum(tf.square(g)))));
  const value = Math.sqrt(sq.dataSync()[0]);
  sq.dispose();
  return value;
}

/** clip_grad_norm_'s factor: 1, or maxNorm/(norm + 1e-6) when the norm exceeds maxNorm. */
export function clipScale(norm: number, maxNorm: number): number {
  if (!(maxNorm > 0) || !Number.isFinite(norm)) return 1;
  return Math.min(1, maxNorm / (norm + 1e-6));
}

/**
 * Learning-rate multiplier for update `step` (1-based) of `total`: linear warm-up over `warmup`
 * updates to 1, then linear decay towards 0 at `total` (the last update still moves: 1/(total−warmup)).
 */
export function linearWarmupDecay(step: number, total: number, warmup: number): number {
  if (warmup > 0 && step <= warmup) return step / warmup;
  return Math.max(0, (total - step + 1) / Math.max(1, total - warmup));
}
