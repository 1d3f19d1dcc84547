// Reference tokenizer for a Distillery student (tokenizer spec version 1, see tokenizer-spec.md):
// text → the T int64 ids that the exported ONNX model takes as `input_ids`. Plain JavaScript, no
// dependencies (Node ≥ 18 or a browser). Word and both modes need jieba: pass `cutWords`, e.g.
// `(t) => require('nodejieba').cut(t, true)`, the segmenter Distillery itself uses.
//
//   import { loadTokenizer } from './reference-tokenizer.mjs';
//   const tok = loadTokenizer(JSON.parse(fs.readFileSync('tokenizer.json', 'utf8')));
//   const ids = tok.encode('味道不错，送餐很快'); // number[] of length tok.maxLen
//   const feeds = { input_ids: new ort.Tensor('int64', tok.encodeBatchInt64(texts), [texts.length, tok.maxLen]) };
//
// As a command: `node reference-tokenizer.mjs tokenizer.json < texts.txt` prints one JSON list of
// ids per input line; with `--json` every input line is a JSON string (texts with line breaks).

export const SPEC_VERSION = 1;
const PAD = 0;
const UNK = 1;

const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/g;
const URL_CHARS = "[A-Za-z0-9\\-._~:/?#\\[\\]@!$&'()*+,;=%]";
const SCHEME_URL = new RegExp(`(?:https?://|ftp://|www\\.)${URL_CHARS}+`, 'gi');
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const BARE_DOMAIN = new RegExp(
  `(?<![A-Za-z0-9@.-])[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.(?:com|cn|net|org|edu|gov|io|info|me|cc|tv|hk|tw)(?![A-Za-z0-9-])(?:/${URL_CHARS}*)?`,
  'gi',
);
const MENTION = /(?<![A-Za-z0-9._%+-])@[\p{L}\p{M}\p{N}_-]+/gu;
const NUMBER = /(?<![A-Za-z0-9])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?/g;
const URL_TRAILING = /[.,!?;:'")\]]+$/;
const PLACEHOLDER = '<(?:url|email|at|num)>';
const CJK = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}';
const CHAR_TOKEN = new RegExp(`${PLACEHOLDER}|[${CJK}]|(?:(?![${CJK}])[\\p{L}\\p{M}\\p{N}])+|\\S`, 'gu');
const PLACEHOLDER_SPLIT = new RegExp(`(${PLACEHOLDER})`);

/** Spec step 1: the normalisation, in this order. */
export function normalize(text, n) {
  let s = text.replace(ZERO_WIDTH, '');
  if (n.fullToHalfWidth)
    s = s.replace(/[\uFF01-\uFF5E\u3000]/g, (c) =>
      c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0),
    );
  if (n.traditionalToSimplified)
    throw new Error(
      'tokenizer.json: traditionalToSimplified needs OpenCC (opencc-js, tw → cn); this reference tokenizer does not include it',
    );
  if (n.placeholders) {
    const url = (m) => `<url>${URL_TRAILING.exec(m)?.[0] ?? ''}`;
    s = s
      .replace(SCHEME_URL, url)
      .replace(EMAIL, '<email>')
      .replace(BARE_DOMAIN, url)
      .replace(MENTION, '<at>')
      .replace(NUMBER, '<num>');
  }
  if (n.lowercase) s = s.toLowerCase();
  return s.replace(/\s+/gu, ' ').trim();
}

/** Spec step 2, char mode. */
export function charTokens(s) {
  return s.match(CHAR_TOKEN) ?? [];
}

/** Spec step 2, word mode: placeholders whole, jieba on the rest, blank words dropped. */
export function wordTokens(s, cutWords) {
  if (!cutWords)
    throw new Error('tokenizer.json: word tokens need jieba; pass cutWords, e.g. (t) => nodejieba.cut(t, true)');
  const out = [];
  s.split(PLACEHOLDER_SPLIT).forEach((part, i) => {
    if (i % 2 === 1) out.push(part);
    else if (part.trim() !== '') for (const w of cutWords(part)) if (w.trim() !== '') out.push(w.trim());
  });
  return out;
}

/** Spec step 4: at most T tokens. */
export function truncate(tokens, T, mode, headShare) {
  if (tokens.length <= T) return tokens.slice();
  if (mode === 'head') return tokens.slice(0, T);
  if (mode === 'tail') return tokens.slice(tokens.length - T);
  const head = Math.min(T, Math.max(0, Math.ceil(T * headShare)));
  return tokens.slice(0, head).concat(tokens.slice(tokens.length - (T - head)));
}

export function loadTokenizer(json, { cutWords } = {}) {
  if (json?.format !== 'distillery.text-pipeline')
    throw new Error(`not a Distillery tokenizer.json (format ${json?.format})`);
  if ((json.spec_version ?? 1) > SPEC_VERSION)
    throw new Error(`tokenizer.json has spec_version ${json.spec_version}; this reference implements ${SPEC_VERSION}`);
  const c = json.config;
  const T = json.maxLen;
  const index = new Map(json.vocab.tokens.map((t, i) => [t, i]));
  const stop = new Set((c.stopWords ?? []).map((w) => normalize(w, c.normalize)).filter((w) => w));
  if (c.mode !== 'char' && c.userWords?.length && cutWords)
    console.warn('tokenizer.json has userWords: add them to your jieba dictionary first');
  if (c.mode !== 'char' && c.userDict && cutWords)
    console.warn(
      `tokenizer.json names a jieba user dictionary: load ${c.userDict.file} (beside it) into your jieba first, e.g. nodejieba.insertWord for each line's first word`,
    );
  const tokens = (text) => {
    const s = normalize(text, c.normalize);
    const t =
      c.mode === 'char'
        ? charTokens(s)
        : c.mode === 'word'
          ? wordTokens(s, cutWords)
          : wordTokens(s, cutWords).concat(charTokens(s));
    return stop.size ? t.filter((x) => !stop.has(x)) : t;
  };
  const encode = (text) => {
    const ids = new Array(T).fill(PAD);
    truncate(tokens(text), T, c.truncation ?? 'head+tail', c.headShare ?? 0.25).forEach((t, i) => {
      const id = index.get(t) ?? UNK;
      ids[i] = id === PAD ? UNK : id;
    });
    return ids;
  };
  const encodeBatchInt64 = (texts) => BigInt64Array.from(texts.flatMap(encode), BigInt);
  return { maxLen: T, mode: c.mode, tokens, encode, encodeBatchInt64 };
}

const isMain =
  typeof process !== 'undefined' &&
  process.argv[1] &&
  import.meta.url === (await import('node:url')).pathToFileURL(process.argv[1]).href;
if (isMain) {
  const { readFileSync } = await import('node:fs');
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const file = args.find((a) => a !== '--json');
  if (!file) {
    process.stderr.write('usage: node reference-tokenizer.mjs tokenizer.json [--json] < texts\n');
    process.exit(2);
  }
  const tok = loadTokenizer(JSON.parse(readFileSync(file, 'utf8')));
  const lines = readFileSync(0, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  process.stdout.write(
    lines.map((l) => JSON.stringify(tok.encode(json ? JSON.parse(l) : l.replace(/\r$/, '')))).join('\n') +
      (lines.length ? '\n' : ''),
  );
}
