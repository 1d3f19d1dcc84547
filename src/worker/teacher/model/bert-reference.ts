/**
 * Plain float64 forward pass of BertForSequenceClassification as written in bert-config.ts. It is
 * the oracle for the ONNX exporter and the tfjs encoder, so it favours being obviously the contract
 * (one row at a time, explicit loops, PyTorch [out, in] weights read as they are) over speed.
 *
 *   x = LN(word[ids] + pos[0..T) + type[types])
 *   per layer: a = LN(x + Attn(x)), x = LN(a + W2·gelu(W1·a))
 *   Attn: per head h, softmax_k((q_t·k_k)/√d + (1 − mask_k)·−10000) · v_k, then the output dense
 *   pooled = tanh(pooler(x[:, 0])) (or x[:, 0] without a pooler); logits = classifier(pooled)
 */
import type { BertConfig, BertWeights, WeightTensor } from './bert-config';

export interface BertReferenceOutput {
  /** [batch, numLabels] row-major. */
  logits: Float64Array;
  /** softmax(logits) per row, [batch, numLabels]. (A multi-label head reads sigmoid(logits) instead.) */
  probs: Float64Array;
  /** The last layer's hidden state at position 0 ([CLS]), before the pooler: [batch, hidden]. */
  cls: Float64Array;
  /** What the classifier sees: tanh(pooler(cls)), or cls itself without a pooler: [batch, hidden]. */
  pooled: Float64Array;
}

/** The additive bias a masked key gets before softmax (Hugging Face's classic value). */
export const BERT_MASKED_BIAS = -10000;

/** Abramowitz–Stegun 7.1.26 is too coarse for an oracle; this is erf to ~1e-15 (series / continued fraction). */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    // Maclaurin series: erf(x) = 2/√π Σ (−1)^n x^(2n+1) / (n! (2n+1)).
    let term = ax;
    let sum = ax;
    const x2 = ax * ax;
    for (let n = 1; n < 100; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return Math.sign(x) * sum * (2 / Math.sqrt(Math.PI));
  }
  // erfc(x) = exp(−x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + 2/(x + …))))) (Lentz-free, evaluated bottom-up).
  let f = ax;
  for (let k = 60; k >= 1; k--) f = ax + k / 2 / f;
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

/** Exact (erf) gelu: x·Φ(x). */
export const gelu = (x: number): number => 0.5 * x * (1 + erf(x / Math.SQRT2));

function need(weights: BertWeights, name: string, shape: number[]): WeightTensor {
  const w = weights[name];
  if (!w) throw new Error(`BERT weights: missing ${name}`);
  if (w.shape.length !== shape.length || w.shape.some((d, i) => d !== shape[i])) {
    throw new Error(`BERT weights: ${name} has shape [${w.shape}], expected [${shape}]`);
  }
  return w;
}

/** y[o] = b[o] + Σ_i W[o, i]·x[i] — a PyTorch Linear, W stored [out, in]. */
function linear(x: Float64Array, W: WeightTensor, b: WeightTensor): Float64Array {
  const [out, inp] = W.shape;
  const y = new Float64Array(out);
  for (let o = 0; o < out; o++) {
    let s = b.data[o];
    const base = o * inp;
    for (let i = 0; i < inp; i++) s += W.data[base + i] * x[i];
    y[o] = s;
  }
  return y;
}

function layerNorm(x: Float64Array, gamma: WeightTensor, beta: WeightTensor, eps: number): Float64Array {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i] - mean) ** 2;
  v /= n; // biased variance, as torch.nn.LayerNorm
  const inv = 1 / Math.sqrt(v + eps);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = (x[i] - mean) * inv * gamma.data[i] + beta.data[i];
  return y;
}

function softmaxInPlace(x: Float64Array): Float64Array {
  let max = -Infinity;
  for (const v of x) max = Math.max(max, v);
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i] = Math.exp(x[i] - max);
  for (let i = 0; i < x.length; i++) x[i] /= sum;
  return x;
}

