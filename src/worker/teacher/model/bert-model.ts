/**
 * The BERT encoder and its sequence-classification head in TensorFlow.js, following the contract in
 * bert-config.ts: embeddings (word + position + token type) → LayerNorm → per layer post-LN
 * self-attention and an exact-erf-GELU feed-forward → tanh pooler on [CLS] (when the checkpoint has
 * one) → classifier.
 *
 * Parameters are tf.Variables keyed by canonical names. Linear weights are kept transposed ([in, out],
 * TensorFlow's layout) so every dense layer is a plain x·W matMul — the layout XNNPACK multiplies
 * fastest on the wasm backend; `toWeights()` turns them back into PyTorch's [out, in].
 *
 * Each batch is cut to its longest real sequence before the forward pass: padded positions are masked
 * keys (−10000 before softmax, exp underflows to 0) and never reach [CLS], so the logits are the same
 * as with full padding, at a fraction of the cost for short texts.
 */
import * as tf from '@tensorflow/tfjs';
import { DistilleryError } from '../../../shared/errors';
import { createRng, gaussian, type Rng } from '../../../shared/random';
import { longestRow, rowLengths } from '../train/length-buckets';
import { bertWeightShapes, type BertConfig, type BertWeights, type WeightTensor } from './bert-config';

/** Encoded rows, row-major n × T (e.g. WordPieceTokenizer.encodeBatch). */
export interface BertInput {
  n: number;
  T: number;
  inputIds: Int32Array;
  attentionMask: ArrayLike<number>;
  /** Default: all zeros (single-segment input). */
  tokenTypeIds?: Int32Array;
}

export interface BertClassifierOptions {
  /** Sigmoid per label instead of softmax over labels. */
  multiLabel?: boolean;
  /** Dropout before the classifier (HF: classifier_dropout ?? hidden_dropout_prob). */
  classifierDropout?: number;
  /**
   * When the checkpoint has no pooler: start a fresh one (true, default — what Hugging Face's
   * BertForSequenceClassification does) or feed [CLS] straight to the classifier (false).
   */
  initPooler?: boolean;
}

let nextVarId = 0;

function isLinear(name: string, shape: number[]): boolean {
  return shape.length === 2 && !name.startsWith('embeddings.');
}

/** Row-major rows × cols → cols × rows (PyTorch's [out, in] Linear layout ↔ TensorFlow's [in, out]). */
export function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return out;
}

export class BertClassifier {
  readonly vars: Record<string, tf.Variable> = {};
  /** Names initialised here because the checkpoint did not have them (classifier, pooler). */
  readonly initialized: string[] = [];
  readonly multiLabel: boolean;
  private readonly dropoutRng: Rng;
  private readonly classifierDropout: number;

  private constructor(
    readonly config: BertConfig,
    readonly numLabels: number,
    weights: BertWeights,
    seed: number,
    opts: BertClassifierOptions,
  ) {
    this.multiLabel = opts.multiLabel ?? false;
    this.classifierDropout = opts.classifierDropout ?? config.hidden_dropout_prob ?? 0.1;
    const expected = bertWeightShapes(config, { numLabels });
    const initRng = createRng(seed);
    const std = ((config as unknown as { initializer_range?: number }).initializer_range ?? 0.02) || 0.02;
    const skipPooler = opts.initPooler === false && !weights['pooler.dense.weight'];
    for (const [name, shape] of Object.entries(expected)) {
      if (skipPooler && name.startsWith('pooler.')) continue;
      let w: WeightTensor | undefined = weights[name];
      if (w && (w.shape.length !== shape.length || w.shape.some((d, i) => d !== shape[i]))) {
        if (!/^(classifier|pooler)\./.test(name)) {
          throw new DistilleryError(
            'MODEL_FOLDER',
            `weight ${name} has shape [${w.shape.join(', ')}], the config implies [${shape.join(', ')}]`,
          );
        }
        w = undefined; // a head of another size: start a new one (HF's ignore_mismatched_sizes)
      }
      if (!w) {
        if (!/^(classifier|pooler)\./.test(name))
          throw new DistilleryError('MODEL_FOLDER', `weight ${name} is missing`);
        const n = shape.reduce((a, b) => a * b, 1);
        // HF's _init_weights: Linear weights N(0, initializer_range), biases 0.
        const data =
          shape.length === 2 ? Float32Array.from({ length: n }, () => std * gaussian(initRng)) : new Float32Array(n);
        w = { shape, data };
        this.initialized.push(name);
      }
      const linear = isLinear(name, shape);
      const data = linear ? transpose2d(w.data, shape[0], shape[1]) : w.data;
      const tfShape = linear ? [shape[1], shape[0]] : shape;
      this.vars[name] = tf.tidy(() =>
        tf.variable(tf.tensor(data, tfShape, 'float32'), true, `bert_${nextVarId++}_${name}`),
      );
    }
    this.dropoutRng = createRng(seed ^ 0x0b3e7);
  }

