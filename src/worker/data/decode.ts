/**
 * Bytes → text for corpus files, choosing the encoding.
 *
 * Auto-detection accepts UTF-8 (BOM optional), UTF-16LE/BE (with BOM, or an unmistakable NUL
 * pattern), and GB18030 (GBK/GB2312 superset, 4-byte sequences included). Big5, Shift-JIS, EUC-KR
 * and EUC-JP are also valid GB18030 byte streams, so decoding them as GB18030 silently yields
 * garbage; we recognise them (jschardet's frequency models plus our own byte-range plausibility)
 * and refuse with INPUT_ENCODING, telling the user to convert or pass `encoding` explicitly.
 *
 * NUL characters are stripped (not an error): stray NULs are common in exports from spreadsheets
 * and databases and carry no text. The count and first line go into `warnings`.
 */
import { readFile } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import jschardet from 'jschardet';
import { DistilleryError, InputError } from '../../shared/errors';

export interface DecodeOptions {
  /** Explicit encoding (iconv-lite name, e.g. 'gb18030', 'big5', 'shift_jis'); skips detection. */
  encoding?: string;
}

export interface Decoded {
  text: string;
  /** Encoding used: 'utf-8', 'utf-16le', 'utf-16be', 'gb18030', or the explicit name. */
  encoding: string;
  bom: boolean;
  /** NUL characters removed from the text. */
  nulsRemoved: number;
  warnings: string[];
}

/** Bytes sampled for statistical detection; enough for jschardet to be sure, cheap on big files. */
const SAMPLE_BYTES = 64 * 1024;

/** Encodings we recognise but refuse to guess, with the names users know them by. */
const REFUSED: Record<string, string> = {
  big5: 'Big5 (traditional Chinese)',
  shift_jis: 'Shift-JIS (Japanese)',
  'euc-jp': 'EUC-JP (Japanese)',
  'euc-kr': 'EUC-KR (Korean)',
  'euc-tw': 'EUC-TW (traditional Chinese)',
};

export async function readTextFile(file: string, opts: DecodeOptions = {}): Promise<Decoded> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.message;
    throw new InputError('CONFIG', `${file}: cannot read input file: ${why}`, { file });
  }
  return decodeBytes(bytes, file, opts);
}

export function decodeBytes(bytes: Uint8Array, file: string, opts: DecodeOptions = {}): Decoded {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const warnings: string[] = [];
  const { text, encoding, bom } = opts.encoding
    ? decodeExplicit(buf, file, opts.encoding)
    : decodeAuto(buf, file, warnings);
  const cleaned = stripNuls(text);
  if (cleaned.removed > 0) {
    warnings.push(`${file}: removed ${cleaned.removed} NUL character(s), first on line ${cleaned.firstLine}`);
  }
  return { text: cleaned.text, encoding, bom, nulsRemoved: cleaned.removed, warnings };
}

// ---------------------------------------------------------------------------------------------

interface Choice {
  text: string;
  encoding: string;
  bom: boolean;
}

function decodeAuto(buf: Buffer, file: string, warnings: string[]): Choice {
  const { encoding, bom } = detectEncoding(buf, file, warnings);
  const text = encoding === 'utf-32le' ? iconv.decode(buf, encoding) : strict(buf, encoding, file);
  return { text, encoding, bom };
}

/**
 * Chooses the encoding of `buf` as decodeBytes does, without decoding all of it. With `partial`,
 * `buf` is the head of a longer stream (see decode-stream.ts): a character cut at its end is not
 * an error. Throws INPUT_ENCODING for spreadsheets, refused look-alike encodings and bytes that are
 * neither UTF-8 nor GB18030.
 */
