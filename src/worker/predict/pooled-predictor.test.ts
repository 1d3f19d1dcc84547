/**
 * One `predict` process on every core: single-thread onnxruntime sessions on worker threads give
 * the one-session predictor's probabilities, batches run side by side, lines stay in input order,
 * and a model that cannot load is a clear error naming the file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng } from '../../shared/random';
import { exportStudentToOnnx } from '../export/onnx/export-student';
import { studentParamShapes, type StudentConfig, type StudentParams } from '../models/student-config';
import { TextPipeline } from '../text/pipeline';
import { predictStream } from './predict-stream';
import { PooledOnnxPredictor } from './pooled-predictor';
import { OnnxPredictor, openBatchOnnxPredictor, predictAll, type Predictor } from './predictor';

const T = 24;
const ALPHABET = 'abcdefghij好吃送餐慢';
const tmp = mkdtempSync(path.join(tmpdir(), 'distillery-pool-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const pipeline = TextPipeline.fit([ALPHABET], { maxLen: T });

function textcnnModel(): Uint8Array {
  const c: StudentConfig = {
    arch: 'textcnn',
    vocabSize: pipeline.vocab.size,
    embedDim: 8,
    maxLen: T,
    numClasses: 3,
    multiLabel: false,
    hidden: 6,
    layers: 1,
    filterSizes: [2, 3, 4],
    numFilters: 6,
    attDim: 5,
    dropout: 0,
  };
  const rng = createRng(3);
  const params: StudentParams = {};
  for (const [name, shape] of Object.entries(studentParamShapes(c, 4))) {
    const data = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 2 * rng.next() - 1);
    params[name] = { shape, data };
  }
  return exportStudentToOnnx(c, params);
}

function texts(n: number): string[] {
  const rng = createRng(5);
  return Array.from({ length: n }, () =>
    Array.from(
      { length: Math.floor(rng.next() * 2 * T) },
      () => ALPHABET[Math.floor(rng.next() * ALPHABET.length)],
    ).join(''),
  );
}

async function lines(docs: string[], p: Predictor): Promise<string> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (b: Buffer) => (text += b.toString('utf8')));
  async function* gen() {
    for (const t of docs) yield { text: t };
  }
  await predictStream(gen(), [{ pipeline, labels: ['x', 'y', 'z'], multiLabel: false, threshold: 0.5 }], [p], out, {
    batchSize: 16,
  });
  return text;
}

describe('PooledOnnxPredictor', () => {
  it('two one-thread sessions give the one-session probabilities, with batches in flight on both at once', async () => {
    const model = textcnnModel();
    const docs = texts(300);
    const ids = pipeline.encodeBatch(docs);
    const single = await OnnxPredictor.open(model, 1);
    const pool = await PooledOnnxPredictor.open(model, 2);
    try {
      expect(pool.padMargin).toBe(single.padMargin);
      expect(pool.padMargin).not.toBeNull();
      const want = await predictAll(single, ids, docs.length, T, 3, 16);
      let inFlight = 0;
      let most = 0;
      const counting: Predictor = {
        engine: pool.engine,
        padMargin: pool.padMargin,
        predict: async (i, n, Tb) => {
          most = Math.max(most, ++inFlight);
          try {
            return await pool.predict(i, n, Tb);
          } finally {
            inFlight--;
          }
        },
        dispose: () => pool.dispose(),
      };
      const got = await predictAll(counting, ids, docs.length, T, 3, 16);
      expect(got).toEqual(want);
      expect(most).toBeGreaterThan(1);
      // Through the stream: the same lines, in input order, as the one-session predictor writes.
      expect(await lines(docs, pool)).toBe(await lines(docs, single));
    } finally {
      await single.dispose();
      await pool.dispose();
    }
  }, 60_000);

  it('openBatchOnnxPredictor: one core is one session in this thread, more are a pool', async () => {
    const model = textcnnModel();
    const one = await openBatchOnnxPredictor(model, 1);
    const two = await openBatchOnnxPredictor(model, 2);
    expect(one).toBeInstanceOf(OnnxPredictor);
    expect(two).toBeInstanceOf(PooledOnnxPredictor);
    await one.dispose();
    await two.dispose();
  }, 60_000);

  it('a file that is no model is an error naming it', async () => {
    const bad = path.join(tmp, 'broken.onnx');
    writeFileSync(bad, 'not a model');
    await expect(PooledOnnxPredictor.open(bad, 2)).rejects.toMatchObject({
      message: expect.stringContaining('broken.onnx'),
    });
  });
});
