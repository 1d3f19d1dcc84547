/**
 * Plain float64 forward pass of every student architecture in docs/model-spec.md. It is the oracle
 * for the ONNX exporter and for the tfjs models, so it favours being obviously the spec (one row at
 * a time, explicit loops) over speed.
 */
import {
  cellOf,
  directions,
  validateStudent,
  type StudentConfig,
  type StudentParams,
} from '../../models/student-config';

export interface ReferenceOutput {
  /** [batch, C] row-major. */
  logits: Float64Array;
  /** [batch, C] row-major. */
  probs: Float64Array;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Row-major [rows, cols] matrix view over a float32 parameter. */
interface Mat {
  data: Float32Array;
  rows: number;
  cols: number;
}

function mat(params: StudentParams, name: string): Mat {
  const p = params[name];
  return { data: p.data, rows: p.shape[0], cols: p.shape.length > 1 ? p.shape[1] : 1 };
}

/** out[j] = bias[j] + Σ_i x[i]·M[i, j]. */
function vecMat(x: ArrayLike<number>, m: Mat, bias?: Float32Array): Float64Array {
  const out = new Float64Array(m.cols);
  if (bias) for (let j = 0; j < m.cols; j++) out[j] = bias[j];
  for (let i = 0; i < m.rows; i++) {
    const xi = x[i];
    if (xi === 0) continue;
    for (let j = 0; j < m.cols; j++) out[j] += xi * m.data[i * m.cols + j];
  }
  return out;
}

/** A sequence of T vectors of width `dim`, row-major [T, dim]. */
interface Seq {
  data: Float64Array;
  T: number;
  dim: number;
}

const row = (s: Seq, t: number): Float64Array => s.data.subarray(t * s.dim, (t + 1) * s.dim);

/**
 * Runs one direction over t < len (forward: 0..len-1, backward: len-1..0) from a zero state.
 * Returns the output sequence (zeros at t ≥ len) and the last state (zeros when len = 0).
 */
function runDirection(
  x: Seq,
  len: number,
  reverse: boolean,
  H: number,
  step: (xt: Float64Array, h: Float64Array, c: Float64Array) => void,
): { out: Seq; last: Float64Array } {
  const out: Seq = { data: new Float64Array(x.T * H), T: x.T, dim: H };
  const h = new Float64Array(H);
  const c = new Float64Array(H);
  for (let k = 0; k < len; k++) {
    const t = reverse ? len - 1 - k : k;
    step(row(x, t), h, c);
    out.data.set(h, t * H);
  }
  return { out, last: h };
}

function lstmStep(params: StudentParams, prefix: string, H: number) {
  const W = mat(params, `${prefix}_W`);
  const U = mat(params, `${prefix}_U`);
  const b = params[`${prefix}_b`].data;
  return (xt: Float64Array, h: Float64Array, c: Float64Array): void => {
    const z = vecMat(xt, W, b);
    const zu = vecMat(h, U);
    for (let j = 0; j < H; j++) {
      // Gate blocks i, f, g, o (Keras order).
      const i = sigmoid(z[j] + zu[j]);
      const f = sigmoid(z[H + j] + zu[H + j]);
      const g = Math.tanh(z[2 * H + j] + zu[2 * H + j]);
      const o = sigmoid(z[3 * H + j] + zu[3 * H + j]);
      c[j] = f * c[j] + i * g;
      h[j] = o * Math.tanh(c[j]);
    }
  };
}

function gruStep(params: StudentParams, prefix: string, H: number) {
  const W = mat(params, `${prefix}_W`);
  const U = mat(params, `${prefix}_U`);
  const bW = params[`${prefix}_bW`].data;
  const bU = params[`${prefix}_bU`].data;
  return (xt: Float64Array, h: Float64Array): void => {
    const a = vecMat(xt, W, bW);
    const u = vecMat(h, U, bU);
    const next = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      // Gate blocks z, r, h; the reset gate applies after the recurrent matmul ("reset after").
      const z = sigmoid(a[j] + u[j]);
      const r = sigmoid(a[H + j] + u[H + j]);
      const n = Math.tanh(a[2 * H + j] + r * u[2 * H + j]);
      next[j] = (1 - z) * n + z * h[j];
    }
    h.set(next);
  };
}

