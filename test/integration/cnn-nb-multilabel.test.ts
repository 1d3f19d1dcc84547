/**
 * Multi-label cnn-nb (issue 13 item 2): a TextCNN trained with BCE on the synthetic aspect corpus
 * (four aspects, one to three per review), its sigmoid head replaced by one Gaussian naive Bayes per
 * label (binary relevance over the PCA features, as train-job does), then scored on held-out reviews
 * and exported to ONNX. Chance cannot reach the micro-F1 floor: about half the labels are on, so
 * guessing by prevalence gives ≈ 0.5 and switching every label on 2p/(1+p) ≈ 0.67.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createOnnxSession, idsTensor } from '../../src/worker/backend/onnx-runtime';
import { initBackend } from '../../src/worker/backend/tfjs-backend';
import type { CorpusDoc } from '../../src/worker/data/read-corpus';
import { exportStudentToOnnx } from '../../src/worker/export/onnx/export-student';
import { referenceForward } from '../../src/worker/export/onnx/reference-forward';
import { encodeDocs } from '../../src/worker/jobs/encode-docs';
import { fitCnnNbHead } from '../../src/worker/jobs/train-job';
import { makeStudentConfig } from '../../src/worker/models/registry';
import { Student } from '../../src/worker/models/student';
import { TextPipeline } from '../../src/worker/text/pipeline';
import { trainStudent } from '../../src/worker/train/trainer';
import { ASPECTS, generateCorpus } from '../fixtures/synthetic-corpus';

const LABELS = [...ASPECTS];
const C = LABELS.length;
const FLOOR = 0.85;

function microF1(probs: ArrayLike<number>, truth: Float32Array, n: number): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < n * C; i++) {
    const p = probs[i] >= 0.5;
    const t = truth[i] === 1;
    if (p && t) tp++;
    else if (p) fp++;
    else if (t) fn++;
  }
  return (2 * tp) / (2 * tp + fp + fn);
}

beforeAll(async () => {
  expect((await initBackend('wasm')).name).toBe('wasm');
});

describe('cnn-nb on multi-label data', () => {
  it(`one NB per label: held-out micro-F1 above ${FLOOR}, and ONNX gives the tfjs probabilities`, async () => {
    const toDocs = (seed: number, n: number): CorpusDoc[] =>
      generateCorpus(n, seed, 'multilabel').map((d, i) => ({
        id: String(i + 1),
        text: d.text,
        labels: d.labels,
        line: i + 2,
      }));
    const trainDocs = toDocs(61, 500);
    const testDocs = toDocs(62, 200);
    const pipeline = TextPipeline.fit(
      trainDocs.map((d) => d.text),
      { mode: 'char', maxVocab: 400, minCount: 1 },
    );
    const schema = { task: 'multilabel' as const, labels: LABELS };
    const train = encodeDocs(trainDocs, pipeline, schema, 'train');
    const test = encodeDocs(testDocs, pipeline, schema, 'test');
    const config = makeStudentConfig(
      'cnn-nb',
      { vocabSize: pipeline.vocab.size, maxLen: pipeline.maxLen, numClasses: C, multiLabel: true },
      { embedDim: 16, filterSizes: [2, 3], numFilters: 8 },
    );
    const student = Student.create(config, 3);
    try {
      await trainStudent(student, train, undefined, {
        epochs: 3,
        batchSize: 32,
        learningRate: 0.01,
        seed: 3,
        patience: 0,
      });
      fitCnnNbHead(student, train, config);
      const params = student.toParams();
      expect(params.out_W).toBeUndefined();
      expect(params.nb_means.shape[0]).toBe(2 * C);

      const probs = student.predictProbs(test.ids, test.n);
      const f1 = microF1(probs, test.hard as Float32Array, test.n);
      // Labels are decided one by one: some reviews get several, and not all get the same number.
      const perDoc = Array.from(
        { length: test.n },
        (_, i) => Array.from(probs.subarray(i * C, (i + 1) * C)).filter((p) => p >= 0.5).length,
      );
      console.log(
        `cnn-nb multi-label: held-out micro-F1 ${f1.toFixed(3)} on ${test.n} reviews (PCA K = ${params.pca_components.shape[1]})`,
      );
      expect(f1).toBeGreaterThan(FLOOR);
      expect(perDoc.filter((k) => k >= 2).length).toBeGreaterThan(test.n / 10);

      // ONNX and the float64 reference give the tfjs student's probabilities.
      const session = await createOnnxSession(exportStudentToOnnx(config, params));
      try {
        const out = await session.run({ input_ids: idsTensor(test.ids, test.n, test.T) });
        expect(out.probs.dims).toEqual([test.n, C]);
        const got = out.probs.data as Float32Array;
        const ref = referenceForward(config, params, test.ids, test.n, test.T).probs;
        let dOnnx = 0;
        let dRef = 0;
        for (let i = 0; i < probs.length; i++) {
          dOnnx = Math.max(dOnnx, Math.abs(got[i] - probs[i]));
          dRef = Math.max(dRef, Math.abs(ref[i] - probs[i]));
        }
        console.log(
          `cnn-nb multi-label parity: max |Δprobs| onnx ${dOnnx.toExponential(2)}, reference ${dRef.toExponential(2)}`,
        );
        expect(dOnnx).toBeLessThan(1e-4);
        expect(dRef).toBeLessThan(1e-4);
      } finally {
        await session.release();
      }
    } finally {
      student.dispose();
    }
  });
});
