/**
 * Teacher throughput for `distillery bench`: inference of a BERT-base-shaped classifier (random
 * weights) exported by exportBertToOnnx and run through onnxruntime-node, full-length rows; and
 * fine-tuning of the small teacher `teacher pretrain` builds, in tfjs on the best backend.
 * Numbers, not assertions; `teacherBenchExtras` goes into runBench's `extras`.
 */
import os from 'node:os';
import { bertWeightShapes, type BertConfig, type BertWeights } from '../model/bert-config';
import { exportBertToOnnx } from '../onnx/export-bert';
import { createOnnxSession, idsTensor, ort } from '../../backend/onnx-runtime';
import { PRETRAIN_DEFAULTS } from '../../jobs/teacher-pretrain-job';
import { BertClassifier } from '../model/bert-model';
import { fineTuneTeacher } from '../train/fine-tune';
import { randomBertWeights, tinyBertConfig, tinyVocab } from '../model/random-bert';
import { WordPieceTokenizer } from '../tokenize/wordpiece';

/** bert-base-chinese's shape: 102M parameters with the pooler (~409 MB of float32); 110M is the 30522-word English vocabulary. */
export const BERT_BASE_CHINESE_SHAPE: BertConfig = {
  model_type: 'bert',
  vocab_size: 21128,
  hidden_size: 768,
  num_hidden_layers: 12,
  num_attention_heads: 12,
  intermediate_size: 3072,
  hidden_act: 'gelu',
  max_position_embeddings: 512,
  type_vocab_size: 2,
  layer_norm_eps: 1e-12,
};

/**
 * Sequence length and batch of the measurement. Batch 8: in interleaved runs on one session on the
 * 2-core dev machine, batches 4, 8, 16 and 32 were within noise of each other (the GEMMs are
 * already large at 8×128 rows), 8 never lost to 16, and it keeps latency and memory low.
 */
export const TEACHER_BENCH = { seq: 128, batch: 8, numLabels: 2 };

/**
 * Random weights in the contract's names and shapes for the 102M-parameter benchmark model, fast and
 * lean (random-bert.ts's randomBertWeights draws Box–Muller normals): one LCG stream straight into
 * Float32Arrays (about a second for 102M values on the busy dev machine); Linear and embedding
 * weights uniform with BERT's 0.02 std, LayerNorm γ = 1, β = 0, biases 0; no denormals.
 */
export function fastRandomBertWeights(config: BertConfig, numLabels: number, seed = 1, pooler = true): BertWeights {
  let s = seed >>> 0 || 1;
  const amp = 0.02 * Math.sqrt(3) * (2 / 4294967296); // uniform(−a, a) with std 0.02
  const out: BertWeights = {};
  for (const [name, shape] of Object.entries(bertWeightShapes(config, { numLabels, pooler }))) {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    if (name.includes('LayerNorm.weight')) data.fill(1);
    else if (!name.endsWith('.bias')) {
      for (let i = 0; i < data.length; i++) {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        data[i] = (s - 2147483648) * amp;
      }
    }
    out[name] = { shape, data };
  }
  return out;
}

export interface TeacherInferResult {
  samplesPerS: number;
  /** Mean wall time of one session.run over the timed batches. */
  batchMs: number;
  /** The fastest timed batch. */
  minBatchMs: number;
  batches: number;
  batch: number;
  seq: number;
  threads: number;
  params: number;
  onnxMB: number;
  /** Weight generation + export to ONNX bytes, and onnxruntime session creation (graph optimization). */
  exportMs: number;
  sessionMs: number;
  ortVersion: string;
}

export interface TeacherInferOptions {
  batch?: number;
  seq?: number;
  config?: BertConfig;
  /** Timed batches run at least this many times, even past `seconds` (default 2). */
  minBatches?: number;
}

