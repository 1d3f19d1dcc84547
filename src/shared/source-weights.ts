/**
 * Per-source weights of labels in training (issue 12 item 2): a label a person made counts fully; a
 * pre-label someone accepted without looking closely counts half (it is the model's own guess); a
 * rule's label counts little. Shared by the UI (Train view), the CLI (--source-weights) and the worker.
 */

/** Where a label came from. 'teacher' / 'student': a model's pre-label, accepted as it was. */
export const LABEL_ORIGINS = ['human', 'corrected', 'imported', 'teacher', 'student', 'rule'] as const;
export type LabelOrigin = (typeof LABEL_ORIGINS)[number];

export type SourceWeights = Record<string, number>;

export const DEFAULT_SOURCE_WEIGHTS: Readonly<Record<LabelOrigin, number>> = {
  human: 1,
  corrected: 1,
  imported: 1,
  teacher: 0.5,
  student: 0.5,
  rule: 0.3,
};

/** The weight of a label from `source`: the given weights, else the default, else 1 (an unknown source counts as a person's). */
export function weightOf(source: string | undefined, weights: SourceWeights | undefined): number {
  const s = source ?? 'human';
  return weights?.[s] ?? (DEFAULT_SOURCE_WEIGHTS as Record<string, number>)[s] ?? 1;
}

/** Why a weights object is unusable (names the source), or null. */
export function whyBadSourceWeights(w: unknown): string | null {
  if (w === null || typeof w !== 'object' || Array.isArray(w)) return 'expected an object of source → weight';
  for (const [k, v] of Object.entries(w as Record<string, unknown>)) {
    if (!k.trim()) return 'a source name is empty';
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 100) return `weight of "${k}" must be a number in [0, 100], got ${JSON.stringify(v)}`;
  }
  return null;
}

/** "human=1,teacher=0.5" → { human: 1, teacher: 0.5 }; throws an Error naming the bad pair. */
export function parseSourceWeights(text: string): SourceWeights {
  const out: SourceWeights = {};
  for (const part of text.split(',')) {
    const p = part.trim();
    if (!p) continue;
    const m = /^([^=\s]+)\s*=\s*(\S+)$/.exec(p);
    const v = m ? Number(m[2]) : NaN;
    if (!m || !Number.isFinite(v) || v < 0 || v > 100) throw new Error(`source weight "${p}": expected source=weight with a weight in [0, 100], e.g. human=1,teacher=0.5`);
    out[m[1]] = v;
  }
  return out;
}