/** One sequence through the encoder: returns the last layer's hidden states, T rows of width H. */
function encodeRow(
  config: BertConfig,
  weights: BertWeights,
  ids: Int32Array,
  mask: Int32Array,
  types: Int32Array,
): Float64Array[] {
  const H = config.hidden_size;
  const I = config.intermediate_size;
  const nh = config.num_attention_heads;
  const d = H / nh;
  const eps = config.layer_norm_eps;
  const T = ids.length;
  if (T > config.max_position_embeddings)
    throw new Error(`sequence length ${T} > max_position_embeddings ${config.max_position_embeddings}`);

  const word = need(weights, 'embeddings.word_embeddings.weight', [config.vocab_size, H]);
  const pos = need(weights, 'embeddings.position_embeddings.weight', [config.max_position_embeddings, H]);
  const type = need(weights, 'embeddings.token_type_embeddings.weight', [config.type_vocab_size, H]);
  const embLnW = need(weights, 'embeddings.LayerNorm.weight', [H]);
  const embLnB = need(weights, 'embeddings.LayerNorm.bias', [H]);

  let x: Float64Array[] = [];
  for (let t = 0; t < T; t++) {
    const id = ids[t];
    const ty = types[t];
    if (id < 0 || id >= config.vocab_size)
      throw new Error(`token id ${id} outside the vocabulary (${config.vocab_size})`);
    if (ty < 0 || ty >= config.type_vocab_size)
      throw new Error(`token type ${ty} outside type_vocab_size (${config.type_vocab_size})`);
    const e = new Float64Array(H);
    for (let j = 0; j < H; j++) e[j] = word.data[id * H + j] + pos.data[t * H + j] + type.data[ty * H + j];
    x.push(layerNorm(e, embLnW, embLnB, eps));
  }

  const keyBias = Float64Array.from(mask, (m) => (1 - m) * BERT_MASKED_BIAS);
  const scale = 1 / Math.sqrt(d);

  for (let l = 0; l < config.num_hidden_layers; l++) {
    const p = `encoder.layer.${l}.`;
    const w = (n: string, shape: number[]) => need(weights, p + n, shape);
    const q = x.map((xt) => linear(xt, w('attention.self.query.weight', [H, H]), w('attention.self.query.bias', [H])));
    const k = x.map((xt) => linear(xt, w('attention.self.key.weight', [H, H]), w('attention.self.key.bias', [H])));
    const v = x.map((xt) => linear(xt, w('attention.self.value.weight', [H, H]), w('attention.self.value.bias', [H])));

    const next: Float64Array[] = [];
    for (let t = 0; t < T; t++) {
      const ctx = new Float64Array(H);
      for (let h = 0; h < nh; h++) {
        const off = h * d;
        const scores = new Float64Array(T);
        for (let s = 0; s < T; s++) {
          let dot = 0;
          for (let j = 0; j < d; j++) dot += q[t][off + j] * k[s][off + j];
          scores[s] = dot * scale + keyBias[s];
        }
        softmaxInPlace(scores);
        for (let s = 0; s < T; s++) for (let j = 0; j < d; j++) ctx[off + j] += scores[s] * v[s][off + j];
      }
      const attnOut = linear(ctx, w('attention.output.dense.weight', [H, H]), w('attention.output.dense.bias', [H]));
      for (let j = 0; j < H; j++) attnOut[j] += x[t][j];
      const a = layerNorm(
        attnOut,
        w('attention.output.LayerNorm.weight', [H]),
        w('attention.output.LayerNorm.bias', [H]),
        eps,
      );

      const inter = linear(a, w('intermediate.dense.weight', [I, H]), w('intermediate.dense.bias', [I]));
      for (let j = 0; j < I; j++) inter[j] = gelu(inter[j]);
      const ffn = linear(inter, w('output.dense.weight', [H, I]), w('output.dense.bias', [H]));
      for (let j = 0; j < H; j++) ffn[j] += a[j];
      next.push(layerNorm(ffn, w('output.LayerNorm.weight', [H]), w('output.LayerNorm.bias', [H]), eps));
    }
    x = next;
  }
  return x;
}

/**
 * BertForSequenceClassification in float64. Inputs are row-major [batch, T]; positions are 0..T−1
 * for every row (post-padded batches, as Hugging Face's default position_ids).
 */
export function referenceBertForward(
  config: BertConfig,
  weights: BertWeights,
  inputIds: Int32Array,
  attentionMask: Int32Array,
  tokenTypeIds: Int32Array,
  batch: number,
  T: number,
  numLabels: number,
): BertReferenceOutput {
  const H = config.hidden_size;
  if (H % config.num_attention_heads !== 0)
    throw new Error(`hidden_size ${H} is not a multiple of num_attention_heads ${config.num_attention_heads}`);
  for (const [name, a] of [
    ['input_ids', inputIds],
    ['attention_mask', attentionMask],
    ['token_type_ids', tokenTypeIds],
  ] as const) {
    if (a.length !== batch * T) throw new Error(`${name}: ${a.length} values for [${batch}, ${T}]`);
  }
  const hasPooler = 'pooler.dense.weight' in weights;
  const clsW = need(weights, 'classifier.weight', [numLabels, H]);
  const clsB = need(weights, 'classifier.bias', [numLabels]);

  const logits = new Float64Array(batch * numLabels);
  const probs = new Float64Array(batch * numLabels);
  const cls = new Float64Array(batch * H);
  const pooled = new Float64Array(batch * H);
  for (let b = 0; b < batch; b++) {
    const sl = (a: Int32Array) => a.subarray(b * T, (b + 1) * T);
    const x = encodeRow(config, weights, sl(inputIds), sl(attentionMask), sl(tokenTypeIds));
    const c = x[0];
    let pl = c;
    if (hasPooler) {
      pl = linear(c, need(weights, 'pooler.dense.weight', [H, H]), need(weights, 'pooler.dense.bias', [H]));
      for (let j = 0; j < H; j++) pl[j] = Math.tanh(pl[j]);
    }
    const lg = linear(pl, clsW, clsB);
    cls.set(c, b * H);
    pooled.set(pl, b * H);
    logits.set(lg, b * numLabels);
    probs.set(softmaxInPlace(Float64Array.from(lg)), b * numLabels);
  }
  return { logits, probs, cls, pooled };
}