/** Exports the model in its own scope so the JS weights can be collected before the session loads. */
export function buildTeacherBenchModel(config: BertConfig, numLabels: number): { bytes: Uint8Array; params: number } {
  const weights = fastRandomBertWeights(config, numLabels, 7);
  const params = Object.values(weights).reduce((n, w) => n + w.data.length, 0);
  return { bytes: exportBertToOnnx(config, weights, { numLabels, multiLabel: false }), params };
}

/** Full-length rows (no padding): ids uniform over the vocabulary past the special tokens, one segment. */
function feeds(config: BertConfig, batch: number, seq: number): Record<string, ort.Tensor> {
  let s = 12345;
  const ids = Int32Array.from({ length: batch * seq }, (_, i) => {
    if (i % seq === 0) return 101; // [CLS] in bert-base-chinese's vocabulary
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return 1000 + (s % (config.vocab_size - 1000));
  });
  return {
    input_ids: idsTensor(ids, batch, seq),
    attention_mask: idsTensor(new Int32Array(batch * seq).fill(1), batch, seq),
    token_type_ids: idsTensor(new Int32Array(batch * seq), batch, seq),
  };
}

export async function measureTeacherInfer(
  seconds: number,
  threads: number,
  o: TeacherInferOptions = {},
): Promise<TeacherInferResult> {
  const config = o.config ?? BERT_BASE_CHINESE_SHAPE;
  const batch = o.batch ?? TEACHER_BENCH.batch;
  const seq = o.seq ?? TEACHER_BENCH.seq;
  const t0 = performance.now();
  let { bytes, params } = buildTeacherBenchModel(config, TEACHER_BENCH.numLabels);
  const onnxMB = bytes.length / 2 ** 20;
  const t1 = performance.now();
  const session = await createOnnxSession(bytes, { threads });
  bytes = new Uint8Array(0); // let the serialized model go; onnxruntime holds its own copy
  const t2 = performance.now();
  try {
    const input = feeds(config, batch, seq);
    await session.run(input); // warm-up: first-run allocations
    const times: number[] = [];
    const start = performance.now();
    while (times.length < (o.minBatches ?? 2) || performance.now() - start < seconds * 1000) {
      const b0 = performance.now();
      await session.run(input);
      times.push(performance.now() - b0);
    }
    const elapsed = performance.now() - start;
    return {
      samplesPerS: (times.length * batch) / (elapsed / 1000),
      batchMs: times.reduce((a, b) => a + b, 0) / times.length,
      minBatchMs: Math.min(...times),
      batches: times.length,
      batch,
      seq,
      threads,
      params,
      onnxMB,
      exportMs: t1 - t0,
      sessionMs: t2 - t1,
      ortVersion: ort.env.versions.node ?? ort.env.versions.common,
    };
  } finally {
    await session.release();
  }
}

/** Samples per second of the BERT-base-shaped teacher through onnxruntime-node (seq 128, batch 8). */
export async function teacherInferRate(seconds: number, threads: number = os.availableParallelism()): Promise<number> {
  return (await measureTeacherInfer(seconds, threads)).samplesPerS;
}

export function describeTeacherInfer(r: TeacherInferResult, config: BertConfig = BERT_BASE_CHINESE_SHAPE): string {
  return (
    `BERT-base shape (${config.num_hidden_layers} layers, hidden ${config.hidden_size}, ${config.num_attention_heads} heads, ` +
    `intermediate ${config.intermediate_size}, vocab ${config.vocab_size}; ${(r.params / 1e6).toFixed(1)}M params, random weights, fp32), ` +
    `seq ${r.seq}, batch ${r.batch}, full-length rows; onnxruntime-node ${r.ortVersion} CPU EP, ${r.threads} threads, graphOptimizationLevel all`
  );
}

