/**
 * The binary-relevance teacher for multi-label tasks (research digest B): one binary BERT classifier
 * per label, each fine-tuned with a weight on the positive class's loss chosen on the validation split
 * from a grid (default {0.05, 0.1, 0.5, 1, 2, 3, 5}; the best weight ends up roughly inversely
 * proportional to the label's frequency).
 *
 * Each binary model is a 2-class softmax head trained with weighted cross-entropy, class weights
 * [1, w] (fineTuneTeacher's `classWeights`), early-stopped on the validation F1 of the positive class
 * (the criterion the weight is then chosen by). Its per-label logit for distillation is z₁ − z₀, so that
 * σ(z₁ − z₀) = softmax(z)₁ = P(label): the C per-label logits read exactly like a multi-label sigmoid
 * teacher's, and `distill --teacher-outputs` needs nothing new.
 *
 * Cost: labels × grid size fine-tuning runs (7 × C with the default grid), one model in training and
 * the best so far in memory at a time. A one-value grid (e.g. [1]) trains C models.
 *
 * Saved as <out>/label-<i>/ per label: a Hugging Face folder (num_labels 2, id2label {0: "not <label>",
 * 1: "<label>"}) + model.onnx + label.json (the chosen weight and every candidate's validation F1).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CancelledError, DistilleryError } from '../../../shared/errors';
import { BERT_TEACHER_OPTIONS } from '../../../shared/job-options';
import type { CancelToken, ProgressSink } from '../../../shared/progress';
import { etaSeconds } from '../../../shared/progress';
import type { BertConfig, BertWeights } from '../model/bert-config';
import { BertClassifier } from '../model/bert-model';
import { encodeExamples, fineTuneTeacher } from './fine-tune';
import { saveHfFolder } from '../checkpoint/hf-folder';
import { exportBertToOnnx } from '../onnx/export-bert';
import type { WordPieceTokenizer } from '../tokenize/wordpiece';

/** Digest B's grid of positive-class weights (the option table's default, src/shared/job-options.ts). */
export const BR_WEIGHT_GRID: readonly number[] = BERT_TEACHER_OPTIONS.brWeights.default;

export const BR_KIND = 'binary relevance: one fine-tuned BERT per label';

/** One fine-tuning run of one label's binary model. */
export interface BrCandidate {
  weight: number;
  /** F1 of the positive class on the validation split (0 when it has no positives and none are predicted). */
  validF1: number;
  bestEpoch: number;
  epochsRun: number;
}

/** What teacher.json records per label (and label-<i>/label.json holds). */
export interface BrLabelRecord {
  label: string;
  /** Sub-folder, relative to the teacher folder: label-<i>. */
  folder: string;
  /** The chosen positive-class weight. */
  weight: number;
  /** Validation F1 of the positive class at the chosen weight. */
  validF1: number;
  trainPositives: number;
  validPositives: number;
  candidates: BrCandidate[];
}

/**
 * Index of the best candidate: highest validation F1; ties (within 1e-9, e.g. a rare label with no
 * validation positives, where every F1 is 0) go to the weight closest to 1 on a log scale (the
 * unweighted loss unless the data says otherwise), then to the smaller weight. NaN F1 never wins
 * over a number.
 */
export function chooseClassWeight(candidates: readonly { weight: number; validF1: number }[]): number {
  if (!candidates.length) throw new DistilleryError('INTERNAL', 'no class-weight candidates to choose from');
  const score = (f: number) => (Number.isNaN(f) ? -Infinity : f);
  let best = 0;
  for (let i = 1; i < candidates.length; i++) {
    const a = candidates[i];
    const b = candidates[best];
    const d = score(a.validF1) - score(b.validF1);
    if (d > 1e-9) best = i;
    else if (d >= -1e-9 || (score(a.validF1) === -Infinity && score(b.validF1) === -Infinity)) {
      const da = Math.abs(Math.log(a.weight));
      const db = Math.abs(Math.log(b.weight));
      if (da < db - 1e-12 || (Math.abs(da - db) <= 1e-12 && a.weight < b.weight)) best = i;
    }
  }
  return best;
}

/** Checks a grid of positive-class weights: finite, > 0, no repeats; returns it sorted. */
export function validateWeightGrid(grid: readonly number[]): number[] {
  if (!grid.length) throw new DistilleryError('CONFIG', 'the class-weight grid is empty', { field: 'br-weights' });
  for (const w of grid) {
    if (!(Number.isFinite(w) && w > 0))
      throw new DistilleryError('CONFIG', `class weights must be positive numbers, got ${w}`, { field: 'br-weights' });
  }
  if (new Set(grid).size !== grid.length)
    throw new DistilleryError('CONFIG', `the class-weight grid repeats a value: ${grid.join(',')}`, {
      field: 'br-weights',
    });
  return [...grid].sort((a, b) => a - b);
}