  /**
   * The classifier for `numLabels` outputs on top of a checkpoint's encoder. The classifier (and the
   * pooler) are initialised from `seed` when the checkpoint has none, or one of another size.
   */
  static fromWeights(
    config: BertConfig,
    weights: BertWeights,
    numLabels: number,
    seed: number,
    opts: BertClassifierOptions = {},
  ): BertClassifier {
    if (!Number.isInteger(numLabels) || numLabels < 1)
      throw new DistilleryError('CONFIG', `number of labels must be a positive integer, got ${numLabels}`);
    return new BertClassifier(config, numLabels, weights, seed, opts);
  }

  get hasPooler(): boolean {
    return 'pooler.dense.weight' in this.vars;
  }

  trainableVars(): tf.Variable[] {
    return Object.values(this.vars);
  }

  /** Canonical name of each variable's tfjs name (for optimisers that key gradients by variable name). */
  canonicalNames(): Map<string, string> {
    return new Map(Object.entries(this.vars).map(([k, v]) => [v.name, k]));
  }

  /** Logits [n, C] for a batch (call inside tf.tidy, or dispose the result). */
  logits(batch: BertInput, training: boolean): tf.Tensor2D {
    const { ids, types, maskAdd, L } = cutToLongest(batch, this.config.max_position_embeddings);
    const n = batch.n;
    return tf.tidy(() => this.head(this.encoderOutput(ids, types, maskAdd, n, L, training), n, L, training));
  }

  /**
   * The encoder's last hidden states [n·L, H] for a batch cut to its longest real row L (masked
   * language-model pre-training reads it at the masked positions).
   */
  sequenceOutput(batch: BertInput, training: boolean): { x: tf.Tensor2D; L: number } {
    const { ids, types, maskAdd, L } = cutToLongest(batch, this.config.max_position_embeddings);
    return {
      x: this.encoderOutput(ids, types, maskAdd, batch.n, L, training),
      L,
    };
  }

  private drop<R extends tf.Tensor>(x: R, rate: number): R {
    return rate > 0 ? (tf.dropout(x, rate, undefined, this.dropoutRng.int(2 ** 31 - 1)) as R) : x;
  }

  private encoderOutput(
    ids: Int32Array,
    types: Int32Array,
    maskAdd: Float32Array,
    n: number,
    L: number,
    training: boolean,
  ): tf.Tensor2D {
    const c = this.config;
    const v = this.vars;
    const H = c.hidden_size;
    const nh = c.num_attention_heads;
    const dh = H / nh;
    const pDrop = training ? (c.hidden_dropout_prob ?? 0.1) : 0;
    const aDrop = training ? (c.attention_probs_dropout_prob ?? 0.1) : 0;
    const drop = <R extends tf.Tensor>(x: R, rate: number): R => this.drop(x, rate);
    const linear = (x: tf.Tensor2D, p: string) => dense(x, v[p + '.weight'] as tf.Tensor2D, v[p + '.bias']);
    const ln = (x: tf.Tensor2D, p: string) => layerNorm(x, v[p + '.weight'], v[p + '.bias'], c.layer_norm_eps);

    const word = tf.gather(v['embeddings.word_embeddings.weight'], tf.tensor1d(ids, 'int32'));
    const type = tf.gather(v['embeddings.token_type_embeddings.weight'], tf.tensor1d(types, 'int32'));
    const pos = tf.slice(v['embeddings.position_embeddings.weight'], [0, 0], [L, H]);
    const emb = tf.add(tf.reshape(tf.add(word, type), [n, L, H]), pos);
    let x = drop(ln(tf.reshape(emb, [n * L, H]), 'embeddings.LayerNorm'), pDrop);
    const mask = tf.tensor4d(maskAdd, [n, 1, 1, L]);
    const scale = 1 / Math.sqrt(dh);
    for (let i = 0; i < c.num_hidden_layers; i++) {
      const p = `encoder.layer.${i}.`;
      const heads = (t: tf.Tensor2D, perm: number[]) => tf.transpose(tf.reshape(t, [n, L, nh, dh]), perm);
      // Scale q (n·L·H values) rather than the scores (n·nh·L·L).
      const q = heads(tf.mul(linear(x, p + 'attention.self.query'), scale) as tf.Tensor2D, [0, 2, 1, 3]); // [n, nh, L, dh]
      const kT = heads(linear(x, p + 'attention.self.key'), [0, 2, 3, 1]); // [n, nh, dh, L]
      const val = heads(linear(x, p + 'attention.self.value'), [0, 2, 1, 3]); // [n, nh, L, dh]
      const probs = drop(tf.softmax(tf.add(tf.matMul(q, kT), mask)), aDrop);
      const ctx = tf.reshape(tf.transpose(tf.matMul(probs, val), [0, 2, 1, 3]), [n * L, H]) as tf.Tensor2D;
      const a = ln(
        tf.add(drop(linear(ctx, p + 'attention.output.dense'), pDrop), x) as tf.Tensor2D,
        p + 'attention.output.LayerNorm',
      );
      const h = gelu(linear(a, p + 'intermediate.dense'));
      x = ln(tf.add(drop(linear(h, p + 'output.dense'), pDrop), a) as tf.Tensor2D, p + 'output.LayerNorm');
    }
    return x;
  }

