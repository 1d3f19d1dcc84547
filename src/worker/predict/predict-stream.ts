/**
 * Streaming prediction: documents in, one JSON line out per document, in order, memory bounded by
 * the batch size. Plain text and stdin are read line by line (one document per line, so the command
 * works as a Hadoop Streaming / Spark RDD.pipe mapper); tabular files go through the importer.
 */
import { createReadStream } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { InputError } from '../../shared/errors';
import { argmax } from '../../shared/metrics';
import { firstInvalidOffset } from '../data/decode';
import { readCorpus } from '../data/read-corpus';
import type { TextPipeline } from '../text/pipeline';
import type { Predictor } from './predictor';

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

/**
 * Lines of UTF-8 text (LF, CRLF or CR; a leading BOM dropped). Decoded strictly: bytes that are not
 * UTF-8 (a GB18030 file, say) are an INPUT_ENCODING error naming the line, not U+FFFD in the
 * predictions; --encoding reads such files through the importer instead.
 */
async function* textLines(input: Readable, name: string): AsyncGenerator<Doc> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const breaks = /\r\n|\n|\r(?!$)/; // a CR at the very end may be half of a CRLF split across chunks
  let rest = '';
  let line = 1; // line number of the first line in `rest`
  const notUtf8 = (chunk?: Uint8Array): InputError => {
    let at = line;
    if (chunk) {
      const offset = firstInvalidOffset(chunk, 'utf-8') ?? 0;
      for (let i = 0; i < offset; i++) if (chunk[i] === 0x0a) at++;
    }
    return new InputError(
      'INPUT_ENCODING',
      `${name}:${at}: bytes that are not valid UTF-8; text input is read as UTF-8. Convert it, or pass --encoding ` +
        `(e.g. --encoding gb18030) to read it with that encoding.`,
      { file: name, line: at },
    );
  };
  try {
    for await (const chunk of input) {
      let text: string;
      try {
        text = decoder.decode(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array), { stream: true });
      } catch {
        throw notUtf8(typeof chunk === 'string' ? undefined : (chunk as Uint8Array));
      }
      const parts = (rest + text).split(breaks);
      rest = parts.pop()!;
      for (const p of parts) {
        yield { text: p };
        line++;
      }
    }
    try {
      rest += decoder.decode();
    } catch {
      throw notUtf8();
    }
  } catch (e) {
    // File-system errors (a missing file, a directory) as the importer reports them.
    const err = e as NodeJS.ErrnoException;
    if (e instanceof InputError || typeof err?.syscall !== 'string') throw e;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.message;
    throw new InputError('CONFIG', `${name}: cannot read input file: ${why}`, { file: name });
  }
  if (rest.endsWith('\r')) rest = rest.slice(0, -1);
  if (rest !== '') yield { text: rest };
}

async function* corpusDocs(file: string, o: PredictStreamOptions): AsyncGenerator<Doc> {
  const c = await readCorpus(file, { textCol: o.textCol, encoding: o.encoding, dedupe: false });
  for (const d of c.docs) yield { id: d.id, text: d.text };
}

export function documentsOf(data: string, o: PredictStreamOptions, stdin: Readable = process.stdin): AsyncGenerator<Doc> {
  if (data === '-') return textLines(stdin, '<stdin>');
  if (/\.txt$/i.test(data) && !o.encoding) return textLines(createReadStream(data), data);
  return corpusDocs(data, o);
}

/** Predictions of several models are averaged (an ensemble). Returns the number of documents. */
export async function predictStream(docs: AsyncIterable<Doc>, models: PredictModel[], predictors: Predictor[], out: Writable, o: PredictStreamOptions = {}): Promise<number> {
  const batchSize = o.batchSize ?? 256;
  const { labels, multiLabel, threshold } = models[0];
  const C = labels.length;
  let batch: Doc[] = [];
  let done = 0;
  const flush = async () => {
    if (!batch.length) return;
    const n = batch.length;
    const avg = new Float32Array(n * C);
    for (let m = 0; m < models.length; m++) {
      const T = models[m].pipeline.maxLen;
      const probs = await predictors[m].predict(models[m].pipeline.encodeBatch(batch.map((d) => d.text)), n, T);
      for (let i = 0; i < avg.length; i++) avg[i] += probs[i] / models.length;
    }
    let text = '';
    for (let i = 0; i < n; i++) {
      const p = Array.from(avg.subarray(i * C, (i + 1) * C), (x) => Number(x.toFixed(6)));
      const id = batch[i].id ?? String(done + i + 1);
      // Keyed by label name: distill maps the teacher's columns to its data's labels by name.
      if (o.teacherFormat) text += JSON.stringify({ id, probs: Object.fromEntries(labels.map((l, c) => [l, p[c]])) }) + '\n';
      else {
        const label = multiLabel ? labels.filter((_, c) => p[c] >= threshold) : labels[argmax(p)];
        text += JSON.stringify({ ...(batch[i].id ? { id: batch[i].id } : {}), label, probs: Object.fromEntries(labels.map((l, c) => [l, p[c]])) }) + '\n';
      }
    }
    done += n;
    batch = [];
    // Respect back-pressure so a slow consumer bounds memory.
    if (!out.write(text)) await new Promise((r) => out.once('drain', r));
    o.onBatch?.(done);
  };
  for await (const d of docs) {
    batch.push(d);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return done;
}
