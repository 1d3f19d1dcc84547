/**
 * Every job option in one table: its type, range, default and help text (English; the UI's
 * Chinese labels stay in src/renderer/i18n, keyed by option name). The CLI's flags
 * (src/cli/options.ts), the worker's checks (validateJobOptions) and the Train view's inputs
 * (defaults, min/max/step) are derived from here, so a default or a range is written once.
 */
import { DistilleryError } from './errors';
import { SOURCE_ALPHA_MAX, whyBadSourceWeights } from './source-weights';
import { SIMULATOR_STRATEGIES } from './strategies';

/**
 * Student architectures. The worker's registry (src/worker/models/registry.ts) keys its
 * implementations by this list, so adding one is: a name here, an entry there (the compiler asks for it).
 */
export const ARCHITECTURES = ['bilstm', 'lstm', 'gru', 'textcnn', 'gru-att', 'han', 'cnn-nb'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];
/** Architectures with a recurrent hidden size (the forms show "hidden" for these only). */
export const RECURRENT_ARCHITECTURES: readonly Architecture[] = ['bilstm', 'lstm', 'gru', 'gru-att', 'han'];
/** How text becomes tokens: characters, jieba words, or both. */
export const TOKEN_MODES = ['char', 'word', 'both'] as const;
export type TokenMode = (typeof TOKEN_MODES)[number];
export const CLASS_WEIGHT_MODES = ['none', 'balanced'] as const;
/** How a text longer than the model's length is cut: its start and its end (the default, students and teacher), or its start only. */
export const TRUNCATE_MODES = ['head+tail', 'head'] as const;
export type TruncateMode = (typeof TRUNCATE_MODES)[number];
/** Where a BERT teacher comes from: a local Hugging Face folder, or masked-LM pre-training here. */
export const BERT_TEACHER_SOURCES = ['model-dir', 'pretrain'] as const;

const INT32 = 2 ** 31;

/** A reference to one of the project's saved models (a live-loop candidate). */
export interface ModelRef {
  kind: 'student' | 'teacher';
  version: string;
}

/** One option. `cli`: the flag's name where it is not the kebab-cased key (e.g. learningRate → lr). */
export type OptionSpec = { help: string; cli?: string; aliases?: readonly string[] } & (
  | { type: 'int' | 'number'; min: number; max: number; minExclusive?: boolean; step?: number; default?: number }
  | { type: 'boolean'; default?: boolean }
  | { type: 'enum'; values: readonly string[]; default?: string }
  | {
      type: 'string';
      default?: string;
      /** a path to a file (the CLI writes <file>, the Train view a path field) */ file?: boolean;
    }
  | {
      type: 'intList' | 'numList';
      min: number;
      max: number;
      maxItems?: number;
      distinct?: boolean;
      default?: readonly number[];
    }
  | { type: 'stringList' }
  | { type: 'weights'; /** the largest value (default: source-weights.ts SOURCE_WEIGHT_MAX) */ max?: number }
  | { type: 'modelRefs' }
);
export type OptionTable = Readonly<Record<string, OptionSpec>>;

type ValueOf<S> = S extends { type: 'int' | 'number' }
  ? number
  : S extends { type: 'boolean' }
    ? boolean
    : S extends { type: 'enum'; values: readonly (infer V)[] }
      ? V
      : S extends { type: 'string' }
        ? string
        : S extends { type: 'intList' | 'numList' }
          ? number[]
          : S extends { type: 'stringList' }
            ? string[]
            : S extends { type: 'weights' }
              ? Record<string, number>
              : S extends { type: 'modelRefs' }
                ? ModelRef[]
                : never;
/** The options a table describes, each optional (the worker fills in the defaults). */
export type OptionsOf<T> = { -readonly [K in keyof T]?: ValueOf<T[K]> };

const table = <T extends OptionTable>(t: T): T => t;

/**
 * Text options every model has, student and BERT teacher alike (issue #13): applied identically at
 * training and at prediction, and recorded in the model folder (tokenizer.json, teacher.json).
 */
export const TEXT_OPTIONS = table({
  t2s: {
    type: 'boolean',
    default: false,
    help: 'traditional → simplified Chinese (OpenCC, Taiwan standard → mainland) before tokenizing',
  },
  truncate: {
    type: 'enum',
    values: TRUNCATE_MODES,
    default: 'head+tail',
    help: 'long texts: head+tail keeps the first quarter and the end (default) | head keeps the start only',
  },
});