export function detectEncoding(
  bytes: Uint8Array,
  file: string,
  warnings: string[],
  partial = false,
): { encoding: string; bom: boolean } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (hasPrefix(buf, [0x50, 0x4b, 0x03, 0x04]) || hasPrefix(buf, [0xd0, 0xcf, 0x11, 0xe0])) {
    throw new InputError(
      'INPUT_ENCODING',
      `${file}: this is a spreadsheet (xlsx/xls) or zip archive, not a text file; export it as CSV (UTF-8) first.`,
      { file, offset: 0, line: 1 },
    );
  }
  if (hasPrefix(buf, [0xef, 0xbb, 0xbf])) return { encoding: 'utf-8', bom: true };
  if (hasPrefix(buf, [0xff, 0xfe, 0x00, 0x00])) return { encoding: 'utf-32le', bom: true };
  if (hasPrefix(buf, [0xff, 0xfe])) return { encoding: 'utf-16le', bom: true };
  if (hasPrefix(buf, [0xfe, 0xff])) return { encoding: 'utf-16be', bom: true };

  // UTF-16 without BOM: ASCII-range text leaves a NUL in every other byte. Checked before UTF-8
  // because such bytes are technically valid UTF-8 (NUL is ASCII).
  const utf16 = sniffUtf16(buf);
  if (utf16) {
    warnings.push(`${file}: no byte-order mark; decoded as ${utf16} from its NUL-byte pattern`);
    return { encoding: utf16, bom: false };
  }

  // A stream's head may end inside a character: judge it up to its last line feed (a byte that is
  // never part of a multi-byte UTF-8 or GB18030 character).
  let head = buf;
  if (partial) {
    const nl = buf.lastIndexOf(0x0a);
    if (nl > 0) head = buf.subarray(0, nl + 1);
  }
  if (isUtf8(head)) return { encoding: 'utf-8', bom: false };
  // Mostly-CJK UTF-16 has NULs only after its ASCII (newlines, digits, commas): too few for the
  // check above, but as bytes it is neither UTF-8 nor plausible GB18030.
  const cjk16 = sniffCjkUtf16(head);
  if (cjk16) {
    warnings.push(`${file}: no byte-order mark; decoded as ${cjk16} from its NUL-byte pattern`);
    return { encoding: cjk16, bom: false };
  }
  decodeLegacyCjk(head, file);
  return { encoding: 'gb18030', bom: false };
}

/**
 * Not UTF-8: GB18030 if it decodes and looks like Chinese (returns); refuse look-alike encodings;
 * otherwise report the first undecodable byte.
 */
function decodeLegacyCjk(buf: Buffer, file: string): void {
  const gb = scanGb18030(buf);
  const detected = detectSample(buf);
  const refused = detected && REFUSED[detected.encoding] && detected.confidence >= 0.5 ? detected.encoding : undefined;

  if (gb.invalidAt === undefined) {
    const jsSaysGb = detected?.encoding === 'gb18030' && detected.confidence >= 0.5;
    if (jsSaysGb || (!refused && gb.plausibility >= 0.6)) return;
  }

  // Only needed for the messages below; the caller saw isUtf8() fail, so there is a bad byte.
  const badUtf8 = firstInvalidOffset(buf, 'utf-8') ?? 0;
  const suspect = refused ?? ownGuess(buf);
  const badLine = lineAt(buf, badUtf8, 'utf-8');
  if (suspect) {
    throw new InputError(
      'INPUT_ENCODING',
      `${file}: the file looks like ${REFUSED[suspect] ?? suspect}, which is not decoded automatically ` +
        `(first non-UTF-8 byte at offset ${badUtf8}, line ${badLine}). ` +
        `Convert it to UTF-8 (e.g. iconv -f ${suspect.toUpperCase()} -t UTF-8) or pass --encoding ${suspect}.`,
      { file, line: badLine, offset: badUtf8, encoding: suspect },
    );
  }

  const hint = detected ? ` (it may be ${detected.encoding})` : '';
  if (gb.invalidAt === undefined) {
    throw new InputError(
      'INPUT_ENCODING',
      `${file}: not UTF-8 (first non-UTF-8 byte at offset ${badUtf8}, line ${badLine}), and its bytes decode as ` +
        `GB18030 but do not look like Chinese text${hint}. Convert the file to UTF-8, or pass --encoding ` +
        `with its real encoding (--encoding gb18030 if it really is GB18030).`,
      { file, line: badLine, offset: badUtf8, encoding: detected?.encoding },
    );
  }

  // Undecodable as anything we accept: point at the byte where the likelier reading breaks.
  const [enc, offset] = gb.invalidAt > badUtf8 ? (['gb18030', gb.invalidAt] as const) : (['utf-8', badUtf8] as const);
  const line = lineAt(buf, offset, enc);
  throw new InputError(
    'INPUT_ENCODING',
    `${file}:${line}: byte 0x${buf[offset]!.toString(16).padStart(2, '0')} at offset ${offset} is not valid ` +
      `${enc === 'utf-8' ? 'UTF-8' : 'GB18030'}; the file is neither UTF-8 nor GB18030${hint}. ` +
      `Convert it to UTF-8 or pass --encoding with its real encoding.`,
    { file, line, offset, encoding: enc },
  );
}

