/**
 * normalize → tokenize → vocabulary → fixed-length ids, fitted once on training texts and saved
 * as `tokenizer.json` in exported model folders. At predict time the same JSON re-creates the
 * pipeline, so everything that changes the ids of a text must live in the JSON.
 *
 * Not captured: the versions of nodejieba's dictionary and opencc-js' tables; upgrading either
 * can shift a few tokens of some texts.
 */
import { DistilleryError } from '../../shared/errors';
import { DEFAULT_HEAD_SHARE, encodeIds, lengthAtPercentile, truncate, Truncation, TRUNCATIONS } from './encode';
import { defaultNormalizeOptions, NormalizeOptions, normalizeText } from './normalize';
import { splitSentences } from './sentences';
import { readSideFiles, type SideFile, type SideFiles } from './text-option-files';
import { parseUserDict, tokenize, TokenMode, TOKEN_MODES, useUserWords } from './tokenize';
import { Vocabulary, VocabJSON } from './vocab';

export interface TextPipelineConfig {
  normalize: NormalizeOptions;
  mode: TokenMode;
  /** Vocabulary: tokens seen fewer times are UNK. */
  minCount: number;
  /** Vocabulary size including PAD and UNK. */
  maxVocab: number;
  /** Fixed sequence length; when unset, chosen from the training texts (lengthPercentile). */
  maxLen?: number;
  /** Percentile of training token counts used as maxLen when maxLen is unset. Default 95. */
  lengthPercentile: number;
  /** How texts longer than maxLen are cut. Default 'head+tail'. */
  truncation: Truncation;
  /** Share of maxLen kept from the start in 'head+tail' mode. Default 0.25 (see encode.ts). */
  headShare?: number;
  /** Floor for the percentile-derived maxLen. Default 8. */
  minLen?: number;
  /** Tokens dropped after tokenization; normalized with the same options as the texts. */
  stopWords?: string[];
  /** Words added to jieba's (process-global) dictionary before word tokenization. */
  userWords?: string[];
  /** A jieba user dictionary beside tokenizer.json (its words are added as userWords are), with its hash. */
  userDict?: SideFile;
  /** The copy of the stop-word list stopWords came from, beside tokenizer.json. */
  stopWordsFile?: SideFile;
  /**
   * Hierarchical students (HAN): encode a text as a grid of sentences × tokens instead of one
   * sequence (see encodeGrid). Sizes left unset are chosen from the training texts at
   * lengthPercentile, capped by MAX_GRID_SENTENCES / MAX_GRID_WORDS. Excludes maxLen.
   */
  sentenceGrid?: { sentences?: number; words?: number };
}

/** The resolved grid: every text becomes `sentences` slots of `words` ids (maxLen = their product). */
export interface SentenceGrid {
  sentences: number;
  words: number;
}

/**
 * Caps on the data-derived grid. 16 × 64 = 1024 ids covers long reviews; the cap bounds the
 * memory of a batch (B·S·W word-level GRU steps) when a corpus has a few very long texts.
 */
export const MAX_GRID_SENTENCES = 16;
export const MAX_GRID_WORDS = 64;
/** Floor for a data-derived words-per-sentence, as minLen is for a flat sequence. */
const MIN_GRID_WORDS = 4;

export const defaultTextPipelineConfig: TextPipelineConfig = {
  normalize: { ...defaultNormalizeOptions },
  mode: 'char',
  minCount: 1,
  maxVocab: 50000,
  lengthPercentile: 95,
  truncation: 'head+tail',
  headShare: DEFAULT_HEAD_SHARE,
  minLen: 8,
};

/**
 * Version of the documented text → ids contract (tokenizer-spec.md in exported models, and the
 * reference tokenizers beside it). Raise it whenever a change would give a text other ids.
 */
export const TOKENIZER_SPEC_VERSION = 2;

/** The spec_version a pipeline writes: 2 added the sentence grid; one without a grid writes 1 so older readers still take it. */
export const specVersionFor = (hasGrid: boolean): number => (hasGrid ? 2 : 1);

export interface TextPipelineJSON {
  format: 'distillery.text-pipeline';
  version: 1;
  /** TOKENIZER_SPEC_VERSION of the pipeline that wrote it (absent in files written before it existed: 1). */
  spec_version?: number;
  config: TextPipelineConfig;
  /** The resolved sequence length (equals config.maxLen when that was set; sentences·words with a grid). */
  maxLen: number;
  /** The resolved sentence grid (spec_version 2), when config.sentenceGrid is set. */
  grid?: SentenceGrid;
  vocab: VocabJSON;
}

const FORMAT = 'distillery.text-pipeline';

function configError(field: string, message: string): DistilleryError {
  return new DistilleryError('CONFIG', `text pipeline: ${message}`, { field });
}

