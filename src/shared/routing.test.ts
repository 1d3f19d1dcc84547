import { describe, expect, it } from 'vitest';
import { DistilleryError } from './errors';
import {
  assignees,
  isOverlapDoc,
  labelersOf,
  routingMembers,
  routingTeam,
  teamChange,
  validateOverlap,
  type OverlapSetting,
} from './routing';

const DOCS = Array.from({ length: 1000 }, (_, i) => `doc-${i + 1}`);
const TEAM = ['ann', 'bo', 'cy'];
const O: OverlapSetting = { fraction: 0.2, k: 2, blind: false };

describe('routing: 1,000 documents, 3 annotators, 20 % × 2', () => {
  const routed = DOCS.map((id) => ({ id, overlap: isOverlapDoc(id, O.fraction), to: assignees(id, TEAM, O) }));

  it('about 20 % are overlap documents (within ±0.04)', () => {
    const share = routed.filter((r) => r.overlap).length / DOCS.length;
    expect(Math.abs(share - 0.2)).toBeLessThanOrEqual(0.04);
  });

  it('every overlap document has exactly 2 distinct assignees, every other one exactly 1', () => {
    for (const r of routed) {
      expect(new Set(r.to).size, r.id).toBe(r.overlap ? 2 : 1);
      expect(r.to.length).toBe(new Set(r.to).size);
      for (const w of r.to) expect(TEAM).toContain(w);
    }
  });

  it('each annotator gets a fair share of the assignments (±15 %)', () => {
    const total = routed.reduce((s, r) => s + r.to.length, 0);
    for (const who of TEAM) {
      const mine = routed.filter((r) => r.to.includes(who)).length;
      expect(Math.abs(mine - total / 3) / (total / 3), who).toBeLessThanOrEqual(0.15);
    }
  });

  it('is deterministic and does not depend on the order of the team', () => {
    for (const r of routed.slice(0, 100)) expect(assignees(r.id, [...TEAM].reverse(), O)).toEqual(r.to);
  });

  it('a 4th annotator moves only the documents the newcomer now holds', () => {
    let moved = 0;
    for (const r of routed) {
      const after = assignees(r.id, [...TEAM, 'dee'], O);
      expect(after.length).toBe(r.to.length);
      if (after.join() === r.to.join()) continue;
      moved++;
      expect(after, r.id).toContain('dee');
      // The others stay in the order of their weights; only the one the newcomer outranked at the end leaves.
      expect(after.filter((w) => w !== 'dee')).toEqual(r.to.slice(0, r.to.length - 1));
    }
    // The newcomer takes about a quarter of the documents, no more.
    expect(moved / DOCS.length).toBeGreaterThan(0.15);
    expect(moved / DOCS.length).toBeLessThan(0.4);
  });
});

describe('routing edge cases', () => {
  it('k is capped by the team: one annotator gets everything, overlap or not', () => {
    for (const id of DOCS.slice(0, 50)) expect(assignees(id, ['solo'], O)).toEqual(['solo']);
  });

  it('nobody to route to: no assignees', () => {
    expect(assignees('d1', [], O)).toEqual([]);
  });

  it('fraction 0: no overlap; fraction 1: every document to k annotators', () => {
    expect(DOCS.some((id) => isOverlapDoc(id, 0))).toBe(false);
    expect(DOCS.every((id) => assignees(id, TEAM, { ...O, fraction: 1 }).length === 2)).toBe(true);
  });

  it('the team: trimmed, distinct, sorted, with the current annotator and without the gold-set draw', () => {
    expect(routingTeam([' bo', 'ann', 'bo', '', 'gold-set draw'], 'cy')).toEqual(['ann', 'bo', 'cy']);
    expect(
      labelersOf([
        { who: 'bo', action: 'label' },
        { who: 'ann', action: 'accept' },
        { who: 'x', action: 'skip' },
        { who: 'gold-set draw', action: 'gold' },
      ]),
    ).toEqual(['ann', 'bo']);
  });

  it('a bad setting is a CONFIG error naming its field', () => {
    expect(validateOverlap({ fraction: 0.2, k: 2, blind: true })).toEqual({ fraction: 0.2, k: 2, blind: true });
    const field = (o: unknown) => {
      try {
        validateOverlap(o);
      } catch (e) {
        expect(e).toBeInstanceOf(DistilleryError);
        return (e as DistilleryError).details?.field;
      }
      return 'accepted';
    };
    expect(field({ fraction: 1.5, k: 2, blind: false })).toBe('overlap.fraction');
    expect(field({ fraction: 0.2, k: 1, blind: false })).toBe('overlap.k');
    expect(field({ fraction: 0.2, k: 2.5, blind: false })).toBe('overlap.k');
    expect(field({ fraction: 0.2, k: 2, blind: 'yes' })).toBe('overlap.blind');
    expect(field(null)).toBe('overlap');
    expect(field({ fraction: 0.2, k: 2, blind: false, team: ['ann', ' '] })).toBe('overlap.team[1]');
    expect(field({ fraction: 0.2, k: 2, blind: false, team: 'ann' })).toBe('overlap.team');
  });

  it('the owner’s annotator list is kept trimmed, distinct and sorted; an empty one means none', () => {
    expect(validateOverlap({ fraction: 0.2, k: 2, blind: false, team: [' bo', 'ann', 'bo'] }).team).toEqual([
      'ann',
      'bo',
    ]);
    expect(validateOverlap({ fraction: 0.2, k: 2, blind: false, team: [] }).team).toBeUndefined();
  });

  it('the server’s member list routes among its annotators, sorted; a team without annotators among every member', () => {
    const members = [
      { name: 'olga', role: 'owner' as const },
      { name: 'bo', role: 'annotator' as const },
      { name: 'rita', role: 'reviewer' as const },
      { name: ' ann', role: 'annotator' as const },
    ];
    expect(routingMembers(members)).toEqual(['ann', 'bo']);
    expect(routingMembers([...members].reverse())).toEqual(['ann', 'bo']);
    expect(routingMembers(members.filter((m) => m.role !== 'annotator'))).toEqual(['olga', 'rita']);
    expect(routingMembers([])).toEqual([]);
  });

  it('a team change names who joined and who left', () => {
    expect(teamChange(['ann', 'bo'], ['ann', 'cy'])).toEqual({ joined: ['cy'], left: ['bo'] });
    expect(teamChange(['ann'], ['ann'])).toEqual({ joined: [], left: [] });
  });

  it('a revoked member’s documents go to the others; every other document keeps its annotators', () => {
    const before = ['ann', 'bo', 'cy'];
    const after = ['ann', 'cy'];
    for (const id of DOCS) {
      const was = assignees(id, before, O);
      const now = assignees(id, after, O);
      if (!was.includes('bo')) expect(now, id).toEqual(was);
      else for (const w of was.filter((x) => x !== 'bo')) expect(now, id).toContain(w);
      expect(now).not.toContain('bo');
    }
  });
});
