/**
 * Task routing for a team (issue #10 item 3): which annotators a document goes to, by hashing alone,
 * so that every browser computes the same assignment without asking anyone.
 *
 * - A document is an overlap document when hash(docId) < overlap.fraction (a hash of its own seed,
 *   independent of the queue's random order). An overlap document goes to the k annotators with the
 *   highest weight(docId, name); any other document to the single highest (rendezvous, or
 *   highest-random-weight, hashing).
 * - Rendezvous hashing keeps assignments stable as the team changes: a newcomer takes exactly the
 *   documents where their weight is among the top k (an overlap document) or the top one (any other),
 *   each from the annotator they outrank; every other document keeps its annotators. A member who
 *   leaves hands on only their own documents, each to the next-highest weight. Names are compared
 *   trimmed and case-sensitively: "Ann" and "ann" are two people.
 * - k is capped by the number of annotators (k = 2 with one annotator routes everything to that one).
 * Pure: no project, queue or database here (renderer/queue/routed-queue.ts applies it to documents).
 */
import { DistilleryError } from './errors';
import { hashUnit } from './id-hash';
import { GOLD_DRAW_WHO, type LabelEvent } from './label-event';
import type { Principal } from './roles';

export interface OverlapSetting {
  /** Share of documents (0–1) that get k annotators; the rest get one. */
  fraction: number;
  /** Annotators per overlap document (2 or more). */
  k: number;
  /** An annotator does not see the others' labels on an overlap document until they labeled it. */
  blind: boolean;
  /**
   * The annotators to route among, as the owner listed them. Absent: the server's active annotators
   * (team.names, routingMembers) where it keeps a team, else whoever labeled in the project so far
   * (labels imported from a file included), plus the current annotator.
   */
  team?: string[];
}

export const OVERLAP_LIMITS = { fraction: { min: 0, max: 1 }, k: { min: 2, max: 10 } } as const;
export const OVERLAP_DEFAULT: OverlapSetting = { fraction: 0.2, k: 2, blind: false };

// Seeds of the two hashes: the overlap draw must not follow the random queue order (seed 0).
const OVERLAP_SEED = 0x6f766c70;
const WEIGHT_SEED = 0x72647677;

/** Whether a document is one of the overlap share (hash(docId) < fraction). */
export function isOverlapDoc(docId: string, fraction: number): boolean {
  return hashUnit(docId, OVERLAP_SEED) < fraction;
}

/** The rendezvous weight of an annotator for a document, in [0, 1). */
export function routeWeight(docId: string, who: string): number {
  // The separator keeps ("ab","c") and ("a","bc") apart.
  return hashUnit(`${docId}\u0000${who}`, WEIGHT_SEED);
}

/** How many annotators a document needs: k (capped by the team) for an overlap document, else 1. */
export function annotatorsNeeded(docId: string, team: readonly string[], overlap: OverlapSetting): number {
  if (!team.length) return 0;
  return isOverlapDoc(docId, overlap.fraction) ? Math.min(overlap.k, team.length) : 1;
}

/** The annotators a document is routed to, highest weight first. */
export function assignees(docId: string, team: readonly string[], overlap: OverlapSetting): string[] {
  const n = annotatorsNeeded(docId, team, overlap);
  return team
    .map((who) => ({ who, w: routeWeight(docId, who) }))
    .sort((a, b) => b.w - a.w || (a.who < b.who ? -1 : a.who > b.who ? 1 : 0))
    .slice(0, n)
    .map((x) => x.who);
}

/**
 * The team to route among, from whatever source names it (the team's member list, or the people who
 * labeled in the project so far), plus the current annotator: trimmed, distinct, sorted, without the
 * gold-set draw (no person).
 */
export function routingTeam(names: Iterable<string>, me?: string): string[] {
  const out = new Set<string>();
  for (const n of [...names, ...(me === undefined ? [] : [me])]) {
    const s = typeof n === 'string' ? n.trim() : '';
    if (s && s !== GOLD_DRAW_WHO) out.add(s);
  }
  return [...out].sort();
}

/**
 * The team to route among from the server's member list (`team.names`: active members only): its
 * annotators; a team without one routes among every member, so that some browser is offered the
 * work. The caller is not added: every browser must route alike, and a reviewer or owner who labels
 * is offered the annotators' open documents once they chose to go on (queue/routed-queue.ts 'others').
 */
export function routingMembers(members: readonly Pick<Principal, 'name' | 'role'>[]): string[] {
  const annotators = members.filter((m) => m.role === 'annotator');
  return routingTeam((annotators.length ? annotators : members).map((m) => m.name));
}

/** Who joined and who left between two routing teams (both as routingTeam gives them). */
export function teamChange(before: readonly string[], after: readonly string[]): { joined: string[]; left: string[] } {
  return { joined: after.filter((n) => !before.includes(n)), left: before.filter((n) => !after.includes(n)) };
}

/** The people who labeled in a project (a person's label, an accepted or corrected pre-label): until the team has a member list, its annotators. */
export function labelersOf(events: Iterable<Pick<LabelEvent, 'who' | 'action'>>): string[] {
  const out = new Set<string>();
  for (const e of events) if (e.action === 'label' || e.action === 'accept' || e.action === 'correct') out.add(e.who);
  return routingTeam(out);
}

/** Checks an overlap setting from a caller (project.json, projects.update); errors name the field. */
export function validateOverlap(o: unknown, field = 'overlap'): OverlapSetting {
  const bad = (f: string, why: string) =>
    new DistilleryError('CONFIG', `${field}.${f} ${why}`, { field: `${field}.${f}` });
  if (!o || typeof o !== 'object' || Array.isArray(o))
    throw new DistilleryError('CONFIG', `${field} must be an object {fraction, k, blind}`, { field });
  const { fraction, k, blind, team } = o as Record<string, unknown>;
  const F = OVERLAP_LIMITS.fraction;
  const K = OVERLAP_LIMITS.k;
  if (typeof fraction !== 'number' || !Number.isFinite(fraction) || fraction < F.min || fraction > F.max)
    throw bad('fraction', `must be a number from ${F.min} to ${F.max}, got ${JSON.stringify(fraction)}`);
  if (typeof k !== 'number' || !Number.isInteger(k) || k < K.min || k > K.max)
    throw bad('k', `must be a whole number from ${K.min} to ${K.max}, got ${JSON.stringify(k)}`);
  if (typeof blind !== 'boolean') throw bad('blind', `must be true or false, got ${JSON.stringify(blind)}`);
  if (team === undefined || team === null) return { fraction, k, blind };
  if (!Array.isArray(team) || team.length > 1000) throw bad('team', 'must be a list of at most 1000 names');
  team.forEach((n, i) => {
    if (typeof n !== 'string' || !n.trim() || n.length > 200)
      throw new DistilleryError(
        'CONFIG',
        `${field}.team[${i}] must be a name (1 to 200 characters), got ${JSON.stringify(n)}`,
        { field: `${field}.team[${i}]` },
      );
  });
  const names = routingTeam(team as string[]);
  return { fraction, k, blind, ...(names.length ? { team: names } : {}) };
}
