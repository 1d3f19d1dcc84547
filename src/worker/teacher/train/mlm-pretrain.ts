/**
 * Masked-language-model pre-training of a small BERT on the project's own unlabeled text (the teacher
 * to use when no pre-trained checkpoint is at hand). BERT's recipe: 15% of the real tokens of each
 * text are chosen (at least one); of those 80% become [MASK], 10% a random token, 10% stay; the loss
 * is cross-entropy at the chosen positions only. The MLM head is Hugging Face's BertForMaskedLM head
 * (dense → gelu → LayerNorm → decoder tied to the word embeddings, plus a bias), so the saved folder
 * carries it under `cls.predictions.*`; fine-tuning ignores it.
 *
 * Only the chosen positions go through the head, which keeps the vocabulary-sized matMul at 15% of
 * the tokens; batches hold rows of similar length (length-buckets.ts). The loop (progress,
 * cancellation, the loss guard) is the student trainer's, train/fit-loop.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { DistilleryError } from '../../../shared/errors';
import type { CancelToken, ProgressSink } from '../../../shared/progress';
import { createRng, gaussian, type Rng } from '../../../shared/random';
import { activeBackend } from '../../backend/tfjs-backend';
import { fit, type EpochEvaluation } from '../../train/fit-loop';
import { AdamW, clipScale, globalNorm, linearWarmupDecay } from './adamw';
import type { BertWeights } from '../model/bert-config';
import {
  dense,
  gelu,
  layerNorm,
  takeBertRows,
  transpose2d,
  type BertClassifier,
  type BertInput,
} from '../model/bert-model';
import { lengthBucketedBatches, longestRow, rowLengths } from './length-buckets';
import type { WordPieceTokenizer } from '../tokenize/wordpiece';

export interface MlmOptions {
  tokenizer: WordPieceTokenizer;
  maxLen: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  /** Fraction of real tokens to predict (BERT: 0.15). */
  maskProb?: number;
  warmupRatio?: number;
  weightDecay?: number;
  clipNorm?: number;
  onProgress?: ProgressSink;
  cancel?: CancelToken;
}

export interface MlmEpoch {
  epoch: number;
  loss: number;
  /** Masked-token accuracy on the held-out texts (NaN without them). */
  validAccuracy: number;
  validLoss: number;
  seconds: number;
}

export interface MlmResult {
  history: MlmEpoch[];
  steps: number;
  cancelled: boolean;
  seconds: number;
  /** Texts per second over the optimiser updates alone. */
  trainSamplesPerSecond: number;
  backend: string;
}

/** A batch with chosen positions: flat indices into the [n·L] sequence output, and their true ids. */
interface MaskedBatch {
  input: BertInput;
  positions: Int32Array;
  targets: Int32Array;
}

/** Hugging Face's BertForMaskedLM head variables (decoder weight tied to the word embeddings). */
class MlmHead {
  readonly vars: Record<string, tf.Variable>;

  constructor(H: number, V: number, rng: Rng) {
    const w = new Float32Array(H * H);
    for (let i = 0; i < w.length; i++) w[i] = 0.02 * gaussian(rng);
    this.vars = tf.tidy(() => ({
      'cls.predictions.transform.dense.weight': tf.variable(tf.tensor2d(w, [H, H]), true), // [in, out]
      'cls.predictions.transform.dense.bias': tf.variable(tf.zeros([H]), true),
      'cls.predictions.transform.LayerNorm.weight': tf.variable(tf.ones([H]), true),
      'cls.predictions.transform.LayerNorm.bias': tf.variable(tf.zeros([H]), true),
      'cls.predictions.bias': tf.variable(tf.zeros([V]), true),
    }));
  }

  /** Logits over the vocabulary [k, V] for hidden states h [k, H]. */
  logits(h: tf.Tensor2D, wordEmbeddings: tf.Tensor, eps: number): tf.Tensor2D {
    const v = this.vars;
    const t = layerNorm(
      gelu(
        dense(h, v['cls.predictions.transform.dense.weight'] as tf.Tensor2D, v['cls.predictions.transform.dense.bias']),
      ),
      v['cls.predictions.transform.LayerNorm.weight'],
      v['cls.predictions.transform.LayerNorm.bias'],
      eps,
    );
    return tf.add(tf.matMul(t, wordEmbeddings as tf.Tensor2D, false, true), v['cls.predictions.bias']) as tf.Tensor2D;
  }

