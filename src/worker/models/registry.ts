/**
 * Student architectures by id: default config and the feature extractor. cnn-nb trains as a
 * TextCNN and then swaps its softmax head for PCA + Gaussian naive Bayes (see cnn-nb-head.ts).
 */
import type * as tf from '@tensorflow/tfjs';
import { bilstmFeatures } from './arch/bilstm';
import { gruAttentionFeatures } from './arch/gru-attention';
import { hanFeatures } from './arch/han';
import { textcnnFeatures } from './arch/textcnn';
import { lastStateFeatures } from './arch/unidirectional';
import { DistilleryError } from '../../shared/errors';
import { ARCHITECTURES as ARCHITECTURE_NAMES } from '../../shared/job-options';
import type { ForwardContext } from './building-blocks';
import type { StudentArch, StudentConfig } from './student-config';

export type FeatureFn = (ctx: ForwardContext, ids: tf.Tensor2D, idsHost: Int32Array) => tf.Tensor2D;

export interface ArchEntry {
  id: StudentArch;
  title: string;
  features: FeatureFn;
  /** Architecture defaults; digest A's BiLSTM: 2 layers, hidden 256, dropout 0.5. */
  defaults: Partial<StudentConfig>;
  /** Reads the text pipeline's sentence grid (TextPipelineConfig.sentenceGrid) instead of one sequence. */
  sentenceGrid?: boolean;
}

const recurrentDefaults = { embedDim: 128, hidden: 256, layers: 2, dropout: 0.5 };
const cnnDefaults = { embedDim: 128, filterSizes: [2, 3, 4, 5], numFilters: 128, dropout: 0.5 };

export const ARCHITECTURES: Record<StudentArch, ArchEntry> = {
  bilstm: { id: 'bilstm', title: 'BiLSTM', features: bilstmFeatures, defaults: recurrentDefaults },
  lstm: { id: 'lstm', title: 'LSTM', features: lastStateFeatures, defaults: { ...recurrentDefaults, layers: 1 } },
  gru: { id: 'gru', title: 'GRU', features: lastStateFeatures, defaults: { ...recurrentDefaults, layers: 1 } },
  textcnn: { id: 'textcnn', title: 'TextCNN', features: textcnnFeatures, defaults: cnnDefaults },
  'gru-att': {
    id: 'gru-att',
    title: 'GRU-attention',
    features: gruAttentionFeatures,
    defaults: { ...recurrentDefaults, hidden: 128, layers: 1, attDim: 64 },
  },
  han: {
    id: 'han',
    title: 'HAN (hierarchical attention)',
    features: hanFeatures,
    // Yang et al. 2016 use GRU 50 per direction and attention 100 on word embeddings of 200.
    defaults: { ...recurrentDefaults, hidden: 64, layers: 1, attDim: 64 },
    sentenceGrid: true,
  },
  'cnn-nb': {
    id: 'cnn-nb',
    title: 'CNN features + PCA + naive Bayes',
    features: textcnnFeatures,
    defaults: { ...cnnDefaults, varianceKept: 0.95 },
  },
};

/** The shared list's names (the Record above must implement each of them, and nothing else). */
export const ARCH_IDS: readonly StudentArch[] = ARCHITECTURE_NAMES;

export function archEntry(arch: string): ArchEntry {
  const e = ARCHITECTURES[arch as StudentArch];
  if (!e)
    throw new DistilleryError('CONFIG', `unknown model "${arch}"; valid: ${ARCH_IDS.join(', ')}`, { field: 'model' });
  return e;
}

/** How texts are cut for an architecture: one sequence of maxLen ids, or han's sentence grid. */
export interface InputShapeOptions {
  maxLen?: number;
  /** han: sentence slots S (default: from the data). */
  sentences?: number;
  /** han: tokens per sentence W (default: from the data). */
  sentenceLen?: number;
}

/** The text-pipeline options (maxLen or sentenceGrid) that give `arch` its input; rejects options it cannot use. */
export function pipelineInputFor(
  arch: string,
  o: InputShapeOptions,
): { maxLen?: number; sentenceGrid?: { sentences?: number; words?: number } } {
  const e = archEntry(arch);
  if (e.sentenceGrid) {
    if (o.maxLen !== undefined) {
      throw new DistilleryError(
        'CONFIG',
        `${e.id} reads a grid of sentences: set --sentences and --sentence-len instead of --max-len`,
        { field: 'maxLen' },
      );
    }
    return { sentenceGrid: { sentences: o.sentences, words: o.sentenceLen } };
  }
  if (o.sentences !== undefined || o.sentenceLen !== undefined) {
    throw new DistilleryError('CONFIG', `--sentences and --sentence-len apply to han only, not ${e.id}`, {
      field: 'sentences',
    });
  }
  return { maxLen: o.maxLen };
}

/** A full config from the architecture defaults, data-dependent sizes and user overrides. */
export function makeStudentConfig(
  arch: string,
  data: { vocabSize: number; maxLen: number; numClasses: number; multiLabel: boolean; sentenceLen?: number },
  overrides: Partial<StudentConfig> = {},
): StudentConfig {
  const e = archEntry(arch);
  const base: StudentConfig = {
    arch: e.id,
    vocabSize: data.vocabSize,
    maxLen: data.maxLen,
    numClasses: data.numClasses,
    multiLabel: data.multiLabel,
    embedDim: 128,
    hidden: 0,
    layers: 0,
    filterSizes: [],
    numFilters: 0,
    attDim: 0,
    dropout: 0.5,
  };
  if (e.sentenceGrid) {
    if (!data.sentenceLen)
      throw new DistilleryError('CONFIG', `${e.id} reads sentences: its text pipeline needs a sentence grid`, {
        field: 'model',
      });
    base.sentenceLen = data.sentenceLen;
  }
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return { ...base, ...e.defaults, ...defined, arch: e.id };
}
