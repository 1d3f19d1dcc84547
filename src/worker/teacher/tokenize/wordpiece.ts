/**
 * BERT's tokenizer, faithful to Hugging Face's BertTokenizer (slow) and BertTokenizerFast:
 *   1. special tokens present in the vocabulary ([CLS], [SEP], [MASK], …) are kept whole where the
 *      text contains them literally (HF splits on its added tokens first);
 *   2. BasicTokenizer: drop NUL, U+FFFD and control characters, turn whitespace into spaces; put spaces
 *      around every CJK ideograph; NFC; split on whitespace; lower-case and strip accents (NFD, drop Mn)
 *      per `do_lower_case` / `strip_accents`; split every punctuation character off on its own;
 *   3. WordPiece: greedy longest-match-first per word, continuation pieces prefixed with "##"; a word
 *      with any unmatched rest, or longer than 100 characters, becomes [UNK] as a whole.
 * Characters are Unicode code points, as in Python (a CJK Extension B character is one character).
 */
import { DistilleryError } from '../../../shared/errors';
import type { TruncateMode } from '../../../shared/job-options';
import { DEFAULT_HEAD_SHARE, truncate } from '../../text/encode';
import { toSimplified } from '../../text/normalize';

export interface WordPieceOptions {
  /** Lower-case (and, unless strip_accents is false, strip accents). HF's default: true. */
  doLowerCase?: boolean;
  /** null/undefined: follow doLowerCase; true/false: force. */
  stripAccents?: boolean | null;
  /** Put spaces around CJK ideographs. Default true. */
  tokenizeChineseChars?: boolean;
  unkToken?: string;
  clsToken?: string;
  sepToken?: string;
  padToken?: string;
  maskToken?: string;
  continuingSubwordPrefix?: string;
  maxInputCharsPerWord?: number;
  /**
   * Word pieces from another implementation of the same tokenizer (tokenizers.js over the folder's
   * tokenizer.json); this class then only maps pieces to ids, truncates, adds [CLS]/[SEP] and pads.
   */
  pieces?: (text: string) => string[];
  /** What produces the pieces, for the log (default: the built-in WordPiece). */
  engine?: string;
  /** Text options (job-options.ts TEXT_OPTIONS), applied before the text reaches the pieces and when it is cut. */
  text?: TeacherTextOptions;
}

/**
 * How the teacher's text is prepared (TEXT_OPTIONS): traditional → simplified first, and how a text
 * with more pieces than fit is cut: 'head' keeps the first maxLen − 2 (Hugging Face's truncation),
 * 'head+tail' its first quarter and its end, as the students cut (text/encode.ts, DEFAULT_HEAD_SHARE).
 */
export interface TeacherTextOptions {
  t2s: boolean;
  truncate: TruncateMode;
}
/** What a tokenizer does without text options: Hugging Face's behaviour. */
export const HF_TEXT_OPTIONS: TeacherTextOptions = { t2s: false, truncate: 'head' };

/** One encoded text: input_ids with [CLS] … [SEP], padded with [PAD] to maxLen. */
export interface Encoding {
  inputIds: Int32Array;
  attentionMask: Int32Array;
  tokenTypeIds: Int32Array;
  /** Real tokens including [CLS] and [SEP]. */
  length: number;
  /** True when word pieces were dropped to fit maxLen. */
  truncated: boolean;
}

/** n encoded texts, row-major n × T. */
export interface EncodedBatch {
  n: number;
  T: number;
  inputIds: Int32Array;
  attentionMask: Int32Array;
  tokenTypeIds: Int32Array;
}

const DEFAULTS = {
  unkToken: '[UNK]',
  clsToken: '[CLS]',
  sepToken: '[SEP]',
  padToken: '[PAD]',
  maskToken: '[MASK]',
  continuingSubwordPrefix: '##',
  maxInputCharsPerWord: 100,
};

