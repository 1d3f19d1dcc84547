/**
 * Bag-of-n-grams features for the fast models of the active-learning loop (naive Bayes) and for
 * diversity sampling (TF-IDF vectors). Texts are normalized like the students' input
 * (normalize.ts), tokenized by character (CJK one char per token) or by jieba words, and every run
 * of minN..maxN consecutive tokens is a feature. The text options of a project or run (t2s, a jieba
 * user dictionary, stop words: ngramTextOptions) apply as they do in the students' text pipeline; there
 * is no truncation, the bag takes the whole text. Sparse rows in CSR form keep 100,000 documents in
 * a few tens of MB.
 */
import { normalizeText } from './normalize';
import { parseUserDict, tokenize, useUserWords, type TokenMode } from './tokenize';
import { pipelineTextInputs, type TextOptions } from './text-option-files';

export interface NgramOptions {
  /** 'char' (default), 'word' (jieba) or 'both'. */
  tokens: TokenMode;
  minN: number;
  maxN: number;
  /** Traditional → simplified before tokenizing (TEXT_OPTIONS t2s). */
  t2s?: boolean;
  /** jieba's extra words (a user dictionary's), for word and both tokens. */
  userWords?: readonly string[];
  /** Tokens dropped after tokenizing (a stop-word list, normalized as the text is). */
  stopWords?: ReadonlySet<string>;
}

/** The n-gram settings of the text options (the same files and rules as the students' pipeline, pipelineTextInputs). */
export function ngramTextOptions(o: TextOptions): Pick<NgramOptions, 't2s' | 'userWords' | 'stopWords'> {
  const { config, files } = pipelineTextInputs(o);
  const t2s = config.normalize?.traditionalToSimplified;
  const stop = (config.stopWords ?? []).map((w) => normalizeText(w, { traditionalToSimplified: t2s })).filter((w) => w);
  return {
    ...(t2s !== undefined ? { t2s } : {}),
    ...(config.userDict ? { userWords: parseUserDict(files[config.userDict.file]!) } : {}),
    ...(stop.length ? { stopWords: new Set(stop) } : {}),
  };
}

export const DEFAULT_NGRAMS: NgramOptions = { tokens: 'char', minN: 1, maxN: 2 };

/** Compressed sparse rows: row i is indices/values[offsets[i] .. offsets[i + 1]). */
export interface SparseRows {
  n: number;
  /** Number of feature columns when the rows were made. */
  dim: number;
  offsets: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

const NO_WORDS: readonly string[] = [];

/** Token n-grams of one text (joined with U+0001, which normalized text never contains). */
export function textNgrams(text: string, o: NgramOptions = DEFAULT_NGRAMS): string[] {
  // jieba's dictionary is process-global: make it these options' before cutting (a no-op when it already is).
  if (o.tokens !== 'char') useUserWords(o.userWords ?? NO_WORDS);
  const toks = tokenize(normalizeText(text, { traditionalToSimplified: o.t2s }), o.tokens, {
    stopWords: o.stopWords,
  });
  const out: string[] = [];
  for (let n = o.minN; n <= o.maxN; n++) {
    for (let i = 0; i + n <= toks.length; i++) out.push(n === 1 ? toks[i]! : toks.slice(i, i + n).join('\u0001'));
  }
  return out;
}

/** A growing map from n-gram to column; unknown n-grams are dropped when `grow` is false. */
export class NgramVocabulary {
  readonly index = new Map<string, number>();
  constructor(readonly options: NgramOptions = DEFAULT_NGRAMS) {}

  get size(): number {
    return this.index.size;
  }

