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

/**
 * Per-source α of distillation (issue 12 item 2): the weight of the teacher's soft target (KL, or BCE
 * against the teacher's probabilities) on rows whose label came from that source, 1 − α the weight
 * of their hard label (times the source weight). An accepted model pre-label is the model's own
 * guess, so by default it contributes only the teacher's soft target, never a hard term; every other
 * source takes the run's global α unless set. Only distillation has a teacher: a run without
 * teacher outputs trains every row on its hard label × source weight, as before.
 */
export const DEFAULT_SOURCE_ALPHA: Readonly<Partial<Record<LabelOrigin, number>>> = { teacher: 1, student: 1 };
/** Per-source α is a weight in [0, 1]. */
export const SOURCE_ALPHA_MAX = 1;
/** Per-source loss weights go up to this (a source may count several times a person's label). */
export const SOURCE_WEIGHT_MAX = 100;

/** The α of a label from `source`: the given α, else the default for that source, else the run's global α. */
export function alphaOf(source: string | undefined, alphas: SourceWeights | undefined, globalAlpha: number): number {
  const s = source ?? 'human';
  return alphas?.[s] ?? (DEFAULT_SOURCE_ALPHA as Record<string, number>)[s] ?? globalAlpha;
}

/** Why a weights object (max 100) or a per-source α object (max 1) is unusable (names the source), or null. */
export function whyBadSourceWeights(w: unknown, max = SOURCE_WEIGHT_MAX): string | null {
  const what = max === SOURCE_ALPHA_MAX ? 'α' : 'weight';
  if (w === null || typeof w !== 'object' || Array.isArray(w)) return `expected an object of source → ${what}`;
  for (const [k, v] of Object.entries(w as Record<string, unknown>)) {
    if (!k.trim()) return 'a source name is empty';
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > max)
      return `${what} of "${k}" must be a number in [0, ${max}], got ${JSON.stringify(v)}`;
  }
  return null;
}

/**
 * "human=1,teacher=0.5" → { human: 1, teacher: 0.5 }; throws an Error naming the bad pair. `max` 1
 * reads per-source α ("teacher=1,rule=0.9").
 */
export function parseSourceWeights(text: string, max = SOURCE_WEIGHT_MAX): SourceWeights {
  const alpha = max === SOURCE_ALPHA_MAX;
  const out: SourceWeights = {};
  for (const part of text.split(',')) {
    const p = part.trim();
    if (!p) continue;
    const m = /^([^=\s]+)\s*=\s*(\S+)$/.exec(p);
    const v = m ? Number(m[2]) : NaN;
    if (!m || !Number.isFinite(v) || v < 0 || v > max) {
      throw new Error(
        alpha
          ? `source α "${p}": expected source=α with α in [0, ${max}], e.g. teacher=1,rule=0.9`
          : `source weight "${p}": expected source=weight with a weight in [0, ${max}], e.g. human=1,teacher=0.5`,
      );
    }
    out[m[1]] = v;
  }
  return out;
}
