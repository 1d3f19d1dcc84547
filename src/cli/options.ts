/** Option parsers and the options shared by train and distill. */
import { InvalidArgumentError, type Command } from 'commander';
import { ARCH_IDS } from '../worker/models/registry';
import { TRAIN_DEFAULTS, type TrainJobOptions } from '../worker/jobs/train-job';
import { MAX_GRID_SENTENCES, MAX_GRID_WORDS } from '../worker/text/pipeline';
import { DistilleryError } from '../shared/errors';
import { DEFAULT_SOURCE_WEIGHTS, parseSourceWeights, type SourceWeights } from '../shared/source-weights';

export const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be an integer, got "${v}"`);
  return n;
};
/** An integer ≥ 1 (counts and sizes: 0 or less would loop forever or train nothing). */
export const positiveInt = (name: string) => (v: string) => {
  const n = int(name)(v);
  if (n < 1) throw new InvalidArgumentError(`${name} must be at least 1, got ${v}`);
  return n;
};
export const num = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number, got "${v}"`);
  return n;
};
export const fraction = (name: string) => (v: string) => {
  const n = num(name)(v);
  if (n < 0 || n >= 1) throw new InvalidArgumentError(`${name} must be in [0, 1), got ${v}`);
  return n;
};
const sourceWeightsArg = (v: string): SourceWeights => {
  try {
    return parseSourceWeights(v);
  } catch (e) {
    throw new InvalidArgumentError(`--source-weights: ${(e as Error).message}`);
  }
};
export const intList = (name: string) => (v: string) => v.split(',').map((x) => int(name)(x.trim()));
export const numList = (name: string) => (v: string) => v.split(',').map((x) => num(name)(x.trim()));

export function addDataOptions(c: Command): Command {
  return c
    .option('--text-col <name>', 'text column (default: found by name: text, review, content, sentence, …)')
    .option('--label-col <name>', 'label column (default: label, labels, category, …); multi-label cells as a|b or a JSON array')
    .option('--id-col <name>', 'document id column (default: row number)')
    .option('--encoding <name>', 'input encoding, e.g. utf-8, gb18030 (default: detected)');
}

export function addTrainOptions(c: Command): Command {
  return addDataOptions(c)
    .option('--model <arch>', `student architecture: ${ARCH_IDS.join('|')}`, TRAIN_DEFAULTS.model)
    .option('--epochs <n>', 'epochs', positiveInt('--epochs'), TRAIN_DEFAULTS.epochs)
    .option('--batch-size <n>', 'batch size', positiveInt('--batch-size'), TRAIN_DEFAULTS.batchSize)
    .option('--lr <x>', 'Adam learning rate', num('--lr'), TRAIN_DEFAULTS.learningRate)
    .option('--seed <n>', 'random seed (initialisation, order, dropout; also the split unless --split-seed)', int('--seed'), TRAIN_DEFAULTS.seed)
    .option('--split-seed <n>', 'seed of the train/valid/test split (keep it fixed to compare models)', int('--split-seed'))
    .option('--patience <n>', 'early stopping: epochs without validation gain (0 = off)', int('--patience'), TRAIN_DEFAULTS.patience)
    .option('--valid-split <f>', 'fraction held out for validation', fraction('--valid-split'), TRAIN_DEFAULTS.validSplit)
    .option('--test-split <f>', 'fraction held out for the test', fraction('--test-split'), TRAIN_DEFAULTS.testSplit)
    .option('--test-data <file>', 'a separate labeled test file (instead of --test-split)')
    .option('--tokens <mode>', 'char | word (jieba) | both', TRAIN_DEFAULTS.tokens)
    .option('--max-vocab <n>', 'vocabulary size cap', int('--max-vocab'), TRAIN_DEFAULTS.maxVocab)
    .option('--min-count <n>', 'minimum token count for the vocabulary', int('--min-count'), TRAIN_DEFAULTS.minCount)
    .option('--max-len <n>', 'sequence length (default: the --len-percentile of training lengths)', int('--max-len'))
    .option('--len-percentile <p>', 'length percentile for the sequence length', num('--len-percentile'), TRAIN_DEFAULTS.lengthPercentile)
    .option('--sentences <n>', `han: sentences per text (default: the --len-percentile of training texts, at most ${MAX_GRID_SENTENCES})`, positiveInt('--sentences'))
    .option('--sentence-len <n>', `han: tokens per sentence (default: the --len-percentile of training sentences, at most ${MAX_GRID_WORDS})`, positiveInt('--sentence-len'))
    .option('--hidden <n>', 'recurrent hidden size (default: 256 for bilstm, as digest A)', int('--hidden'))
    .option('--layers <n>', 'recurrent layers (default: 2 for bilstm)', int('--layers'))
    .option('--embed-dim <n>', 'embedding size (default 128)', int('--embed-dim'))
    .option('--dropout <f>', 'dropout (default 0.5)', num('--dropout'))
    .option('--filter-sizes <list>', 'TextCNN filter widths, e.g. 2,3,4,5', intList('--filter-sizes'))
    .option('--num-filters <n>', 'TextCNN filters per width', int('--num-filters'))
    .option('--att-dim <n>', 'attention size of gru-att and han (default 64)', positiveInt('--att-dim'))
    .option('--variance <f>', 'cnn-nb: PCA variance kept (default 0.95)', num('--variance'))
    .option('--class-weights <mode>', 'none | balanced (inverse frequency)', 'none')
    .option('--source-col <name>', 'column naming where each label came from (human, corrected, imported, teacher, student, rule): weighted in the loss by --source-weights')
    .option('--source-weights <list>', `loss weight per label source, e.g. human=1,teacher=0.5 (defaults: ${Object.entries(DEFAULT_SOURCE_WEIGHTS).map(([k, v]) => `${k}=${v}`).join(',')})`, sourceWeightsArg)
    .option('--focal-gamma <g>', 'focal loss γ (0 = plain cross-entropy)', num('--focal-gamma'))
    .option('--threshold <p>', 'multi-label decision threshold', num('--threshold'), 0.5)
    .option('--workers <n>', 'training threads (data parallel; default: 1)', int('--workers'), 1)
    .option(...BACKEND_OPTION)
    .option('--no-charts', 'skip chart images');
}

