/**
 * The student-model contract shared by the tfjs trainers, the ONNX exporter, the tfjs-format
 * exporter and the float64 reference forward. docs/model-spec.md is the prose version; keep the
 * two in step.
 */
import { DistilleryError } from '../../shared/errors';
import { RECURRENT_ARCHITECTURES, type Architecture } from '../../shared/job-options';

/** The architecture names are one list, in src/shared/job-options.ts (ARCHITECTURES). */
export type StudentArch = Architecture;

export interface StudentConfig {
  arch: StudentArch;
  vocabSize: number;
  embedDim: number;
  maxLen: number;
  numClasses: number;
  /** Sigmoid outputs when true, softmax otherwise (binary = 2-class softmax). */
  multiLabel: boolean;
  /** Recurrent archs. */
  hidden: number;
  layers: number;
  /** textcnn, cnn-nb. */
  filterSizes: number[];
  numFilters: number;
  /** gru-att, han (both attention layers). */
  attDim: number;
  /** han: tokens per sentence slot W; the input is maxLen / W sentences of W ids (the text pipeline's grid). */
  sentenceLen?: number;
  /** Training only; identity at inference. */
  dropout: number;
  /** cnn-nb training only: fraction of variance the PCA keeps. K is read from `pca_components`. */
  varianceKept?: number;
}

/** One named parameter: row-major float32 data with its shape. */
export interface ParamTensor {
  shape: number[];
  data: Float32Array;
}

export type StudentParams = Record<string, ParamTensor>;

export const RECURRENT_ARCHS: readonly StudentArch[] = RECURRENT_ARCHITECTURES;

export function isRecurrent(arch: StudentArch): boolean {
  return RECURRENT_ARCHS.includes(arch);
}

/** Bidirectional archs have `fw` and `bw` parameters per layer; the others only `fw`. */
export function directions(arch: StudentArch): ('fw' | 'bw')[] {
  return arch === 'bilstm' || arch === 'gru-att' || arch === 'han' ? ['fw', 'bw'] : ['fw'];
}

export function cellOf(arch: StudentArch): 'lstm' | 'gru' | null {
  if (arch === 'bilstm' || arch === 'lstm') return 'lstm';
  if (arch === 'gru' || arch === 'gru-att' || arch === 'han') return 'gru';
  return null;
}

/** D in the spec: the size of the feature vector the head (or PCA for cnn-nb) sees. */
export function featureDim(c: StudentConfig): number {
  switch (c.arch) {
    case 'bilstm':
    case 'han':
      return 2 * c.hidden;
    case 'lstm':
    case 'gru':
      return c.hidden;
    case 'gru-att':
      return 6 * c.hidden;
    case 'textcnn':
    case 'cnn-nb':
      return c.numFilters * c.filterSizes.length;
  }
}

/**
 * Every parameter name and shape the spec requires for `c`. cnn-nb's PCA width K is data-driven,
 * so the caller passes it (read it from `pca_components.shape[1]`).
 */
export function studentParamShapes(c: StudentConfig, pcaK = 0): Record<string, number[]> {
  const s: Record<string, number[]> = { embedding: [c.vocabSize, c.embedDim] };
  const H = c.hidden;
  const cell = cellOf(c.arch);
  if (cell) {
    const dirs = directions(c.arch);
    for (let l = 0; l < c.layers; l++) {
      const inDim = l === 0 ? c.embedDim : dirs.length * H;
      for (const d of dirs) {
        if (cell === 'lstm') {
          s[`lstm${l}_${d}_W`] = [inDim, 4 * H];
          s[`lstm${l}_${d}_U`] = [H, 4 * H];
          s[`lstm${l}_${d}_b`] = [4 * H];
        } else {
          s[`gru${l}_${d}_W`] = [inDim, 3 * H];
          s[`gru${l}_${d}_U`] = [H, 3 * H];
          s[`gru${l}_${d}_bW`] = [3 * H];
          s[`gru${l}_${d}_bU`] = [3 * H];
        }
      }
    }
  } else {
    for (const k of c.filterSizes) {
      s[`conv${k}_W`] = [k, c.embedDim, c.numFilters];
      s[`conv${k}_b`] = [c.numFilters];
    }
  }
  if (c.arch === 'gru-att' || c.arch === 'han') {
    s.att_W = [2 * H, c.attDim];
    s.att_b = [c.attDim];
    s.att_v = [c.attDim, 1];
  }
  if (c.arch === 'han') {
    // Sentence level: one bidirectional GRU over the sentence vectors, then its own attention.
    for (const d of ['fw', 'bw']) {
      s[`sgru_${d}_W`] = [2 * H, 3 * H];
      s[`sgru_${d}_U`] = [H, 3 * H];
      s[`sgru_${d}_bW`] = [3 * H];
      s[`sgru_${d}_bU`] = [3 * H];
    }
    s.satt_W = [2 * H, c.attDim];
    s.satt_b = [c.attDim];
    s.satt_v = [c.attDim, 1];
  }
  const D = featureDim(c);
  if (c.arch === 'cnn-nb') {
    s.pca_mean = [D];
    s.pca_components = [D, pcaK];
    // Multi-label: a present and an absent class per label (binary relevance, see cnn-nb-head.ts).
    const M = c.multiLabel ? 2 * c.numClasses : c.numClasses;
    s.nb_means = [M, pcaK];
    s.nb_vars = [M, pcaK];
    s.nb_log_priors = [M];
  } else {
    s.out_W = [D, c.numClasses];
    s.out_b = [c.numClasses];
  }
  return s;
}

function configError(message: string, details: Record<string, unknown> = {}): DistilleryError {
  return new DistilleryError('CONFIG', message, details);
}

/** Throws a CONFIG error unless `params` has exactly the spec's names and shapes for `c`. */
export function validateStudent(c: StudentConfig, params: StudentParams): void {
  const positive = ['vocabSize', 'embedDim', 'numClasses'] as const;
  for (const k of positive) {
    if (!(Number.isInteger(c[k]) && c[k] > 0))
      throw configError(`student config: ${k} must be a positive integer`, { field: k });
  }
  if (isRecurrent(c.arch) && !(c.hidden > 0 && c.layers > 0)) {
    throw configError(`student config: ${c.arch} needs hidden > 0 and layers > 0`);
  }
  if (c.arch === 'han') {
    if (!(Number.isInteger(c.attDim) && c.attDim > 0))
      throw configError('student config: han needs attDim > 0', { field: 'attDim' });
    const W = c.sentenceLen ?? 0;
    if (!(Number.isInteger(W) && W > 0 && c.maxLen % W === 0)) {
      throw configError(
        `student config: han needs sentenceLen, a positive divisor of maxLen (${c.maxLen}), got ${c.sentenceLen}`,
        { field: 'sentenceLen' },
      );
    }
  }
  if (!isRecurrent(c.arch) && !(c.filterSizes.length > 0 && c.numFilters > 0)) {
    throw configError(`student config: ${c.arch} needs filterSizes and numFilters > 0`);
  }
  const pcaK = params.pca_components?.shape[1] ?? 0;
  const want = studentParamShapes(c, pcaK);
  for (const [name, shape] of Object.entries(want)) {
    const p = params[name];
    if (!p) throw configError(`student params: missing ${name}`, { field: name });
    const size = shape.reduce((a, b) => a * b, 1);
    if (p.shape.length !== shape.length || p.shape.some((d, i) => d !== shape[i]) || p.data.length !== size) {
      throw configError(
        `student params: ${name} has shape [${p.shape}] (${p.data.length} values), expected [${shape}]`,
        {
          field: name,
        },
      );
    }
  }
}
