import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOnnxSession, idsTensor, type ort } from '../../backend/onnx-runtime';
import { decodeModel, OPSET, type GraphProto } from '../../export/onnx/proto';
import { bertWeightShapes, type BertConfig, type BertWeights } from '../model/bert-config';
import { erf, referenceBertForward } from '../model/bert-reference';
import { exportBertToOnnx } from './export-bert';

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

const CONFIG: BertConfig = {
  model_type: 'bert',
  vocab_size: 60,
  hidden_size: 16,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  intermediate_size: 32,
  hidden_act: 'gelu',
  max_position_embeddings: 40,
  type_vocab_size: 2,
  layer_norm_eps: 1e-12,
};
const C = 3;
const TOL = 1e-5;

/**
 * Random weights with the contract's names and shapes. Scales are larger than BERT's 0.02 init so
 * attention is far from uniform and the gelu sees its curved part: a mistake shows in the outputs.
 */
function randomBert(pooler: boolean, seed: number): BertWeights {
  const rand = prng(seed);
  const u = (s: number) => (2 * rand() - 1) * s;
  const out: BertWeights = {};
  for (const [name, shape] of Object.entries(bertWeightShapes(CONFIG, { numLabels: C, pooler }))) {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    const ln = name.includes('LayerNorm');
    for (let i = 0; i < data.length; i++) {
      if (ln && name.endsWith('.weight')) data[i] = 1 + u(0.3);
      else if (name.endsWith('.bias')) data[i] = u(0.2);
      else if (name.startsWith('embeddings.') || name.startsWith('classifier.')) data[i] = u(1);
      else data[i] = u(0.5);
    }
    out[name] = { shape, data };
  }
  return out;
}

interface Batch {
  ids: Int32Array;
  mask: Int32Array;
  types: Int32Array;
  batch: number;
  T: number;
}

/**
 * Post-padded rows of the given lengths. Padded positions hold random non-zero ids (not PAD) so
 * only the mask can hide them; token types switch to 1 halfway through every other row.
 */
function makeBatch(lens: number[], T: number, seed: number): Batch {
  const rand = prng(seed);
  const batch = lens.length;
  const ids = new Int32Array(batch * T);
  const mask = new Int32Array(batch * T);
  const types = new Int32Array(batch * T);
  lens.forEach((len, b) => {
    for (let t = 0; t < T; t++) {
      const i = b * T + t;
      ids[i] = t === 0 ? 2 : 1 + Math.floor(rand() * (CONFIG.vocab_size - 1)); // 2 plays [CLS]
      mask[i] = t < len ? 1 : 0;
      types[i] = b % 2 === 1 && t >= Math.ceil(len / 2) && t < len ? 1 : 0;
    }
  });
  return { ids, mask, types, batch, T };
}

async function runOrt(session: ort.InferenceSession, x: Batch) {
  const out = await session.run({
    input_ids: idsTensor(x.ids, x.batch, x.T),
    attention_mask: idsTensor(x.mask, x.batch, x.T),
    token_type_ids: idsTensor(x.types, x.batch, x.T),
  });
  expect(out.logits.dims).toEqual([x.batch, C]);
  expect(out.probs.dims).toEqual([x.batch, C]);
  return { logits: out.logits.data as Float32Array, probs: out.probs.data as Float32Array };
}

const reference = (w: BertWeights, x: Batch) =>
  referenceBertForward(CONFIG, w, x.ids, x.mask, x.types, x.batch, x.T, C);
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};
const rowOf = (a: Float32Array, b: number) => a.subarray(b * C, (b + 1) * C);

/** Largest differences seen per case, printed at the end (the exporter's parity figures). */
const seen: Record<string, { probs: number; logits: number }> = {};
function record(name: string, probs: number, logits: number) {
  const s = (seen[name] ??= { probs: 0, logits: 0 });
  s.probs = Math.max(s.probs, probs);
  s.logits = Math.max(s.logits, logits);
}
afterAll(() => console.log('BERT ONNX vs float64 reference, max |Δ|:', JSON.stringify(seen)));

describe('float64 BERT reference', () => {
  it('erf matches known values', () => {
    const known: [number, number][] = [
      [0, 0],
      [0.1, 0.1124629160182849],
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [-1.5, -0.9661051464753108],
      [2, 0.9953222650189527],
      [2.5, 0.999593047982555],
      [3, 0.9999779095030014],
      [5, 0.9999999999984626],
    ];
    for (const [x, v] of known) expect(Math.abs(erf(x) - v)).toBeLessThan(1e-13);
  });

  it('ignores masked positions: a row padded with masked tokens scores as the bare row', () => {
    const w = randomBert(true, 11);
    const padded = makeBatch([5], 9, 3);
    const bare: Batch = {
      ids: padded.ids.slice(0, 5),
      mask: padded.mask.slice(0, 5),
      types: padded.types.slice(0, 5),
      batch: 1,
      T: 5,
    };
    expect(maxAbsDiff(reference(w, padded).logits, reference(w, bare).logits)).toBeLessThan(1e-12);
  });
});

