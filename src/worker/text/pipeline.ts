/**
 * normalize → tokenize → vocabulary → fixed-length ids, fitted once on training texts and saved
 * as `tokenizer.json` in exported model folders. At predict time the same JSON re-creates the
 * pipeline, so everything that changes the ids of a text must live in the JSON.
 *
 * Not captured: the versions of nodejieba's dictionary and opencc-js' tables; upgrading either
 * can shift a few tokens of some texts.
 */
import { DistilleryError } from '../../shared/errors';
import { DEFAULT_HEAD_SHARE, encodeIds, lengthAtPercentile, Truncation, TRUNCATIONS } from './encode';
import { defaultNormalizeOptions, NormalizeOptions, normalizeText } from './normalize';
import { addUserWords, tokenize, TokenMode, TOKEN_MODES } from './tokenize';
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
}

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
export const TOKENIZER_SPEC_VERSION = 1;

export interface TextPipelineJSON {
  format: 'distillery.text-pipeline';
  version: 1;
  /** TOKENIZER_SPEC_VERSION of the pipeline that wrote it (absent in files written before it existed: 1). */
  spec_version?: number;
  config: TextPipelineConfig;
  /** The resolved sequence length (equals config.maxLen when that was set). */
  maxLen: number;
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
  return c;
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export class TextPipeline {
  readonly config: TextPipelineConfig;
  private readonly stopWords: Set<string>;

  private constructor(
    config: TextPipelineConfig,
    readonly vocab: Vocabulary,
    readonly maxLen: number,
  ) {
    this.config = config;
    if (config.userWords?.length) addUserWords(config.userWords);
    this.stopWords = new Set(
      (config.stopWords ?? []).map((w) => normalizeText(w, config.normalize)).filter((w) => w),
    );
  }

  /**
   * Fits the vocabulary (and maxLen, unless fixed) on the training texts. Texts are tokenized
   * once, streaming into the vocabulary counts; only their lengths are kept.
   */
  static fit(texts: Iterable<string>, cfg: Partial<TextPipelineConfig> = {}): TextPipeline {
    const config = resolveConfig(cfg);
    // A provisional pipeline supplies tokens() with the same normalization and stop words.
    const probe = new TextPipeline(config, Vocabulary.fromJSON({ tokens: ['<pad>', '<unk>'] }), 1);
    const lengths: number[] = [];
    function* tokenLists(): Generator<string[]> {
      for (const t of texts) {
        const toks = probe.tokens(t);
        lengths.push(toks.length);
        yield toks;
      }
    }
    const vocab = Vocabulary.build(tokenLists(), {
      minCount: config.minCount,
      maxSize: config.maxVocab,
    });
    const maxLen =
      config.maxLen ??
      Math.max(config.minLen ?? 1, lengthAtPercentile(lengths, config.lengthPercentile));
    return new TextPipeline(config, vocab, maxLen);
  }

  /** Normalized tokens of a text, before truncation. */
  tokens(text: string): string[] {
    return tokenize(normalizeText(text, this.config.normalize), this.config.mode, {
      stopWords: this.stopWords,
    });
  }

  /** Int32Array(maxLen): ids then PAD (0). */
  encode(text: string): Int32Array {
    return encodeIds(
      this.tokens(text),
      this.vocab,
      this.maxLen,
      this.config.truncation,
      this.config.headShare ?? DEFAULT_HEAD_SHARE,
    );
  }

  /** Int32Array(n·maxLen), row-major: row i is encode(texts[i]). */
  encodeBatch(texts: readonly string[]): Int32Array {
    const out = new Int32Array(texts.length * this.maxLen);
    texts.forEach((t, i) => {
      encodeIds(
        this.tokens(t),
        this.vocab,
        this.maxLen,
        this.config.truncation,
        this.config.headShare ?? DEFAULT_HEAD_SHARE,
        out.subarray(i * this.maxLen, (i + 1) * this.maxLen),
      );
    });
    return out;
  }

  toJSON(): TextPipelineJSON {
    return {
      format: FORMAT,
      version: 1,
      spec_version: TOKENIZER_SPEC_VERSION,
      config: structuredClone(this.config),
      maxLen: this.maxLen,
      vocab: this.vocab.toJSON(),
    };
  }

  static fromJSON(json: unknown): TextPipeline {
    const j = json as Partial<TextPipelineJSON> | null;
    if (!j || j.format !== FORMAT) {
      throw new DistilleryError('MODEL_FOLDER', `not a text pipeline (format ${String(j?.format)})`);
    }
    if (j.version !== 1) {
      throw new DistilleryError('MODEL_FOLDER', `unsupported text pipeline version ${j.version}`);
    }
    if (j.spec_version !== undefined && !(Number.isInteger(j.spec_version) && j.spec_version >= 1 && j.spec_version <= TOKENIZER_SPEC_VERSION)) {
      throw new DistilleryError('MODEL_FOLDER', `tokenizer spec_version ${String(j.spec_version)} is not one this Distillery reads (1..${TOKENIZER_SPEC_VERSION})`, { field: 'spec_version' });
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
    return new TextPipeline(config, Vocabulary.fromJSON(j.vocab), j.maxLen as number);
  }
}