/** Shared by every training of a student (and of a student architecture used as the teacher). */
export const STUDENT_OPTIONS = table({
  epochs: {
    type: 'int',
    min: 1,
    max: 10_000,
    default: 8,
    help: "epochs (unset: the preset's, 3 for textcnn on a CPU backend)",
  },
  model: {
    type: 'enum',
    values: ARCHITECTURES,
    default: 'bilstm',
    help: 'student architecture (when neither it nor a size is set, --preset decides: textcnn on a CPU backend)',
  },
  batchSize: { type: 'int', min: 1, max: 65_536, default: 32, help: 'batch size' },
  learningRate: {
    type: 'number',
    min: 0,
    max: 10,
    minExclusive: true,
    step: 0.0001,
    default: 1e-3,
    cli: 'lr',
    aliases: ['lr'],
    help: 'Adam learning rate',
  },
  seed: {
    type: 'int',
    min: -INT32,
    max: INT32,
    default: 42,
    help: 'random seed (initialisation, order, dropout; also the split unless --split-seed)',
  },
  splitSeed: {
    type: 'int',
    min: -INT32,
    max: INT32,
    help: 'seed of the train/valid/test split (default: the seed; keep it fixed to compare models)',
  },
  patience: {
    type: 'int',
    min: 0,
    max: 10_000,
    default: 2,
    help: 'early stopping: epochs without validation gain (0 = off)',
  },
  validSplit: { type: 'number', min: 0, max: 0.99, step: 0.05, default: 0.1, help: 'fraction held out for validation' },
  testSplit: { type: 'number', min: 0, max: 0.99, step: 0.05, default: 0.1, help: 'fraction held out for the test' },
  tokens: { type: 'enum', values: TOKEN_MODES, default: 'char', help: 'char | word (jieba) | both' },
  maxVocab: { type: 'int', min: 2, max: 10_000_000, default: 20_000, help: 'vocabulary size cap' },
  minCount: { type: 'int', min: 1, max: 1_000_000, default: 2, help: 'minimum token count for the vocabulary' },
  maxLen: {
    type: 'int',
    min: 1,
    max: 100_000,
    help: 'sequence length (default: the length percentile of training lengths)',
  },
  lengthPercentile: {
    type: 'number',
    min: 1,
    max: 100,
    default: 95,
    cli: 'len-percentile',
    aliases: ['lenPercentile'],
    help: 'length percentile for the sequence length',
  },
  sentences: {
    type: 'int',
    min: 1,
    max: 1000,
    help: 'han: sentences per text (default: the length percentile of training texts, at most 16)',
  },
  sentenceLen: {
    type: 'int',
    min: 1,
    max: 10_000,
    help: 'han: tokens per sentence (default: the length percentile of training sentences, at most 64)',
  },
  hidden: { type: 'int', min: 1, max: 100_000, help: 'recurrent hidden size (default: 256 for bilstm, as digest A)' },
  layers: { type: 'int', min: 1, max: 64, help: 'recurrent layers (default: 2 for bilstm)' },
  embedDim: { type: 'int', min: 1, max: 100_000, help: 'embedding size (default 128)' },
  dropout: { type: 'number', min: 0, max: 0.99, help: 'dropout (default 0.5)' },
  filterSizes: { type: 'intList', min: 1, max: 1000, help: 'TextCNN filter widths, e.g. 2,3,4,5' },
  numFilters: { type: 'int', min: 1, max: 100_000, help: 'TextCNN filters per width' },
  attDim: { type: 'int', min: 1, max: 100_000, help: 'attention size of gru-att and han (default 64)' },
  varianceKept: {
    type: 'number',
    min: 0.01,
    max: 1,
    cli: 'variance',
    aliases: ['variance'],
    help: 'cnn-nb: PCA variance kept (default 0.95)',
  },
  classWeights: {
    type: 'enum',
    values: CLASS_WEIGHT_MODES,
    default: 'none',
    help: 'none | balanced (inverse frequency)',
  },
  sourceWeights: { type: 'weights', help: 'loss weight per label source, e.g. human=1,teacher=0.5' },
  focalGamma: { type: 'number', min: 0, max: 100, help: 'focal loss γ (default: 0, plain cross-entropy)' },
  threshold: { type: 'number', min: 0, max: 1, default: 0.5, help: 'multi-label decision threshold' },
  workers: { type: 'int', min: 1, max: 256, default: 1, help: 'training threads (data parallel)' },
  backend: { type: 'string', help: 'tensorflow-gpu | tensorflow | wasm | cpu (default: best available)' },
  charts: { type: 'boolean', default: true, help: 'write chart images' },
  ...TEXT_OPTIONS,
  userDict: {
    type: 'string',
    file: true,
    help: 'jieba user dictionary (UTF-8, one entry a line: word [freq] [tag]; words are kept whole in word/both mode); copied into the model folder',
  },
  stopwords: {
    type: 'string',
    file: true,
    help: 'stop-word list (UTF-8, one a line), removed after tokenization (char or word); copied into the model folder',
  },
});

/**
 * Student defaults by backend (issue #11): on a CPU backend (wasm, cpu, tensorflow without CUDA) a
 * first model should come in minutes, so 'cpu' is a small TextCNN (the native conv kernels make it
 * fast there) for 3 epochs; on a GPU, and one option away anywhere, digest A's Distill-BiLSTM
 * (research-digest.md: 2 layers, hidden 256, 8 epochs). Only options the user left unset are filled.
 * Sequence length stays the table's: the length percentile, cut head+tail (src/worker/text).
 */
