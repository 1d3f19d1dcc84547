import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/tfjs-backend';
import { studentParamShapes, type StudentArch, type StudentConfig, type StudentParams } from '../models/student-config';
import { referenceForward } from './onnx/reference-forward';
import { fileLoadHandler, loadStudentWeightsTfjs, saveStudentTfjs, tfjsLayoutFor } from './tfjs-format';

const T = 12;
const V = 50;
let tmp = '';

beforeAll(async () => {
  expect((await initBackend('wasm')).tfName).toBe('wasm');
  tmp = await mkdtemp(path.join(os.tmpdir(), 'distillery-tfjs-'));
});

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

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

function config(arch: StudentArch, over: Partial<StudentConfig> = {}): StudentConfig {
  return {
    arch,
    vocabSize: V,
    embedDim: 8,
    maxLen: T,
    numClasses: 3,
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

function randomParams(c: StudentConfig, seed: number): StudentParams {
  const rand = prng(seed);
  const out: StudentParams = {};
  for (const [name, shape] of Object.entries(studentParamShapes(c, 4))) {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = name === 'nb_vars' ? 0.3 + rand() : 2 * rand() - 1;
    out[name] = { shape, data };
  }
  return out;
}

/** Rows: length 0, full, length 1, then random lengths; post-padded. */
function randomIds(batch: number, seed: number): Int32Array {
  const rand = prng(seed);
  const ids = new Int32Array(batch * T);
  for (let b = 0; b < batch; b++) {
    const len = b === 0 ? 0 : b === 1 ? T : b === 2 ? 1 : Math.floor(rand() * (T + 1));
    for (let t = 0; t < len; t++) ids[b * T + t] = 1 + Math.floor(rand() * (V - 1));
  }
  return ids;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('tfjs layers-model export (bilstm, lstm, textcnn)', () => {
  const cases: [string, StudentConfig][] = [
    ['bilstm (2 layers)', config('bilstm', { layers: 2 })],
    ['lstm (2 layers, multi-label)', config('lstm', { layers: 2, multiLabel: true })],
    ['textcnn', config('textcnn')],
  ];
  cases.forEach(([name, c], i) => {
    it(`${name}: tf.loadLayersModel predicts the reference`, async () => {
      const params = randomParams(c, 300 + i);
      const dir = path.join(tmp, `layers-${i}`);
      expect(await saveStudentTfjs(dir, c, params)).toBe('layers-model');
      const model = await tf.loadLayersModel(fileLoadHandler(dir));
      const batch = 9;
      const ids = randomIds(batch, 400 + i);
      const out = model.predict(tf.tensor2d(ids, [batch, T], 'int32')) as tf.Tensor;
      const got = (await out.data()) as Float32Array;
      out.dispose();
      model.dispose();
      const ref = referenceForward(c, params, ids, batch, T);
      const d = maxAbsDiff(got, ref.probs);
      console.log(`tfjs parity ${name}: max|Δprobs| = ${d.toExponential(2)}`);
      expect(d).toBeLessThan(1e-4);
      const json = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8'));
      expect(json.format).toBe('layers-model');
      expect(json.userDefinedMetadata.studentConfig.arch).toBe(c.arch);
    });
  });
});

describe('tfjs distillery-weights export (gru, gru-att, cnn-nb, han)', () => {
  for (const arch of ['gru', 'gru-att', 'cnn-nb', 'han'] as const) {
    it(`${arch}: weights round-trip exactly`, async () => {
      expect(tfjsLayoutFor(arch)).toBe('distillery-weights');
      const c = config(arch, arch === 'han' ? { sentenceLen: T / 2 } : {});
      const params = randomParams(c, 500);
      const dir = path.join(tmp, `weights-${arch}`);
      expect(await saveStudentTfjs(dir, c, params)).toBe('distillery-weights');
      const back = await loadStudentWeightsTfjs(dir);
      expect(back.config).toEqual(c);
      expect(Object.keys(back.params).sort()).toEqual(Object.keys(params).sort());
      for (const [name, p] of Object.entries(params)) {
        expect(back.params[name].shape).toEqual(p.shape);
        expect(Array.from(back.params[name].data)).toEqual(Array.from(p.data));
      }
    });
  }
});