/** Column `l` of n × C multi-hot targets as class indices 0/1 (−1 where the row is unlabeled, NaN). */
export function binaryTargets(multiHot: Float32Array, C: number, l: number): Int32Array {
  const n = multiHot.length / C;
  return Int32Array.from({ length: n }, (_, i) => {
    const v = multiHot[i * C + l];
    return Number.isNaN(v) ? -1 : v > 0.5 ? 1 : 0;
  });
}

/** F1 of class 1 from 0/1 truths and 2-class logits (row-major n × 2): 2tp / (2tp + fp + fn), 0 for 0/0. */
export function positiveF1(yTrue: ArrayLike<number>, logits2: ArrayLike<number>): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const pred = logits2[2 * i + 1] > logits2[2 * i] ? 1 : 0;
    if (pred && yTrue[i]) tp++;
    else if (pred) fp++;
    else if (yTrue[i]) fn++;
  }
  const d = 2 * tp + fp + fn;
  return d === 0 ? 0 : (2 * tp) / d;
}

/** Per-label logit z₁ − z₀ of each row of 2-class logits (n × 2) into column `l` of out (n × C). */
export function putPositiveLogits(logits2: ArrayLike<number>, out: Float32Array, C: number, l: number): void {
  const n = out.length / C;
  for (let i = 0; i < n; i++) out[i * C + l] = logits2[2 * i + 1] - logits2[2 * i];
}

export interface BrSet {
  texts: readonly string[];
  /** n × C multi-hot (NaN rows unlabeled). */
  labels: Float32Array;
}

export interface BrTrainOptions {
  config: BertConfig;
  /** The base checkpoint's weights (each binary model starts from them). */
  weights: BertWeights;
  tokenizer: WordPieceTokenizer;
  labels: readonly string[];
  train: BrSet;
  valid: BrSet;
  /** Rows to score with each label's chosen model (the test split), for the caller's metrics. */
  evaluate?: BrSet;
  /** Positive-class weights to try per label (default BR_WEIGHT_GRID). */
  grid?: readonly number[];
  out: string;
  maxLen: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  patience: number;
  seed: number;
  onProgress?: ProgressSink;
  cancel?: CancelToken;
}

export interface BrTrainResult {
  perLabel: BrLabelRecord[];
  /** Per-label logits z₁ − z₀ of `evaluate`'s rows (n × C; empty without `evaluate`). */
  evalLogits: Float32Array;
  /** Fine-tuning runs made (labels × grid). */
  runs: number;
  /** Parameters of one binary model. */
  paramsPerModel: number;
  /** Rows per second over the optimiser updates (mean over the runs). */
  trainSamplesPerSecond: number;
}

/**
 * Fine-tunes labels × grid binary models, keeps the best weight per label and writes label-<i>/ as
 * soon as each label is done. Cancellation stops after the current batch and throws CancelledError
 * (labels finished so far stay on disk; the teacher is incomplete without all of them).
 */
