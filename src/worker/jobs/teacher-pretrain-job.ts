/**
 * `teacher pretrain`: a small BERT pre-trained from scratch, by masked-language modelling, on the
 * texts of a data file (labels, if any, are not read). Writes a Hugging Face folder (BertForMaskedLM:
 * encoder + MLM head, a vocabulary built from the texts) that `teacher train --model-dir` fine-tunes,
 * and pretrain.json with the seed, config, data hash, backend and per-epoch metrics.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DistilleryError, ModelFolderError } from '../../shared/errors';
import { defaultsOf, TEACHER_PRETRAIN_OPTIONS } from '../../shared/job-options';
import type { CancelToken, ProgressSink } from '../../shared/progress';
import { createRng } from '../../shared/random';
import { initBackend } from '../backend/tfjs-backend';
import { readCorpus } from '../data/read-corpus';
import type { BertInput } from '../teacher/model/bert-model';
import { BertClassifier } from '../teacher/model/bert-model';
import { buildWordPieceVocab } from '../teacher/tokenize/build-vocab';
import { randomBertWeights, tinyBertConfig } from '../teacher/model/random-bert';
import { saveHfFolder } from '../teacher/checkpoint/hf-folder';
import { pretrainMlm, type MlmEpoch } from '../teacher/train/mlm-pretrain';
import { WordPieceTokenizer, type TeacherTextOptions } from '../teacher/tokenize/wordpiece';
import { toSimplified } from '../text/normalize';
import { fileHash } from './train-job';

/** How teacher.json and the logs name a teacher whose encoder was pre-trained by `teacher pretrain`. */
export const PRETRAINED_HERE_KIND = "BERT pre-trained here (masked LM on the project's own text), fine-tuned";

/** The option table's masked-LM defaults (src/shared/job-options.ts). */
const PD = defaultsOf(TEACHER_PRETRAIN_OPTIONS);
export const PRETRAIN_DEFAULTS = {
  layers: PD.layers,
  hidden: PD.hidden,
  heads: PD.heads,
  /** Default: 4 × hidden. */
  intermediate: undefined as number | undefined,
  maxLen: PD.maxLen,
  vocabSize: PD.vocabSize,
  minFreq: PD.minFreq,
  epochs: PD.epochs,
  batchSize: PD.batchSize,
  learningRate: PD.learningRate,
  seed: PD.seed,
  /** Texts held out to report masked-token accuracy. */
  validFraction: PD.validFraction,
};

export interface TeacherPretrainOptions {
  data: string;
  out: string;
  textCol?: string;
  encoding?: string;
  layers: number;
  hidden: number;
  heads: number;
  intermediate?: number;
  maxLen: number;
  vocabSize: number;
  minFreq: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  backend?: string;
  /** Traditional → simplified before the vocabulary is built and texts are tokenized (default off). */
  t2s?: boolean;
  /** How texts longer than maxLen are cut (default head+tail, as fine-tuning). */
  truncate?: TeacherTextOptions['truncate'];
}

/** What pretrain.json holds (the reproducibility record). */
export interface PretrainRecord {
  kind: 'masked-LM pre-training';
  data: string;
  data_hash: string;
  texts: number;
  valid_texts: number;
  vocab_size: number;
  config: { layers: number; hidden: number; heads: number; intermediate: number; max_len: number };
  params: number;
  seed: number;
  epochs: number;
  batch_size: number;
  learning_rate: number;
  backend: string;
  seconds: number;
  train_samples_per_s: number;
  /** Texts that fill max_len (cut, or exactly that long). */
  texts_at_max_len: number;
  history: MlmEpoch[];
  cancelled: boolean;
  /** The text options the encoder was pre-trained with; a teacher fine-tuned from it keeps t2s (its vocabulary has only simplified forms). */
  text: TeacherTextOptions;
}

/**
 * The text options a folder written by runTeacherPretrain was pre-trained with (pretrain.json's
 * `text`); undefined for any other folder, and for one pre-trained before the options were recorded.
 */
export async function pretrainTextOptions(dir: string): Promise<TeacherTextOptions | undefined> {
  const file = path.join(dir, 'pretrain.json');
  if (!existsSync(file)) return undefined;
  let record: Partial<PretrainRecord>;
  try {
    record = JSON.parse(await readFile(file, 'utf8')) as Partial<PretrainRecord>;
  } catch (e) {
    throw new ModelFolderError(`${file}: not valid JSON (${(e as Error).message})`, { file });
  }
  return record.text;
}