export const STUDENT_PRESETS = {
  cpu: { model: 'textcnn', numFilters: 64, filterSizes: [2, 3, 4, 5], epochs: 3 },
  'digest-a': { model: 'bilstm', layers: 2, hidden: 256, epochs: 8 },
} as const satisfies Record<string, OptionsOf<typeof STUDENT_OPTIONS>>;
export type StudentPresetName = keyof typeof STUDENT_PRESETS;
/** 'auto': the preset of the backend that runs (PRESET_BY_BACKEND). */
export const STUDENT_PRESET_CHOICES = ['auto', ...(Object.keys(STUDENT_PRESETS) as StudentPresetName[])] as const;
/** The backend ladder's rungs (src/worker/backend/tfjs-backend.ts) → their preset. */
export const PRESET_BY_BACKEND: Readonly<Record<string, StudentPresetName>> = {
  'tensorflow-gpu': 'digest-a',
  tensorflow: 'cpu',
  wasm: 'cpu',
  cpu: 'cpu',
};
export const PRESET_OPTIONS = table({
  preset: {
    type: 'enum',
    values: STUDENT_PRESET_CHOICES,
    default: 'auto',
    help: "student defaults: auto (by backend: cpu on a CPU, digest-a on a GPU) | cpu (TextCNN, 3 epochs) | digest-a (digest A's BiLSTM, 2 layers, hidden 256, 8 epochs)",
  },
});

const PRESET_CHOICE = PRESET_OPTIONS.preset;

/**
 * The distillation temperature ρ: 3, the value of digest A's α sweep (research-digest.md: "α sweep at
 * ρ = 3"), the only temperature the digest's papers report. It was 3 on the CLI, in the pipeline and
 * for the app's jobs; 2 in the Train view's form and 1 where losses.ts / alpha-sweep.ts fell back.
 */
export const DISTILL_OPTIONS = table({
  ...STUDENT_OPTIONS,
  alpha: {
    type: 'number',
    min: 0,
    max: 1,
    step: 0.1,
    default: 0.5,
    help: 'weight of the distillation (KL) term; 1 − α weights the human labels',
  },
  sourceAlpha: {
    type: 'weights',
    max: SOURCE_ALPHA_MAX,
    help: "α per label source, e.g. teacher=1,rule=0.9 (defaults: teacher=1, student=1: an accepted pre-label trains on the teacher's soft target only; other sources the global α)",
  },
  temperature: { type: 'number', min: 0.5, max: 100, step: 0.5, default: 3, help: 'softmax temperature ρ' },
  useUnlabeled: {
    type: 'boolean',
    default: false,
    help: 'also train on rows without a human label, from soft labels only (data distillation)',
  },
  teacherName: { type: 'string', help: 'how to describe the teacher in the model card' },
  selfTrain: {
    type: 'int',
    min: 0,
    max: 20,
    default: 0,
    help: 'self-training rounds: the current model (the teacher, then the last student) pseudo-labels the unlabeled rows, the confident ones join the human labels (0 = off)',
  },
  confidence: {
    type: 'number',
    min: 0,
    max: 1,
    minExclusive: true,
    step: 0.05,
    default: 0.9,
    help: 'self-training: smallest predicted probability of a kept pseudo-label',
  },
  unlabeledFrac: {
    type: 'number',
    min: 0,
    max: 0.99,
    step: 0.05,
    default: 0,
    help: 'self-training: hide the labels of this seeded fraction of the training rows (they join the unlabeled pool; their hidden labels grade the pseudo-labels)',
  },
  finalFinetune: {
    type: 'boolean',
    default: false,
    help: "self-training: after the last round, fine-tune the student on the human labels only, from the last round's weights (--finetune-epochs at --finetune-lr)",
  },
  finetuneEpochs: {
    type: 'int',
    min: 1,
    max: 1000,
    default: 2,
    help: 'final fine-tune: epochs (a short phase: a few hundred human labels overfit fast and would erase what the pseudo-labels taught)',
  },
  finetuneLr: {
    type: 'number',
    min: 0,
    max: 10,
    minExclusive: true,
    step: 0.0001,
    help: 'final fine-tune: Adam learning rate (default: a tenth of --lr, to nudge the trained weights rather than retrain them)',
  },
  preset: PRESET_CHOICE,
});

export const MAX_SWEEP_ALPHAS = 21;
export const MAX_SWEEP_SEEDS = 10;
// A sweep sets α itself and trains each α once (no self-training rounds).
const {
  alpha: _sweepSetsAlpha,
  selfTrain: _s,
  confidence: _c,
  unlabeledFrac: _u,
  finalFinetune: _f,
  finetuneEpochs: _fe,
  finetuneLr: _fl,
  ...DISTILL_BUT_ALPHA
} = DISTILL_OPTIONS;
void [_sweepSetsAlpha, _s, _c, _u, _f, _fe, _fl];
export const ALPHA_SWEEP_OPTIONS = table({
  ...DISTILL_BUT_ALPHA,
  alphas: {
    type: 'numList',
    min: 0,
    max: 1,
    maxItems: MAX_SWEEP_ALPHAS,
    distinct: true,
    default: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
    help: 'α values of the sweep',
  },
  seeds: { type: 'int', min: 1, max: MAX_SWEEP_SEEDS, default: 1, help: 'runs per α (seeds seed..seed+n-1)' },
});