describe.each([
  { pooler: true, multiLabel: false },
  { pooler: false, multiLabel: false },
  { pooler: true, multiLabel: true },
  { pooler: false, multiLabel: true },
])('BERT → ONNX (pooler: $pooler, multiLabel: $multiLabel)', ({ pooler, multiLabel }) => {
  const name = `${pooler ? 'pooler' : 'no-pooler'}/${multiLabel ? 'multi' : 'single'}`;
  const weights = randomBert(pooler, pooler ? 101 : 202);
  let bytes: Uint8Array;
  let session: ort.InferenceSession;
  beforeAll(async () => {
    bytes = exportBertToOnnx(CONFIG, weights, { numLabels: C, multiLabel });
    session = await createOnnxSession(bytes, { threads: 1 });
  });
  afterAll(async () => session?.release());

  async function checkParity(x: Batch) {
    const got = await runOrt(session, x);
    const ref = reference(weights, x);
    const refProbs = multiLabel ? ref.logits.map(sigmoid) : ref.probs;
    const dp = maxAbsDiff(got.probs, refProbs);
    const dl = maxAbsDiff(got.logits, ref.logits);
    record(name, dp, dl);
    expect(dp).toBeLessThan(TOL);
    expect(dl).toBeLessThan(10 * TOL);
    return got;
  }

  it('declares the interface: opset 17, three int64 [batch, T] inputs, logits and probs', () => {
    const m = decodeModel(bytes);
    expect(m.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
    expect(OPSET).toBe(17);
    const graph = m.graph as GraphProto;
    const dims = (v: GraphProto['input'][number]) =>
      (v.type?.tensorType?.shape?.dim ?? []).map((d) => d.dimParam || Number(d.dimValue));
    expect(graph.input.map((i) => i.name)).toEqual(['input_ids', 'attention_mask', 'token_type_ids']);
    for (const i of graph.input) expect(dims(i)).toEqual(['batch', 'T']);
    expect(graph.output.map((o) => o.name)).toEqual(['logits', 'probs']);
    expect(dims(graph.output[1])).toEqual(['batch', C]);
    const ops = graph.node.map((n) => n.opType);
    const count = (op: string) => ops.filter((o) => o === op).length;
    // One fused QKV Gemm + output dense + 2 FFN per layer, then pooler and classifier.
    expect(count('Gemm')).toBe(4 * CONFIG.num_hidden_layers + (pooler ? 2 : 1));
    expect(count('LayerNormalization')).toBe(1 + 2 * CONFIG.num_hidden_layers);
    expect(count('Erf')).toBe(CONFIG.num_hidden_layers);
    expect(ops).toContain(multiLabel ? 'Sigmoid' : 'Softmax');
  });

  it('matches the float64 reference on a padded batch with token types', async () => {
    const x = makeBatch([11, 1, 6, 3, 9, 11], 11, 7);
    const out = await checkParity(x);
    // Not a degenerate model: rows disagree and probabilities are far from uniform.
    expect(maxAbsDiff(rowOf(out.probs, 0), rowOf(out.probs, 1))).toBeGreaterThan(0.01);
  });

  it('takes any batch size and sequence length (up to max_position_embeddings)', async () => {
    await checkParity(makeBatch([1], 1, 21));
    await checkParity(makeBatch([40, 17, 3], 40, 22));
    await checkParity(makeBatch([5, 2, 4, 5, 1, 3, 5], 5, 23));
    await checkParity(makeBatch([13, 13], 13, 24));
  });

  it('honours attention_mask and token_type_ids', async () => {
    const base = makeBatch([4, 9, 6], 9, 31);
    const before = await checkParity(base);
    const b = 0; // row 0 has 4 real tokens, 5 masked ones

    const maskedEdit = { ...base, ids: base.ids.slice() };
    maskedEdit.ids[b * 9 + 6] = ((maskedEdit.ids[b * 9 + 6] + 17) % 59) + 1; // a masked position
    const afterMasked = await checkParity(maskedEdit);
    expect(maxAbsDiff(rowOf(afterMasked.probs, b), rowOf(before.probs, b))).toBeLessThan(1e-7);

    const realEdit = { ...base, ids: base.ids.slice() };
    realEdit.ids[b * 9 + 2] = ((realEdit.ids[b * 9 + 2] + 17) % 59) + 1; // a real token
    const afterReal = await checkParity(realEdit);
    expect(maxAbsDiff(rowOf(afterReal.probs, b), rowOf(before.probs, b))).toBeGreaterThan(1e-3);

    const unmasked = { ...base, mask: base.mask.slice() };
    unmasked.mask[b * 9 + 6] = 1; // the same masked position, now attended to
    const afterUnmask = await checkParity(unmasked);
    expect(maxAbsDiff(rowOf(afterUnmask.probs, b), rowOf(before.probs, b))).toBeGreaterThan(1e-3);

    const typed = { ...base, types: base.types.slice() };
    typed.types[b * 9 + 1] = 1;
    const afterType = await checkParity(typed);
    expect(maxAbsDiff(rowOf(afterType.probs, b), rowOf(before.probs, b))).toBeGreaterThan(1e-3);

    // Other rows are untouched by edits to row 0.
    for (const o of [afterMasked, afterReal, afterUnmask, afterType])
      expect(maxAbsDiff(o.probs.subarray(C), before.probs.subarray(C))).toBeLessThan(1e-7);
  });
});

describe('exportBertToOnnx errors', () => {
  const w = randomBert(true, 5);
  it('rejects a head of the wrong size', () => {
    expect(() => exportBertToOnnx(CONFIG, w, { numLabels: 4, multiLabel: false })).toThrow(
      /classifier\.weight has shape \[3,16\], expected \[4,16\]/,
    );
  });
  it('names a missing weight', () => {
    const { ['encoder.layer.1.intermediate.dense.bias']: _, ...rest } = w;
    expect(() => exportBertToOnnx(CONFIG, rest, { numLabels: C, multiLabel: false })).toThrow(
      /missing weight encoder\.layer\.1\.intermediate\.dense\.bias/,
    );
  });
  it('rejects an activation it does not implement', () => {
    expect(() => exportBertToOnnx({ ...CONFIG, hidden_act: 'relu' }, w, { numLabels: C, multiLabel: false })).toThrow(
      /hidden_act/,
    );
  });
});
