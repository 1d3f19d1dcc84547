/**
 * tokenizer-spec.md: how a text becomes the model's input ids, written for someone who has only the
 * exported files (no Distillery). Generic rules plus this model's settings (flags, mode, T, head
 * length), so it can be followed step by step; reference-tokenizer.mjs and reference_tokenizer.py
 * implement it (tests check the JS one against TextPipeline and the ONNX model).
 */
import { DEFAULT_HEAD_SHARE } from '../text/encode';
import { PAD_MARGIN_KEY } from './onnx/pad-margin';
import { defaultNormalizeOptions } from '../text/normalize';
import { type SentenceGrid, type TextPipelineJSON } from '../text/pipeline';

export const TOKENIZER_SPEC_FILE = 'tokenizer-spec.md';
export const REFERENCE_TOKENIZER_FILES = ['reference-tokenizer.mjs', 'reference_tokenizer.py'] as const;

/** What the spec says about the model file beside it. */
export interface ModelIo {
  /** The ONNX file's name in this folder; absent when there is none (tfjs export). */
  onnxFile?: string;
  labels: readonly string[];
  task: string;
  threshold: number;
}

/** T and the head length of head+tail truncation, as encode.ts computes them. */
export function truncationOf(p: TextPipelineJSON): { T: number; mode: string; head: number } {
  const T = p.maxLen;
  const mode = p.config.truncation ?? 'head+tail';
  const head =
    mode === 'head'
      ? T
      : mode === 'tail'
        ? 0
        : Math.min(T, Math.max(0, Math.ceil(T * (p.config.headShare ?? DEFAULT_HEAD_SHARE))));
  return { T, mode, head };
}

/** Spec 2: how a hierarchical model's text becomes S sentence slots of W ids (TextPipeline.encodeGrid). */
function sentenceGridSection(grid: SentenceGrid, trunc: string): string[] {
  const { sentences: S, words: W } = grid;
  return [
    `## 0. Sentence grid (\`grid\` in tokenizer.json: ${S} sentences × ${W} tokens)`,
    '',
    'This model reads a text as a grid of sentences. Before step 1, split the **raw** text into sentences:',
    '- a sentence ends after a run of the characters `。！？；!?;` (the run stays with its sentence);',
    '- `.` also ends one, unless the next character is an ASCII letter or digit (so `3.5`, `www.a.com` stay whole);',
    '- CR and LF end a sentence and are dropped; trim every sentence and drop blank ones.',
    `Run steps 1–3 on each sentence separately and drop sentences left with no token. Keep at most S = ${S} sentences,`,
    `cut with \`${trunc}\` as in step 4 (counting sentences instead of tokens). Sentence s (from 0) fills ids [s·${W}, (s+1)·${W}),`,
    `truncated and post-padded to W = ${W} as in steps 4 and 5; slots after the last sentence are all 0. T below is S·W.`,
    'The reference tokenizers beside this page implement spec_version 1 (no sentence grid) and refuse this file.',
    '',
  ];
}