  /** Count vectors of the texts. */
  featurize(texts: readonly string[], grow = true): SparseRows {
    const offsets = new Int32Array(texts.length + 1);
    let indices = new Int32Array(Math.max(16, texts.length * 32));
    let values = new Float32Array(indices.length);
    let nnz = 0;
    const counts = new Map<number, number>();
    texts.forEach((t, i) => {
      counts.clear();
      for (const g of textNgrams(t, this.options)) {
        let j = this.index.get(g);
        if (j === undefined) {
          if (!grow) continue;
          this.index.set(g, (j = this.index.size));
        }
        counts.set(j, (counts.get(j) ?? 0) + 1);
      }
      if (nnz + counts.size > indices.length) {
        const cap = Math.max(indices.length * 2, nnz + counts.size);
        const ni = new Int32Array(cap);
        ni.set(indices.subarray(0, nnz));
        const nv = new Float32Array(cap);
        nv.set(values.subarray(0, nnz));
        indices = ni;
        values = nv;
      }
      for (const [j, c] of counts) {
        indices[nnz] = j;
        values[nnz++] = c;
      }
      offsets[i + 1] = nnz;
    });
    return {
      n: texts.length,
      dim: this.index.size,
      offsets,
      indices: indices.slice(0, nnz),
      values: values.slice(0, nnz),
    };
  }
}

/** The given rows of a sparse matrix, as a new matrix (in that order). */
export function selectRows(X: SparseRows, rows: ArrayLike<number>): SparseRows {
  let nnz = 0;
  for (let r = 0; r < rows.length; r++) nnz += X.offsets[rows[r]! + 1]! - X.offsets[rows[r]!]!;
  const offsets = new Int32Array(rows.length + 1);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  let p = 0;
  for (let r = 0; r < rows.length; r++) {
    const a = X.offsets[rows[r]!]!;
    const b = X.offsets[rows[r]! + 1]!;
    indices.set(X.indices.subarray(a, b), p);
    values.set(X.values.subarray(a, b), p);
    p += b - a;
    offsets[r + 1] = p;
  }
  return { n: rows.length, dim: X.dim, offsets, indices, values };
}

/**
 * TF-IDF with sublinear tf (1 + ln tf) and smooth idf ln((1 + n) / (1 + df)) + 1 (scikit-learn's
 * defaults), each row scaled to unit L2 norm. Document frequencies come from these rows.
 */
export function tfidf(X: SparseRows): SparseRows {
  const df = new Float64Array(X.dim);
  for (let p = 0; p < X.indices.length; p++) df[X.indices[p]!]!++;
  const values = new Float32Array(X.values.length);
  for (let i = 0; i < X.n; i++) {
    let ss = 0;
    for (let p = X.offsets[i]!; p < X.offsets[i + 1]!; p++) {
      const v = (1 + Math.log(X.values[p]!)) * (Math.log((1 + X.n) / (1 + df[X.indices[p]!]!)) + 1);
      values[p] = v;
      ss += v * v;
    }
    const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
    for (let p = X.offsets[i]!; p < X.offsets[i + 1]!; p++) values[p]! *= inv;
  }
  return { ...X, values };
}

/**
 * Dense d-dimensional sketch of sparse rows by the hashing trick (each column to one signed
 * bucket), rows rescaled to unit length. Inner products, hence cosine distances, are preserved in
 * expectation, so k-means can run on n × d floats instead of a vocabulary-wide matrix.
 */
export function hashedDense(X: SparseRows, d = 256, seed = 0): Float32Array {
  const out = new Float32Array(X.n * d);
  for (let i = 0; i < X.n; i++) {
    const row = out.subarray(i * d, (i + 1) * d);
    for (let p = X.offsets[i]!; p < X.offsets[i + 1]!; p++) {
      const h = mix32(X.indices[p]! ^ seed);
      row[h % d]! += (h & 0x80000000 ? -1 : 1) * X.values[p]!;
    }
    let ss = 0;
    for (let k = 0; k < d; k++) ss += row[k]! * row[k]!;
    if (ss > 0) {
      const inv = 1 / Math.sqrt(ss);
      for (let k = 0; k < d; k++) row[k]! *= inv;
    }
  }
  return out;
}

/** murmur3's 32-bit finalizer, as an unsigned integer. */
function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
