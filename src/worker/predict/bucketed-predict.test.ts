/**
 * Length-bucketed prediction is exact: for every architecture exported with a pad margin, predict's
 * rows cut to their length + margin give the probabilities of full-T rows within 1e-6 (random
 * weights, real onnxruntime, a real char pipeline with head+tail truncation), in input order, the
 * same whichever rows share a batch; han and older exports (no margin in the model, or a fixed T)
 * are still fed full rows.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng } from '../../shared/random';
import { exportStudentToOnnx } from '../export/onnx/export-student';
import { PAD_MARGIN_KEY } from '../export/onnx/pad-margin';
import { decodeModel, encodeModel, onnx, type ModelProto } from '../export/onnx/proto';
import { studentParamShapes, type StudentArch, type StudentConfig, type StudentParams } from '../models/student-config';
import { TextPipeline } from '../text/pipeline';
import { predictStream } from './predict-stream';
import { predictionLines } from './prediction-lines';
import { OnnxPredictor, predictAll, type Predictor } from './predictor';

const T = 24;
const C = 3;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz好吃送餐慢';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-buckets-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * Texts of every interesting length: empty, whitespace-only, 1, shorter than the widest filter,
 * exactly T, T ± 1, longer than T (head+tail truncated), unknown characters (UNK, not PAD), and
 * random lengths 0..2T, shuffled so that every batch mixes lengths.
 */
function texts(): string[] {
  const rng = createRng(7);
  const word = (len: number) =>
    Array.from({ length: len }, () => ALPHABET[Math.floor(rng.next() * ALPHABET.length)]).join('');
  const fixed = ['', '   ', 'a', '好吃', 'abcd', word(T - 1), word(T), word(T + 1), word(3 * T), 'ΩΩΩ', 'a Ω b'];
  const random = Array.from({ length: 60 }, () => word(Math.floor(rng.next() * 2 * T)));
  const all = [...fixed, ...random];
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all;
}

const pipeline = TextPipeline.fit([ALPHABET, ALPHABET], { maxLen: T });

function config(arch: StudentArch, over: Partial<StudentConfig> = {}): StudentConfig {
  return {
    arch,
    vocabSize: pipeline.vocab.size,
    embedDim: 8,
    maxLen: T,
    numClasses: C,
    multiLabel: false,
    hidden: 6,
    layers: 1,
    filterSizes: [2, 3, 4, 5],
    numFilters: 6,
    attDim: 5,
    dropout: 0,
    ...over,
  };
}

/** Uniform(−scale, scale) weights (PAD's embedding too, so PAD windows are not zero); NB variances in [0.3, 1.3). */
function randomParams(c: StudentConfig, seed: number, scale = 1): StudentParams {
  const rng = createRng(seed);
  const out: StudentParams = {};
  for (const [name, shape] of Object.entries(studentParamShapes(c, 4))) {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++)
      data[i] = name === 'nb_vars' ? 0.3 + rng.next() : (2 * rng.next() - 1) * scale;
    out[name] = { shape, data };
  }
  return out;
}

/** Records the row length of every call, passing it on to the real predictor. */
function recording(p: Predictor): Predictor & { calls: { n: number; T: number }[] } {
  const calls: { n: number; T: number }[] = [];
  return {
    engine: p.engine,
    padMargin: p.padMargin,
    calls,
    predict: (ids, n, Tb) => {
      calls.push({ n, T: Tb });
      return p.predict(ids, n, Tb);
    },
    dispose: () => p.dispose(),
  };
}

