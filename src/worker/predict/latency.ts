/**
 * Inference latency of a trained model in ms per document, as a user of the exported model meets
 * it: one document per call, its text encoded (tokenizer, vocabulary, padding) and run through
 * onnxruntime-node on model.onnx — or through the tfjs student when the folder has no ONNX file.
 *
 * The texts are the run's held-out test texts, cycled until the measurement is long enough to be
 * stable (at least `minCalls` calls and `minMs` ms) but bounded (`maxCalls`, `maxMs`), after a few
 * untimed warm-up calls (session and kernel set-up, JIT). The worker measures it when a training or
 * distillation job (or a BERT teacher job) finishes; the result travels with the job result to the
 * UI's runs table.
 */
import type { LatencyResult } from '../../shared/api';
import type { CancelToken } from '../../shared/progress';
import { loadModelFolder } from '../export/model-folder';
import { openPredictor, type Predictor } from './predictor';

export interface LatencyOptions {
  warmup?: number;
  minCalls?: number;
  minMs?: number;
  maxCalls?: number;
  maxMs?: number;
  /** A clock in ms (tests inject one). */
  now?: () => number;
  cancel?: CancelToken;
}

export const LATENCY_DEFAULTS = { warmup: 3, minCalls: 30, minMs: 250, maxCalls: 2000, maxMs: 2000 } as const;

/** What latency needs from a text pipeline. */
export interface Encoder {
  readonly maxLen: number;
  encodeBatch(texts: readonly string[]): Int32Array;
}

/** Times `predictor` on `texts`, one text per call (encoding included). Throws when `texts` is empty. */
export async function measureLatency(
  predictor: Predictor,
  encoder: Encoder,
  texts: readonly string[],
  o: LatencyOptions = {},
): Promise<LatencyResult> {
  const T = encoder.maxLen;
  return timeOneByOne((text) => predictor.predict(encoder.encodeBatch([text]), 1, T), predictor.engine, texts, o);
}

/**
 * Times a model that takes raw texts (a BERT teacher through onnxruntime: its word-piece tokenizer
 * and model.onnx, see openBertScorer), one text per call, as measureLatency does.
 */
export async function measureTextLatency(
  scorer: { predict(texts: readonly string[]): Promise<unknown> },
  texts: readonly string[],
  o: LatencyOptions = {},
): Promise<LatencyResult> {
  return timeOneByOne((text) => scorer.predict([text]), 'onnxruntime', texts, o);
}

async function timeOneByOne(
  one: (text: string) => Promise<unknown>,
  engine: LatencyResult['engine'],
  texts: readonly string[],
  o: LatencyOptions,
): Promise<LatencyResult> {
  if (texts.length === 0) throw new Error('latency: no texts to time');
  const { warmup, minCalls, minMs, maxCalls, maxMs } = { ...LATENCY_DEFAULTS, ...o };
  const now = o.now ?? (() => performance.now());
  for (let i = 0; i < Math.min(warmup, texts.length); i++) await one(texts[i]);
  let calls = 0;
  const start = now();
  let elapsed = 0;
  while (calls < maxCalls && elapsed < maxMs && !(calls >= minCalls && elapsed >= minMs) && !o.cancel?.cancelled) {
    await one(texts[calls % texts.length]);
    calls++;
    elapsed = now() - start;
  }
  if (calls === 0) throw new Error('latency: cancelled before the first call');
  return { msPerDoc: elapsed / calls, engine, calls, docs: Math.min(texts.length, calls) };
}

/** Latency of the model folder `dir` on `texts`: ONNX when the folder has model.onnx, else tfjs. */
export async function measureModelLatency(
  dir: string,
  texts: readonly string[],
  o: LatencyOptions = {},
): Promise<LatencyResult> {
  const m = await loadModelFolder(dir);
  const predictor = await openPredictor(m);
  try {
    return await measureLatency(predictor, m.pipeline, texts, o);
  } finally {
    await predictor.dispose();
  }
}
