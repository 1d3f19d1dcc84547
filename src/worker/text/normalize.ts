/**
 * Text normalization: the "noise in X" tricks of the research digest (section C) applied before
 * tokenization, so that variants of the same surface form share one vocabulary entry.
 *
 * Order matters and is fixed: width → traditional/simplified → placeholders → lowercase →
 * whitespace. Width goes first so that full-width digits, '＠' and '：／／' are seen by the
 * placeholder patterns; placeholders go before lowercasing only because URLs are matched
 * case-insensitively anyway and the placeholders themselves are lowercase.
 */
import { createRequire } from 'node:module';

export interface NormalizeOptions {
  /** Full-width ASCII (U+FF01–U+FF5E) and the ideographic space → half-width. Default true. */
  fullToHalfWidth?: boolean;
  /** Traditional → simplified Chinese via opencc-js (Taiwan variants → mainland). Default false. */
  traditionalToSimplified?: boolean;
  /** Lowercase cased letters (Latin, Greek, Cyrillic, …). Default true. */
  lowercase?: boolean;
  /** URLs → <url>, emails → <email>, @mentions → <at>, numbers → <num>. Default true. */
  placeholders?: boolean;
}

export const defaultNormalizeOptions: Required<NormalizeOptions> = {
  fullToHalfWidth: true,
  traditionalToSimplified: false,
  lowercase: true,
  placeholders: true,
};

/** The placeholder tokens. Tokenizers keep these whole (see tokenize.ts). */
export const PLACEHOLDERS = ['<url>', '<email>', '<at>', '<num>'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** Matches one placeholder; shared with the tokenizers so both sides agree on the set. */
export const PLACEHOLDER_SOURCE = '<(?:url|email|at|num)>';

/** Full-width forms → ASCII. The block U+FF01–U+FF5E is ASCII shifted by 0xFEE0. */
export function toHalfWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E\u3000]/g, (c) =>
    c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0),
  );
}

type Converter = (s: string) => string;
let t2s: Converter | undefined;

/**
 * Traditional → simplified. opencc-js builds its dictionary trie on first use (~20 ms) and the
 * module itself is not small, so it is required synchronously on first call (keeping
 * normalizeText synchronous) and the converter is cached for the life of the process.
 */
export function toSimplified(text: string): string {
  if (!t2s) {
    const require = createRequire(import.meta.url);
    const opencc = require('opencc-js/t2cn') as {
      Converter(o: { from: string; to: string }): Converter;
    };
    // 'tw' = OpenCC standard traditional plus Taiwan variant characters (e.g. 著 → 着).
    t2s = opencc.Converter({ from: 'tw', to: 'cn' });
  }
  return t2s(text);
}

// URL characters per RFC 3986 (ASCII only: a URL ends at the first CJK character or space).
const URL_CHARS = "[A-Za-z0-9\\-._~:/?#\\[\\]@!$&'()*+,;=%]";
const SCHEME_URL = new RegExp(`(?:https?://|ftp://|www\\.)${URL_CHARS}+`, 'gi');
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
// Bare domains only with a common TLD, so that "3.5" or "a.b" are not taken for hosts.
const BARE_DOMAIN = new RegExp(
  `(?<![A-Za-z0-9@.-])[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.(?:com|cn|net|org|edu|gov|io|info|me|cc|tv|hk|tw)(?![A-Za-z0-9-])(?:/${URL_CHARS}*)?`,
  'gi',
);
// Weibo-style mentions: @ followed by letters (any script), digits, '_' or '-'; they end at
// whitespace or punctuation. Not preceded by a word character (that would be an email).
const MENTION = /(?<![A-Za-z0-9._%+-])@[\p{L}\p{M}\p{N}_-]+/gu;
// Numbers: integers, thousands groups (1,000), decimals, optional percent. Digits glued to a
// preceding Latin letter (mp3, iphone13, covid19) are part of a name and left alone.
const NUMBER = /(?<![A-Za-z0-9])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?/g;
// Punctuation that ends a sentence rather than a URL.
const URL_TRAILING = /[.,!?;:'")\]]+$/;

function replaceUrl(m: string): string {
  const tail = URL_TRAILING.exec(m)?.[0] ?? '';
  return `<url>${tail}`;
}

export function replacePlaceholders(text: string): string {
  // URLs first: they contain '@', digits and domains that the later patterns would eat.
  return text
    .replace(SCHEME_URL, replaceUrl)
    .replace(EMAIL, '<email>')
    .replace(BARE_DOMAIN, replaceUrl)
    .replace(MENTION, '<at>')
    .replace(NUMBER, '<num>');
}

const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/g;

export function normalizeText(text: string, opts: NormalizeOptions = {}): string {
  const o = { ...defaultNormalizeOptions, ...opts };
  let s = text.replace(ZERO_WIDTH, '');
  if (o.fullToHalfWidth) s = toHalfWidth(s);
  if (o.traditionalToSimplified) s = toSimplified(s);
  if (o.placeholders) s = replacePlaceholders(s);
  if (o.lowercase) s = s.toLowerCase();
  return s.replace(/\s+/gu, ' ').trim();
}