/** Fills defaults and checks every field; the result has no undefined keys (exact JSON). */
function resolveConfig(cfg: Partial<TextPipelineConfig>): TextPipelineConfig {
  const c: TextPipelineConfig = {
    ...defaultTextPipelineConfig,
    ...stripUndefined(cfg),
    normalize: { ...defaultNormalizeOptions, ...stripUndefined(cfg.normalize ?? {}) },
  };
  if (!TOKEN_MODES.includes(c.mode)) throw configError('mode', `unknown mode ${String(c.mode)}`);
  if (!TRUNCATIONS.includes(c.truncation)) {
    throw configError('truncation', `unknown truncation ${String(c.truncation)}`);
  }
  const int = (field: string, v: number | undefined, min: number) => {
    if (v !== undefined && !(Number.isInteger(v) && v >= min)) {
      throw configError(field, `${field} must be an integer ≥ ${min}, got ${v}`);
    }
  };
  int('minCount', c.minCount, 1);
  int('maxVocab', c.maxVocab, 2);
  int('maxLen', c.maxLen, 1);
  int('minLen', c.minLen, 1);
  if (!(c.lengthPercentile > 0 && c.lengthPercentile <= 100)) {
    throw configError('lengthPercentile', `lengthPercentile must be in (0, 100]`);
  }
  if (c.headShare !== undefined && !(c.headShare >= 0 && c.headShare <= 1)) {
    throw configError('headShare', 'headShare must be in [0, 1]');
  }
  if (c.sentenceGrid) {
    if (c.maxLen !== undefined)
      throw configError(
        'maxLen',
        'maxLen and sentenceGrid exclude each other: set sentenceGrid.sentences and .words instead',
      );
    c.sentenceGrid = stripUndefined(c.sentenceGrid);
    int('sentenceGrid.sentences', c.sentenceGrid.sentences, 1);
    int('sentenceGrid.words', c.sentenceGrid.words, 1);
  }
  return c;
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export class TextPipeline {
  readonly config: TextPipelineConfig;
  private readonly stopWords: Set<string>;
  /** jieba's extra words for this pipeline (userWords and the user dictionary's). */
  private readonly userWords: readonly string[];

  private constructor(
    config: TextPipelineConfig,
    readonly vocab: Vocabulary,
    readonly maxLen: number,
    readonly grid?: SentenceGrid,
    /** The files config names (user dictionary, stop-word list), by name: written beside tokenizer.json. */
    private readonly files: SideFiles = {},
  ) {
    this.config = config;
    const dict = config.userDict ? files[config.userDict.file] : undefined;
    if (config.userDict && dict === undefined)
      throw new DistilleryError(
        'MODEL_FOLDER',
        `text pipeline: the user dictionary ${config.userDict.file} was not given`,
        { file: config.userDict.file, field: 'userDict' },
      );
    this.userWords = [...(config.userWords ?? []), ...(dict !== undefined ? parseUserDict(dict) : [])];
    this.stopWords = new Set((config.stopWords ?? []).map((w) => normalizeText(w, config.normalize)).filter((w) => w));
  }

  /**
   * Fits the vocabulary (and maxLen, unless fixed) on the training texts. Texts are tokenized
   * once, streaming into the vocabulary counts; only their lengths are kept.
   */
  static fit(texts: Iterable<string>, cfg: Partial<TextPipelineConfig> = {}, files: SideFiles = {}): TextPipeline {
    const config = resolveConfig(cfg);
    // A provisional pipeline supplies tokens() with the same normalization and stop words.
    const probe = new TextPipeline(config, Vocabulary.fromJSON({ tokens: ['<pad>', '<unk>'] }), 1, undefined, files);
    const lengths: number[] = [];
    const sentenceCounts: number[] = [];
    const sentenceLengths: number[] = [];
    function* tokenLists(): Generator<string[]> {
      for (const t of texts) {
        if (config.sentenceGrid) {
          const sentences = probe.sentenceTokens(t);
          sentenceCounts.push(sentences.length);
          for (const s of sentences) sentenceLengths.push(s.length);
          yield sentences.flat();
        } else {
          const toks = probe.tokens(t);
          lengths.push(toks.length);
          yield toks;
        }
      }
    }
    const vocab = Vocabulary.build(tokenLists(), {
      minCount: config.minCount,
      maxSize: config.maxVocab,
    });
    if (config.sentenceGrid) {
      const p = config.lengthPercentile;
      const grid: SentenceGrid = {
        sentences:
          config.sentenceGrid.sentences ??
          Math.min(MAX_GRID_SENTENCES, Math.max(1, lengthAtPercentile(sentenceCounts, p))),
        words:
          config.sentenceGrid.words ??
          Math.min(MAX_GRID_WORDS, Math.max(MIN_GRID_WORDS, lengthAtPercentile(sentenceLengths, p))),
      };
      return new TextPipeline(config, vocab, grid.sentences * grid.words, grid, files);
    }
    const maxLen = config.maxLen ?? Math.max(config.minLen ?? 1, lengthAtPercentile(lengths, config.lengthPercentile));
    return new TextPipeline(config, vocab, maxLen, undefined, files);
  }

  /** The files tokenizer.json names (user dictionary, stop-word list) by name, to write beside it. */
  sideFiles(): SideFiles {
    return { ...this.files };
  }

  /** Normalized tokens of a text, before truncation. */
  tokens(text: string): string[] {
    // jieba's dictionary is process-global: make it this model's before cutting.
    if (this.config.mode !== 'char') useUserWords(this.userWords);
    return tokenize(normalizeText(text, this.config.normalize), this.config.mode, {
      stopWords: this.stopWords,
    });
  }

  /**
   * Tokens per sentence (splitSentences on the raw text, then normalize and tokenize each);
   * sentences left with no token (e.g. only stop words) are dropped.
   */
  sentenceTokens(text: string): string[][] {
    return splitSentences(text)
      .map((s) => this.tokens(s))
      .filter((t) => t.length > 0);
  }

  /** Int32Array(maxLen): ids then PAD (0); with a sentence grid, see encodeGrid. */
  encode(text: string, out: Int32Array = new Int32Array(this.maxLen)): Int32Array {
    if (this.grid) return this.encodeGrid(text, out);
    return encodeIds(
      this.tokens(text),
      this.vocab,
      this.maxLen,
      this.config.truncation,
      this.config.headShare ?? DEFAULT_HEAD_SHARE,
      out,
    );
  }

  /** Int32Array(n·maxLen), row-major: row i is encode(texts[i]). */
  encodeBatch(texts: readonly string[]): Int32Array {
    const out = new Int32Array(texts.length * this.maxLen);
    texts.forEach((t, i) => this.encode(t, out.subarray(i * this.maxLen, (i + 1) * this.maxLen)));
    return out;
  }

  /**
   * The sentence grid: sentence s fills ids [s·W, (s+1)·W), post-padded; real sentences come first
   * and unused slots are all PAD. Too many sentences, and too many tokens in a sentence, are cut
   * with the pipeline's truncation mode (head+tail keeps the first and the last ones).
   */
  private encodeGrid(text: string, out: Int32Array): Int32Array {
    const { sentences: S, words: W } = this.grid!;
    const headShare = this.config.headShare ?? DEFAULT_HEAD_SHARE;
    out.fill(0);
    truncate(this.sentenceTokens(text), S, this.config.truncation, headShare).forEach((tokens, s) => {
      encodeIds(tokens, this.vocab, W, this.config.truncation, headShare, out.subarray(s * W, (s + 1) * W));
    });
    return out;
  }

  toJSON(): TextPipelineJSON {
    return {
      format: FORMAT,
      version: 1,
      spec_version: specVersionFor(this.grid !== undefined),
      config: structuredClone(this.config),
      maxLen: this.maxLen,
      ...(this.grid ? { grid: { ...this.grid } } : {}),
      vocab: this.vocab.toJSON(),
    };
  }

  /**
   * From tokenizer.json; `dir` is the folder it was read from, where the files its config names
   * (a user dictionary) lie: a missing one is an error naming it.
   */
  static fromJSON(json: unknown, dir?: string): TextPipeline {
    const j = json as Partial<TextPipelineJSON> | null;
    if (!j || j.format !== FORMAT) {
      throw new DistilleryError('MODEL_FOLDER', `not a text pipeline (format ${String(j?.format)})`);
    }
    if (j.version !== 1) {
      throw new DistilleryError('MODEL_FOLDER', `unsupported text pipeline version ${j.version}`);
    }
    if (
      j.spec_version !== undefined &&
      !(Number.isInteger(j.spec_version) && j.spec_version >= 1 && j.spec_version <= TOKENIZER_SPEC_VERSION)
    ) {
      throw new DistilleryError(
        'MODEL_FOLDER',
        `tokenizer spec_version ${String(j.spec_version)} is not one this Distillery reads (1..${TOKENIZER_SPEC_VERSION})`,
        { field: 'spec_version' },
      );
    }
    if (!Number.isInteger(j.maxLen) || (j.maxLen as number) < 1) {
      throw new DistilleryError('MODEL_FOLDER', `text pipeline: bad maxLen ${j.maxLen}`);
    }
    let config: TextPipelineConfig;
    try {
      config = resolveConfig(j.config ?? {});
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      throw new DistilleryError('MODEL_FOLDER', msg, { field: 'config' });
    }
    const grid = j.grid;
    if (config.sentenceGrid || grid) {
      const ok = (v: unknown) => Number.isInteger(v) && (v as number) >= 1;
      if (
        !config.sentenceGrid ||
        !grid ||
        !ok(grid.sentences) ||
        !ok(grid.words) ||
        grid.sentences * grid.words !== j.maxLen
      ) {
        throw new DistilleryError(
          'MODEL_FOLDER',
          `text pipeline: bad sentence grid ${JSON.stringify(grid)} for maxLen ${j.maxLen}`,
          { field: 'grid' },
        );
      }
    }
    const files = readSideFiles(dir, config);
    return new TextPipeline(
      config,
      Vocabulary.fromJSON(j.vocab),
      j.maxLen as number,
      grid ? { sentences: grid.sentences, words: grid.words } : undefined,
      files,
    );
  }
}