export async function runTeacherPretrain(
  o: TeacherPretrainOptions,
  onProgress?: ProgressSink,
  cancel?: CancelToken,
): Promise<PretrainRecord> {
  if (o.hidden % o.heads !== 0)
    throw new DistilleryError('CONFIG', `--hidden ${o.hidden} is not a multiple of --heads ${o.heads}`, {
      field: 'heads',
    });
  if (o.maxLen < 4)
    throw new DistilleryError('CONFIG', `--max-len must be at least 4, got ${o.maxLen}`, { field: 'max-len' });
  const backend = await initBackend(o.backend);
  const corpus = await readCorpus(o.data, { textCol: o.textCol, encoding: o.encoding });
  const text: TeacherTextOptions = { t2s: o.t2s ?? PD.t2s, truncate: o.truncate ?? PD.truncate };
  // With t2s the vocabulary holds the simplified forms only: the tokenizer maps every text to them.
  const texts = corpus.docs.map((d) => (text.t2s ? toSimplified(d.text) : d.text));
  if (texts.length < 2)
    throw new DistilleryError('INPUT_EMPTY', `${o.data}: ${texts.length} text(s); pre-training needs a corpus`, {
      file: o.data,
    });
  const vocab = buildWordPieceVocab(texts, { maxSize: o.vocabSize, minFreq: o.minFreq });
  const tokenizer = new WordPieceTokenizer(vocab, { doLowerCase: true, text });
  const config = tinyBertConfig(
    {
      layers: o.layers,
      hidden: o.hidden,
      heads: o.heads,
      intermediate: o.intermediate ?? 4 * o.hidden,
      maxPositions: o.maxLen,
    },
    vocab.length,
  );
  // A standard BERT initialisation: N(0, 0.02) matrices, LayerNorm 1, biases 0 (no pooler: fine-tuning adds one).
  const init = randomBertWeights(config, o.seed, { pooler: false, perturb: 0 });
  const model = BertClassifier.fromWeights(config, init, 1, o.seed, { initPooler: false });
  try {
    const order = createRng(o.seed ^ 0x7e57).shuffle(Array.from({ length: texts.length }, (_, i) => i));
    const nValid = Math.min(1000, Math.floor(texts.length * PRETRAIN_DEFAULTS.validFraction));
    const encode = (idx: number[]): { input: BertInput; truncated: number } => {
      const b = tokenizer.encodeBatch(
        idx.map((i) => texts[i]),
        o.maxLen,
      );
      let truncated = 0;
      for (let r = 0; r < b.n; r++) if (b.attentionMask[r * b.T + b.T - 1]) truncated++;
      return { input: b, truncated };
    };
    const valid = encode(order.slice(0, nValid));
    const train = encode(order.slice(nValid));
    const r = await pretrainMlm(model, train.input, nValid ? valid.input : undefined, {
      tokenizer,
      maxLen: o.maxLen,
      epochs: o.epochs,
      batchSize: o.batchSize,
      learningRate: o.learningRate,
      seed: o.seed,
      onProgress,
      cancel,
    });
    const weights = Object.fromEntries(Object.entries(model.toWeights()).filter(([k]) => !k.startsWith('classifier.')));
    await saveHfFolder(o.out, config, { ...weights, ...r.headWeights }, tokenizer, { doLowerCase: true });
    const record: PretrainRecord = {
      kind: 'masked-LM pre-training',
      data: path.resolve(o.data),
      data_hash: await fileHash(o.data),
      texts: texts.length,
      valid_texts: nValid,
      vocab_size: vocab.length,
      config: {
        layers: o.layers,
        hidden: o.hidden,
        heads: o.heads,
        intermediate: config.intermediate_size,
        max_len: o.maxLen,
      },
      params: Object.values(weights).reduce((s, w) => s + w.data.length, 0),
      seed: o.seed,
      epochs: o.epochs,
      batch_size: o.batchSize,
      learning_rate: o.learningRate,
      backend: backend.name,
      seconds: Number(r.seconds.toFixed(2)),
      train_samples_per_s: Number(r.trainSamplesPerSecond.toFixed(2)),
      texts_at_max_len: train.truncated + valid.truncated,
      history: r.history,
      cancelled: r.cancelled,
      text,
    };
    await writeFile(path.join(o.out, 'pretrain.json'), JSON.stringify(record, null, 2) + '\n');
    return record;
  } finally {
    model.dispose();
  }
}
