/**
 * The models a labeling-budget simulation retrains every round, behind one small interface:
 * naive Bayes over n-gram counts (the loop's fast model; its committee is a bootstrap ensemble)
 * and any student architecture through the project's trainer (few epochs, no validation split).
 * Rows are indices into the corpus the model was prepared on.
 */
import { DistilleryError } from '../../shared/errors';
import { createRng } from '../../shared/random';
import type { CancelToken } from '../../shared/progress';
import { initBackend } from '../backend/tfjs-backend';
import { predictNaiveBayes, trainNaiveBayes, type NaiveBayesModel } from '../models/naive-bayes';
import { makeStudentConfig, pipelineInputFor } from '../models/registry';
import { Student } from '../models/student';
import type { StudentConfig } from '../models/student-config';
import type { SparseRows } from '../text/ngram-features';
import { TextPipeline } from '../text/pipeline';
import { pipelineTextInputs, type TextOptions } from '../text/text-option-files';
import type { TokenMode } from '../text/tokenize';
import { trainStudent } from '../train/trainer';

/** Per corpus row: class index (single-label) or label indices (multi-label). */
export type Targets = { multiLabel: false; y: Int32Array } | { multiLabel: true; y: number[][] };

export interface FittedModel {
  /** n × K probabilities for these rows. */
  predict(rows: readonly number[]): Float32Array;
  /** `passes` stochastic predictions (MC-dropout) of these rows, each n × K, where the model has them. */
  mcPredict?(rows: readonly number[], passes: number): Float32Array[];
  /** The model's own representation of these rows (n × dim), where it has one. */
  vectors?(rows: readonly number[]): { x: Float32Array; dim: number };
  dispose(): void;
}

export interface SimModelKind {
  name: string;
  /** Fit on these rows (labels from the targets). */
  fit(rows: readonly number[], seed: number, cancel?: CancelToken): Promise<FittedModel>;
  /** A committee of `size` members for vote entropy (and bald without MC dropout), or undefined where that is too costly. */
  committee?(rows: readonly number[], size: number, seed: number): Promise<FittedModel[]>;
}

function targetsOf(t: Targets, rows: readonly number[]): Int32Array | number[][] {
  return t.multiLabel ? rows.map((r) => t.y[r]!) : Int32Array.from(rows, (r) => t.y[r]!);
}

export function naiveBayesKind(X: SparseRows, t: Targets, K: number, alpha: number): SimModelKind {
  const fitSync = (rows: readonly number[]): FittedModel => {
    const m: NaiveBayesModel = trainNaiveBayes(X, rows, targetsOf(t, rows), K, { alpha, multiLabel: t.multiLabel });
    return { predict: (r) => predictNaiveBayes(m, X, r), dispose: () => {} };
  };
  return {
    name: 'nb',
    fit: async (rows) => fitSync(rows),
    // Bootstrap resamples of the labeled rows (Breiman's bagging), one per member.
    committee: async (rows, size, seed) => {
      const rng = createRng(seed);
      return Array.from({ length: size }, () => fitSync(Array.from(rows, () => rows[rng.int(rows.length)]!)));
    },
  };
}

export interface StudentKindOptions {
  arch: string;
  epochs: number;
  batchSize: number;
  learningRate: number;
  tokens: TokenMode;
  /** t2s, user dictionary, stop words: the students' text pipeline takes them as a training does. */
  text?: TextOptions;
  maxLen?: number;
  architecture?: Partial<StudentConfig>;
  backend?: string;
}

/**
 * A neural student. The text pipeline (vocabulary, length) is fit once on the pool's texts, which
 * carry no labels, so every round encodes the same way; each round trains a fresh student.
 */
export async function studentKind(
  texts: readonly string[],
  poolRows: readonly number[],
  t: Targets,
  K: number,
  o: StudentKindOptions,
): Promise<SimModelKind> {
  await initBackend(o.backend);
  const text = pipelineTextInputs(o.text ?? {});
  const pipeline = TextPipeline.fit(
    poolRows.map((r) => texts[r]!),
    { mode: o.tokens, ...text.config, ...pipelineInputFor(o.arch, { maxLen: o.maxLen }) },
    text.files,
  );
  const ids = pipeline.encodeBatch(texts);
  const T = pipeline.maxLen;
  const sizes = {
    vocabSize: pipeline.vocab.size,
    maxLen: T,
    sentenceLen: pipeline.grid?.words,
    numClasses: K,
    multiLabel: t.multiLabel,
  };
  const config = makeStudentConfig(o.arch, sizes, o.architecture);
  if (config.arch === 'cnn-nb')
    throw new DistilleryError(
      'CONFIG',
      'simulate: cnn-nb fits a PCA head after training; use nb, textcnn, bilstm, … instead',
      { field: 'model' },
    );
  const idsOf = (rows: readonly number[]) => {
    const out = new Int32Array(rows.length * T);
    rows.forEach((r, i) => out.set(ids.subarray(r * T, (r + 1) * T), i * T));
    return out;
  };
  return {
    name: o.arch,
    async fit(rows, seed, cancel) {
      let hard: Int32Array | Float32Array;
      if (t.multiLabel) {
        hard = new Float32Array(rows.length * K);
        rows.forEach((r, i) => t.y[r]!.forEach((c) => (hard[i * K + c] = 1)));
      } else hard = Int32Array.from(rows, (r) => t.y[r]!);
      const student = Student.create(config, seed);
      try {
        await trainStudent(student, { ids: idsOf(rows), n: rows.length, T, hard }, undefined, {
          epochs: o.epochs,
          batchSize: o.batchSize,
          learningRate: o.learningRate,
          seed,
          patience: 0,
          cancel,
        });
      } catch (e) {
        student.dispose();
        throw e;
      }
      return {
        predict: (r) => student.predictProbs(idsOf(r), r.length),
        mcPredict: (r, passes) => student.mcDropoutProbs(idsOf(r), r.length, passes),
        vectors: (r) => {
          const x = student.featuresOf(idsOf(r), r.length);
          return { x, dim: x.length / Math.max(1, r.length) };
        },
        dispose: () => student.dispose(),
      };
    },
  };
}