  /** PyTorch layouts under Hugging Face names (the dense weight back to [out, in]). */
  toWeights(): BertWeights {
    const out: BertWeights = {};
    for (const [name, x] of Object.entries(this.vars)) {
      const data = Float32Array.from(x.dataSync() as Float32Array);
      if (x.shape.length === 2) {
        const [r, c] = x.shape;
        out[name] = { shape: [c, r], data: transpose2d(data, r, c) };
      } else out[name] = { shape: x.shape.slice(), data };
    }
    return out;
  }

  dispose(): void {
    for (const x of Object.values(this.vars)) x.dispose();
  }
}

/**
 * Chooses and corrupts positions of `rows` of `all` (BERT's 80/10/10). Positions are flat indices
 * into the batch cut to its longest row L, as BertClassifier.sequenceOutput lays it out.
 */
export function maskBatch(
  all: BertInput,
  rows: readonly number[],
  tok: WordPieceTokenizer,
  maskProb: number,
  rng: Rng,
): MaskedBatch {
  const input = takeBertRows(all, rows);
  const { n, T } = input;
  const lengths = rowLengths(input.attentionMask, n, T);
  const L = longestRow(lengths);
  const maskId = tok.idOf(tok.maskToken);
  const firstNormal = 5; // [PAD] [UNK] [CLS] [SEP] [MASK] lead the vocabularies buildWordPieceVocab writes
  const V = tok.size;
  const positions: number[] = [];
  const targets: number[] = [];
  for (let r = 0; r < n; r++) {
    // Real tokens: between [CLS] and [SEP].
    const candidates: number[] = [];
    for (let t = 1; t < lengths[r] - 1; t++) candidates.push(t);
    if (!candidates.length) continue;
    let chosen = candidates.filter(() => rng.next() < maskProb);
    if (!chosen.length) chosen = [candidates[rng.int(candidates.length)]];
    for (const t of chosen) {
      const at = r * T + t;
      targets.push(input.inputIds[at]);
      positions.push(r * L + t);
      const u = rng.next();
      if (u < 0.8) input.inputIds[at] = maskId;
      else if (u < 0.9 && V > firstNormal) input.inputIds[at] = firstNormal + rng.int(V - firstNormal);
    }
  }
  return { input, positions: Int32Array.from(positions), targets: Int32Array.from(targets) };
}

function mlmLoss(
  model: BertClassifier,
  head: MlmHead,
  b: MaskedBatch,
  training: boolean,
): { loss: tf.Scalar; logits: tf.Tensor2D } {
  const { x } = model.sequenceOutput(b.input, training);
  const h = tf.gather(x, tf.tensor1d(b.positions, 'int32')) as tf.Tensor2D;
  const logits = head.logits(h, model.vars['embeddings.word_embeddings.weight'], model.config.layer_norm_eps);
  const V = logits.shape[1];
  const loss = tf.neg(
    tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(tf.tensor1d(b.targets, 'int32'), V)), -1)),
  ) as tf.Scalar;
  return { loss, logits };
}

/** Masked-token accuracy and loss on held-out texts, with a fixed masking seed (comparable across epochs). */
function evaluateMlm(
  model: BertClassifier,
  head: MlmHead,
  valid: BertInput,
  o: MlmOptions,
): { accuracy: number; loss: number } {
  const rng = createRng(o.seed ^ 0x5eed);
  let correct = 0;
  let total = 0;
  let lossSum = 0;
  for (let s = 0; s < valid.n; s += 64) {
    const rows = Array.from({ length: Math.min(64, valid.n - s) }, (_, i) => s + i);
    const b = maskBatch(valid, rows, o.tokenizer, o.maskProb ?? 0.15, rng);
    if (!b.positions.length) continue;
    const [loss, pred] = tf.tidy(() => {
      const r = mlmLoss(model, head, b, false);
      return [r.loss.dataSync()[0], r.logits.argMax(-1).dataSync() as Int32Array] as const;
    });
    for (let i = 0; i < pred.length; i++) if (pred[i] === b.targets[i]) correct++;
    lossSum += loss * b.positions.length;
    total += b.positions.length;
  }
  return { accuracy: total ? correct / total : NaN, loss: total ? lossSum / total : NaN };
}