/** Big5 / Shift-JIS by our own byte statistics, for samples too short for jschardet. */
function ownGuess(buf: Buffer): string | undefined {
  if (validAs(buf, 'shift_jis') && kanaFraction(buf) >= 0.1) return 'shift_jis';
  if (validAs(buf, 'big5') && big5Plausibility(buf) >= 0.6) return 'big5';
  return undefined;
}

/** An explicit encoding name, normalised; CONFIG error naming it if iconv-lite does not know it. */
export function checkEncodingName(name: string, file: string): string {
  const encoding = name.trim().toLowerCase();
  if (!iconv.encodingExists(encoding)) {
    throw new DistilleryError(
      'CONFIG',
      `unknown encoding '${name}' (use an iconv-lite name such as utf-8, gb18030, big5)`,
      {
        file,
        field: 'encoding',
      },
    );
  }
  return encoding;
}

function decodeExplicit(buf: Buffer, file: string, name: string): Choice {
  const encoding = checkEncodingName(name, file);
  const bom =
    (/^utf-?8$/.test(encoding) && hasPrefix(buf, [0xef, 0xbb, 0xbf])) ||
    (/^(utf-?16|ucs-?2)/.test(encoding) && (hasPrefix(buf, [0xff, 0xfe]) || hasPrefix(buf, [0xfe, 0xff])));
  // Strict decoding where the platform decoder knows the label, so bad bytes are reported,
  // not replaced by U+FFFD; otherwise iconv-lite (lenient) for its extra code pages.
  if (whatwgKnows(encoding) && !/^(utf-?16|ucs-?2)$/.test(encoding))
    return { text: strict(buf, encoding, file), encoding, bom };
  return { text: iconv.decode(buf, encoding), encoding, bom };
}

// --- strict decoding and error location --------------------------------------------------------

function validAs(buf: Uint8Array, encoding: string): boolean {
  try {
    new TextDecoder(encoding, { fatal: true }).decode(buf);
    return true;
  } catch {
    return false;
  }
}

export function whatwgKnows(label: string): boolean {
  try {
    new TextDecoder(label);
    return true;
  } catch {
    return false;
  }
}

/** Decode with the platform decoder in fatal mode; BOM is dropped. Errors carry offset and line. */
function strict(buf: Buffer, encoding: string, file: string): string {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(buf);
  } catch {
    const offset = firstInvalidOffset(buf, encoding) ?? buf.length - 1;
    const line = lineAt(buf, offset, encoding);
    throw new InputError(
      'INPUT_ENCODING',
      `${file}:${line}: bytes at offset ${offset} are not valid ${encoding}; fix or convert the file, or pass --encoding.`,
      { file, line, offset, encoding },
    );
  }
}

/**
 * Byte offset of the first undecodable byte, or undefined if all decodes. A streaming decoder
 * tolerates a truncated final sequence, so "prefix fails" is monotone and we can binary-search.
 */
export function firstInvalidOffset(buf: Uint8Array, encoding: string): number | undefined {
  const fails = (n: number): boolean => {
    try {
      new TextDecoder(encoding, { fatal: true }).decode(buf.subarray(0, n), { stream: n < buf.length });
      return false;
    } catch {
      return true;
    }
  };
  if (!fails(buf.length)) return undefined;
  let lo = 0; // prefix of length lo decodes
  let hi = buf.length; // prefix of length hi fails
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (fails(mid)) hi = mid;
    else lo = mid;
  }
  return hi - 1;
}