/** Fine-tuning a BERT teacher (digest A's settings; fewer epochs, as a CPU is slow). */
export const TEACHER_TRAIN_OPTIONS = table({
  epochs: { type: 'int', min: 1, max: 1000, default: 3, help: 'epochs' },
  learningRate: {
    type: 'number',
    min: 0,
    max: 1,
    minExclusive: true,
    step: 0.00001,
    default: 3e-5,
    cli: 'lr',
    aliases: ['lr'],
    help: 'peak AdamW learning rate (linear warm-up and decay)',
  },
  maxLen: { type: 'int', min: 8, max: 4096, default: 128, help: 'tokens per text including [CLS] and [SEP]' },
  batchSize: { type: 'int', min: 1, max: 4096, default: 32, help: 'batch size' },
  patience: {
    type: 'int',
    min: 0,
    max: 1000,
    default: 2,
    help: 'early stopping: epochs without validation gain (0 = off)',
  },
  seed: {
    type: 'int',
    min: -INT32,
    max: INT32,
    default: 42,
    help: 'random seed (head initialisation, order, dropout; also the split unless --split-seed)',
  },
  splitSeed: STUDENT_OPTIONS.splitSeed,
  validSplit: STUDENT_OPTIONS.validSplit,
  testSplit: STUDENT_OPTIONS.testSplit,
  threshold: STUDENT_OPTIONS.threshold,
  backend: STUDENT_OPTIONS.backend,
  ...TEXT_OPTIONS,
});

/**
 * Masked-LM pre-training of a small BERT here (`teacher pretrain`, `pipeline --pretrain`, the app's
 * "pre-train" teacher). The Train view's own copy (2 layers, hidden 128, 64 tokens) lost to these,
 * the sizes the README documents and the CLI and pipeline always used.
 */
export const TEACHER_PRETRAIN_OPTIONS = table({
  layers: { type: 'int', min: 1, max: 24, default: 4, help: 'Transformer layers' },
  hidden: { type: 'int', min: 8, max: 4096, default: 256, help: 'hidden size' },
  heads: { type: 'int', min: 1, max: 64, default: 4, help: 'attention heads (must divide the hidden size)' },
  intermediate: { type: 'int', min: 1, max: 65_536, help: 'feed-forward size (default: 4 × hidden)' },
  maxLen: {
    type: 'int',
    min: 8,
    max: 4096,
    default: 128,
    help: "tokens per text including [CLS] and [SEP]; also the model's max positions",
  },
  vocabSize: { type: 'int', min: 16, max: 1_000_000, default: 8000, help: 'largest vocabulary' },
  minFreq: { type: 'int', min: 1, max: 1_000_000, default: 2, help: 'minimum token count' },
  epochs: { type: 'int', min: 1, max: 1000, default: 3, help: 'masked-LM epochs' },
  batchSize: { type: 'int', min: 1, max: 4096, default: 32, help: 'masked-LM batch size' },
  learningRate: {
    type: 'number',
    min: 0,
    max: 1,
    minExclusive: true,
    default: 5e-4,
    cli: 'lr',
    aliases: ['lr'],
    help: 'masked-LM peak learning rate',
  },
  seed: { type: 'int', min: -INT32, max: INT32, default: 42, help: 'random seed' },
  validFraction: {
    type: 'number',
    min: 0,
    max: 0.5,
    default: 0.05,
    help: 'texts held out to report masked-token accuracy',
  },
  backend: STUDENT_OPTIONS.backend,
  // The vocabulary and the masked-LM inputs read text as fine-tuning will (recorded in pretrain.json).
  ...TEXT_OPTIONS,
});

const P = TEACHER_PRETRAIN_OPTIONS;
const F = TEACHER_TRAIN_OPTIONS;
/** The app's BERT teacher job: fine-tuning options, and for source 'pretrain' the small BERT's shape. */
export const BERT_TEACHER_OPTIONS = table({
  source: {
    type: 'enum',
    values: BERT_TEACHER_SOURCES,
    help: 'model-dir: fine-tune a local Hugging Face BERT folder; pretrain: pre-train a small BERT here first',
  },
  modelDir: {
    type: 'string',
    help: 'source model-dir: the Hugging Face folder, a full path on the machine the worker runs on',
  },
  epochs: F.epochs,
  learningRate: F.learningRate,
  maxLen: { ...F.maxLen, help: "tokens per text (default: min(128, the model's positions))" },
  batchSize: F.batchSize,
  patience: F.patience,
  seed: F.seed,
  validSplit: F.validSplit,
  testSplit: F.testSplit,
  layers: P.layers,
  hidden: P.hidden,
  heads: { ...P.heads, help: 'attention heads (default: hidden / 64, else 4, 2 or 1)' },
  pretrainEpochs: P.epochs,
  ...TEXT_OPTIONS,
  binaryRelevance: {
    type: 'boolean',
    default: false,
    help: 'multi-label only: one binary BERT per label, each with the positive-class weight of the grid that gives the best validation F1 (digest B)',
  },
  brWeights: {
    type: 'numList',
    min: 0.001,
    max: 1000,
    maxItems: 20,
    distinct: true,
    default: [0.05, 0.1, 0.5, 1, 2, 3, 5],
    help: "binary relevance: positive-class weights tried per label (digest B's grid; labels × weights fine-tuning runs)",
  },
});
/** BERT teacher options that only a teacher pre-trained here has (a folder has its own shape). */
export const PRETRAIN_ONLY_KEYS: readonly (keyof typeof BERT_TEACHER_OPTIONS)[] = [
  'layers',
  'hidden',
  'heads',
  'pretrainEpochs',
];