export async function trainBinaryRelevance(o: BrTrainOptions): Promise<BrTrainResult> {
  const C = o.labels.length;
  const grid = validateWeightGrid(o.grid ?? BR_WEIGHT_GRID);
  const nValid = o.valid.texts.length;
  if (grid.length > 1 && nValid === 0) {
    throw new DistilleryError(
      'CONFIG',
      "binary relevance chooses each label's class weight on the validation split, which is empty: use --valid-split above 0, or one weight (--br-weights 1)",
      {
        field: 'valid-split',
      },
    );
  }
  const runs = C * grid.length;
  const start = performance.now();
  const perLabel: BrLabelRecord[] = [];
  const nEval = o.evaluate?.texts.length ?? 0;
  const evalLogits = new Float32Array(nEval * C);
  const evalEnc =
    o.evaluate && nEval
      ? encodeExamples(o.tokenizer, { texts: o.evaluate.texts, labels: new Int32Array(nEval) }, o.maxLen, 2, false)
      : undefined;
  let paramsPerModel = 0;
  const rates: number[] = [];
  let run = 0;
  for (let l = 0; l < C; l++) {
    const label = o.labels[l];
    const yTrain = binaryTargets(o.train.labels, C, l);
    const yValid = binaryTargets(o.valid.labels, C, l);
    const validKept = Array.from(yValid).filter((y) => y >= 0);
    const validEnc = nValid
      ? encodeExamples(o.tokenizer, { texts: o.valid.texts, labels: yValid }, o.maxLen, 2, false)
      : undefined;
    const candidates: BrCandidate[] = [];
    let best: { model: BertClassifier; index: number } | undefined;
    try {
      for (let j = 0; j < grid.length; j++) {
        const w = grid[j];
        const model = BertClassifier.fromWeights(o.config, o.weights, 2, o.seed, { multiLabel: false });
        paramsPerModel = model.paramCount();
        let keep = false;
        try {
          const prefix = `label ${l + 1}/${C} ${label} · weight ${j + 1}/${grid.length} (${w}) · `;
          const runIndex = run;
          const ft = await fineTuneTeacher(
            model,
            { texts: o.train.texts, labels: yTrain },
            nValid ? { texts: o.valid.texts, labels: yValid } : undefined,
            {
              tokenizer: o.tokenizer,
              maxLen: o.maxLen,
              epochs: o.epochs,
              batchSize: o.batchSize,
              learningRate: o.learningRate,
              patience: o.patience,
              seed: o.seed,
              classWeights: Float32Array.of(1, w),
              // Keep the epoch with the best positive-class F1, the criterion the weight is chosen by.
              validScore: (logits, y) => positiveF1(y, logits),
              cancel: o.cancel,
              onProgress:
                o.onProgress &&
                ((p) => {
                  const done = runIndex * p.total + p.done;
                  const total = runs * p.total;
                  o.onProgress!({
                    ...p,
                    phase: prefix + p.phase,
                    done,
                    total,
                    etaSeconds: etaSeconds(start, performance.now(), done, total),
                  });
                }),
            },
          );
          run++;
          if (ft.trainSamplesPerSecond > 0) rates.push(ft.trainSamplesPerSecond);
          if (ft.cancelled) {
            throw new CancelledError(
              `cancelled while fine-tuning label ${l + 1}/${C} (${label}), weight ${j + 1}/${grid.length}; ` +
                (l ? `labels 1–${l} are saved under ${o.out}/label-*/, but ` : '') +
                'a binary-relevance teacher needs every label: run it again',
            );
          }
          const validF1 = validEnc ? positiveF1(validKept, model.predictLogits(validEnc.input)) : NaN;
          candidates.push({ weight: w, validF1, bestEpoch: ft.bestEpoch, epochsRun: ft.history.length });
          if (chooseClassWeight(candidates) === candidates.length - 1) {
            best?.model.dispose();
            best = { model, index: candidates.length - 1 };
            keep = true;
          }
        } finally {
          if (!keep) model.dispose();
        }
      }
      const chosen = best!;
      if (evalEnc) putPositiveLogits(chosen.model.predictLogits(evalEnc.input), evalLogits, C, l);
      const folder = `label-${l}`;
      const record: BrLabelRecord = {
        label,
        folder,
        weight: candidates[chosen.index].weight,
        validF1: candidates[chosen.index].validF1,
        trainPositives: Array.from(yTrain).filter((y) => y === 1).length,
        validPositives: validKept.filter((y) => y === 1).length,
        candidates,
      };
      await saveBinaryModel(path.join(o.out, folder), o.config, chosen.model.toWeights(), o.tokenizer, label, record);
      perLabel.push(record);
    } finally {
      best?.model.dispose();
    }
  }
  return {
    perLabel,
    evalLogits,
    runs,
    paramsPerModel,
    trainSamplesPerSecond: rates.length ? rates.reduce((a, b) => a + b, 0) / rates.length : 0,
  };
}

async function saveBinaryModel(
  dir: string,
  base: BertConfig,
  weights: BertWeights,
  tokenizer: WordPieceTokenizer,
  label: string,
  record: BrLabelRecord,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const config = {
    ...base,
    architectures: ['BertForSequenceClassification'],
    num_labels: 2,
    id2label: { 0: `not ${label}`, 1: label },
    problem_type: 'single_label_classification',
  } as BertConfig;
  await saveHfFolder(dir, config, weights, tokenizer);
  await writeFile(path.join(dir, 'model.onnx'), exportBertToOnnx(config, weights, { numLabels: 2, multiLabel: false }));
  await writeFile(path.join(dir, 'label.json'), JSON.stringify(record, null, 2) + '\n');
}