/** 1-based line of a byte offset: count line breaks in the leniently decoded prefix. */
export function lineAt(buf: Uint8Array, offset: number, encoding: string): number {
  const prefix = new TextDecoder(whatwgKnows(encoding) ? encoding : 'utf-8').decode(buf.subarray(0, offset));
  return countLineBreaks(prefix) + 1;
}

function countLineBreaks(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10) n++;
    else if (c === 13) {
      n++;
      if (s.charCodeAt(i + 1) === 10) i++;
    }
  }
  return n;
}

function stripNuls(text: string): { text: string; removed: number; firstLine: number } {
  const first = text.indexOf('\0');
  if (first < 0) return { text, removed: 0, firstLine: 0 };
  const out = text.replace(/\0/g, '');
  return { text: out, removed: text.length - out.length, firstLine: countLineBreaks(text.slice(0, first)) + 1 };
}

function hasPrefix(buf: Uint8Array, prefix: number[]): boolean {
  return buf.length >= prefix.length && prefix.every((b, i) => buf[i] === b);
}

/** 'utf-16le'/'utf-16be' when ≥25% of sampled bytes are NUL and nearly all sit on one parity. */
function sniffUtf16(buf: Buffer): 'utf-16le' | 'utf-16be' | undefined {
  const n = Math.min(buf.length, SAMPLE_BYTES) & ~1;
  if (n < 4) return undefined;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i++) {
    if (buf[i] === 0) {
      if (i & 1) odd++;
      else even++;
    }
  }
  if (even + odd < n / 4) return undefined;
  if (odd >= 0.95 * (even + odd)) return 'utf-16le';
  if (even >= 0.95 * (even + odd)) return 'utf-16be';
  return undefined;
}

/**
 * UTF-16 without BOM whose text is mostly CJK: fewer NULs than sniffUtf16 needs (only ASCII line
 * feeds, digits and commas, and characters such as 一 U+4E00, have a zero byte), and they sit on
 * either parity. So: at least two zero bytes, and the byte order under which ≥ 90 % of the
 * characters are text in common scripts. GB18030, Big5 or Shift-JIS bytes read as UTF-16 either
 * way land in Hangul, surrogates and private use, and so do UTF-16 bytes read in the wrong order.
 */
function sniffCjkUtf16(buf: Buffer): 'utf-16le' | 'utf-16be' | undefined {
  const n = Math.min(buf.length, SAMPLE_BYTES) & ~1;
  let zeros = 0;
  for (let i = 0; i < n && zeros < 2; i++) if (buf[i] === 0) zeros++;
  if (zeros < 2) return undefined;
  for (const enc of ['utf-16le', 'utf-16be'] as const) {
    let plausible = 0;
    let total = 0;
    for (const ch of new TextDecoder(enc).decode(buf.subarray(0, n))) {
      total++;
      if (PLAUSIBLE_TEXT.test(ch)) plausible++;
    }
    if (total > 0 && plausible >= 0.9 * total) return enc;
  }
  return undefined;
}

/** Whitespace, ASCII, Latin, general and CJK punctuation, kana, CJK ideographs, full-width forms, emoji. */
const PLAUSIBLE_TEXT =
  /[\t\n\r\x20-\x7e\u00a0-\u024f\u2000-\u206f\u2100-\u27bf\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]|[\u{1f000}-\u{1faff}\u{20000}-\u{3134f}]/u;

// --- statistics --------------------------------------------------------------------------------

