import { mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/tfjs-backend';
import { MODEL_FORMAT, saveModelFolder } from '../export/model-folder';
import { makeStudentConfig } from '../models/registry';
import { Student } from '../models/student';
import { TextPipeline } from '../text/pipeline';
import { measureLatency, measureModelLatency, type Encoder } from './latency';
import type { Predictor } from './predictor';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-latency-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A predictor whose every call advances a fake clock by `ms`, recording the rows it got. */
function fakePredictor(clock: { t: number }, ms: number) {
  const seen: number[][] = [];
  const p: Predictor = {
    engine: 'onnxruntime',
    padMargin: null,
    async predict(ids, n, T) {
      expect(n).toBe(1);
      expect(ids.length).toBe(T);
      seen.push(Array.from(ids));
      clock.t += ms;
      return new Float32Array([0.3, 0.7]);
    },
    async dispose() {},
  };
  return { p, seen };
}

const encoder: Encoder = { maxLen: 2, encodeBatch: (texts) => Int32Array.from(texts.flatMap((t) => [t.length, 7])) };

describe('measureLatency', () => {
  it('times one document per call, after untimed warm-up calls, cycling through the texts', async () => {
    const clock = { t: 0 };
    const { p, seen } = fakePredictor(clock, 4);
    const r = await measureLatency(p, encoder, ['a', 'bb', 'ccc'], {
      now: () => clock.t,
      warmup: 2,
      minCalls: 10,
      minMs: 0,
    });
    expect(r).toEqual({ msPerDoc: 4, engine: 'onnxruntime', calls: 10, docs: 3 });
    // 2 warm-up calls, then 10 timed ones over the texts in turn.
    expect(seen.map((ids) => ids[0])).toEqual([1, 2, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1]);
  });

  it('runs until both minimums are met, and stops at either maximum', async () => {
    const clock = { t: 0 };
    const { p } = fakePredictor(clock, 10);
    expect(
      await measureLatency(p, encoder, ['x'], { now: () => clock.t, warmup: 0, minCalls: 3, minMs: 95 }),
    ).toMatchObject({ calls: 10, msPerDoc: 10 });
    expect(
      await measureLatency(p, encoder, ['x'], { now: () => clock.t, warmup: 0, minCalls: 100, minMs: 0, maxMs: 50 }),
    ).toMatchObject({ calls: 5 });
    expect(
      await measureLatency(p, encoder, ['x'], { now: () => clock.t, warmup: 0, minCalls: 100, minMs: 0, maxCalls: 7 }),
    ).toMatchObject({ calls: 7 });
  });

  it('stops when cancelled and refuses an empty text list', async () => {
    const clock = { t: 0 };
    const { p } = fakePredictor(clock, 1);
    const cancel = { cancelled: false };
    const slow: Predictor = {
      ...p,
      engine: 'tfjs',
      predict: async (ids, n, T) => (clock.t > 5 && (cancel.cancelled = true), p.predict(ids, n, T)),
    };
    const r = await measureLatency(slow, encoder, ['x'], {
      now: () => clock.t,
      warmup: 0,
      minCalls: 1000,
      minMs: 1000,
      cancel,
    });
    expect(r.calls).toBeLessThan(10);
    expect(r.engine).toBe('tfjs');
    await expect(measureLatency(p, encoder, [])).rejects.toThrow(/no texts/);
  });
});

describe('measureModelLatency on a model folder', () => {
  const dir = path.join(tmp, 'model');
  const texts = ['味道很好，送餐很快', '太咸了', '一般般吧，不会再点', '服务态度很好'];

  beforeAll(async () => {
    await initBackend('wasm');
    const pipeline = TextPipeline.fit(texts, { mode: 'char', maxVocab: 100, minCount: 1, maxLen: 12 });
    const student = makeStudentConfig(
      'textcnn',
      { vocabSize: pipeline.vocab.size, maxLen: pipeline.maxLen, numClasses: 2, multiLabel: false },
      { embedDim: 8, numFilters: 4 },
    );
    const s = Student.create(student, 1);
    await saveModelFolder(dir, {
      config: {
        format: MODEL_FORMAT,
        version: 1,
        task: 'binary',
        labels: ['neg', 'pos'],
        threshold: 0.5,
        student,
        training: {
          seed: 1,
          backend: 'wasm',
          options: {},
          startedAt: new Date().toISOString(),
          seconds: 0,
          distillery: 'test',
        },
      },
      params: s.toParams(),
      pipeline,
    });
    s.dispose();
  });

  it('runs model.onnx in onnxruntime-node', async () => {
    const r = await measureModelLatency(dir, texts, { minCalls: 5, minMs: 0 });
    expect(r.engine).toBe('onnxruntime');
    expect(r.calls).toBeGreaterThanOrEqual(5);
    expect(r.docs).toBe(4);
    expect(r.msPerDoc).toBeGreaterThan(0);
    expect(r.msPerDoc).toBeLessThan(1000);
  });

  it('falls back to the tfjs student when the folder has no ONNX file', async () => {
    await rm(path.join(dir, 'model.onnx'));
    const r = await measureModelLatency(dir, texts, { minCalls: 5, minMs: 0 });
    expect(r.engine).toBe('tfjs');
    expect(r.msPerDoc).toBeGreaterThan(0);
  });
});