  /** Pooler (when present) and classifier on [CLS] of the encoder output [n·L, H]. */
  private head(x: tf.Tensor2D, n: number, L: number, training: boolean): tf.Tensor2D {
    const v = this.vars;
    const H = this.config.hidden_size;
    const linear = (t: tf.Tensor2D, p: string) => dense(t, v[p + '.weight'] as tf.Tensor2D, v[p + '.bias']);
    const cls = tf.reshape(tf.slice(tf.reshape(x, [n, L, H]), [0, 0, 0], [n, 1, H]), [n, H]) as tf.Tensor2D;
    const pooled = this.hasPooler ? (tf.tanh(linear(cls, 'pooler.dense')) as tf.Tensor2D) : cls;
    return linear(this.drop(pooled, training ? this.classifierDropout : 0), 'classifier');
  }

  /** Probabilities n × C (softmax, or sigmoid when multi-label), in batches of rows of similar length. */
  predictProbs(input: BertInput, batchSize = 64): Float32Array {
    return this.predict(input, batchSize, true);
  }

  /** Logits n × C, batched like predictProbs. */
  predictLogits(input: BertInput, batchSize = 64): Float32Array {
    return this.predict(input, batchSize, false);
  }

  private predict(input: BertInput, batchSize: number, probs: boolean): Float32Array {
    const { n, T } = input;
    const C = this.numLabels;
    const out = new Float32Array(n * C);
    // Sorting rows by length keeps each batch's padding (and its cost) small.
    const lens = Array.from({ length: n }, (_, r) => {
      let len = 0;
      for (let t = 0; t < T; t++) if (input.attentionMask[r * T + t]) len = t + 1;
      return len;
    });
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => lens[a] - lens[b]);
    for (let s = 0; s < n; s += batchSize) {
      const rows = order.slice(s, s + batchSize);
      const batch = takeBertRows(input, rows);
      const y = tf.tidy(() => {
        const z = this.logits(batch, false);
        return probs ? (this.multiLabel ? tf.sigmoid(z) : tf.softmax(z)) : z;
      });
      const data = y.dataSync() as Float32Array;
      y.dispose();
      rows.forEach((r, i) => out.set(data.subarray(i * C, (i + 1) * C), r * C));
    }
    return out;
  }

  paramCount(): number {
    return Object.values(this.vars).reduce((s, x) => s + x.size, 0);
  }

  sizeMB(): number {
    return (this.paramCount() * 4) / (1024 * 1024);
  }

  /** Weights under canonical names in PyTorch layouts ([out, in] Linear weights). */
  toWeights(): BertWeights {
    const out: BertWeights = {};
    for (const [name, x] of Object.entries(this.vars)) {
      const data = Float32Array.from(x.dataSync() as Float32Array);
      const [r, c] = x.shape as number[];
      if (isLinear(name, x.shape)) out[name] = { shape: [c, r], data: transpose2d(data, r, c) };
      else out[name] = { shape: x.shape.slice(), data };
    }
    return out;
  }

  /** A copy of every variable, kept on the backend (early stopping's best epoch). */
  snapshot(): Map<string, tf.Tensor> {
    return new Map(Object.entries(this.vars).map(([k, x]) => [k, tf.clone(x)]));
  }

  restore(snap: Map<string, tf.Tensor>): void {
    for (const [k, t] of snap) this.vars[k]?.assign(t);
  }

  dispose(): void {
    for (const x of Object.values(this.vars)) x.dispose();
  }
}

