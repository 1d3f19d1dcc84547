/**
 * Teacher inference throughput for `distillery bench`: a BERT-base-shaped classifier (random
 * weights) exported by exportBertToOnnx and run through onnxruntime-node, full-length rows.
 * Numbers, not assertions. The lead wires `teacherBenchExtras` into runBench's `extras`.
 */
import os from 'node:os';
import { bertWeightShapes, type BertConfig, type BertWeights } from './bert-config';
import { exportBertToOnnx } from './onnx/export-bert';
import { createOnnxSession, idsTensor, ort } from '../backend/onnx-runtime';

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
 * Random weights in the contract's names and shapes, fast and lean: one LCG stream straight into
 * Float32Arrays (about a second for 102M values on the busy dev machine); Linear and embedding
 * weights uniform with BERT's 0.02 std, LayerNorm γ = 1, β = 0, biases 0; no denormals.
 */
export function randomBertWeights(config: BertConfig, numLabels: number, seed = 1, pooler = true): BertWeights {
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
  const weights = randomBertWeights(config, numLabels, 7);
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

export async function measureTeacherInfer(seconds: number, threads: number, o: TeacherInferOptions = {}): Promise<TeacherInferResult> {
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
];