async function streamLines(docs: string[], p: Predictor, batchSize: number, multiLabel: boolean): Promise<string> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (b: Buffer) => (text += b.toString('utf8')));
  async function* gen() {
    for (const t of docs) yield { text: t };
  }
  const model = { pipeline, labels: ['x', 'y', 'z'], multiLabel, threshold: 0.5 };
  await predictStream(gen(), [model], [p], out, { batchSize });
  return text;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('length-bucketed predict equals full-T predict', () => {
  const cases: [string, StudentConfig, number, number?][] = [
    ['textcnn (widths 2–5)', config('textcnn'), 5],
    ['textcnn (width 3, multi-label)', config('textcnn', { filterSizes: [3], multiLabel: true }), 3],
    // E·k up to 640, as in the CPU preset: ORT's GEMM blocks the sum over E·k by the row length, so
    // the bits differ (weights of a trained model's size, not ±1, whose logits reach the hundreds).
    ['textcnn (embed 128)', config('textcnn', { embedDim: 128, numFilters: 32 }), 5, 0.1],
    ['cnn-nb', config('cnn-nb'), 5],
    ['bilstm (2 layers)', config('bilstm', { layers: 2 }), 0],
    ['lstm', config('lstm'), 0],
    ['gru', config('gru'), 0],
    ['gru-att', config('gru-att'), 0],
  ];
  const docs = texts();
  const n = docs.length;
  const ids = pipeline.encodeBatch(docs);

  cases.forEach(([name, c, margin, scale], i) => {
    it(name, async () => {
      const p = await OnnxPredictor.open(exportStudentToOnnx(c, randomParams(c, 40 + i, scale)), 1);
      try {
        expect(p.padMargin).toBe(margin);
        const full = await p.predict(ids, n, T); // one batch of full rows: the function as specified
        const rec = recording(p);
        const bucketed = await predictAll(rec, ids, n, T, C, 8);
        const d = maxAbsDiff(bucketed, full);
        console.log(`bucketed ${name}: max|Δprobs| = ${d}${d === 0 ? ' (bit-identical)' : ''}`);
        expect(d).toBeLessThan(1e-6);
        // Most batches were cut, and the rows still add up.
        expect(rec.calls.reduce((s, b) => s + b.n, 0)).toBe(n);
        expect(rec.calls.filter((b) => b.T < T).length).toBeGreaterThan(rec.calls.length / 2);
        expect(Math.min(...rec.calls.map((b) => b.T))).toBeLessThan(T / 2);

        // Streaming (windows of 8 batches of 3, grouped by length inside each window): one line
        // per document in input order; and split into two partitions at an odd place, the same
        // lines (a row's result does not depend on the rows beside it).
        const line = predictionLines({ labels: ['x', 'y', 'z'], multiLabel: c.multiLabel, threshold: 0.5 });
        const all = await streamLines(docs, p, 3, c.multiLabel);
        expect(all).toBe(docs.map((_, r) => line(bucketed, r, undefined) + '\n').join(''));
        const split =
          (await streamLines(docs.slice(0, 29), p, 3, c.multiLabel)) +
          (await streamLines(docs.slice(29), p, 3, c.multiLabel));
        expect(split).toBe(all);
      } finally {
        await p.dispose();
      }
    });
  });

  it('han declares no margin: every batch is full length', async () => {
    const c = config('han', { sentenceLen: 4 });
    const bytes = exportStudentToOnnx(c, randomParams(c, 3));
    expect(decodeModel(bytes).metadataProps.map((e) => e.key)).not.toContain(PAD_MARGIN_KEY);
    const p = recording(await OnnxPredictor.open(bytes, 1));
    try {
      expect(p.padMargin).toBeNull();
      await predictAll(p, ids, n, T, C, 8);
      expect(new Set(p.calls.map((b) => b.T))).toEqual(new Set([T]));
    } finally {
      await p.dispose();
    }
  });
});

/** The model with input_ids' sequence dimension fixed to T, as the exporter wrote textcnn before. */
function withFixedT(m: ModelProto): ModelProto {
  m.graph!.input![0].type!.tensorType!.shape!.dim![1] = onnx.TensorShapeProto.Dimension.create({ dimValue: T });
  return m;
}

describe('models exported before the pad margin', () => {
  /** What the exporter wrote before: no margin in metadata_props; textcnn with T fixed to maxLen. */
  function olderExport(c: StudentConfig, params: StudentParams): Uint8Array {
    const m = decodeModel(exportStudentToOnnx(c, params));
    m.metadataProps = [];
    return encodeModel(c.arch === 'textcnn' ? withFixedT(m) : m);
  }

  for (const arch of ['textcnn', 'bilstm'] as const) {
    it(`${arch}: an older model.onnx in a folder is fed full rows and predicts as before`, async () => {
      const c = config(arch);
      const params = randomParams(c, 9);
      const file = path.join(tmp, `${arch}-old.onnx`);
      writeFileSync(file, olderExport(c, params));
      const docs = texts();
      const ids = pipeline.encodeBatch(docs);
      const old = recording(await OnnxPredictor.open(file, 1));
      const current = await OnnxPredictor.open(exportStudentToOnnx(c, params), 1);
      try {
        expect(old.padMargin).toBeNull();
        const session = await ort.InferenceSession.create(file);
        expect((session.inputMetadata[0] as ort.InferenceSession.TensorValueMetadata).shape[1]).toBe(
          arch === 'textcnn' ? T : 'T',
        );
        await session.release();
        const got = await predictAll(old, ids, docs.length, T, C, 8);
        expect(new Set(old.calls.map((b) => b.T))).toEqual(new Set([T]));
        expect(old.calls.map((b) => b.n)).toEqual(
          Array.from({ length: Math.ceil(docs.length / 8) }, (_, i) => Math.min(8, docs.length - 8 * i)),
        );
        expect(maxAbsDiff(got, await current.predict(ids, docs.length, T))).toBe(0);
      } finally {
        await old.dispose();
        await current.dispose();
      }
    });
  }

  it('a margin on a model whose T is fixed is not trusted', async () => {
    const c = config('textcnn');
    const m = withFixedT(decodeModel(exportStudentToOnnx(c, randomParams(c, 2))));
    expect(m.metadataProps.map((e) => e.key)).toContain(PAD_MARGIN_KEY);
    const p = await OnnxPredictor.open(encodeModel(m), 1);
    expect(p.padMargin).toBeNull();
    await p.dispose();
  });
});
