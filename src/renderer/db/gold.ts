/**
 * The project's fixed gold set (issue 12 item 1), as pure functions: which documents are gold, which
 * labels are a person's, and how the set grows. Drawn from HUMAN labels only, stratified by label set,
 * `fraction` of them (capped); it only ever grows — a document once drawn stays gold unless a person
 * takes it out (gold = 0, never drawn again), so no metric is silently re-based on a new test set.
 * Within a stratum candidates are taken in a fixed hash order of their ids, so the draw does not
 * depend on when it runs: new labels join the set at the same rate as they arrive.
 */
import type { LabelOrigin } from '../../shared/source-weights';
import type { DocRow } from './types';

export interface GoldSettings {
  /** Share of human-labeled documents held out, in (0, 0.5]. */
  fraction: number;
  /** The draw stops adding once the set holds this many documents (those added by hand count too). */
  cap: number;
}

export const GOLD_DEFAULTS: GoldSettings = { fraction: 0.1, cap: 500 };

export type GoldDoc = Pick<DocRow, 'id' | 'labels' | 'source' | 'gold' | 'labelVia'>;

/** Where a document's label came from, in the words the training weights use (shared/source-weights.ts). */
export function labelOrigin(d: Pick<DocRow, 'source' | 'labelVia'>): LabelOrigin {
  const s = d.source ?? 'human';
  if (s !== 'human') return s;
  return d.labelVia === 'import' ? 'imported' : d.labelVia === 'correct' ? 'corrected' : 'human';
}

/** A label a person gave (typed, corrected or imported) — never a model's or a rule's. */
export function isHumanLabeled(d: Pick<DocRow, 'labels' | 'source'>): boolean {
  return d.labels.length > 0 && (d.source ?? 'human') === 'human';
}

/** In the gold set as a job uses it: flagged and still carrying a person's label. */
export function inGold(d: Pick<DocRow, 'labels' | 'source' | 'gold'>): boolean {
  return d.gold === 1 && isHumanLabeled(d);
}

/** FNV-1a of the id: a fixed, well-spread order that does not depend on insertion order. */
function idHash(seed: string, id: string): number {
  let h = 0x811c9dc5;
  const s = `${seed}\u0000${id}`;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * Ids to add to the gold set now: per stratum (label set), enough human-labeled documents that the
 * stratum's gold count reaches round(fraction × its human labels), without passing `cap` drawn documents
 * overall. Documents already gold or taken out by a person (gold = 0) are never candidates.
 */
export function goldAdditions(docs: readonly GoldDoc[], s: GoldSettings, seed: string): string[] {
  const strata = new Map<string, { human: number; gold: number; candidates: GoldDoc[] }>();
  let drawn = 0;
  for (const d of docs) {
    if (!isHumanLabeled(d)) continue;
    const key = [...d.labels].sort().join('\u0001');
    let st = strata.get(key);
    if (!st) strata.set(key, (st = { human: 0, gold: 0, candidates: [] }));
    st.human++;
    if (d.gold === 1) {
      st.gold++;
      drawn++;
    } else if (d.gold === undefined) st.candidates.push(d);
  }
  const wants: { need: number; candidates: GoldDoc[] }[] = [];
  for (const st of strata.values()) {
    const need = Math.min(Math.round(s.fraction * st.human) - st.gold, st.candidates.length);
    if (need > 0)
      wants.push({
        need,
        candidates: st.candidates.sort((a, b) => idHash(seed, a.id) - idHash(seed, b.id) || (a.id < b.id ? -1 : 1)),
      });
  }
  // Under the cap, strata take turns so that a cap never starves a class.
  const out: string[] = [];
  let room = Math.max(0, s.cap - drawn);
  for (let round = 0; room > 0; round++) {
    let took = false;
    for (const w of wants) {
      if (round < w.need && room > 0) {
        out.push(w.candidates[round].id);
        room--;
        took = true;
      }
    }
    if (!took) break;
  }
  return out;
}

/** "40 gold, human" style summary of a test set: its size and the label origins it holds. */
export function testSetSummary(docs: readonly Pick<DocRow, 'source' | 'labelVia'>[]): {
  n: number;
  origins: LabelOrigin[];
} {
  const origins = new Set<LabelOrigin>();
  for (const d of docs) origins.add(labelOrigin(d));
  return { n: docs.length, origins: [...origins].sort() };
}

/** Why a fraction the user typed is unusable, or null. */
export function whyBadGoldFraction(x: number): string | null {
  return Number.isFinite(x) && x > 0 && x <= 0.5 ? null : `gold fraction must be in (0, 0.5], got ${x}`;
}