export const FAST_PRELABEL_OPTIONS = table({
  goldIds: { type: 'stringList', help: 'ids of the gold-set documents, which the model does not train on' },
  candidates: {
    type: 'modelRefs',
    help: "the project's other models (latest student, teacher), scored on the gold set beside naive Bayes",
  },
  scoredBy: {
    type: 'string',
    help: 'the model version whose scores the documents already carry (not scored again if it wins)',
  },
  // The project's text options (the Train view's), so that naive Bayes reads text as the project's models do.
  t2s: TEXT_OPTIONS.t2s,
  userDict: STUDENT_OPTIONS.userDict,
  stopwords: STUDENT_OPTIONS.stopwords,
});

export const SCORE_OPTIONS = table({});

/**
 * The label-noise audit as an app job (src/worker/audit, the same code as `distillery audit`): K-fold
 * naive Bayes out-of-fold probabilities, then confident learning, on the project's final labels.
 * Defaults are the CLI's (AUDIT_DEFAULTS in worker/audit/label-audit.ts; a test keeps them equal).
 */
export const AUDIT_OPTIONS = table({
  folds: { type: 'int', min: 2, max: 50, default: 5, help: 'K of the K-fold out-of-fold predictions' },
  seed: { type: 'int', min: -INT32, max: INT32, default: 42, help: 'seed of the fold assignment' },
});

/** `distillery pipeline`: the student's options (distill's) and the teacher's stages. */
export const PIPELINE_OPTIONS = table({
  alpha: DISTILL_OPTIONS.alpha,
  sourceAlpha: DISTILL_OPTIONS.sourceAlpha,
  temperature: DISTILL_OPTIONS.temperature,
  useUnlabeled: {
    type: 'boolean',
    default: true,
    help: "train the distilled student on rows without a label too, from the teacher's soft labels",
  },
  runs: {
    type: 'int',
    min: 1,
    max: 1000,
    default: 1,
    help: 'student seeds seed..seed+n-1 on the same split (mean ± std); the first run is saved and timed',
  },
  teacherArch: { ...STUDENT_OPTIONS.model, default: 'textcnn', help: 'ensemble member architecture' },
  teacherEpochs: {
    ...F.epochs,
    default: undefined,
    help: 'teacher epochs (BERT fine-tuning default 3; ensemble members default --epochs)',
  },
  teacherBatchSize: { ...F.batchSize, help: 'BERT fine-tuning batch size' },
  teacherLr: {
    ...F.learningRate,
    cli: undefined,
    aliases: undefined,
    help: 'BERT fine-tuning peak AdamW learning rate',
  },
  teacherMaxLen: {
    ...F.maxLen,
    default: undefined,
    help: "BERT tokens per text incl. [CLS]/[SEP] (default 128, at most the model's positions)",
  },
  teacherPatience: { ...F.patience, help: 'BERT early stopping patience (0 = off)' },
  teacherSeed: { ...F.seed, default: undefined, help: 'BERT pre-training / fine-tuning seed (default --seed)' },
  pretrainLayers: { ...P.layers, help: 'pre-trained BERT: layers' },
  pretrainHidden: { ...P.hidden, help: 'pre-trained BERT: hidden size' },
  pretrainHeads: { ...P.heads, help: 'pre-trained BERT: attention heads' },
  pretrainIntermediate: { ...P.intermediate, help: 'pre-trained BERT: feed-forward size (default 4 × hidden)' },
  pretrainVocabSize: { ...P.vocabSize, help: 'pre-trained BERT: largest vocabulary' },
  pretrainMinFreq: { ...P.minFreq, help: 'pre-trained BERT: minimum token count' },
  pretrainEpochs: P.epochs,
  pretrainBatchSize: P.batchSize,
  pretrainLr: { ...P.learningRate, cli: undefined, aliases: undefined },
  latencyDocs: { type: 'int', min: 1, max: 1_000_000, default: 200, help: 'test documents timed per model' },
  latencyBatch: { type: 'intList', min: 1, max: 65_536, default: [1, 32], help: 'batch sizes to time' },
  threads: {
    type: 'int',
    min: 1,
    max: 1024,
    help: 'onnxruntime threads for evaluation and timing (default: every core)',
  },
});

