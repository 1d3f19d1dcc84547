/**
 * The files a text option names (a jieba user dictionary, a stop-word list): read once at training,
 * copied beside tokenizer.json under fixed names and recorded there with their hash, so that
 * prediction from the model folder alone tokenizes exactly as training did.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DistilleryError, ModelFolderError } from '../../shared/errors';
import type { TruncateMode } from '../../shared/job-options';

export const USER_DICT_FILE = 'user-dict.txt';
export const STOPWORDS_FILE = 'stopwords.txt';

/** A file beside tokenizer.json, by name, and the sha256 of its bytes. */
export interface SideFile {
  file: string;
  sha256: string;
}
/** Side files' contents by file name. */
export type SideFiles = Record<string, string>;

export const sha256Of = (text: string): string => 'sha256:' + createHash('sha256').update(text, 'utf8').digest('hex');

/** The text options of a training (src/shared/job-options.ts TEXT_OPTIONS plus the two files). */
export interface TextOptions {
  t2s?: boolean;
  truncate?: TruncateMode;
  /** Path of a jieba user dictionary. */
  userDict?: string;
  /** Path of a stop-word list. */
  stopwords?: string;
}

function readOptionFile(file: string, what: string, field: string): string {
  try {
    return readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    throw new DistilleryError('CONFIG', `cannot read the ${what} ${file}: ${(e as Error).message}`, { file, field });
  }
}

/** A stop-word list's words: one a line, trimmed, blank lines skipped. */
export function parseStopWords(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/**
 * The text pipeline settings the options ask for, and the side files to write beside tokenizer.json.
 * Stop words go into tokenizer.json itself (the reference tokenizers read them there); the list is
 * copied too, as the user dictionary is, whose words jieba reads from the copy at prediction.
 */
export function pipelineTextInputs(o: TextOptions): {
  config: {
    normalize?: { traditionalToSimplified: boolean };
    truncation?: TruncateMode;
    stopWords?: string[];
    stopWordsFile?: SideFile;
    userDict?: SideFile;
  };
  files: SideFiles;
} {
  const config: ReturnType<typeof pipelineTextInputs>['config'] = {};
  const files: SideFiles = {};
  if (o.t2s !== undefined) config.normalize = { traditionalToSimplified: o.t2s };
  if (o.truncate !== undefined) config.truncation = o.truncate;
  if (o.userDict) {
    const text = readOptionFile(o.userDict, 'user dictionary', 'userDict');
    files[USER_DICT_FILE] = text;
    config.userDict = { file: USER_DICT_FILE, sha256: sha256Of(text) };
  }
  if (o.stopwords) {
    const text = readOptionFile(o.stopwords, 'stop-word list', 'stopwords');
    files[STOPWORDS_FILE] = text;
    config.stopWords = parseStopWords(text);
    config.stopWordsFile = { file: STOPWORDS_FILE, sha256: sha256Of(text) };
  }
  return { config, files };
}

/** A side file's record is a plain name in the folder (no path) with a sha256. */
function checkRecord(r: SideFile, field: string): void {
  if (
    !r ||
    typeof r.file !== 'string' ||
    r.file === '' ||
    r.file !== path.basename(r.file) ||
    r.file.startsWith('.') ||
    typeof r.sha256 !== 'string'
  ) {
    throw new ModelFolderError(
      `tokenizer.json: config.${field} must be {"file": a file name in the model folder, "sha256"}, got ${JSON.stringify(r)}`,
      { field },
    );
  }
}

/**
 * Reads the side files tokenizer.json names from `dir` (the model folder). The user dictionary is
 * required (without it word tokens would differ): missing, or not the file trained with, is an error
 * naming it. The stop-word list's copy is informational (the words are in tokenizer.json): read when there.
 */
export function readSideFiles(
  dir: string | undefined,
  c: { userDict?: SideFile; stopWordsFile?: SideFile },
): SideFiles {
  const files: SideFiles = {};
  if (c.userDict) {
    checkRecord(c.userDict, 'userDict');
    const file = dir === undefined ? c.userDict.file : path.join(dir, c.userDict.file);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new ModelFolderError(
        `${file}: the jieba user dictionary this model was trained with is missing (tokenizer.json names it in config.userDict); copy it back beside tokenizer.json`,
        { file, field: 'userDict' },
      );
    }
    if (sha256Of(text) !== c.userDict.sha256) {
      throw new ModelFolderError(
        `${file}: the jieba user dictionary differs from the one this model was trained with (sha256 in tokenizer.json config.userDict)`,
        { file, field: 'userDict' },
      );
    }
    files[c.userDict.file] = text;
  }
  if (c.stopWordsFile && dir !== undefined) {
    checkRecord(c.stopWordsFile, 'stopWordsFile');
    try {
      files[c.stopWordsFile.file] = readFileSync(path.join(dir, c.stopWordsFile.file), 'utf8');
    } catch {
      // The stop words themselves are in tokenizer.json.
    }
  }
  return files;
}