/**
 * Pre-trains `model`'s encoder in place on `train` texts (`valid` texts: held-out masked-token accuracy
 * per epoch). Returns the MLM head's weights with the history, for saving beside the encoder.
 */
export async function pretrainMlm(
  model: BertClassifier,
  train: BertInput,
  valid: BertInput | undefined,
  o: MlmOptions,
): Promise<MlmResult & { headWeights: BertWeights }> {
  if (train.n === 0) throw new DistilleryError('INPUT_EMPTY', 'no texts to pre-train on');
  if (!(o.epochs >= 1 && o.batchSize >= 1))
    throw new DistilleryError('CONFIG', 'epochs and batch size must be at least 1');
  const start = performance.now();
  const rng = createRng(o.seed);
  const head = new MlmHead(model.config.hidden_size, model.config.vocab_size, createRng(o.seed ^ 0x41));
  const encoderVars = Object.fromEntries(Object.entries(model.vars).filter(([k]) => !/^(classifier|pooler)\./.test(k)));
  const params = { ...encoderVars, ...head.vars };
  const names = new Map(Object.entries(params).map(([k, v]) => [v.name, k]));
  const vars = Object.values(params);
  const optimizer = new AdamW(params, { weightDecay: o.weightDecay ?? 0.01 });
  try {
    const trainLengths = rowLengths(train.attentionMask, train.n, train.T);
    const batchesPerEpoch = Math.ceil(train.n / o.batchSize);
    const totalSteps = batchesPerEpoch * o.epochs;
    const warmup = Math.round((o.warmupRatio ?? 0.06) * totalSteps);
    const clip = o.clipNorm ?? 1;
    const run = await fit({
      phase: 'pretrain epoch',
      lossMetric: 'mlm_loss',
      epochs: o.epochs,
      batchesPerEpoch,
      batches: () => lengthBucketedBatches(trainLengths, o.batchSize, rng),
      step: (rows, at) => {
        const b = maskBatch(train, rows, o.tokenizer, o.maskProb ?? 0.15, rng);
        if (!b.positions.length) return undefined; // texts with no real token: nothing to predict
        const lr = o.learningRate * linearWarmupDecay(at.step, totalSteps, warmup);
        const loss = tf.tidy(() => {
          const { value, grads } = tf.variableGrads(() => mlmLoss(model, head, b, true).loss, vars);
          const byName: Record<string, tf.Tensor> = {};
          for (const [varName, g] of Object.entries(grads)) byName[names.get(varName)!] = g;
          optimizer.step(byName, lr, clip > 0 ? clipScale(globalNorm(Object.values(byName)), clip) : 1);
          return value.dataSync()[0];
        });
        return { loss, metrics: { lr } };
      },
      guardLoss: 'the MLM loss',
      evaluate: (): EpochEvaluation & { accuracy: number; loss: number } => {
        const val = valid && valid.n ? evaluateMlm(model, head, valid, o) : { accuracy: NaN, loss: NaN };
        return {
          ...val,
          metrics: Number.isNaN(val.accuracy) ? {} : { valid_mlm_acc: val.accuracy, valid_mlm_loss: val.loss },
        };
      },
      // Pre-training keeps every epoch, the one a cancel cuts short included, and no best epoch.
      keepPartialEpoch: true,
      onProgress: o.onProgress,
      cancel: o.cancel,
    });
    return {
      history: run.epochs.map((e) => ({
        epoch: e.epoch,
        loss: e.loss,
        validAccuracy: e.evaluation.accuracy,
        validLoss: e.evaluation.loss,
        seconds: e.seconds,
      })),
      steps: run.steps,
      cancelled: run.cancelled,
      seconds: (performance.now() - start) / 1000,
      trainSamplesPerSecond: run.stepSeconds > 0 ? run.samples / run.stepSeconds : 0,
      backend: activeBackend()?.name ?? tf.getBackend(),
      headWeights: head.toWeights(),
    };
  } finally {
    optimizer.dispose();
    head.dispose();
  }
}