/** The stacked recurrent layers: top-layer output sequence and per-direction last states. */
function recurrentStack(
  c: StudentConfig,
  params: StudentParams,
  x: Seq,
  len: number,
): { out: Seq; last: Float64Array[] } {
  const cell = cellOf(c.arch)!;
  const dirs = directions(c.arch);
  const H = c.hidden;
  let input = x;
  let last: Float64Array[] = [];
  for (let l = 0; l < c.layers; l++) {
    const results = dirs.map((d) => {
      const prefix = `${cell}${l}_${d}`;
      const step = cell === 'lstm' ? lstmStep(params, prefix, H) : gruStep(params, prefix, H);
      return runDirection(input, len, d === 'bw', H, step);
    });
    // Next layer's input: fw and bw outputs concatenated per time step, in that order.
    const dim = dirs.length * H;
    const cat: Seq = { data: new Float64Array(x.T * dim), T: x.T, dim };
    for (let t = 0; t < x.T; t++) results.forEach((r, k) => cat.data.set(row(r.out, t), t * dim + k * H));
    input = cat;
    last = results.map((r) => r.last);
  }
  return { out: input, last };
}

/** Conv1d (valid, stride 1) + bias → ReLU → max over time, per filter size, concatenated. */
function textCnnFeatures(c: StudentConfig, params: StudentParams, x: Seq): Float64Array {
  const F = c.numFilters;
  const E = c.embedDim;
  const feats = new Float64Array(F * c.filterSizes.length);
  c.filterSizes.forEach((k, s) => {
    if (x.T < k) throw new Error(`textcnn: T = ${x.T} is shorter than filter size ${k}`);
    const W = params[`conv${k}_W`].data; // [k, E, F]
    const b = params[`conv${k}_b`].data;
    const best = new Float64Array(F).fill(-Infinity);
    for (let t = 0; t + k <= x.T; t++) {
      for (let f = 0; f < F; f++) {
        let acc = b[f];
        for (let j = 0; j < k; j++) for (let e = 0; e < E; e++) acc += x.data[(t + j) * E + e] * W[(j * E + e) * F + f];
        best[f] = Math.max(best[f], Math.max(0, acc));
      }
    }
    feats.set(best, s * F);
  });
  return feats;
}

/** Additive attention over t < len: Σ α_t O_t with α = softmax(tanh(O_t·{p}_W + {p}_b)·{p}_v); 0 for len = 0. */
function attentionContext(params: StudentParams, prefix: string, O: Seq, len: number): Float64Array {
  const context = new Float64Array(O.dim);
  if (len === 0) return context;
  const attW = mat(params, `${prefix}_W`);
  const attB = params[`${prefix}_b`].data;
  const v = params[`${prefix}_v`].data;
  const s = new Float64Array(len);
  for (let t = 0; t < len; t++) {
    const hid = vecMat(row(O, t), attW, attB);
    for (let a = 0; a < hid.length; a++) s[t] += Math.tanh(hid[a]) * v[a];
  }
  const alpha = softmax(s);
  for (let t = 0; t < len; t++) {
    const o = row(O, t);
    for (let j = 0; j < O.dim; j++) context[j] += alpha[t] * o[j];
  }
  return context;
}

/** gru-att features: concat(attention context, masked max, masked mean) over t < len. */
function attentionFeatures(params: StudentParams, O: Seq, len: number): Float64Array {
  const D = O.dim;
  const max = new Float64Array(D);
  const mean = new Float64Array(D);
  const context = attentionContext(params, 'att', O, len);
  if (len === 0) return concat([context, max, mean]); // all three are 0 by spec
  max.fill(-Infinity);
  for (let t = 0; t < len; t++) {
    const o = row(O, t);
    for (let j = 0; j < D; j++) {
      max[j] = Math.max(max[j], o[j]);
      mean[j] += o[j] / len;
    }
  }
  return concat([context, max, mean]);
}

/**
 * han features: sentence slot s is ids[s·W .. (s+1)·W); each goes through the word GRU stack and
 * word attention; the sentence vectors of the first `sentences` slots (slots holding a real token)
 * go through the sentence-level bidirectional GRU and sentence attention.
 */
