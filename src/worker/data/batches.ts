/** Helpers for streaming jobs: fixed-size batches of an async sequence, and closing a file stream. */
import type { Writable } from 'node:stream';

/** Consecutive batches of `size` items (the last one shorter), in order. */
export async function* batchesOf<T>(items: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const x of items) {
    batch.push(x);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

/** Ends a writable stream and resolves once its data is flushed (rejects on a write error). */
export function closeStream(w: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    w.once('error', reject);
    w.end(() => resolve());
  });
}