export class WordPieceTokenizer {
  /** id → token */
  readonly vocab: readonly string[];
  readonly doLowerCase: boolean;
  readonly stripAccents: boolean | null;
  readonly tokenizeChineseChars: boolean;
  readonly unkToken: string;
  readonly clsToken: string;
  readonly sepToken: string;
  readonly padToken: string;
  readonly maskToken: string;
  readonly unkId: number;
  readonly clsId: number;
  readonly sepId: number;
  readonly padId: number;
  private readonly ids: Map<string, number>;
  private readonly prefix: string;
  private readonly maxChars: number;
  /** Special tokens matched literally in input text, longest first. */
  private readonly specials: string[];
  private readonly externalPieces?: (text: string) => string[];
  private readonly options: WordPieceOptions;
  /** Which implementation splits text into word pieces. */
  readonly engine: string;
  readonly text: TeacherTextOptions;

  constructor(vocab: readonly string[], opts: WordPieceOptions = {}) {
    this.vocab = vocab;
    this.ids = new Map();
    // As HF's load_vocab (a dict filled line by line): a repeated token maps to its last line.
    vocab.forEach((t, i) => this.ids.set(t, i));
    this.doLowerCase = opts.doLowerCase ?? true;
    this.stripAccents = opts.stripAccents ?? null;
    this.tokenizeChineseChars = opts.tokenizeChineseChars ?? true;
    this.unkToken = opts.unkToken ?? DEFAULTS.unkToken;
    this.clsToken = opts.clsToken ?? DEFAULTS.clsToken;
    this.sepToken = opts.sepToken ?? DEFAULTS.sepToken;
    this.padToken = opts.padToken ?? DEFAULTS.padToken;
    this.maskToken = opts.maskToken ?? DEFAULTS.maskToken;
    this.prefix = opts.continuingSubwordPrefix ?? DEFAULTS.continuingSubwordPrefix;
    this.maxChars = opts.maxInputCharsPerWord ?? DEFAULTS.maxInputCharsPerWord;
    this.options = opts;
    this.externalPieces = opts.pieces;
    this.engine = opts.engine ?? 'built-in WordPiece';
    this.text = { ...HF_TEXT_OPTIONS, ...opts.text };
    const need = (name: string, tok: string): number => {
      const id = this.ids.get(tok);
      if (id === undefined) throw new DistilleryError('MODEL_FOLDER', `the vocabulary has no ${name} token "${tok}"`);
      return id;
    };
    this.unkId = need('unknown', this.unkToken);
    this.clsId = need('classifier', this.clsToken);
    this.sepId = need('separator', this.sepToken);
    this.padId = need('padding', this.padToken);
    this.specials = [this.unkToken, this.clsToken, this.sepToken, this.padToken, this.maskToken]
      .filter((t, i, a) => this.ids.has(t) && a.indexOf(t) === i)
      .sort((a, b) => b.length - a.length);
  }

  /** From vocab.txt: one token per line, id = line number (a final newline ends the last line). */
  static fromVocabText(text: string, opts: WordPieceOptions = {}): WordPieceTokenizer {
    return new WordPieceTokenizer(parseVocabText(text), opts);
  }

  /**
   * From a parsed tokenizer.json whose model is WordPiece; normalizer settings (BertNormalizer) are
   * taken from the file unless `opts` overrides them.
   */
  static fromTokenizerJson(json: unknown, opts: WordPieceOptions = {}): WordPieceTokenizer {
    const j = json as {
      model?: {
        type?: string;
        vocab?: Record<string, number>;
        unk_token?: string;
        continuing_subword_prefix?: string;
        max_input_chars_per_word?: number;
      };
      normalizer?: {
        type?: string;
        lowercase?: boolean;
        strip_accents?: boolean | null;
        handle_chinese_chars?: boolean;
      } | null;
    };
    const model = j?.model;
    if (!model || model.type !== 'WordPiece' || !model.vocab) {
      throw new DistilleryError(
        'CONFIG',
        `tokenizer.json holds a ${model?.type ?? 'unknown'} model; only WordPiece (BERT) tokenizers are supported`,
      );
    }
    const entries = Object.entries(model.vocab);
    const vocab: string[] = new Array(entries.length);
    for (const [tok, id] of entries) {
      if (!Number.isInteger(id) || id < 0 || id >= entries.length || vocab[id] !== undefined) {
        throw new DistilleryError(
          'MODEL_FOLDER',
          `tokenizer.json's vocabulary ids are not 0…${entries.length - 1} without gaps (token "${tok}" has id ${id})`,
        );
      }
      vocab[id] = tok;
    }
    const norm = j.normalizer?.type === 'BertNormalizer' ? j.normalizer : undefined;
    return new WordPieceTokenizer(vocab, {
      doLowerCase: norm?.lowercase,
      stripAccents: norm?.strip_accents,
      tokenizeChineseChars: norm?.handle_chinese_chars,
      unkToken: model.unk_token,
      continuingSubwordPrefix: model.continuing_subword_prefix,
      maxInputCharsPerWord: model.max_input_chars_per_word,
      ...definedOnly(opts),
    });
  }

