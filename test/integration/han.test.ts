/**
 * The HAN student on multi-sentence synthetic documents (test/fixtures/sentence-corpus.ts): it
 * learns (held-out accuracy well above chance), and its ONNX export gives the tfjs student's and
 * the float64 reference's probabilities on trained weights, for a single-label and a multi-label
 * head, over inputs of every shape: one sentence, many (cut to the grid), empty, unknown characters.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { argmax } from '../../src/shared/metrics';
import { createOnnxSession, idsTensor } from '../../src/worker/backend/onnx-runtime';
import { initBackend } from '../../src/worker/backend/tfjs-backend';
import { exportStudentToOnnx } from '../../src/worker/export/onnx/export-student';
import { referenceForward } from '../../src/worker/export/onnx/reference-forward';
import type { CorpusDoc } from '../../src/worker/data/read-corpus';
import { encodeDocs } from '../../src/worker/jobs/encode-docs';
import { makeStudentConfig } from '../../src/worker/models/registry';
import { Student } from '../../src/worker/models/student';
import { TextPipeline } from '../../src/worker/text/pipeline';
import { trainStudent } from '../../src/worker/train/trainer';
import { sentenceCorpus } from '../fixtures/sentence-corpus';
import { ASPECTS, BINARY_LABELS, generateTexts } from '../fixtures/synthetic-corpus';

const TOL = 1e-4;

beforeAll(async () => {
  expect((await initBackend('wasm')).name).toBe('wasm');
});

const asDocs = (docs: { text: string; labels: string[] }[]): CorpusDoc[] =>
  docs.map((d, i) => ({ id: String(i + 1), text: d.text, labels: d.labels, line: i + 2 }));

function parityInputs(): string[] {
  const docs = sentenceCorpus(80, 77, 'binary').map((d) => d.text);
  const many = Array.from({ length: 10 }, (_, i) => generateTexts(12, 90 + i).join('。')); // more sentences than the grid
  return [...docs, ...many, '好', '', '。。。', '\n\n', 'great food! slow delivery.', '😀👍。菜很好吃abc123'];
}

describe.each([
  ['binary', BINARY_LABELS, 0.8],
  ['multilabel', [...ASPECTS], 0.8],
] as const)('HAN, %s head', (kind, labels, floor) => {
  it(`learns (held-out ${kind === 'binary' ? 'accuracy' : 'per-label accuracy'} > ${floor}) and exports to ONNX with parity`, async () => {
    const multi = kind === 'multilabel';
    const train = sentenceCorpus(500, 11, kind);
    const test = sentenceCorpus(200, 12, kind);
    const pipeline = TextPipeline.fit(
      train.map((d) => d.text),
      { mode: 'char', maxVocab: 500, sentenceGrid: {} },
    );
    expect(pipeline.grid!.sentences).toBeGreaterThan(1);
    const schema = { task: multi ? ('multilabel' as const) : ('binary' as const), labels: [...labels] };
    const trainSet = encodeDocs(asDocs(train), pipeline, schema, 'train.csv');
    const testSet = encodeDocs(asDocs(test), pipeline, schema, 'test.csv');
    const C = labels.length;
    const config = makeStudentConfig(
      'han',
      {
        vocabSize: pipeline.vocab.size,
        maxLen: pipeline.maxLen,
        sentenceLen: pipeline.grid!.words,
        numClasses: C,
        multiLabel: multi,
      },
      { embedDim: 16, hidden: 12, attDim: 8, dropout: 0.1 },
    );
    const student = Student.create(config, 3);
    try {
      await trainStudent(student, trainSet, undefined, {
        epochs: 4,
        batchSize: 32,
        learningRate: 0.01,
        seed: 3,
        patience: 0,
      });

      // Held out: chance is 0.5 for the balanced binary task; per label, always answering the
      // majority is the baseline the multi-label floor is checked against too.
      const probs = student.predictProbs(testSet.ids, testSet.n);
      let correct = 0;
      let majority = 0;
      if (multi) {
        for (let c = 0; c < C; c++) {
          let pos = 0;
          for (let i = 0; i < testSet.n; i++) {
            const y = testSet.hard[i * C + c];
            pos += y;
            if ((probs[i * C + c] >= 0.5 ? 1 : 0) === y) correct++;
          }
          majority += Math.max(pos, testSet.n - pos);
        }
        correct /= testSet.n * C;
        majority /= testSet.n * C;
        expect(correct).toBeGreaterThan(majority + 0.05);
      } else {
        for (let i = 0; i < testSet.n; i++)
          if (argmax(probs.subarray(i * C, (i + 1) * C)) === testSet.hard[i]) correct++;
        correct /= testSet.n;
      }
      expect(correct).toBeGreaterThan(floor);

      const inputs = parityInputs();
      const n = inputs.length;
      const T = pipeline.maxLen;
      const ids = pipeline.encodeBatch(inputs);
      const tfjs = student.predictProbs(ids, n);
      const ref = referenceForward(config, student.toParams(), ids, n, T).probs;
      const session = await createOnnxSession(exportStudentToOnnx(config, student.toParams()));
      let onnx: Float32Array;
      try {
        onnx = (await session.run({ input_ids: idsTensor(ids, n, T) })).probs.data as Float32Array;
      } finally {
        await session.release();
      }
      let dOnnx = 0;
      let dTfjs = 0;
      for (let i = 0; i < ref.length; i++) {
        dOnnx = Math.max(dOnnx, Math.abs(onnx[i] - ref[i]));
        dTfjs = Math.max(dTfjs, Math.abs(tfjs[i] - ref[i]));
      }
      console.log(
        `han ${kind}: held-out ${correct.toFixed(3)}${multi ? ` (majority ${majority.toFixed(3)})` : ''}; grid ${pipeline.grid!.sentences}×${pipeline.grid!.words}; ${n} inputs: max|Δprobs| onnx−ref ${dOnnx.toExponential(2)}, tfjs−ref ${dTfjs.toExponential(2)}`,
      );
      expect(dOnnx).toBeLessThan(TOL);
      expect(dTfjs).toBeLessThan(TOL);
      // The inputs exercise the grid: empty documents, and documents that fill every sentence slot.
      const W = pipeline.grid!.words;
      const S = pipeline.grid!.sentences;
      const slotsUsed = inputs.map(
        (_, r) => Array.from({ length: S }, (_, s) => ids[r * T + s * W] !== 0).filter(Boolean).length,
      );
      expect(slotsUsed).toContain(0);
      expect(slotsUsed.filter((k) => k === S).length).toBeGreaterThanOrEqual(10);
    } finally {
      student.dispose();
    }
  });
});