/** `distillery simulate`: active learning replayed on fully labeled data. */
export const SIMULATE_OPTIONS = table({
  strategies: {
    type: 'string',
    default: SIMULATOR_STRATEGIES.join(','),
    help: 'comma-separated strategies (see below)',
  },
  model: {
    type: 'enum',
    values: ['nb', ...ARCHITECTURES],
    default: 'nb',
    help: 'model retrained each round: nb (naive Bayes, fast) or a student',
  },
  seedSize: {
    type: 'int',
    min: 1,
    max: 1_000_000,
    default: 20,
    help: 'random labels to start from (the same for every strategy within a run)',
  },
  batch: { type: 'int', min: 1, max: 1_000_000, default: 20, help: 'labels bought per round' },
  budget: { type: 'int', min: 1, max: 10_000_000, default: 400, help: 'labels bought in total, seed set included' },
  runs: {
    type: 'int',
    min: 1,
    max: 1000,
    default: 3,
    help: 'runs (seeds seed..seed+runs-1: each its own test split and seed set); mean ± std',
  },
  seed: { type: 'int', min: -INT32, max: INT32, default: 42, help: 'random seed' },
  testSplit: {
    type: 'number',
    min: 0,
    max: 0.99,
    default: 0.2,
    help: 'fraction held out (stratified) for the test in each run',
  },
  maxPool: {
    type: 'int',
    min: 1,
    max: 100_000_000,
    help: 'use at most this many pool documents (a seeded sample), e.g. for neural models',
  },
  tokens: {
    ...STUDENT_OPTIONS.tokens,
    help: 'char | word (jieba) | both: n-gram tokens for nb, input tokens for students',
  },
  nbAlpha: {
    type: 'number',
    min: 0,
    max: 1000,
    minExclusive: true,
    default: 1,
    help: 'naive Bayes additive smoothing (1 = Laplace)',
  },
  committee: {
    type: 'int',
    min: 1,
    max: 1000,
    default: 5,
    help: 'vote-entropy: bootstrap ensemble size; bald: bootstrap members (nb) or MC-dropout passes (students)',
  },
  stopSet: {
    type: 'int',
    min: 1,
    max: 1_000_000,
    default: 1000,
    help: 'stopping signal: pool documents in the fixed stop set (drawn once per run)',
  },
  epochs: { ...STUDENT_OPTIONS.epochs, default: 3, help: 'students: epochs per round' },
  batchSize: { ...STUDENT_OPTIONS.batchSize, help: 'students: batch size' },
  learningRate: { ...STUDENT_OPTIONS.learningRate, help: 'students: Adam learning rate' },
  maxLen: { ...STUDENT_OPTIONS.maxLen, help: 'students: sequence length (default: 95th percentile of pool lengths)' },
  embedDim: { ...STUDENT_OPTIONS.embedDim, help: 'students: embedding size' },
  hidden: { ...STUDENT_OPTIONS.hidden, help: 'students: recurrent hidden size' },
  numFilters: { ...STUDENT_OPTIONS.numFilters, help: 'textcnn: filters per width' },
  filterSizes: { ...STUDENT_OPTIONS.filterSizes, help: 'textcnn: filter widths, e.g. 2,3,4' },
  // Text options as every model takes them: nb's n-grams and the students' input alike (truncation: students only).
  t2s: TEXT_OPTIONS.t2s,
  userDict: STUDENT_OPTIONS.userDict,
  stopwords: STUDENT_OPTIONS.stopwords,
});

/**
 * Where the desktop app's Train view starts instead of a table default: a project trains on a few
 * hundred labels on a desktop, the CLI on a whole corpus, so the view's teacher and student are
 * smaller and quicker (and its α sweep has five points). Checked against the tables by the unit
 * test. No ρ here: ρ has one default.
 */
export const APP_FORM_PRESETS = {
  teacher: { model: 'bilstm', epochs: 10, batchSize: 16, learningRate: 0.003, patience: 3, maxLen: 64, hidden: 64 },
  student: { model: 'textcnn', epochs: 10, batchSize: 16, patience: 3, hidden: 64 },
  sweep: { alphas: [0, 0.25, 0.5, 0.75, 1] },
} as const satisfies {
  teacher: JobOptionsOf<'train-student'>;
  student: JobOptionsOf<'distill'>;
  sweep: JobOptionsOf<'alpha-sweep'>;
};

const SHAPE_KEYS = [...new Set(Object.values(STUDENT_PRESETS).flatMap((p) => Object.keys(p)))].filter(
  (k) => k !== 'epochs',
) as (keyof JobOptionsOf<'train-student'>)[];

export interface StudentDefaults {
  preset: StudentPresetName;
  /** The preset's values the user left unset (these are applied). */
  filled: JobOptionsOf<'train-student'>;
  /** One line: what was chosen and why, e.g. for `train` and the Train view. */
  line: string;
}

/**
 * Which student defaults apply on `backend` given `preset` ('auto' unless the user named one) and the
 * options the user set. With 'auto' and an explicit model the table's defaults stay (a preset is for
 * one model: `--hidden 8` means a BiLSTM); a named preset fills whatever the user left unset.
 */