export const teacherBenchExtras: {
  name: string;
  measure: (c: { seconds: number; threads: number }) => Promise<Record<string, number | string>>;
}[] = [
  {
    name: 'teacher infer (BERT-base shape, onnxruntime-node)',
    measure: async (c) => {
      const r = await measureTeacherInfer(c.seconds, c.threads);
      return {
        teacher_infer_samples_per_s: r.samplesPerS,
        teacher_infer_batch_ms: r.batchMs,
        teacher_infer_min_batch_ms: r.minBatchMs,
        teacher_infer_config: describeTeacherInfer(r),
      };
    },
  },
  {
    name: 'teacher train (small teacher, tfjs)',
    measure: async (c) => {
      const r = await measureTeacherTrain(c.seconds);
      const b = SMALL_TEACHER_BENCH;
      return {
        teacher_train_samples_per_s: r.samplesPerS,
        teacher_train_config:
          `small teacher (${b.layers} layers, hidden ${b.hidden}, ${b.heads} heads, intermediate ${4 * b.hidden}, vocab ${b.vocab}; ${(r.params / 1e6).toFixed(2)}M params), ` +
          `seq ${b.seq}, batch ${b.batch}, AdamW + clipping, ${r.backend}`,
      };
    },
  },
];

/**
 * The small teacher `teacher pretrain` builds by default (4 layers, hidden 256, 4 heads, intermediate
 * 1024, an 8,000-token vocabulary), fine-tuned on full-length rows of 64 tokens in batches of 32 —
 * the training rate of the teacher this machine can make for itself.
 */
export const SMALL_TEACHER_BENCH = {
  layers: PRETRAIN_DEFAULTS.layers,
  hidden: PRETRAIN_DEFAULTS.hidden,
  heads: PRETRAIN_DEFAULTS.heads,
  vocab: PRETRAIN_DEFAULTS.vocabSize,
  seq: 64,
  batch: 32,
};

export interface TeacherTrainRateResult {
  samplesPerS: number;
  batches: number;
  params: number;
  backend: string;
}

/**
 * Rows per second of fineTuneTeacher's AdamW updates (forward, backward, clipping, update; no
 * tokenization or validation) on the small teacher, random weights, texts of random vocabulary
 * characters. A 2-batch run first sizes the timed run to about `seconds`.
 */
export async function measureTeacherTrain(seconds: number): Promise<TeacherTrainRateResult> {
  const b = SMALL_TEACHER_BENCH;
  const vocab = tinyVocab([], b.vocab);
  // Single characters of the vocabulary, so each text is exactly seq − 2 word pieces.
  const chars = vocab.filter((t) => Array.from(t).length === 1 && /\p{L}/u.test(t));
  const tokenizer = new WordPieceTokenizer(vocab);
  const config = tinyBertConfig(
    { layers: b.layers, hidden: b.hidden, heads: b.heads, intermediate: 4 * b.hidden, maxPositions: b.seq },
    vocab.length,
  );
  const model = BertClassifier.fromWeights(config, randomBertWeights(config, 1, { pooler: false, perturb: 0 }), 2, 1);
  let s = 99;
  const texts = (n: number) =>
    Array.from({ length: n }, () =>
      Array.from({ length: b.seq - 2 }, () => {
        s = (Math.imul(s, 1103515245) + 12345) >>> 0;
        return chars[s % chars.length];
      }).join(' '),
    );
  const run = async (n: number) => {
    const t = texts(n);
    return fineTuneTeacher(model, { texts: t, labels: Int32Array.from(t, (_, i) => i % 2) }, undefined, {
      tokenizer,
      maxLen: b.seq,
      epochs: 1,
      batchSize: b.batch,
      learningRate: 1e-4,
      seed: 1,
    });
  };
  try {
    const probe = await run(2 * b.batch);
    const batches = Math.max(2, Math.round((seconds * probe.trainSamplesPerSecond) / b.batch));
    const r = await run(batches * b.batch);
    return { samplesPerS: r.trainSamplesPerSecond, batches, params: model.paramCount(), backend: r.backend };
  } finally {
    model.dispose();
  }
}
