import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  studentParamShapes,
  type StudentArch,
  type StudentConfig,
  type StudentParams,
} from '../../models/student-config';
import { exportStudentToOnnx } from './export-student';
import { PAD_MARGIN_KEY } from './pad-margin';
import { decodeModel, IR_VERSION, OPSET, type GraphProto } from './proto';
import { referenceForward } from './reference-forward';

/** mulberry32: tiny seeded PRNG so failures reproduce. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const V = 50;
const T = 12;
const C = 3;
const PCA_K = 4;

function config(arch: StudentArch, over: Partial<StudentConfig> = {}): StudentConfig {
  return {
    arch,
    vocabSize: V,
    embedDim: 8,
    maxLen: T,
    numClasses: C,
    multiLabel: false,
    hidden: 6,
    layers: 1,
    filterSizes: [2, 3, 5],
    numFilters: 4,
    attDim: 5,
    dropout: 0.3,
    ...over,
  };
}

/** Uniform(−scale, scale) params (large enough that gates are far from linear); NB variances in [0.3, 1.3). */
function randomParams(c: StudentConfig, seed: number, scale = 1): StudentParams {
  const rand = prng(seed);
  const out: StudentParams = {};
  for (const [name, shape] of Object.entries(studentParamShapes(c, PCA_K))) {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = name === 'nb_vars' ? 0.3 + rand() : (2 * rand() - 1) * scale;
    out[name] = { shape, data };
  }
  return out;
}

/**
 * Post-padded id rows: the first rows are a length-0 row, a full row, and a length-1 row; the rest
 * have random lengths. Ids start at 1 so only padding is 0.
 */
function randomIds(batch: number, seed: number, minLen = 0): Int32Array {
  const rand = prng(seed);
  const ids = new Int32Array(batch * T);
  for (let b = 0; b < batch; b++) {
    const len =
      b === 0 ? minLen : b === 1 ? T : b === 2 ? Math.max(1, minLen) : minLen + Math.floor(rand() * (T - minLen + 1));
    for (let t = 0; t < len; t++) ids[b * T + t] = 1 + Math.floor(rand() * (V - 1));
  }
  return ids;
}

async function runOnnx(bytes: Uint8Array, ids: Int32Array, batch: number) {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const input = new ort.Tensor(
      'int64',
      BigInt64Array.from(ids, (v) => BigInt(v)),
      [batch, T],
    );
    const out = await session.run({ input_ids: input });
    expect(out.logits.dims).toEqual([batch, C]);
    expect(out.probs.dims).toEqual([batch, C]);
    return { logits: out.logits.data as Float32Array, probs: out.probs.data as Float32Array };
  } finally {
    await session.release();
  }
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/**
 * Logits are compared relative to max(1, |ref|): cnn-nb log-joints reach a few hundred, where
 * float32 alone carries ~1e-5 of absolute error. Probabilities are compared absolutely.
 */
function maxScaledDiff(a: ArrayLike<number>, ref: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - ref[i]) / Math.max(1, Math.abs(ref[i])));
  return m;
}

/**
 * han input rows: S = T / W sentence slots, each post-padded, real sentences first. Row 0 is an
 * empty document, row 1 a full grid, row 2 one one-token sentence; the rest have random sentence
 * counts and lengths (short sentences before longer ones, so slots are not a contiguous prefix).
 */
function gridIds(batch: number, seed: number, W: number): Int32Array {
  const rand = prng(seed);
  const S = T / W;
  const ids = new Int32Array(batch * T);
  for (let b = 0; b < batch; b++) {
    const sentences = b === 0 ? 0 : b === 1 ? S : b === 2 ? 1 : 1 + Math.floor(rand() * S);
    for (let s = 0; s < sentences; s++) {
      const len = b === 1 ? W : b === 2 ? 1 : 1 + Math.floor(rand() * W);
      for (let t = 0; t < len; t++) ids[b * T + s * W + t] = 1 + Math.floor(rand() * (V - 1));
    }
  }
  return ids;
}

