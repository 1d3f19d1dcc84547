/**
 * Tokenizers for normalized text (see normalize.ts). Three modes, as in the digest's "char, word
 * or both as input":
 *  - 'char': one token per CJK character (Han, Hiragana, Katakana); runs of other letters/digits
 *    (Latin, Cyrillic, Hangul, …) as one token, so English and other spaced languages still give
 *    words; every other non-space character (punctuation, emoji) as its own token.
 *  - 'word': nodejieba (HMM on for unknown words); whitespace tokens dropped.
 *  - 'both': the word tokens followed by the char tokens of the same text. The vocabulary then
 *    holds both kinds (a single-character word and the same character share one entry), and a
 *    text is roughly twice as long, which the percentile-based maxLen accounts for.
 * In every mode the placeholders (<url>, <num>, …) come out as single tokens: jieba alone would
 * cut '<num>' into '<', 'num', '>', so the text is split around placeholders first.
 */
import { readFileSync } from 'node:fs';
import nodejieba from 'nodejieba';
import { DistilleryError } from '../../shared/errors';
import { PLACEHOLDER_SOURCE } from './normalize';

import type { TokenMode } from '../../shared/job-options';
export { TOKEN_MODES, type TokenMode } from '../../shared/job-options';

export interface TokenizeOptions {
  /** Tokens to drop (compared after tokenization, so they should be normalized like the text). */
  stopWords?: ReadonlySet<string>;
}

// Capturing group: String.split keeps the placeholders in the output at odd indices.
const PLACEHOLDER_SPLIT = new RegExp(`(${PLACEHOLDER_SOURCE})`);
const CJK = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}';
const CHAR_TOKEN = new RegExp(
  [
    PLACEHOLDER_SOURCE,
    `[${CJK}]`,
    // Letters (with combining marks) and digits of non-CJK scripts, as one run.
    `(?:(?![${CJK}])[\\p{L}\\p{M}\\p{N}])+`,
    // Anything else that is not whitespace, one code point at a time ('u' keeps surrogate
    // pairs such as emoji together).
    '\\S',
  ].join('|'),
  'gu',
);

export function charTokens(text: string): string[] {
  return text.match(CHAR_TOKEN) ?? [];
}

export function wordTokens(text: string): string[] {
  const out: string[] = [];
  const parts = text.split(PLACEHOLDER_SPLIT);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (i % 2 === 1) {
      out.push(part); // a placeholder
      continue;
    }
    if (part.trim() === '') continue;
    for (const w of nodejieba.cut(part, true)) {
      const t = w.trim();
      if (t !== '') out.push(t);
    }
  }
  return out;
}

export function tokenize(text: string, mode: TokenMode, opts: TokenizeOptions = {}): string[] {
  let tokens: string[];
  switch (mode) {
    case 'char':
      tokens = charTokens(text);
      break;
    case 'word':
      tokens = wordTokens(text);
      break;
    case 'both':
      tokens = wordTokens(text).concat(charTokens(text));
      break;
    default:
      throw new DistilleryError('CONFIG', `unknown token mode: ${String(mode)}`, { field: 'mode' });
  }
  const stop = opts.stopWords;
  return stop && stop.size > 0 ? tokens.filter((t) => !stop.has(t)) : tokens;
}

// Words inserted into jieba's (process-global) dictionary since it was last loaded.
const inserted = new Set<string>();
// The list useUserWords last made the dictionary hold: called before every text, it returns at once for it.
let current: readonly string[] | undefined;

/**
 * Adds words to jieba's dictionary so they are never split (e.g. product names, or words that
 * must match an embedding vocabulary). jieba's dictionary is process-global: every word mode
 * tokenizer in this process sees the words from then on. Idempotent.
 */
export function addUserWords(words: Iterable<string>): void {
  for (const w of words) {
    const word = w.trim();
    if (word !== '' && !inserted.has(word)) {
      nodejieba.insertWord(word);
      inserted.add(word);
      current = undefined;
    }
  }
}

/**
 * Makes jieba's dictionary the stock one plus exactly `words` (a model's user dictionary), so that a
 * model tokenizes as it did at training whatever another model in this process inserted before.
 * insertWord cannot be undone: when words inserted earlier are not among these, the stock dictionaries
 * are reloaded first (about a second), which happens only when models with different dictionaries
 * share a process.
 */
export function useUserWords(words: readonly string[]): void {
  if (words === current) return;
  const want = new Set(words.map((w) => w.trim()).filter((w) => w !== ''));
  for (const w of inserted) {
    if (!want.has(w)) {
      nodejieba.load();
      inserted.clear();
      break;
    }
  }
  addUserWords(want);
  current = words;
}

/** The words of a jieba user dictionary's text (one entry a line: `word [freq] [tag]`; '#' starts a comment line). */
export function parseUserDict(text: string): string[] {
  const words: string[] = [];
  for (const line of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const l = line.trim();
    if (l === '' || l.startsWith('#')) continue;
    words.push(l.split(/\s+/)[0]!);
  }
  return words;
}

/**
 * Reads a jieba user dictionary (UTF-8, one entry a line: `word [freq] [tag]`, '#' comments)
 * and inserts its words with insertWord rather than nodejieba.load, which would reload the main
 * dictionaries and drop words inserted earlier. The frequency and tag columns are not used
 * (nodejieba's insertWord takes a word). Returns the words.
 */
export function loadUserDict(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new DistilleryError('CONFIG', `cannot read user dictionary: ${(e as Error).message}`, {
      file: path,
    });
  }
  const words = parseUserDict(text);
  addUserWords(words);
  return words;
}
