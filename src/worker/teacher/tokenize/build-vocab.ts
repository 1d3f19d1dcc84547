/**
 * A WordPiece vocabulary learned from the project's own texts, for a teacher pre-trained from scratch
 * (`distillery teacher pretrain`). BERT's BasicTokenizer splits CJK text into single characters, so for
 * Chinese the vocabulary is the corpus's characters by frequency; for other scripts it holds frequent
 * whole words plus every character seen, as a word start and as a "##" continuation, so any word made of
 * known characters still tokenizes without [UNK].
 */
import { DistilleryError } from '../../../shared/errors';
import { SPECIAL_TOKENS } from '../model/random-bert';
import { WordPieceTokenizer } from './wordpiece';

export interface BuildVocabOptions {
  /** Largest vocabulary, special tokens included (default 8000). */
  maxSize?: number;
  /** Words and characters seen fewer times are left out (default 2). */
  minFreq?: number;
  doLowerCase?: boolean;
}

export function buildWordPieceVocab(texts: Iterable<string>, opts: BuildVocabOptions = {}): string[] {
  const maxSize = opts.maxSize ?? 8000;
  const minFreq = opts.minFreq ?? 2;
  if (maxSize <= SPECIAL_TOKENS.length)
    throw new DistilleryError(
      'CONFIG',
      `vocabulary size must exceed the ${SPECIAL_TOKENS.length} special tokens, got ${maxSize}`,
    );
  const basic = new WordPieceTokenizer(SPECIAL_TOKENS, { doLowerCase: opts.doLowerCase ?? true });
  const words = new Map<string, number>();
  const chars = new Map<string, number>();
  const tails = new Map<string, number>();
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  for (const text of texts) {
    for (const w of basic.basicTokenize(text)) {
      const cs = Array.from(w);
      if (cs.length > 1) bump(words, w);
      bump(chars, cs[0]);
      for (let i = 1; i < cs.length; i++) bump(tails, `##${cs[i]}`);
    }
  }
  // Characters first (they keep every word tokenizable), then whole words, each by frequency.
  const byFreq = (m: Map<string, number>) =>
    [...m].filter(([, c]) => c >= minFreq).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const pieces = [...byFreq(chars), ...byFreq(tails)].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const vocab = [...SPECIAL_TOKENS];
  const seen = new Set(vocab);
  for (const [t] of [...pieces, ...byFreq(words)]) {
    if (vocab.length >= maxSize) break;
    if (!seen.has(t)) (seen.add(t), vocab.push(t));
  }
  if (vocab.length === SPECIAL_TOKENS.length)
    throw new DistilleryError(
      'INPUT_EMPTY',
      `no token occurs ${minFreq} or more times in the texts; nothing to build a vocabulary from`,
    );
  return vocab;
}