export function chooseStudentDefaults(
  backend: string,
  preset: string = 'auto',
  given: JobOptionsOf<'train-student'> = {},
): StudentDefaults | undefined {
  if (!STUDENT_PRESET_CHOICES.includes(preset as never))
    throw new DistilleryError(
      'CONFIG',
      `option "preset": unknown preset ${JSON.stringify(preset)}; valid: ${STUDENT_PRESET_CHOICES.join(', ')}`,
      { field: 'preset' },
    );
  // An explicit model or model shape under 'auto' keeps the table's defaults (a preset is one model).
  if (preset === 'auto' && SHAPE_KEYS.some((k) => given[k] !== undefined)) return undefined;
  const name: StudentPresetName =
    preset === 'auto' ? (PRESET_BY_BACKEND[backend] ?? 'cpu') : (preset as StudentPresetName);
  const p: JobOptionsOf<'train-student'> = STUDENT_PRESETS[name];
  const filled: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p))
    if ((given as Record<string, unknown>)[k] === undefined) filled[k] = Array.isArray(v) ? [...v] : v;
  const c = { ...p, ...given };
  const widths = c.filterSizes ?? [];
  const contiguous = widths.every((w, i) => i === 0 || w === widths[i - 1] + 1);
  const shape =
    c.model === 'textcnn'
      ? `${c.numFilters} filters × widths ${contiguous && widths.length > 2 ? `${widths[0]}–${widths[widths.length - 1]}` : widths.join(',')}`
      : `${c.layers} layer${c.layers === 1 ? '' : 's'}, hidden ${c.hidden}`;
  const gpu = PRESET_BY_BACKEND[backend] === 'digest-a';
  const why =
    preset !== 'auto'
      ? `--preset ${name}${name === 'digest-a' ? " (digest A's configuration)" : ''}`
      : `chosen for a ${gpu ? 'GPU' : 'CPU'} backend (${backend})${name === 'cpu' ? "; --preset digest-a for the paper's BiLSTM" : " (digest A's configuration); --preset cpu for a quick TextCNN"}`;
  return {
    preset: name,
    filled: filled as never,
    line: `defaults: ${c.model}, ${shape}, ${c.epochs} epoch${c.epochs === 1 ? '' : 's'} — ${why}`,
  };
}

/** A numeric option's bounds for an <input type="number">: min, max and step (1 for integers). */
export function inputBounds(s: OptionSpec): { min?: number; max?: number; step?: number | 'any' } {
  if (s.type === 'int') return { min: s.min, max: s.max, step: 1 };
  if (s.type === 'number') return { min: s.min, max: s.max, step: s.step ?? 'any' };
  return {};
}

/** The options of each job the worker runs for the app (JobRequest.kind). */
/**
 * The app's simulator ('simulate' job, the Train view): `distillery simulate` on the project's own
 * human labels; strategies as a list, the rest as the CLI's.
 */
export const SIMULATE_APP_OPTIONS = table({
  strategies: {
    type: 'stringList',
    help: 'strategy names (default: random, least-confidence, margin, entropy, diversity)',
  },
  model: SIMULATE_OPTIONS.model,
  seedSize: SIMULATE_OPTIONS.seedSize,
  batch: SIMULATE_OPTIONS.batch,
  budget: SIMULATE_OPTIONS.budget,
  runs: SIMULATE_OPTIONS.runs,
  seed: SIMULATE_OPTIONS.seed,
  testSplit: { ...SIMULATE_OPTIONS.testSplit, min: 0, minExclusive: true },
  epochs: SIMULATE_OPTIONS.epochs,
  // The project's text options (the Train view's), so the simulated models read text as the project's do.
  t2s: TEXT_OPTIONS.t2s,
  userDict: STUDENT_OPTIONS.userDict,
  stopwords: STUDENT_OPTIONS.stopwords,
});

export const JOB_OPTIONS = {
  'train-student': STUDENT_OPTIONS,
  distill: DISTILL_OPTIONS,
  'alpha-sweep': ALPHA_SWEEP_OPTIONS,
  'train-bert-teacher': BERT_TEACHER_OPTIONS,
  'fast-prelabel': FAST_PRELABEL_OPTIONS,
  score: SCORE_OPTIONS,
  simulate: SIMULATE_APP_OPTIONS,
  audit: AUDIT_OPTIONS,
} as const;
export type JobKind = keyof typeof JOB_OPTIONS;
/** Every kind of job the app's worker runs: the keys of the table above. */
export const JOB_KINDS = Object.keys(JOB_OPTIONS) as JobKind[];
export type JobOptionsOf<K extends JobKind> = OptionsOf<(typeof JOB_OPTIONS)[K]>;

/** Every table, by the job it configures (the app's jobs and the CLI-only ones). */
export const OPTION_TABLES = {
  ...JOB_OPTIONS,
  'teacher-train': TEACHER_TRAIN_OPTIONS,
  'teacher-pretrain': TEACHER_PRETRAIN_OPTIONS,
  pipeline: PIPELINE_OPTIONS,
  'simulate-cli': SIMULATE_OPTIONS,
} as const;
export type OptionTableKind = keyof typeof OPTION_TABLES;

/** The defaults of a table (options without one are left out). */
export function defaultsOf<T extends OptionTable>(
  t: T,
): { [K in keyof T as T[K] extends { default: unknown } ? K : never]-?: ValueOf<T[K]> } {
  const out: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(t))
    if ('default' in s && s.default !== undefined) out[k] = Array.isArray(s.default) ? [...s.default] : s.default;
  return out as never;
}

/** "[1, 100]", "(0, 1]": a numeric option's range as the error messages and help write it. */
export function rangeText(s: { min: number; max: number; minExclusive?: boolean }): string {
  return `${s.minExclusive ? '(' : '['}${s.min}, ${s.max}]`;
}

