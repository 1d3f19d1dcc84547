/**
 * ONNX export parity on trained weights: a bilstm, a textcnn (binary) and a gru-att (three classes)
 * student are trained for two epochs (tfjs wasm) on the synthetic review corpus, exported with
 * exportStudentToOnnx, and the onnxruntime-node probabilities are compared with the tfjs Student's
 * on 102 real encoded inputs of every length: normal reviews, long texts cut to maxLen (head +
 * tail), one-character and empty texts, and texts made mostly of unknown characters.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { argmax } from '../../src/shared/metrics';
import { createOnnxSession, idsTensor } from '../../src/worker/backend/onnx-runtime';
import { initBackend } from '../../src/worker/backend/tfjs-backend';
import { exportStudentToOnnx } from '../../src/worker/export/onnx/export-student';
import { encodeDocs } from '../../src/worker/jobs/encode-docs';
import type { CorpusDoc } from '../../src/worker/data/read-corpus';
import { makeStudentConfig } from '../../src/worker/models/registry';
import { Student } from '../../src/worker/models/student';
import type { StudentConfig } from '../../src/worker/models/student-config';
import { TextPipeline } from '../../src/worker/text/pipeline';
import { trainStudent, type EncodedSet } from '../../src/worker/train/trainer';
import { BINARY_LABELS, generateCorpus, generateTexts, THREE_LABELS } from '../fixtures/synthetic-corpus';

const TOL = 1e-4;

interface Data {
  labels: string[];
  pipeline: TextPipeline;
  train: EncodedSet;
  /** The parity inputs encoded with this pipeline. */
  ids: Int32Array;
}

let inputs: string[];
const data = {} as Record<'binary' | 'three', Data>;

/** ≥ 100 inputs: reviews, long texts beyond maxLen, very short and empty ones, unknown characters. */
function parityInputs(): string[] {
  const reviews = generateTexts(70, 41);
  const pool = generateTexts(120, 42);
  const long = Array.from({ length: 20 }, (_, i) => pool.slice(i * 5, i * 5 + 3 + (i % 4)).join('，'));
  const short = ['好', '差', '一般', '！', 'ok', ''];
  const unknown = [
    'great food, fast delivery',
    '😀👍👍',
    '菜很好吃abc123',
    '服務很好，很好吃',
    'ＡＢＣ１２３',
    '。。。。。。',
  ];
  return [...reviews, ...long, ...short, ...unknown];
}

function prepare(kind: 'binary' | 'three', seed: number): Data {
  const labels = kind === 'binary' ? BINARY_LABELS : THREE_LABELS;
  const corpus = generateCorpus(600, seed, kind);
  const pipeline = TextPipeline.fit(
    corpus.map((d) => d.text),
    { mode: 'char', maxVocab: 500, minCount: 1 },
  );
  const docs: CorpusDoc[] = corpus.map((d, i) => ({ id: String(i + 1), text: d.text, labels: d.labels, line: i + 2 }));
  const train = encodeDocs(
    docs,
    pipeline,
    { task: kind === 'binary' ? 'binary' : 'multiclass', labels },
    'synthetic.csv',
  );
  return { labels, pipeline, train, ids: pipeline.encodeBatch(inputs) };
}

beforeAll(async () => {
  expect((await initBackend('wasm')).name).toBe('wasm');
  inputs = parityInputs();
  data.binary = prepare('binary', 31);
  data.three = prepare('three', 32);
});

describe('tfjs student ↔ onnxruntime-node on trained weights', () => {
  it('the inputs cover every length: ≥ 100 rows, empty, short and truncated ones', () => {
    const { pipeline, ids } = data.binary;
    const T = pipeline.maxLen;
    const lengths = inputs
      .map((_, i) => ids.subarray(i * T, (i + 1) * T).findIndex((x) => x === 0))
      .map((k) => (k < 0 ? T : k));
    expect(inputs.length).toBeGreaterThanOrEqual(100);
    expect(lengths).toContain(0);
    expect(lengths).toContain(1);
    // Texts longer than maxLen fill every position (head + tail kept).
    expect(inputs.filter((t) => [...t].length > T + 5).length).toBeGreaterThanOrEqual(20);
    expect(lengths.filter((l) => l === T).length).toBeGreaterThanOrEqual(20);
    expect(new Set(lengths).size).toBeGreaterThan(10);
  });

  // Training-set accuracy floors: chance is 1/2 (binary) and 1/3 (three classes).
  const cases: [string, 'binary' | 'three', Partial<StudentConfig>, number][] = [
    ['bilstm', 'binary', { embedDim: 16, hidden: 12, layers: 2 }, 0.7],
    ['textcnn', 'binary', { embedDim: 16, filterSizes: [2, 3, 4], numFilters: 8 }, 0.7],
    ['gru-att', 'three', { embedDim: 16, hidden: 12, layers: 1, attDim: 8 }, 0.6],
  ];

  for (const [arch, kind, over, floor] of cases) {
    it(`${arch} (${kind}): ONNX probabilities equal the tfjs student's within ${TOL}`, async () => {
      const { pipeline, train, ids, labels } = data[kind];
      const C = labels.length;
      const config = makeStudentConfig(
        arch,
        { vocabSize: pipeline.vocab.size, maxLen: pipeline.maxLen, numClasses: C, multiLabel: false },
        over,
      );
      const student = Student.create(config, 5);
      try {
        await trainStudent(student, train, undefined, {
          epochs: 2,
          batchSize: 32,
          learningRate: 0.01,
          seed: 5,
          patience: 0,
        });
        const n = inputs.length;
        const T = pipeline.maxLen;

        // Trained, not trivial: well above chance on its training data, and confident somewhere.
        const trainProbs = student.predictProbs(train.ids, train.n);
        let correct = 0;
        for (let i = 0; i < train.n; i++)
          if (argmax(trainProbs.subarray(i * C, (i + 1) * C)) === train.hard[i]) correct++;
        expect(correct / train.n).toBeGreaterThan(floor);

        const ref = student.predictProbs(ids, n);
        const session = await createOnnxSession(exportStudentToOnnx(config, student.toParams()));
        try {
          const out = await session.run({ input_ids: idsTensor(ids, n, T) });
          expect(out.probs.dims).toEqual([n, C]);
          const got = out.probs.data as Float32Array;
          let max = 0;
          let confident = 0;
          for (let i = 0; i < ref.length; i++) max = Math.max(max, Math.abs(got[i] - ref[i]));
          for (let i = 0; i < n; i++) if (Math.max(...ref.subarray(i * C, (i + 1) * C)) > 0.8) confident++;
          console.log(
            `onnx parity (trained ${arch}, ${C} classes, ${n} inputs, T=${T}): max |Δprobs| = ${max.toExponential(2)}; train accuracy ${(correct / train.n).toFixed(3)}`,
          );
          expect(confident).toBeGreaterThan(n / 4);
          expect(max).toBeLessThan(TOL);

          // Batch size does not matter: single rows (a review, a truncated text, '好', '', unknown
          // characters) give the batched result.
          for (const i of [0, 75, 90, 95, 96]) {
            const one = await session.run({ input_ids: idsTensor(ids.subarray(i * T, (i + 1) * T), 1, T) });
            const p = one.probs.data as Float32Array;
            for (let c = 0; c < C; c++) expect(Math.abs(p[c] - got[i * C + c])).toBeLessThan(1e-6);
          }
        } finally {
          await session.release();
        }
      } finally {
        student.dispose();
      }
    });
  }
});