  /** The same tokenizer with these text options (t2s, truncation) in encode. */
  withTextOptions(text: TeacherTextOptions): WordPieceTokenizer {
    return new WordPieceTokenizer(this.vocab, { ...this.options, text });
  }

  /** The same tokenizer (vocabulary, case and special tokens) with its word pieces from `pieces`. */
  withPieces(pieces: (text: string) => string[], engine: string): WordPieceTokenizer {
    return new WordPieceTokenizer(this.vocab, { ...this.options, pieces, engine });
  }

  get size(): number {
    return this.vocab.length;
  }

  idOf(token: string): number {
    return this.ids.get(token) ?? this.unkId;
  }

  /** Word pieces of `text` (no [CLS]/[SEP]). */
  tokenize(text: string): string[] {
    if (this.externalPieces) return this.externalPieces(text);
    const out: string[] = [];
    for (const part of this.splitSpecials(text)) {
      if (part.special) out.push(part.text);
      else for (const word of this.basicTokenize(part.text)) this.wordPiece(word, out);
    }
    return out;
  }

  /** BasicTokenizer alone: cleaned, CJK- and punctuation-split, case-folded words. */
  basicTokenize(text: string): string[] {
    let t = cleanText(text);
    if (this.tokenizeChineseChars) t = spaceChineseChars(t);
    t = t.normalize('NFC');
    const out: string[] = [];
    for (let word of whitespaceSplit(t)) {
      if (this.doLowerCase) {
        word = word.toLowerCase();
        if (this.stripAccents !== false) word = stripAccentMarks(word);
      } else if (this.stripAccents) {
        word = stripAccentMarks(word);
      }
      for (const piece of splitOnPunctuation(word)) if (piece) out.push(piece);
    }
    return out;
  }

  /** [CLS] pieces… [SEP], cut to maxLen (text.truncate) and padded with [PAD]; traditional → simplified first with text.t2s. */
  encode(text: string, maxLen: number): Encoding {
    if (!Number.isInteger(maxLen) || maxLen < 2)
      throw new DistilleryError('CONFIG', `max length must be an integer ≥ 2, got ${maxLen}`);
    const all = this.tokenize(this.text.t2s ? toSimplified(text) : text);
    const pieces = truncate(all, maxLen - 2, this.text.truncate, DEFAULT_HEAD_SHARE);
    const keep = pieces.length;
    const inputIds = new Int32Array(maxLen).fill(this.padId);
    const attentionMask = new Int32Array(maxLen);
    inputIds[0] = this.clsId;
    for (let i = 0; i < keep; i++) inputIds[i + 1] = this.idOf(pieces[i]);
    inputIds[keep + 1] = this.sepId;
    attentionMask.fill(1, 0, keep + 2);
    return {
      inputIds,
      attentionMask,
      tokenTypeIds: new Int32Array(maxLen),
      length: keep + 2,
      truncated: keep < all.length,
    };
  }