/** Why `v` is not a valid value of option `key` (undefined when it is): names the option and what it takes. */
export function whyBadOption(key: string, s: OptionSpec, v: unknown): string | undefined {
  const got = JSON.stringify(v);
  const inRange = (x: number, r: { min: number; max: number; minExclusive?: boolean }) =>
    x <= r.max && (r.minExclusive ? x > r.min : x >= r.min);
  switch (s.type) {
    case 'int':
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) return `option "${key}": expected a number, got ${got}`;
      if (s.type === 'int' && !Number.isInteger(v)) return `option "${key}": expected an integer, got ${v}`;
      if (!inRange(v, s)) return `option "${key}" must be in ${rangeText(s)}, got ${v}`;
      return undefined;
    case 'boolean':
      return typeof v === 'boolean' ? undefined : `option "${key}": expected true or false, got ${got}`;
    case 'enum':
      return typeof v === 'string' && s.values.includes(v)
        ? undefined
        : `option "${key}": unknown ${key} ${got}; valid: ${s.values.join(', ')}`;
    case 'string':
      return typeof v === 'string' ? undefined : `option "${key}": expected a string, got ${got}`;
    case 'intList':
    case 'numList': {
      const what = `a non-empty list of ${s.type === 'intList' ? 'integers' : 'numbers'} in ${rangeText(s)}`;
      if (!Array.isArray(v) || v.length === 0) return `option "${key}" must be ${what}, got ${got}`;
      if (s.maxItems !== undefined && v.length > s.maxItems)
        return `option "${key}": at most ${s.maxItems} values, got ${v.length}`;
      for (const x of v) {
        if (
          typeof x !== 'number' ||
          !Number.isFinite(x) ||
          (s.type === 'intList' && !Number.isInteger(x)) ||
          !inRange(x, s)
        )
          return `option "${key}" must be ${what}, got ${JSON.stringify(x)} in the list`;
      }
      if (s.distinct && new Set(v).size !== v.length) return `option "${key}": a value appears twice`;
      return undefined;
    }
    case 'stringList':
      return Array.isArray(v) && v.every((x) => typeof x === 'string')
        ? undefined
        : `option "${key}" must be a list of strings, got ${got}`;
    case 'weights': {
      const why = whyBadSourceWeights(v, s.max);
      return why ? `option "${key}": ${why}` : undefined;
    }
    case 'modelRefs': {
      const ok = (x: unknown) =>
        !!x &&
        typeof x === 'object' &&
        ['student', 'teacher'].includes((x as ModelRef).kind) &&
        typeof (x as ModelRef).version === 'string';
      return Array.isArray(v) && v.every(ok)
        ? undefined
        : `option "${key}" must be a list of {kind: "student" | "teacher", version}, got ${got}`;
    }
  }
}

/** The table's key for `raw` (itself, or the option an alias such as `lr` stands for). */
function keyOf(t: OptionTable, raw: string): string | undefined {
  if (raw in t) return raw;
  return Object.keys(t).find((k) => t[k].aliases?.includes(raw));
}

/**
 * A job's options checked against its table: unknown options, wrong types and values out of range
 * throw a CONFIG error naming the option and what it takes. Aliases (`lr`) come back under their
 * option's name; undefined and null values are dropped (the option's default applies); nothing else
 * is filled in.
 */
export function validateJobOptions<K extends OptionTableKind>(
  kind: K,
  raw: unknown,
): OptionsOf<(typeof OPTION_TABLES)[K]> {
  const t: OptionTable = OPTION_TABLES[kind];
  if (!(kind in OPTION_TABLES))
    throw new DistilleryError('CONFIG', `unknown job kind ${JSON.stringify(kind)}`, { field: 'kind' });
  if (raw === undefined || raw === null) return {} as never;
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new DistilleryError('CONFIG', `options of a ${kind} job must be an object`, { field: 'options' });
  const out: Record<string, unknown> = {};
  for (const [rawKey, v] of Object.entries(raw as Record<string, unknown>)) {
    if (v === undefined || v === null) continue;
    const key = keyOf(t, rawKey);
    if (!key)
      throw new DistilleryError('CONFIG', `option "${rawKey}": unknown option; valid: ${Object.keys(t).join(', ')}`, {
        field: rawKey,
      });
    const why = whyBadOption(key, t[key], v);
    if (why) throw new DistilleryError('CONFIG', why, { field: key });
    out[key] = Array.isArray(v) ? [...(v as unknown[])] : typeof v === 'object' ? { ...(v as object) } : v;
  }
  if (typeof out.validSplit === 'number' || typeof out.testSplit === 'number') {
    const d = (k: string) => (t[k] as { default?: number } | undefined)?.default ?? 0;
    const vs = (out.validSplit as number | undefined) ?? d('validSplit');
    const ts = (out.testSplit as number | undefined) ?? d('testSplit');
    if (vs + ts >= 1)
      throw new DistilleryError('CONFIG', 'option "validSplit": validSplit + testSplit must be below 1', {
        field: 'validSplit',
      });
  }
  return out as never;
}