/** The batch's rows cut to its longest real row L: ids, token types and the additive attention mask. */
function cutToLongest(
  batch: BertInput,
  maxPositions: number,
): { ids: Int32Array; types: Int32Array; maskAdd: Float32Array; L: number } {
  const { n, T } = batch;
  if (batch.inputIds.length !== n * T || batch.attentionMask.length !== n * T)
    throw new DistilleryError('INTERNAL', `batch arrays do not hold ${n}×${T} values`);
  // Longest real row (attention mask 1 at its last position): the rest is padding for every row.
  const L = longestRow(rowLengths(batch.attentionMask, n, T));
  if (L > maxPositions) {
    throw new DistilleryError(
      'CONFIG',
      `sequence length ${L} exceeds the model's max_position_embeddings ${maxPositions}`,
    );
  }
  const ids = new Int32Array(n * L);
  const types = new Int32Array(n * L);
  const maskAdd = new Float32Array(n * L);
  for (let r = 0; r < n; r++) {
    for (let t = 0; t < L; t++) {
      ids[r * L + t] = batch.inputIds[r * T + t];
      types[r * L + t] = batch.tokenTypeIds ? batch.tokenTypeIds[r * T + t] : 0;
      maskAdd[r * L + t] = batch.attentionMask[r * T + t] ? 0 : -10000;
    }
  }
  return { ids, types, maskAdd, L };
}

/** Rows of a BertInput, in this order, as a new contiguous BertInput. */
export function takeBertRows(input: BertInput, rows: readonly number[]): BertInput {
  const { T } = input;
  const n = rows.length;
  const inputIds = new Int32Array(n * T);
  const attentionMask = new Int32Array(n * T);
  const tokenTypeIds = input.tokenTypeIds ? new Int32Array(n * T) : undefined;
  rows.forEach((r, i) => {
    inputIds.set(input.inputIds.subarray(r * T, (r + 1) * T), i * T);
    for (let t = 0; t < T; t++) attentionMask[i * T + t] = input.attentionMask[r * T + t];
    tokenTypeIds?.set(input.tokenTypeIds!.subarray(r * T, (r + 1) * T), i * T);
  });
  return { n, T, inputIds, attentionMask, tokenTypeIds };
}

/**
 * x·W + b with a hand-written gradient: the bias gradient is ones·dy, a matMul, where autograd's
 * column sum runs ~40× slower on the wasm backend (its Sum over a non-last axis transposes first).
 */
export function dense(x: tf.Tensor2D, W: tf.Tensor2D, b: tf.Tensor): tf.Tensor2D {
  return denseOp(x, W, b) as tf.Tensor2D;
}

const denseOp = tf.customGrad(((x: tf.Tensor2D, W: tf.Tensor2D, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x, W]);
  return {
    value: tf.add(tf.matMul(x, W), b),
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [xs, Ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy, Ws, false, true), tf.matMul(xs, dy, true, false), columnSum(dy)];
    },
  };
}) as unknown as CustomGradientFunc);

type CustomGradientFunc = Parameters<typeof tf.customGrad>[0];

/** Σ over rows of a [N, H] tensor as ones[1, N]·x (fast on wasm), shaped [H]. */
function columnSum(x: tf.Tensor2D): tf.Tensor1D {
  return tf.reshape(tf.matMul(tf.ones([1, x.shape[0]]), x), [x.shape[1]]);
}

/**
 * LayerNorm over the last axis (biased variance, as PyTorch), with a hand-written gradient:
 *   x̂ = (x − μ)·r, r = 1/√(σ² + ε);  dx = r·(g − mean(g) − x̂·mean(g·x̂)), g = dy·w;
 *   dw = Σrows dy·x̂, db = Σrows dy — about half the kernels autograd would run.
 */
export function layerNorm(x: tf.Tensor2D, weight: tf.Tensor, bias: tf.Tensor, eps: number): tf.Tensor2D {
  const op = tf.customGrad(((xin: tf.Tensor2D, w: tf.Tensor1D, b: tf.Tensor1D, save: tf.GradSaveFunc) => {
    const mean = tf.mean(xin, -1, true);
    const xc = tf.sub(xin, mean);
    const r = tf.rsqrt(tf.add(tf.mean(tf.square(xc), -1, true), eps));
    const xhat = tf.mul(xc, r) as tf.Tensor2D;
    save([xhat, r, w]);
    return {
      value: tf.add(tf.mul(xhat, w), b),
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const [xh, rs, ws] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
        const g = tf.mul(dy, ws);
        const dx = tf.mul(rs, tf.sub(tf.sub(g, tf.mean(g, -1, true)), tf.mul(xh, tf.mean(tf.mul(g, xh), -1, true))));
        return [dx, columnSum(tf.mul(dy, xh) as tf.Tensor2D), columnSum(dy)];
      },
    };
  }) as unknown as CustomGradientFunc);
  return op(x, weight, bias) as tf.Tensor2D;
}

/** Exact GELU: x·Φ(x) = 0.5·x·(1 + erf(x/√2)). */
export function gelu<R extends tf.Tensor>(x: R): R {
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)))) as R);
}
