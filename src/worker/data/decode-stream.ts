/**
 * Lines of a text stream (a .txt file or stdin, one document per line) decoded exactly as the
 * importer decodes whole files (decode.ts: UTF-8, UTF-16 with or without BOM, GB18030, refused
 * look-alike encodings, NULs removed with a warning), with memory bounded by the longest line:
 * the encoding is chosen from the first 64 KB, then the rest is decoded strictly as it arrives.
 */
import type { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { InputError } from '../../shared/errors';
import { reportCorpusWarnings } from './corpus-warnings';
import { checkEncodingName, decodeBytes, detectEncoding, firstInvalidOffset, lineAt, whatwgKnows } from './decode';

/** Bytes read before the encoding is chosen; an input this short is decoded in one piece. */
const HEAD_BYTES = 64 * 1024;

export interface TextLinesOptions {
  /** Explicit encoding (iconv-lite name); otherwise detected as for files. */
  encoding?: string;
}

/** Every line (blank ones too, so output lines match input lines); warnings go to reportCorpusWarnings. */
export async function* textLines(input: Readable, name: string, opts: TextLinesOptions = {}): AsyncGenerator<string> {
  const chunks = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const next = async (): Promise<Buffer | undefined> => {
    try {
      const r = await chunks.next();
      return r.done ? undefined : typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
    } catch (e) {
      throw readError(e, name);
    }
  };

  const head: Buffer[] = [];
  let size = 0;
  let ended = false;
  while (size < HEAD_BYTES) {
    const b = await next();
    if (!b) {
      ended = true;
      break;
    }
    head.push(b);
    size += b.length;
  }
  const first = Buffer.concat(head);
  if (ended) {
    // All of it is in hand: the importer's decoding, byte for byte.
    const d = decodeBytes(first, name, { encoding: opts.encoding });
    reportCorpusWarnings(d.warnings);
    const lines = d.text.split(/\r\n|\n|\r/);
    if (lines[lines.length - 1] === '') lines.pop();
    yield* lines;
    return;
  }

  const warnings: string[] = [];
  const encoding = opts.encoding
    ? checkEncodingName(opts.encoding, name)
    : detectEncoding(first, name, warnings, true).encoding;
  reportCorpusWarnings(warnings);
  const decode = streamDecoder(encoding);
  const breaks = /\r\n|\n|\r(?!$)/; // a CR at the very end may be half of a CRLF split across chunks
  let rest = '';
  let line = 1; // line number of the first line in `rest`
  let offset = 0; // bytes before the current chunk
  let nuls = 0;
  let firstNulLine = 0;
  const clean = (s: string): string => {
    if (!s.includes('\0')) return s;
    const out = s.replace(/\0/g, '');
    if (!nuls) firstNulLine = line;
    nuls += s.length - out.length;
    return out;
  };
  for (let chunk: Buffer | undefined = first; chunk; chunk = await next()) {
    let text: string;
    try {
      text = decode(chunk, false);
    } catch {
      throw notDecodable(chunk, encoding, name, offset, line + (rest.match(/\r\n|\n|\r/g)?.length ?? 0));
    }
    offset += chunk.length;
    const parts = (rest + text).split(breaks);
    rest = parts.pop()!;
    for (const p of parts) {
      yield clean(p);
      line++;
    }
  }
  try {
    rest += decode(Buffer.alloc(0), true);
  } catch {
    throw notDecodable(Buffer.alloc(0), encoding, name, offset, line);
  }
  if (rest.endsWith('\r')) rest = rest.slice(0, -1);
  if (rest !== '') yield clean(rest);
  if (nuls) reportCorpusWarnings([`${name}: removed ${nuls} NUL character(s), first on line ${firstNulLine}`]);
}

/** Strict where the platform decoder knows the encoding (errors, not U+FFFD); iconv-lite otherwise. */
function streamDecoder(encoding: string): (chunk: Buffer, last: boolean) => string {
  if (whatwgKnows(encoding)) {
    const d = new TextDecoder(encoding, { fatal: true });
    return (chunk, last) => d.decode(chunk, { stream: !last });
  }
  const d = iconv.getDecoder(encoding);
  return (chunk, last) => d.write(chunk) + (last ? (d.end() ?? '') : '');
}

function notDecodable(chunk: Buffer, encoding: string, file: string, before: number, lineOfChunk: number): InputError {
  const at = firstInvalidOffset(chunk, encoding) ?? Math.max(0, chunk.length - 1);
  const line = lineOfChunk + lineAt(chunk, at, encoding) - 1;
  const offset = before + at;
  return new InputError(
    'INPUT_ENCODING',
    `${file}:${line}: bytes at offset ${offset} are not valid ${encoding}; fix or convert the file, or pass --encoding.`,
    { file, line, offset, encoding },
  );
}

/** File-system errors (a missing file, a directory) as the importer reports them. */
function readError(e: unknown, name: string): unknown {
  const err = e as NodeJS.ErrnoException;
  if (e instanceof InputError || typeof err?.syscall !== 'string') return e;
  const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.message;
  return new InputError('CONFIG', `${name}: cannot read input file: ${why}`, { file: name });
}