/** jschardet on a line-aligned sample, its name mapped to ours; single-byte guesses are kept only as hints. */
function detectSample(buf: Buffer): { encoding: string; confidence: number } | undefined {
  let sample = buf.subarray(0, SAMPLE_BYTES);
  if (buf.length > SAMPLE_BYTES) {
    const nl = sample.lastIndexOf(0x0a);
    if (nl > 0) sample = sample.subarray(0, nl + 1);
  }
  const r = jschardet.detect(sample);
  if (!r.encoding) return undefined;
  const name = r.encoding.toLowerCase();
  const map: Record<string, string> = {
    gb2312: 'gb18030',
    gbk: 'gb18030',
    gb18030: 'gb18030',
    big5: 'big5',
    shift_jis: 'shift_jis',
  };
  return { encoding: map[name] ?? name, confidence: r.confidence };
}

/**
 * Structural GB18030 scan. Plausibility = share of multi-byte characters that are common
 * simplified Chinese: GB2312 level-1 hanzi (rows B0–D7), CJK punctuation and full-width forms
 * (rows A1, A3), pinyin letters (A8A1–A8C0), or 4-byte sequences (rare on purpose: other encodings almost never form them).
 * Real Chinese text scores ≥0.9; Big5 or Shift-JIS misread as GB18030 scores ≤0.3.
 */
export function scanGb18030(buf: Uint8Array): { invalidAt?: number; plausibility: number } {
  let good = 0;
  let total = 0;
  for (let i = 0; i < buf.length;) {
    const a = buf[i]!;
    if (a < 0x80) {
      i++;
      continue;
    }
    total++;
    if (a === 0x80) {
      i++; // single-byte euro sign (CP936), accepted by the WHATWG decoder
      continue;
    }
    if (a === 0xff) return { invalidAt: i, plausibility: 0 };
    const b = buf[i + 1];
    if (b === undefined) return { invalidAt: i, plausibility: 0 };
    if (b >= 0x30 && b <= 0x39) {
      const c = buf[i + 2];
      const d = buf[i + 3];
      if (c === undefined || c < 0x81 || c > 0xfe) return { invalidAt: i, plausibility: 0 };
      if (d === undefined || d < 0x30 || d > 0x39) return { invalidAt: i, plausibility: 0 };
      const pointer = (a - 0x81) * 12600 + (b - 0x30) * 1260 + (c - 0x81) * 10 + (d - 0x30);
      if (pointer > 39419 && (pointer < 189000 || pointer > 1237575)) return { invalidAt: i, plausibility: 0 };
      good++;
      i += 4;
      continue;
    }
    if (b < 0x40 || b === 0x7f || b === 0xff) return { invalidAt: i, plausibility: 0 };
    if (b >= 0xa1 && ((a >= 0xb0 && a <= 0xd7) || a === 0xa1 || a === 0xa3 || (a === 0xa8 && b <= 0xc0))) good++;
    i += 2;
  }
  return { plausibility: total ? good / total : 0 };
}

/** Share of Big5 characters in its symbol rows and level-1 (common) hanzi, A140–C67E. */
function big5Plausibility(buf: Uint8Array): number {
  let good = 0;
  let total = 0;
  for (let i = 0; i < buf.length;) {
    const a = buf[i]!;
    if (a < 0x80) {
      i++;
      continue;
    }
    total++;
    if (a >= 0xa1 && a <= 0xc6) good++;
    i += 2;
  }
  return total ? good / total : 0;
}

/**
 * Share of Shift-JIS characters that are full-width kana (hiragana 829F–82F1, katakana 8340–8396),
 * which almost all Japanese prose has and Chinese encodings never produce (their leads start at
 * A1 in practice). Half-width kana bytes A1–DF are skipped: Big5 lead bytes look just like them.
 */
function kanaFraction(buf: Uint8Array): number {
  let kana = 0;
  let total = 0;
  for (let i = 0; i < buf.length;) {
    const a = buf[i]!;
    if (a < 0x80) {
      i++;
      continue;
    }
    total++;
    if (a >= 0xa1 && a <= 0xdf) {
      i++;
      continue;
    }
    const b = buf[i + 1] ?? 0;
    if ((a === 0x82 && b >= 0x9f && b <= 0xf1) || (a === 0x83 && b >= 0x40 && b <= 0x96)) kana++;
    i += 2;
  }
  return total ? kana / total : 0;
}