  encodeBatch(texts: readonly string[], maxLen: number): EncodedBatch {
    const n = texts.length;
    const inputIds = new Int32Array(n * maxLen);
    const attentionMask = new Int32Array(n * maxLen);
    for (let i = 0; i < n; i++) {
      const e = this.encode(texts[i], maxLen);
      inputIds.set(e.inputIds, i * maxLen);
      attentionMask.set(e.attentionMask, i * maxLen);
    }
    return { n, T: maxLen, inputIds, attentionMask, tokenTypeIds: new Int32Array(n * maxLen) };
  }

  /** Tokens back to text, joining "##" continuations (for display; not an inverse of tokenize). */
  decode(ids: ArrayLike<number>, skipSpecial = true): string {
    const specials = new Set([this.clsToken, this.sepToken, this.padToken]);
    let s = '';
    for (let i = 0; i < ids.length; i++) {
      const tok = this.vocab[ids[i]] ?? this.unkToken;
      if (skipSpecial && specials.has(tok)) continue;
      if (tok.startsWith(this.prefix)) s += tok.slice(this.prefix.length);
      else s += (s ? ' ' : '') + tok;
    }
    return s;
  }

  private wordPiece(word: string, out: string[]): void {
    const chars = Array.from(word);
    if (chars.length > this.maxChars) {
      out.push(this.unkToken);
      return;
    }
    const pieces: string[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let found: string | undefined;
      while (start < end) {
        const sub = (start > 0 ? this.prefix : '') + chars.slice(start, end).join('');
        if (this.ids.has(sub)) {
          found = sub;
          break;
        }
        end--;
      }
      if (found === undefined) {
        out.push(this.unkToken);
        return;
      }
      pieces.push(found);
      start = end;
    }
    out.push(...pieces);
  }

  private splitSpecials(text: string): { text: string; special: boolean }[] {
    const parts: { text: string; special: boolean }[] = [];
    let rest = 0;
    let i = 0;
    while (i < text.length) {
      const hit = text.charCodeAt(i) === 0x5b /* [ */ ? this.specials.find((s) => text.startsWith(s, i)) : undefined;
      if (hit) {
        if (i > rest) parts.push({ text: text.slice(rest, i), special: false });
        parts.push({ text: hit, special: true });
        i += hit.length;
        rest = i;
      } else i++;
    }
    if (rest < text.length) parts.push({ text: text.slice(rest), special: false });
    return parts;
  }
}

/** vocab.txt → tokens by line. Like HF's load_vocab (readlines + rstrip("\n")), and also drops "\r". */
export function parseVocabText(text: string): string[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

export function isChineseChar(cp: number): boolean {
  // BERT's "CJK Unified Ideographs" ranges (not Hangul, Hiragana or Katakana).
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

const CONTROL = /^\p{C}$/u;
const SPACE_SEPARATOR = /^\p{Zs}$/u;
const PUNCTUATION = /^\p{P}$/u;
const NONSPACING_MARK = /\p{Mn}/gu;

function isWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || SPACE_SEPARATOR.test(ch);
}

function isControl(ch: string): boolean {
  if (ch === '\t' || ch === '\n' || ch === '\r') return false;
  return CONTROL.test(ch);
}

function isPunctuation(ch: string): boolean {
  const cp = ch.codePointAt(0)!;
  // All non-letter/number ASCII counts as punctuation ("^", "$", "`" are not Unicode P*).
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126))
    return true;
  return PUNCTUATION.test(ch);
}

function cleanText(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0 || cp === 0xfffd || isControl(ch)) continue;
    out += isWhitespace(ch) ? ' ' : ch;
  }
  return out;
}

function spaceChineseChars(text: string): string {
  let out = '';
  for (const ch of text) out += isChineseChar(ch.codePointAt(0)!) ? ` ${ch} ` : ch;
  return out;
}

function whitespaceSplit(text: string): string[] {
  const t = text.trim();
  return t ? t.split(/\s+/u) : [];
}

function stripAccentMarks(word: string): string {
  return word.normalize('NFD').replace(NONSPACING_MARK, '');
}

function splitOnPunctuation(word: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const ch of word) {
    if (isPunctuation(ch)) {
      if (cur) out.push(cur);
      out.push(ch);
      cur = '';
    } else cur += ch;
  }
  if (cur) out.push(cur);
  return out;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
