/**
 * Streaming prediction: documents in, one JSON line out per document, in order, memory bounded by
 * a window of WINDOW_BATCHES batches (sorted by length inside the window where the model allows
 * shorter rows, length-buckets.ts; results are written back in input order). Plain text and stdin are read line by line (one document per line, so the command
 * works as a Hadoop Streaming / Spark RDD.pipe mapper) with the importer's decoding; tabular files
 * go through the importer's parser a piece at a time (stream-docs.ts).
 */
import { createReadStream } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { textLines } from '../data/decode-stream';
import { streamDocsOfFile } from '../data/stream-docs';
import type { TextPipeline } from '../text/pipeline';
import { predictionLines } from './prediction-lines';
import { predictAll, type Predictor } from './predictor';

/** Batches read before predicting: enough rows for batches of similar length, few enough to stay small. */
export const WINDOW_BATCHES = 8;

export interface PredictModel {
  pipeline: TextPipeline;
  labels: string[];
  multiLabel: boolean;
  threshold: number;
}

export interface PredictStreamOptions {
  batchSize?: number;
  /** Write {"id", "probs": {label: p}} lines for `distill --teacher-outputs` instead of label + probs. */
  teacherFormat?: boolean;
  textCol?: string;
  encoding?: string;
  onBatch?: (done: number) => void;
}

interface Doc {
  id?: string;
  text: string;
}

async function* lineDocs(lines: AsyncIterable<string>): AsyncGenerator<Doc> {
  for await (const text of lines) yield { text };
}

async function* corpusDocs(file: string, o: PredictStreamOptions): AsyncGenerator<Doc> {
  for await (const d of streamDocsOfFile(file, { textCol: o.textCol, encoding: o.encoding }))
    yield { id: d.id, text: d.text };
}

export function documentsOf(
  data: string,
  o: PredictStreamOptions,
  stdin: Readable = process.stdin,
): AsyncGenerator<Doc> {
  // Plain text: every line, blank ones too, so that output line k answers input line k. Tabular
  // files: the importer's rows, read in pieces. Either way memory is bounded by the window.
  if (data === '-') return lineDocs(textLines(stdin, '<stdin>', { encoding: o.encoding }));
  if (/\.txt$/i.test(data)) return lineDocs(textLines(createReadStream(data), data, { encoding: o.encoding }));
  return corpusDocs(data, o);
}

/** Predictions of several models are averaged (an ensemble). Returns the number of documents. */
export async function predictStream(
  docs: AsyncIterable<Doc>,
  models: PredictModel[],
  predictors: Predictor[],
  out: Writable,
  o: PredictStreamOptions = {},
): Promise<number> {
  const batchSize = o.batchSize ?? 256;
  const { labels, multiLabel, threshold } = models[0];
  const C = labels.length;
  // Keyed by label name: distill maps the teacher's columns to its data's labels by name.
  const line = predictionLines({ labels, multiLabel, threshold, teacherFormat: o.teacherFormat });
  const windowSize = batchSize * WINDOW_BATCHES;
  let window: Doc[] = [];
  let done = 0;
  let started = 0;
  /** The window in flight: its predictions, then its lines written (after the window before it). */
  let inFlight: Promise<void> = Promise.resolve();
  // Two windows at most: this one's tokens are made on the main thread while the one before is
  // predicted (on worker threads where the predictor is pooled), and lines go out in input order.
  const flush = async () => {
    if (!window.length) return;
    const w = window;
    window = [];
    const n = w.length;
    const first = started;
    started += n;
    const probsOf = models.map((m, k) =>
      predictAll(predictors[k], m.pipeline.encodeBatch(w.map((d) => d.text)), n, m.pipeline.maxLen, C, batchSize),
    );
    const before = inFlight;
    const mine = (async () => {
      const all = await Promise.all(probsOf);
      await before;
      const avg = new Float32Array(n * C);
      for (const probs of all) for (let i = 0; i < avg.length; i++) avg[i] += probs[i] / models.length;
      let text = '';
      for (let i = 0; i < n; i++) {
        const id = o.teacherFormat ? (w[i].id ?? String(first + i + 1)) : w[i].id;
        text += line(avg, i, id) + '\n';
      }
      done += n;
      // Respect back-pressure so a slow consumer bounds memory.
      if (!out.write(text)) await new Promise((r) => out.once('drain', r));
      o.onBatch?.(done);
    })();
    // Failures surface where the window is awaited, not as unhandled rejections.
    mine.catch(() => {});
    inFlight = mine;
    await before;
  };
  const it = docs[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<Doc>;
    try {
      next = await it.next();
    } catch (e) {
      // A line that cannot be read stops the run, but the lines read before it are still answered.
      await flush();
      await inFlight;
      throw e;
    }
    if (next.done) break;
    window.push(next.value);
    if (window.length >= windowSize) await flush();
  }
  await flush();
  await inFlight;
  return done;
}