export function renderTokenizerSpec(p: TextPipelineJSON, io: ModelIo): string {
  const n = { ...defaultNormalizeOptions, ...p.config.normalize };
  const on = (b: boolean) => (b ? '**on** for this model' : '**off** for this model (skip it)');
  const { T, mode: trunc, head } = truncationOf(p);
  const C = io.labels.length;
  const multi = io.task === 'multilabel';
  const mode = p.config.mode;
  const stop = p.config.stopWords?.length ?? 0;
  const user = p.config.userWords?.length ?? 0;
  const dict = p.config.userDict?.file;
  const grid = p.grid;
  const lines = [
    `# Tokenizer specification (spec_version ${p.spec_version ?? 1})`,
    '',
    ...(grid ? sentenceGridSection(grid, trunc) : []),
    `This model reads a text as exactly **T = ${T}** integer ids. \`tokenizer.json\` holds everything the steps below need`,
    `(\`spec_version\`, \`config\`, \`maxLen\` = T, \`vocab.tokens\`); this page says what to do with it. Two implementations ship beside it:`,
    "`reference-tokenizer.mjs` (JavaScript, no dependencies; Distillery's tests check it against its own tokenizer and this",
    'model on 1,000 texts) and `reference_tokenizer.py` (Python standard library; char mode complete, word mode needs jieba).',
    'A file with a higher `spec_version` than an implementation knows must be refused by it.',
    '',
    '## 1. Normalise (in this order)',
    '',
    '1. Remove zero-width characters U+200B, U+200C, U+200D, U+2060, U+FEFF (always).',
    `2. Full-width → half-width (\`normalize.fullToHalfWidth\`, ${on(n.fullToHalfWidth)}): U+FF01–U+FF5E become U+0021–U+007E (minus 0xFEE0) and the ideographic space U+3000 a space. Only this block: it is **not** Unicode NFKC (half-width katakana, ①, ﬁ and the like stay as they are).`,
    `3. Traditional → simplified Chinese (\`normalize.traditionalToSimplified\`, ${on(n.traditionalToSimplified)}): OpenCC, Taiwan standard to mainland (\`tw\` → \`cn\`, opencc-js). The reference tokenizers do not include OpenCC and refuse a file with this flag on.`,
    `4. Placeholders (\`normalize.placeholders\`, ${on(n.placeholders)}), one pattern after the other over the whole text (the exact regular expressions are in \`reference-tokenizer.mjs\`):`,
    '   URLs starting with `http://`, `https://`, `ftp://` or `www.` (ASCII URL characters, case-insensitive) → `<url>`, keeping trailing `.,!?;:\'")]`;',
    '   e-mail addresses → `<email>`; bare domains ending in com, cn, net, org, edu, gov, io, info, me, cc, tv, hk or tw (optionally with a /path) → `<url>`;',
    '   @mentions (`@` then letters, marks, digits, `_` or `-`, not after a letter, digit or `._%+-`) → `<at>`;',
    '   numbers (ASCII digits, optional thousands groups `1,000`, decimals and `%`, not glued to a preceding Latin letter or digit) → `<num>`.',
    `5. Lowercase (\`normalize.lowercase\`, ${on(n.lowercase)}): Unicode default lower-casing (JavaScript \`toLowerCase\`, Python \`str.lower\`).`,
    '6. Whitespace: every run of whitespace (JavaScript `\\s`: tab, LF, VT, FF, CR, space, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF) becomes one space; then trim both ends.',
    '',
    `## 2. Tokenize (\`config.mode\` = \`${mode}\` for this model)`,
    '',
    '- `char`: scan left to right; at each position take the first that applies: a placeholder (`<url>`, `<email>`, `<at>`, `<num>`) as one token;',
    '  one character of the Han, Hiragana or Katakana script; a run of letters, combining marks and digits (Unicode L, M, N) of other scripts',
    '  (so `great`, `iphone13`, `ok`); any other non-space code point alone (punctuation, emoji: `😀` is one token). Spaces separate and are dropped.',
    '- `word`: split the text around placeholders (kept whole); cut each other part with jieba (`nodejieba.cut(part, true)`, HMM on, the',
    "  dictionary nodejieba ships); trim each word and drop blank ones. Python's `jieba` uses the same dictionary but is a different",
    '  implementation: a few words may be cut differently.' +
      (user ? ` This model adds ${user} word(s) to jieba's dictionary first (\`config.userWords\`).` : '') +
      (dict
        ? ` This model adds the words of the jieba user dictionary \`${dict}\` beside tokenizer.json first (\`config.userDict\`: one entry a line, \`word [freq] [tag]\`, \`#\` comment lines; Distillery inserts each line's first word, \`reference_tokenizer.py\` loads the file with \`jieba.load_userdict\`).`
        : ''),
    '- `both`: the `word` tokens followed by the `char` tokens of the same text.',
    `- Stop words (\`config.stopWords\`, ${stop ? `${stop} for this model` : 'none for this model'}${p.config.stopWordsFile ? `, from \`${p.config.stopWordsFile.file}\` beside tokenizer.json` : ''}): normalised as in step 1, then every token equal to one is dropped.`,
    '',
    '## 3. Look up ids',
    '',
    `The id of a token is its index in \`vocab.tokens\` (${p.vocab.tokens.length} entries for this model). Id 0 is \`<pad>\`, id 1 is \`<unk>\`:`,
    'a token outside the list (out of vocabulary) gets **1**, and so does the literal token `<pad>`, so that 0 only ever means padding.',
    '',
    grid
      ? `## 4. Truncate (\`config.truncation\` = \`${trunc}\`; with the sentence grid, apply 4 and 5 to each sentence with T = W = ${grid.words})`
      : `## 4. Truncate (\`config.truncation\` = \`${trunc}\`)`,
    '',
    trunc === 'head+tail'
      ? `A text with more than T = ${T} tokens keeps its first H = ⌈T · headShare⌉ = ${head} tokens and its last T − H = ${T - head} (headShare ${p.config.headShare ?? DEFAULT_HEAD_SHARE}).`
      : trunc === 'head'
        ? `A text with more than T = ${T} tokens keeps its first T.`
        : `A text with more than T = ${T} tokens keeps its last T.`,
    '',
    '## 5. Pad',
    '',
    `Post-pad with 0 to exactly T = ${T} ids: the model's output is defined on rows of T ids.`,
    `Where the ONNX file's metadata_props hold \`${PAD_MARGIN_KEY}\` = m, a batch may instead be cut to min(T, L + m) ids or more, L being the`,
    "position after the batch's last non-zero id: the same probabilities, less work (Distillery's `predict` does this). Otherwise feed T ids.",
    '',
    '## 6. Run the model',
    '',
    ...(io.onnxFile
      ? [
          `- \`${io.onnxFile}\`: input \`input_ids\`, int64, shape [batch, ${T}] (the rows of step 5).`,
          `- Outputs \`logits\` and \`probs\`, float32, shape [batch, ${C}], columns in the order of \`labels.json\` (${io.labels.map((l) => `\`${l}\``).join(', ')}).`,
          multi
            ? `- Multi-label: \`probs\` = sigmoid(\`logits\`); a label applies when its probability ≥ ${io.threshold}.`
            : '- `probs` = softmax(`logits`); the predicted label is the column with the highest probability.',
        ]
      : [
          '- The TensorFlow.js model (`model.json`) takes the same ids, int32, shape [batch, T], and outputs probabilities in the order of `labels.json`.',
        ]),
    '',
    '## Conformance',
    '',
    '- Check an implementation with `node reference-tokenizer.mjs tokenizer.json --json < texts.jsonl` (one JSON string per line in,',
    '  one JSON list of ids per line out); `python3 reference_tokenizer.py tokenizer.json --json` takes and prints the same.',
    "- Character classes follow the Unicode version of the runtime (JavaScript: its ICU, e.g. Unicode 17 in Node 20.20; Python 3.11's `unicodedata`: 14.0).",
    '  Characters assigned after the older of the two can differ; the Python file carries the Han/Hiragana/Katakana ranges of Unicode 17.',
    '',
  ];
  return lines.join('\n');
}
