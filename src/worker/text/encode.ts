/**
 * Fixed-length id sequences for the student models: length chosen at a percentile of the
 * training lengths (digest C: "pad to a high percentile rather than the maximum"), long texts
 * truncated (head, tail, or head + tail as for long-text BERT classification), and short ones
 * POST-padded with PAD = 0, so real tokens always start at position 0 and a mask is `id !== 0`.
 */
import { DistilleryError } from '../../shared/errors';
import { Vocabulary } from './vocab';

export type Truncation = 'head' | 'tail' | 'head+tail';
export const TRUNCATIONS: readonly Truncation[] = ['head', 'tail', 'head+tail'];

/**
 * Default share of maxLen kept from the start in 'head+tail' mode. Sun et al. ("How to fine-tune
 * BERT for text classification") found head 128 + tail 382 best for 512 tokens, i.e. the head
 * takes about a quarter and the end of a text (where reviews tend to conclude) the rest.
 */
export const DEFAULT_HEAD_SHARE = 0.25;

/**
 * The p-th percentile (0 < p ≤ 100) by the nearest-rank method: the smallest observed length
 * such that at least p% of the lengths are ≤ it. Always one of the inputs; 0 for no input.
 */
export function lengthAtPercentile(lengths: readonly number[], p: number): number {
  if (!(p > 0 && p <= 100)) {
    throw new DistilleryError('CONFIG', `percentile must be in (0, 100], got ${p}`, {
      field: 'lengthPercentile',
    });
  }
  if (lengths.length === 0) return 0;
  const sorted = Float64Array.from(lengths).sort();
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.max(rank, 1) - 1]!;
}

/**
 * Cuts a token list to at most maxLen tokens. 'head+tail' keeps the first ⌈maxLen·headShare⌉
 * tokens and the last maxLen − that many.
 */
export function truncate<T>(
  tokens: readonly T[],
  maxLen: number,
  mode: Truncation,
  headShare: number = DEFAULT_HEAD_SHARE,
): T[] {
  if (tokens.length <= maxLen) return tokens.slice();
  if (maxLen <= 0) return [];
  switch (mode) {
    case 'head':
      return tokens.slice(0, maxLen);
    case 'tail':
      return tokens.slice(tokens.length - maxLen);
    case 'head+tail': {
      const head = Math.min(maxLen, Math.max(0, Math.ceil(maxLen * headShare)));
      return tokens.slice(0, head).concat(tokens.slice(tokens.length - (maxLen - head)));
    }
    default:
      throw new DistilleryError('CONFIG', `unknown truncation: ${String(mode)}`, {
        field: 'truncation',
      });
  }
}

/**
 * Ids of the (truncated) tokens, POST-padded with PAD to exactly maxLen. A token that maps to
 * PAD (only a literal '<pad>' could) is written as UNK, so that 0 only ever means padding.
 */
export function encodeIds(
  tokens: readonly string[],
  vocab: Vocabulary,
  maxLen: number,
  truncation: Truncation,
  headShare: number = DEFAULT_HEAD_SHARE,
  out: Int32Array = new Int32Array(maxLen),
): Int32Array {
  const kept = truncate(tokens, maxLen, truncation, headShare);
  out.fill(Vocabulary.PAD);
  for (let i = 0; i < kept.length; i++) {
    const id = vocab.id(kept[i]!);
    out[i] = id === Vocabulary.PAD ? Vocabulary.UNK : id;
  }
  return out;
}
