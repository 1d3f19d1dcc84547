/**
 * Token ↔ id mapping. Ids 0 and 1 are reserved: PAD (post-padding, masked by the models) and
 * UNK (tokens outside the vocabulary). The order is deterministic so that the same corpus always
 * gives the same ids, which keeps exported models and cached teacher outputs comparable.
 */
import { DistilleryError } from '../../shared/errors';

export interface VocabBuildOptions {
  /** Keep tokens seen at least this many times. Default 1. */
  minCount?: number;
  /** Total size including PAD and UNK (= embedding rows). Default 50000. */
  maxSize?: number;
}

export interface VocabJSON {
  /** tokens[id]; tokens[0] = '<pad>', tokens[1] = '<unk>'. */
  tokens: string[];
  /** Training-corpus frequency per id (0 for PAD and UNK); kept for model cards and stats. */
  counts: number[];
}

export class Vocabulary {
  static readonly PAD = 0;
  static readonly UNK = 1;
  static readonly PAD_TOKEN = '<pad>';
  static readonly UNK_TOKEN = '<unk>';

  private readonly index = new Map<string, number>();

  private constructor(
    private readonly tokens: readonly string[],
    private readonly counts: readonly number[],
  ) {
    tokens.forEach((t, i) => {
      if (this.index.has(t)) {
        throw new DistilleryError('MODEL_FOLDER', `vocabulary has a duplicate token: ${t}`);
      }
      this.index.set(t, i);
    });
  }

  /**
   * Orders tokens by frequency (descending); equal counts by first occurrence in the input,
   * which is unique per token, so the order is total and depends only on the input sequence.
   */
  static build(tokenLists: Iterable<string[]>, opts: VocabBuildOptions = {}): Vocabulary {
    const minCount = opts.minCount ?? 1;
    const maxSize = opts.maxSize ?? 50000;
    if (!Number.isInteger(minCount) || minCount < 1) {
      throw new DistilleryError('CONFIG', `minCount must be an integer ≥ 1, got ${minCount}`, {
        field: 'minCount',
      });
    }
    if (!Number.isInteger(maxSize) || maxSize < 2) {
      throw new DistilleryError('CONFIG', `maxSize must be an integer ≥ 2, got ${maxSize}`, {
        field: 'maxSize',
      });
    }
    // Map iteration order is insertion order = first occurrence.
    const freq = new Map<string, number>();
    for (const list of tokenLists) {
      for (const t of list) {
        if (t === '' || t === Vocabulary.PAD_TOKEN || t === Vocabulary.UNK_TOKEN) continue;
        freq.set(t, (freq.get(t) ?? 0) + 1);
      }
    }
    const entries = [...freq.entries()]
      .map(([token, count], first) => ({ token, count, first }))
      .filter((e) => e.count >= minCount);
    entries.sort((a, b) => b.count - a.count || a.first - b.first);
    const kept = entries.slice(0, maxSize - 2);
    return new Vocabulary(
      [Vocabulary.PAD_TOKEN, Vocabulary.UNK_TOKEN, ...kept.map((e) => e.token)],
      [0, 0, ...kept.map((e) => e.count)],
    );
  }

  get size(): number {
    return this.tokens.length;
  }

  /** The id of a token; UNK for tokens outside the vocabulary. */
  id(token: string): number {
    return this.index.get(token) ?? Vocabulary.UNK;
  }

  has(token: string): boolean {
    return this.index.has(token);
  }

  token(id: number): string {
    const t = this.tokens[id];
    if (t === undefined) throw new RangeError(`token id ${id} outside vocabulary of ${this.size}`);
    return t;
  }

  count(id: number): number {
    return this.counts[id] ?? 0;
  }

  toJSON(): VocabJSON {
    return { tokens: [...this.tokens], counts: [...this.counts] };
  }

  static fromJSON(json: unknown): Vocabulary {
    const j = json as Partial<VocabJSON> | null;
    const bad = (why: string) => new DistilleryError('MODEL_FOLDER', `invalid vocabulary: ${why}`);
    if (!j || !Array.isArray(j.tokens) || !j.tokens.every((t) => typeof t === 'string')) {
      throw bad('tokens must be an array of strings');
    }
    if (j.tokens[0] !== Vocabulary.PAD_TOKEN || j.tokens[1] !== Vocabulary.UNK_TOKEN) {
      throw bad(`ids 0 and 1 must be ${Vocabulary.PAD_TOKEN} and ${Vocabulary.UNK_TOKEN}`);
    }
    const counts = j.counts ?? j.tokens.map(() => 0);
    if (!Array.isArray(counts) || counts.length !== j.tokens.length) {
      throw bad('counts must have one entry per token');
    }
    return new Vocabulary(j.tokens, counts);
  }
}