async function checkParity(name: string, c: StudentConfig, seed: number, batch = 9): Promise<void> {
  const params = randomParams(c, seed);
  const ids = c.arch === 'han' ? gridIds(batch, seed + 1, c.sentenceLen!) : randomIds(batch, seed + 1);
  const ref = referenceForward(c, params, ids, batch, T);
  const got = await runOnnx(exportStudentToOnnx(c, params), ids, batch);
  const dLogits = maxAbsDiff(got.logits, ref.logits);
  const dProbs = maxAbsDiff(got.probs, ref.probs);
  console.log(
    `onnx parity ${name}: max|Δlogits| = ${dLogits.toExponential(2)}, max|Δprobs| = ${dProbs.toExponential(2)}`,
  );
  expect(maxScaledDiff(got.logits, ref.logits)).toBeLessThan(1e-5);
  expect(dProbs).toBeLessThan(1e-5);
}

describe('exportStudentToOnnx parity with referenceForward', () => {
  const cases: [string, StudentConfig][] = [
    ['bilstm (2 layers)', config('bilstm', { layers: 2 })],
    ['bilstm multi-label', config('bilstm', { multiLabel: true })],
    ['lstm (2 layers)', config('lstm', { layers: 2 })],
    ['gru', config('gru')],
    ['gru (2 layers, multi-label)', config('gru', { layers: 2, multiLabel: true })],
    ['textcnn', config('textcnn')],
    ['textcnn multi-label', config('textcnn', { multiLabel: true, filterSizes: [3] })],
    ['gru-att (2 layers)', config('gru-att', { layers: 2 })],
    ['gru-att multi-label', config('gru-att', { multiLabel: true })],
    ['cnn-nb', config('cnn-nb')],
    ['cnn-nb multi-label (one NB per label)', config('cnn-nb', { multiLabel: true })],
    ['han (3 sentences × 4 tokens)', config('han', { sentenceLen: 4 })],
    ['han (2 word layers, 4 × 3, multi-label)', config('han', { sentenceLen: 3, layers: 2, multiLabel: true })],
  ];
  cases.forEach(([name, c], i) => {
    it(name, async () => {
      await checkParity(name, c, 100 + 17 * i);
    });
  });

  it('bilstm on a 128-row batch', async () => {
    await checkParity('bilstm batch 128', config('bilstm', { layers: 2 }), 7, 128);
  });

  it('recurrent exports accept any T (dynamic time axis)', async () => {
    const c = config('gru-att');
    const params = randomParams(c, 3);
    const session = await ort.InferenceSession.create(exportStudentToOnnx(c, params));
    const T2 = 5;
    const ids = Int32Array.from([4, 9, 2, 0, 0, 7, 7, 7, 7, 7]);
    const out = await session.run({
      input_ids: new ort.Tensor(
        'int64',
        BigInt64Array.from(ids, (v) => BigInt(v)),
        [2, T2],
      ),
    });
    const ref = referenceForward(c, params, ids, 2, T2);
    expect(maxAbsDiff(out.probs.data as Float32Array, ref.probs)).toBeLessThan(1e-5);
    await session.release();
  });
});