/** `--backend`, for every command that trains in tfjs. */
export const BACKEND_OPTION = ['--backend <name>', 'tensorflow-gpu | tensorflow | wasm | cpu (default: best available)'] as const;

/** commander's camelCased options → the job's options. */
export function trainJobOptions(o: Record<string, unknown>): TrainJobOptions {
  if (o.sourceWeights && !o.sourceCol) throw new DistilleryError('CONFIG', '--source-weights needs --source-col (the column that says where each label came from)', { field: 'sourceWeights' });
  return {
    data: o.data as string,
    out: o.out as string | undefined,
    textCol: o.textCol as string | undefined,
    labelCol: o.labelCol as string | undefined,
    idCol: o.idCol as string | undefined,
    encoding: o.encoding as string | undefined,
    testData: o.testData as string | undefined,
    model: o.model as string,
    epochs: o.epochs as number,
    batchSize: o.batchSize as number,
    learningRate: o.lr as number,
    seed: o.seed as number,
    splitSeed: o.splitSeed as number | undefined,
    patience: o.patience as number,
    validSplit: o.validSplit as number,
    testSplit: o.testData ? 0 : (o.testSplit as number),
    tokens: o.tokens as TrainJobOptions['tokens'],
    maxVocab: o.maxVocab as number,
    minCount: o.minCount as number,
    maxLen: o.maxLen as number | undefined,
    sentences: o.sentences as number | undefined,
    sentenceLen: o.sentenceLen as number | undefined,
    lengthPercentile: o.lenPercentile as number,
    architecture: {
      hidden: o.hidden as number | undefined,
      layers: o.layers as number | undefined,
      embedDim: o.embedDim as number | undefined,
      dropout: o.dropout as number | undefined,
      filterSizes: o.filterSizes as number[] | undefined,
      numFilters: o.numFilters as number | undefined,
      attDim: o.attDim as number | undefined,
      varianceKept: o.variance as number | undefined,
    },
    classWeights: o.classWeights as 'none' | 'balanced',
    ...(o.sourceCol ? { sourceCol: o.sourceCol as string, sourceWeights: { ...DEFAULT_SOURCE_WEIGHTS, ...(o.sourceWeights as SourceWeights | undefined) } } : {}),
    focalGamma: o.focalGamma as number | undefined,
    threshold: o.threshold as number,
    workers: o.workers as number,
    backend: o.backend as string | undefined,
    charts: o.charts as boolean,
  };
}