function hanFeatures(c: StudentConfig, params: StudentParams, x: Seq, ids: ArrayLike<number>): Float64Array {
  const W = c.sentenceLen!;
  const S = x.T / W;
  const H = c.hidden;
  const sentVecs: Seq = { data: new Float64Array(S * 2 * H), T: S, dim: 2 * H };
  let sentences = 0;
  for (let s = 0; s < S; s++) {
    let len = 0;
    for (let t = 0; t < W; t++) if (ids[s * W + t] !== 0) len++;
    if (len > 0) sentences++;
    const words: Seq = { data: x.data.slice(s * W * x.dim, (s + 1) * W * x.dim), T: W, dim: x.dim };
    sentVecs.data.set(attentionContext(params, 'att', recurrentStack(c, params, words, len).out, len), s * 2 * H);
  }
  const dirs = (['fw', 'bw'] as const).map(
    (d) => runDirection(sentVecs, sentences, d === 'bw', H, gruStep(params, `sgru_${d}`, H)).out,
  );
  const sentSeq: Seq = { data: new Float64Array(S * 2 * H), T: S, dim: 2 * H };
  for (let s = 0; s < S; s++) dirs.forEach((o, k) => sentSeq.data.set(row(o, s), s * 2 * H + k * H));
  return attentionContext(params, 'satt', sentSeq, sentences);
}

/** Gaussian naive Bayes log-joint over PCA-projected features (cnn-nb's "logits"; multi-label: per-label log odds). */
function naiveBayesLogJoint(c: StudentConfig, params: StudentParams, feats: Float64Array): Float64Array {
  const mu = params.pca_mean.data;
  const comps = mat(params, 'pca_components');
  const K = comps.cols;
  const centred = feats.map((f, i) => f - mu[i]);
  const z = vecMat(centred, comps);
  const means = params.nb_means.data;
  const vars = params.nb_vars.data;
  const logPriors = params.nb_log_priors.data;
  const M = logPriors.length;
  const j = new Float64Array(M);
  for (let cl = 0; cl < M; cl++) {
    let acc = 0;
    for (let k = 0; k < K; k++) {
      const v = vars[cl * K + k];
      const d = z[k] - means[cl * K + k];
      acc += Math.log(2 * Math.PI * v) + (d * d) / v;
    }
    j[cl] = logPriors[cl] - 0.5 * acc;
  }
  // Multi-label: label c's log posterior odds, present (c) against absent (C + c).
  return c.multiLabel ? Float64Array.from({ length: c.numClasses }, (_, l) => j[l] - j[c.numClasses + l]) : j;
}

function softmax(x: Float64Array): Float64Array {
  let m = -Infinity;
  for (const v of x) m = Math.max(m, v);
  const e = x.map((v) => Math.exp(v - m));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

function concat(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Features (D = featureDim) for one row; recurrent archs ignore positions t ≥ len. */
export function referenceFeatures(c: StudentConfig, params: StudentParams, ids: ArrayLike<number>): Float64Array {
  const T = ids.length;
  const E = c.embedDim;
  let len = 0;
  for (let t = 0; t < T; t++) if (ids[t] !== 0) len++;
  const x: Seq = { data: new Float64Array(T * E), T, dim: E };
  const emb = params.embedding.data;
  for (let t = 0; t < T; t++) {
    const id = ids[t];
    if (!(Number.isInteger(id) && id >= 0 && id < c.vocabSize))
      throw new Error(`token id ${id} outside [0, ${c.vocabSize})`);
    for (let e = 0; e < E; e++) x.data[t * E + e] = emb[id * E + e];
  }
  switch (c.arch) {
    case 'bilstm':
    case 'lstm':
    case 'gru':
      return concat(recurrentStack(c, params, x, len).last);
    case 'gru-att':
      return attentionFeatures(params, recurrentStack(c, params, x, len).out, len);
    case 'han':
      return hanFeatures(c, params, x, ids);
    case 'textcnn':
    case 'cnn-nb':
      return textCnnFeatures(c, params, x);
  }
}

export function referenceForward(
  c: StudentConfig,
  params: StudentParams,
  ids: ArrayLike<number>,
  batch: number,
  T: number,
): ReferenceOutput {
  validateStudent(c, params);
  if (ids.length !== batch * T) throw new Error(`ids has ${ids.length} values, expected ${batch}×${T}`);
  const C = c.numClasses;
  const logits = new Float64Array(batch * C);
  const probs = new Float64Array(batch * C);
  for (let b = 0; b < batch; b++) {
    const rowIds = Array.from({ length: T }, (_, t) => ids[b * T + t]);
    const feats = referenceFeatures(c, params, rowIds);
    // Dropout is the identity at inference, so features go straight to the head.
    const z =
      c.arch === 'cnn-nb'
        ? naiveBayesLogJoint(c, params, feats)
        : vecMat(feats, mat(params, 'out_W'), params.out_b.data);
    logits.set(z, b * C);
    probs.set(c.multiLabel ? z.map(sigmoid) : softmax(z), b * C);
  }
  return { logits, probs };
}