describe('reference semantics the exporter relies on', () => {
  it('a length-0 recurrent row has zero features, so its logits are out_b', () => {
    for (const arch of ['bilstm', 'lstm', 'gru', 'gru-att'] as const) {
      const c = config(arch);
      const params = randomParams(c, 11);
      const { logits } = referenceForward(c, params, new Int32Array(T), 1, T);
      expect(Array.from(logits)).toEqual(Array.from(params.out_b.data));
    }
  });

  it('trailing PAD does not change recurrent outputs (bw starts at the last real token)', () => {
    // If bw ran from T−1 over PAD embeddings, the padded and trimmed rows would differ.
    const c = config('bilstm', { layers: 2 });
    const params = randomParams(c, 12);
    const short = Int32Array.from([5, 6, 7, 0]);
    const long = Int32Array.from([5, 6, 7, 0, 0, 0, 0]);
    const a = referenceForward(c, params, short, 1, 4);
    const b = referenceForward(c, params, long, 1, 7);
    expect(maxAbsDiff(a.logits, b.logits)).toBeLessThan(1e-12);
  });

  it('gru-att pools only over real steps', () => {
    const c = config('gru-att');
    const params = randomParams(c, 13);
    const padded = Int32Array.from([3, 4, 0, 0, 0, 0]);
    const trimmed = Int32Array.from([3, 4]);
    expect(
      maxAbsDiff(referenceForward(c, params, padded, 1, 6).logits, referenceForward(c, params, trimmed, 1, 2).logits),
    ).toBeLessThan(1e-12);
  });

  it('han: padding inside a sentence and empty sentence slots do not count', () => {
    const c = config('han', { sentenceLen: 4 });
    const params = randomParams(c, 14);
    const row = Int32Array.from([3, 4, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0]);
    const wider = config('han', { sentenceLen: 6 }); // same sentences in 6-token slots
    const wideRow = Int32Array.from([3, 4, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0]);
    expect(
      maxAbsDiff(referenceForward(c, params, row, 1, T).logits, referenceForward(wider, params, wideRow, 1, T).logits),
    ).toBeLessThan(1e-12);
    const { logits } = referenceForward(c, params, new Int32Array(T), 1, T);
    expect(Array.from(logits)).toEqual(Array.from(params.out_b.data));
  });

  it('han needs a sentenceLen that divides maxLen', () => {
    for (const sentenceLen of [undefined, 5, 0]) {
      const c = config('han', { sentenceLen });
      expect(() => exportStudentToOnnx(c, randomParams(config('han', { sentenceLen: 4 }), 1))).toThrow(/sentenceLen/);
    }
  });

  it('multi-label cnn-nb has a present and an absent NB class per label; single-label params do not fit it', () => {
    const c = config('cnn-nb', { multiLabel: true });
    expect(studentParamShapes(c, PCA_K).nb_means).toEqual([2 * C, PCA_K]);
    expect(() => exportStudentToOnnx(c, randomParams(config('cnn-nb'), 1))).toThrow(
      /nb_means has shape \[3,4\].*expected \[6,4\]/,
    );
  });

  it('multi-label cnn-nb logits are each label’s log posterior odds, present against absent', () => {
    const c = config('cnn-nb', { multiLabel: true });
    const params = randomParams(c, 5);
    const single = config('cnn-nb', { numClasses: 2 * C });
    const joint = referenceForward(single, params, randomIds(3, 6), 3, T).logits;
    const { logits } = referenceForward(c, params, randomIds(3, 6), 3, T);
    for (let b = 0; b < 3; b++)
      for (let j = 0; j < C; j++)
        expect(logits[b * C + j]).toBeCloseTo(joint[b * 2 * C + j] - joint[b * 2 * C + C + j], 9);
  });

  it('rejects params with wrong shapes', () => {
    const c = config('gru');
    const params = randomParams(c, 1);
    params.gru0_fw_U = { shape: [6, 17], data: new Float32Array(6 * 17) };
    expect(() => exportStudentToOnnx(c, params)).toThrow(/gru0_fw_U/);
  });
});

describe('model metadata', () => {
  it('declares opset 17, IR 8, and dynamic batch', () => {
    const c = config('lstm');
    const m = decodeModel(exportStudentToOnnx(c, randomParams(c, 2)));
    expect(Number(m.irVersion)).toBe(IR_VERSION);
    expect(m.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', OPSET]]);
    const graph = m.graph as GraphProto;
    const input = graph.input[0];
    expect(input.name).toBe('input_ids');
    const dims = input.type?.tensorType?.shape?.dim ?? [];
    expect(dims.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['batch', 'T']);
    expect(graph.output.map((o) => o.name)).toEqual(['logits', 'probs']);
  });

  it('the pad margin is in metadata_props where cut rows are exact (T dynamic); han keeps T = maxLen', () => {
    const want: [StudentArch, Partial<StudentConfig>, string | number, string | undefined][] = [
      ['textcnn', {}, 'T', '5'],
      ['cnn-nb', { filterSizes: [3, 4] }, 'T', '4'],
      ['bilstm', {}, 'T', '0'],
      ['gru-att', {}, 'T', '0'],
      ['han', { sentenceLen: 4 }, T, undefined],
    ];
    for (const [arch, over, dim, margin] of want) {
      const c = config(arch, over);
      const m = decodeModel(exportStudentToOnnx(c, randomParams(c, 2)));
      const d = (m.graph as GraphProto).input[0].type!.tensorType!.shape!.dim![1];
      expect(d.dimParam || Number(d.dimValue)).toBe(dim);
      expect(m.metadataProps.find((p) => p.key === PAD_MARGIN_KEY)?.value).toBe(margin);
    }
  });
});
